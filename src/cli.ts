/**
 * The command line: argv → options → run(). No logic lives here.
 *
 * Exit codes: 0 success (diff: nothing would change); 1 diff: something would
 * change, analyze --fail-on: a finding at or above the level; 2 some file failed
 * (unreadable, undecodable, unparsable, or a pass was reverted); 3 the run could
 * not start (bad arguments, refused paths).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import yargs from 'yargs';
import { colorize } from './core/diff';
import { DEFAULT_MAX_FILE_SIZE, type EngineOptions } from './runner/convert-file';
import { selectPassIds, UsageError } from './runner/passes';
import { REPORT_DIR_NAME, filesCsv, manualCsv, summaryText, writeReportFiles, writeReports } from './runner/reports';
import { analysisReportMakers, analysisSummaryText, failsOn, type AnalysisMeta } from './analysis/reports';
import { SEVERITIES, type Severity } from './analysis/types';
import type { RunResult } from './runner/run';
import { hasFailures, planRun, executeRun, type RunMode } from './runner/run';
import { isWithin } from './runner/files';
import { resolveJobs } from './runner/pool';
import { Progress, type ProgressOptions } from './runner/progress';
import { PASSES } from '../transforms';
import { VERSION } from './version';

export const EXIT = { ok: 0, wouldChange: 1, findings: 1, failures: 2, usage: 3 } as const;

/** Default report folder of `analyze`: beside the source, never inside it. */
export const ANALYSIS_DIR_SUFFIX = '_npu-analysis';

interface CommonArgs {
  only?: string[];
  skip?: string[];
  unsafe?: boolean;
  'transfer-to-npu'?: boolean;
  'max-file-size'?: string;
  quiet?: boolean;
  jobs?: number;
}

export interface Io {
  stdout: (s: string | Uint8Array) => void;
  stderr: (s: string) => void;
  isTTY: boolean;
  /** Where and how the progress bar is drawn (only on a terminal, see runner/progress.ts); none: no bar. */
  progress?: Omit<ProgressOptions, 'quiet'>;
}

const processIo: Io = {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  isTTY: process.stdout.isTTY === true,
  progress: { stream: process.stderr },
};

export async function main(argv: string[], io: Io = processIo): Promise<number> {
  let code: number = EXIT.ok;
  const fail = (msg: string) => {
    io.stderr(`ascendify: ${msg}\n`);
    code = EXIT.usage;
  };
  try {
    await yargs(argv)
      .scriptName('ascendify')
      .usage('$0 <command> [options]\n\nMigrate CUDA PyTorch code to Huawei Ascend NPUs (torch_npu).')
      .option('only', { type: 'string', array: true, describe: 'run only these passes (ids, comma-separated or repeated)' })
      .option('skip', { type: 'string', array: true, describe: 'do not run these passes' })
      .option('unsafe', { type: 'boolean', default: false, describe: 'also apply fixes marked unsafe (they are always listed)' })
      .option('transfer-to-npu', {
        type: 'boolean',
        default: false,
        describe: 'also add `from torch_npu.contrib import transfer_to_npu` to entry files',
      })
      .option('max-file-size', { type: 'string', describe: 'copy larger Python files unchanged (e.g. 512K, 10M)', default: '10M' })
      .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'print no summary and no progress bar' })
      .option('jobs', {
        alias: 'j',
        type: 'number',
        describe: 'convert on this many threads (default: one per core; small repositories run on one)',
      })
      .command(
        'convert <src>',
        'convert a repository or file into a new tree (the source is never written)',
        (y) =>
          y
            .positional('src', { type: 'string', demandOption: true, describe: 'repository directory or .py file' })
            .option('output', { alias: 'o', type: 'string', describe: 'output path (default: <src>_npu beside the source)' })
            .option('report-dir', { type: 'string', describe: `report folder (default: <output>/${REPORT_DIR_NAME})` })
            .option('force', { type: 'boolean', default: false, describe: 'write into an existing, non-empty output' })
            .option('in-place', { type: 'boolean', default: false, describe: 'rewrite the source files themselves (atomic writes)' }),
        async (args) => {
          code = await runCommand(args.inPlace ? 'in-place' : 'convert', args.src, args, io, {
            out: args.output,
            reportDir: args['report-dir'],
            force: args.force,
          });
        },
      )
      .command(
        'diff <src>',
        'preview: print the unified diff of the conversion and write nothing (exit 1 when something would change)',
        (y) =>
          y
            .positional('src', { type: 'string', demandOption: true })
            .option('color', { type: 'boolean', describe: 'colour the diff (default: when stdout is a terminal)' }),
        async (args) => {
          code = await runCommand('diff', args.src, args, io, { color: args.color });
        },
      )
      .command(
        'analyze <src>',
        'report what the conversion cannot do automatically (unsupported APIs, custom CUDA code, dependencies, scripts, advice); converts and writes nothing else',
        (y) =>
          y
            .positional('src', { type: 'string', demandOption: true, describe: 'repository directory or file' })
            .option('report-dir', {
              type: 'string',
              describe: `report folder (default: <src>${ANALYSIS_DIR_SUFFIX} beside the source; a folder inside the source is left out of the analysis)`,
            })
            .option('fail-on', {
              type: 'string',
              choices: [...SEVERITIES, 'none'],
              default: 'none',
              describe: 'exit 1 when a finding at or above this level exists (CI gate)',
            }),
        async (args) => {
          if (code === EXIT.usage) return; // an invalid --fail-on was reported; yargs still calls the handler
          code = await analyzeCommand(args.src, args, io, { reportDir: args['report-dir'], failOn: args['fail-on'] as Severity | 'none' });
        },
      )
      .command('passes', 'list the passes with their id, levels and summary', {}, () => {
        const width = Math.max(...PASSES.map((p) => p.id.length));
        for (const p of PASSES) io.stdout(`${p.id.padEnd(width)}  ${p.levels.join(',').padEnd(18)}  ${p.summary}\n`);
      })
      .demandCommand(1, 'choose a command: convert, diff, analyze or passes')
      .strict()
      .version(VERSION)
      .help()
      .wrap(Math.min(110, process.stdout.columns || 100))
      .fail((msg, err) => {
        if (err) throw err;
        fail(msg);
      })
      .exitProcess(false)
      .parseAsync();
  } catch (e) {
    if (e instanceof UsageError) fail(e.message);
    else throw e;
  }
  return code;
}

/** The engine options every converting command reads from its arguments. */
function engineOptions(args: CommonArgs, analysis: boolean): EngineOptions {
  return {
    passIds: selectPassIds(args.only, args.skip),
    unsafe: args.unsafe === true,
    transferToNpu: args['transfer-to-npu'] === true,
    maxFileSize: parseSize(args['max-file-size']),
    analysis,
  };
}

/** --jobs and the progress bar, common to every command that converts. */
function runControls(args: CommonArgs, io: Io): { jobs: number; progress?: Progress; onProgress?: (done: number, total: number) => void } {
  let jobs: number;
  try {
    jobs = resolveJobs(args.jobs);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (!io.progress) return { jobs };
  const progress = new Progress({ ...io.progress, quiet: args.quiet });
  return progress.enabled ? { jobs, progress, onProgress: (d, t) => progress.update(d, t) } : { jobs };
}

async function runCommand(
  mode: RunMode,
  src: string,
  args: CommonArgs,
  io: Io,
  extra: { out?: string; reportDir?: string; force?: boolean; color?: boolean },
): Promise<number> {
  const engine = engineOptions(args, mode !== 'diff');
  const { jobs, progress, onProgress } = runControls(args, io);
  const req = { src, mode, out: extra.out, force: extra.force, engine, jobs, onProgress };
  const plan = planRun(req);
  const reportDir = mode === 'diff' ? undefined : resolveReportDir(mode, plan.src, plan.out, plan.singleFile, extra.reportDir);
  const result = await executeRun(req, plan).finally(() => progress?.finish());

  if (mode === 'diff') {
    const color = extra.color ?? (io.isTTY && !process.env.NO_COLOR);
    // bytes: a file's diff is in its own codec (see RunResult.patch); colours go in as latin1, byte for byte
    io.stdout(color ? Buffer.from(colorize(result.patch.toString('latin1')), 'latin1') : result.patch);
    if (!args.quiet) io.stderr(summaryText(result, `ascendify diff ${src} (nothing written)`));
    if (hasFailures(result)) return EXIT.failures;
    return result.patch.length > 0 ? EXIT.wouldChange : EXIT.ok;
  }
  const title = mode === 'in-place' ? `ascendify convert --in-place ${src}` : `ascendify convert ${src} -> ${result.out}`;
  const summary = summaryText(result, title, reportDir);
  writeReports(reportDir!, result, VERSION, summary);
  writeReportFiles(reportDir!, analysisReportMakers(result.findings, analysisMeta(result)));
  if (!args.quiet) io.stdout(summary);
  return hasFailures(result) ? EXIT.failures : EXIT.ok;
}

function analysisMeta(result: RunResult): AnalysisMeta {
  return {
    name: path.basename(result.src),
    version: VERSION,
    pythonFiles: result.counts.scanned,
    otherFiles: result.analysedOther,
    failedFiles: result.files.filter((f) => f.status === 'failed').length,
  };
}

/** `analyze`: run the passes in memory (for what they leave), analyse every file, write the reports only. */
async function analyzeCommand(src: string, args: CommonArgs, io: Io, extra: { reportDir?: string; failOn: Severity | 'none' }): Promise<number> {
  const engine = engineOptions(args, true);
  let real = path.resolve(src);
  try {
    real = fs.realpathSync(src);
  } catch {
    // planRun reports it
  }
  const singleFile = fs.existsSync(real) && fs.statSync(real).isFile();
  const reportDir = extra.reportDir ? path.resolve(extra.reportDir) : defaultAnalysisDir(src, singleFile);
  const inside = !singleFile && (isWithin(reportDir, real) || isWithin(reportDir, path.resolve(src)));
  if (inside && (reportDir === real || reportDir === path.resolve(src))) {
    throw new UsageError(`report folder ${reportDir} is the source itself; choose another`);
  }
  // A report folder the user put inside the source is left out of the analysis.
  const skipDirs = inside ? [reportDir, path.join(real, path.relative(path.resolve(src), reportDir))] : [];
  const { jobs, progress, onProgress } = runControls(args, io);
  const req = { src, mode: 'analyze' as const, engine, skipDirs, jobs, onProgress };
  const result = await executeRun(req, planRun(req)).finally(() => progress?.finish());
  const meta = analysisMeta(result);
  const summary = analysisSummaryText(result.findings, meta, `ascendify analyze ${src} (nothing converted)`, reportDir);
  writeReportFiles(reportDir, { ...analysisReportMakers(result.findings, meta), 'manual_changes.csv': () => manualCsv(result), 'files.csv': () => filesCsv(result) });
  if (!args.quiet) io.stdout(summary);
  if (hasFailures(result)) return EXIT.failures;
  return extra.failOn !== 'none' && failsOn(result.findings, extra.failOn) ? EXIT.findings : EXIT.ok;
}

export function defaultAnalysisDir(src: string, singleFile: boolean): string {
  const resolved = path.resolve(src).replace(/[\\/]+$/, '');
  if (!singleFile) return `${resolved}${ANALYSIS_DIR_SUFFIX}`;
  const ext = path.extname(resolved);
  return path.join(path.dirname(resolved), `${path.basename(resolved, ext)}${ANALYSIS_DIR_SUFFIX}`);
}

function resolveReportDir(mode: RunMode, src: string, out: string | undefined, singleFile: boolean, given?: string): string {
  if (given) {
    const dir = path.resolve(given);
    if (mode !== 'in-place' && isWithin(dir, src)) throw new UsageError(`report folder ${dir} is inside the source; choose one outside it`);
    return dir;
  }
  if (mode === 'in-place') return path.join(singleFile ? path.dirname(src) : src, REPORT_DIR_NAME);
  if (singleFile) {
    const ext = path.extname(out!);
    return path.join(path.dirname(out!), `${path.basename(out!, ext)}.${REPORT_DIR_NAME}`);
  }
  return path.join(out!, REPORT_DIR_NAME);
}

export function parseSize(s: string | undefined): number {
  if (s === undefined) return DEFAULT_MAX_FILE_SIZE;
  const m = /^(\d+(?:\.\d+)?)\s*([kmg]?)i?b?$/i.exec(s.trim());
  if (!m) throw new UsageError(`--max-file-size: cannot read "${s}" (examples: 524288, 512K, 10M)`);
  const mult = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2].toLowerCase() as '' | 'k' | 'm' | 'g'];
  return Math.floor(Number(m[1]) * mult);
}
