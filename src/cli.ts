/**
 * The command line: argv → options → run(). No logic lives here.
 *
 * Exit codes: 0 success (diff: nothing would change); 1 diff: something would
 * change, analyze --fail-on: a finding at or above the level, verify: FAILED; 2 some file failed
 * (unreadable, undecodable, unparsable, unwritable, or a pass was reverted);
 * 3 the run could not start (bad arguments, refused paths, a lock held);
 * 130 / 143 stopped by SIGINT / SIGTERM (the reports cover what was done).
 */
import * as path from 'node:path';
import yargs from 'yargs';
import { colorize } from './core/diff';
import { DEFAULT_MAX_FILE_SIZE } from './runner/convert-file';
import { UsageError } from './runner/passes';
import { REPORT_DIR_NAME, REPORT_FILES, changesDoc, filesCsv, manualChunks, summaryText, writeReportFiles, writeReports } from './runner/reports';
import { analysisDocs, analysisReportMakers, analysisSummaryText, failsOn, type AnalysisMeta } from './analysis/reports';
import { PAGE_NAME } from './report/page';
import { rebuildPage, ReportDirError, writePage } from './report/write';
import { SEVERITIES, type Severity } from './analysis/types';
import type { RunResult } from './runner/run';
import { analysedFileCounts, hasFailures, planRun, executeRun, type RunMode } from './runner/run';
import { defaultJobs, resolveJobs } from './runner/pool';
import { ANALYSIS_DIR_SUFFIX } from './runner/plan';
import { openSession } from './runner/session';
import { JOURNAL_NAME } from './runner/journal';
import { WriteError } from './runner/safe-fs';
import { Progress, type ProgressOptions } from './runner/progress';
import { PASSES } from '../transforms';
import { VERSION } from './version';
import { checkRequest, runVerify, VERIFY_JSON } from './verify/verify';
import { engineOptions, loadConfig, selectionOf, withSeverities } from './config/apply';
import { CONFIG_FILE, PYPROJECT } from './config/project-config';

export const EXIT = { ok: 0, wouldChange: 1, findings: 1, failures: 2, usage: 3 } as const;

interface CommonArgs {
  only?: string[];
  skip?: string[];
  unsafe?: boolean;
  'transfer-to-npu'?: boolean;
  'max-file-size'?: string;
  quiet?: boolean;
  jobs?: number;
  /** --config FILE (a string), --no-config (false). */
  config?: string | false;
  gitignore?: boolean;
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

/** The command line as parsed, before any check of ours. */
interface Args extends CommonArgs {
  _: (string | number)[];
  src?: string;
  output?: string;
  'report-dir'?: string;
  force?: boolean;
  'in-place'?: boolean;
  'allow-dirty'?: boolean;
  color?: boolean;
  'fail-on'?: string;
  html?: boolean;
  dir?: string;
  help?: boolean;
  version?: boolean;
  '--'?: (string | number)[];
  timeout?: number;
  steps?: number;
  'allow-cuda'?: boolean;
  'torch-npu'?: string;
}

const HTML_OPTION = { type: 'boolean', default: true, describe: `write ${PAGE_NAME}, the report as one page (--no-html: do not)` } as const;

function parser(argv: string[], onFail: (msg: string) => void) {
  return yargs(argv)
    .scriptName('ascendify')
    .usage('$0 <command> [options]\n\nMigrate CUDA PyTorch code to Huawei Ascend NPUs (torch_npu).')
    .parserConfiguration({ 'camel-case-expansion': false, 'populate--': true })
    .option('only', { type: 'string', array: true, describe: 'run only these passes (ids, comma-separated or repeated)' })
    .option('skip', { type: 'string', array: true, describe: 'do not run these passes' })
    // no defaults: an option not given leaves the project config's value (docs/config.md)
    .option('unsafe', { type: 'boolean', describe: 'also apply fixes marked unsafe (they are always listed) [default: false]' })
    .option('transfer-to-npu', {
      type: 'boolean',
      describe: 'also add `from torch_npu.contrib import transfer_to_npu` to entry files (top-level scripts no other module imports) [default: false]',
    })
    .option('config', {
      type: 'string',
      describe: `read the project config from this file (default: ${CONFIG_FILE} or [tool.ascendify] in ${PYPROJECT} at the source root; --no-config: none; docs/config.md)`,
    })
    .option('gitignore', { type: 'boolean', describe: 'leave files .gitignore ignores unconverted (still copied) [default: true; --no-gitignore: convert them]' })
    .option('max-file-size', { type: 'string', describe: 'copy larger Python files unchanged (e.g. 512K, 10M)', default: '10M' })
    .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'print no summary and no progress bar' })
    .option('jobs', {
      alias: 'j',
      type: 'number',
      describe: `convert on this many threads (default: one per core; at most ${MAX_JOBS_PER_CORE} per core; small repositories run on one)`,
    })
    .command('convert <src>', 'convert a repository or file into a new tree (the source is never written)', (y) =>
      y
        .positional('src', { type: 'string', demandOption: true, describe: 'repository directory or .py file' })
        .option('output', { alias: 'o', type: 'string', describe: 'output path (default: <src>_npu beside the source)' })
        .option('report-dir', { type: 'string', describe: `report folder (default: <output>/${REPORT_DIR_NAME})` })
        .option('force', { type: 'boolean', default: false, describe: 'write into an existing, non-empty output' })
        .option('in-place', { type: 'boolean', default: false, describe: 'rewrite the source files themselves (atomic writes)' })
        .option('allow-dirty', { type: 'boolean', default: false, describe: 'with --in-place: rewrite files that have uncommitted git changes' })
        .option('html', HTML_OPTION),
    )
    .command('diff <src>', 'preview: print the unified diff of the conversion and write nothing (exit 1 when something would change)', (y) =>
      y
        .positional('src', { type: 'string', demandOption: true })
        .option('color', { type: 'boolean', describe: 'colour the diff (default: when stdout is a terminal)' }),
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
          })
          .option('html', HTML_OPTION),
    )
    .command('report <dir>', `rebuild ${PAGE_NAME} of a report folder from its changes.json / findings.json (nothing is re-run)`, (y) =>
      y.positional('dir', { type: 'string', demandOption: true, describe: 'the report folder of a convert or analyze run' }),
    )
    .command('passes', 'list the passes with their id, levels and summary')
    .command(
      'verify',
      'run your command (after --) on a simulated NPU (CPU PyTorch) and report every CUDA path it still takes; exit 1 unless it succeeded, used the NPU and reached no CUDA',
      (y) =>
        y
          .usage('$0 verify [options] -- <command ...>   e.g. ascendify verify --steps 5 -- python train.py --epochs 1')
          .option('report-dir', { type: 'string', describe: `folder for ${VERIFY_JSON} and verify.md (default: ./ascendify-report)` })
          .option('timeout', { type: 'number', default: 600, describe: 'stop the command (and every process it started) after this many seconds' })
          .option('steps', { type: 'number', default: 0, describe: 'stop the program cleanly after N optimizer steps (0: no limit)' })
          .option('allow-cuda', { type: 'boolean', default: false, describe: 'record CUDA sites without raising (they still fail the verdict), to list them all in one run' })
          .option('torch-npu', { type: 'string', describe: 'torch_npu version whose API list is simulated (default: the newest listed)' }),
    )
    .demandCommand(1, 'choose a command: convert, diff, analyze, report, passes or verify')
    .strict()
    .version(VERSION)
    .help()
    .wrap(Math.min(110, process.stdout.columns || 100))
    .fail((msg, err) => onFail(msg ?? err?.message ?? 'invalid arguments'))
    .exitProcess(false);
}

/**
 * Parse, check everything, then run. Nothing runs unless the whole command
 * line is valid: an unknown option or positional, a conflict or an empty pass
 * list is one line on stderr and exit 3, with nothing written.
 */
export async function main(argv: string[], io: Io = processIo): Promise<number> {
  let failure: string | undefined;
  let args: Args;
  try {
    args = (await parser(argv, (msg) => (failure ??= msg)).parseAsync()) as unknown as Args;
  } catch (e) {
    failure ??= e instanceof Error ? e.message : String(e);
    args = { _: [] };
  }
  const usage = (msg: string) => {
    io.stderr(`ascendify: ${msg}\n`);
    return EXIT.usage;
  };
  if (failure) return usage(failure);
  if (args.help || args.version) return EXIT.ok; // yargs printed them
  try {
    const command = String(args._[0]);
    if (command === 'passes') {
      const width = Math.max(...PASSES.map((p) => p.id.length));
      for (const p of PASSES) io.stdout(`${p.id.padEnd(width)}  ${p.levels.join(',').padEnd(18)}  ${p.summary}\n`);
      return EXIT.ok;
    }
    if (command === 'diff') return await diffCommand(args, io);
    if (command === 'report') return reportCommand(args, io);
    if (command === 'analyze') return await analyzeCommand(args, io, argv);
    if (command === 'verify') return await verifyCommand(args, io);
    return await convertCommand(args, io, argv);
  } catch (e) {
    if (e instanceof UsageError) return usage(e.message);
    throw e;
  }
}

/** More threads than this per core only cost memory (each worker holds its own engine and trees). */
export const MAX_JOBS_PER_CORE = 4;

/** --jobs and the progress bar, common to every command that converts. */
function runControls(args: CommonArgs, io: Io): { jobs: number; progress?: Progress; onProgress?: (done: number, total: number) => void } {
  let jobs: number;
  try {
    jobs = resolveJobs(args.jobs);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const max = MAX_JOBS_PER_CORE * defaultJobs();
  if (jobs > max) throw new UsageError(`--jobs ${jobs}: at most ${max} on this machine (${MAX_JOBS_PER_CORE} per core); more threads only cost memory`);
  if (!io.progress) return { jobs };
  const progress = new Progress({ ...io.progress, quiet: args.quiet });
  return progress.enabled ? { jobs, progress, onProgress: (d, t) => progress.update(d, t) } : { jobs };
}

async function diffCommand(args: Args, io: Io): Promise<number> {
  const cfg = loadConfig(args.src!, args);
  const engine = engineOptions(args, false, cfg, parseSize(args['max-file-size']));
  const { jobs, progress, onProgress } = runControls(args, io);
  const req = { src: args.src!, mode: 'diff' as const, engine, jobs, onProgress, select: selectionOf(cfg, args.gitignore) };
  const result = await executeRun(req, planRun(req)).finally(() => progress?.finish());
  const color = args.color ?? (io.isTTY && !process.env.NO_COLOR);
  // bytes: a file's diff is in its own codec (see RunResult.patch); colours go in as latin1, byte for byte
  io.stdout(color ? Buffer.from(colorize(result.patch.toString('latin1')), 'latin1') : result.patch);
  if (!args.quiet) io.stderr(summaryText(result, `ascendify diff ${args.src} (nothing written)`));
  if (hasFailures(result)) return EXIT.failures;
  return result.patch.length > 0 ? EXIT.wouldChange : EXIT.ok;
}

/** Report files a convert run writes (stale ones are removed before it starts). */
function reportNames(): string[] {
  const analysis = Object.keys(analysisReportMakers([], { name: '', version: VERSION, pythonFiles: 0, otherFiles: 0, failedFiles: 0 }));
  return [...REPORT_FILES, ...analysis, PAGE_NAME, JOURNAL_NAME];
}

async function convertCommand(args: Args, io: Io, argv: string[]): Promise<number> {
  const inPlace = args['in-place'] === true;
  if (inPlace && args.output !== undefined) throw new UsageError('--in-place and --output exclude each other: --in-place rewrites the source, --output names a new tree');
  if (inPlace && args.force) throw new UsageError('--force has no meaning with --in-place (it allows writing into an existing output)');
  if (!inPlace && args['allow-dirty']) throw new UsageError('--allow-dirty applies to --in-place only');
  const mode: RunMode = inPlace ? 'in-place' : 'convert';
  const cfg = loadConfig(args.src!, args);
  const engine = engineOptions(args, true, cfg, parseSize(args['max-file-size']));
  const { jobs, progress, onProgress } = runControls(args, io);
  const stop = new AbortController();
  const select = selectionOf(cfg, args.gitignore);
  const req = { src: args.src!, mode, out: args.output, force: args.force, reportDir: args['report-dir'], engine, jobs, onProgress, signal: stop.signal, select };
  const session = openSession(req, { command: commandLine(argv), allowDirty: args['allow-dirty'], reportNames: reportNames() });
  const signals = trapSignals(stop, io);
  try {
    const result = withSeverities(await session.run().finally(() => progress?.finish()), cfg);
    const title = inPlace ? `ascendify convert --in-place ${args.src}` : `ascendify convert ${args.src} -> ${result.out}`;
    const html = args.html !== false;
    const summary = withPage(summaryText(result, title, result.reportDir), result.reportDir, html);
    const written = writeOrSay(io, () => {
      const meta = analysisMeta(result);
      const changes = changesDoc(result, VERSION);
      const docs = analysisDocs(result.findings, meta);
      writeReports(session.reports, result, changes, summary);
      writeReportFiles(session.reports, analysisReportMakers(result.findings, meta, docs));
      // the page is made from the documents the files are written from (`ascendify report` parses them back)
      if (html) writePage(session.reports, { changes, findings: docs.findings, patch: result.patch, summaryMd: docs.summaryMd });
      session.close();
    });
    if (!args.quiet) io.stdout(summary);
    if (signals.caught) return signals.exitCode;
    return hasFailures(result) || !written ? EXIT.failures : EXIT.ok;
  } finally {
    session.close();
    signals.release();
  }
}

/** The summary's last line names the page. */
function withPage(summary: string, reportDir: string | undefined, html: boolean): string {
  return html && reportDir ? `${summary}  page          ${path.join(reportDir, PAGE_NAME)}\n` : summary;
}

/** `ascendify report <dir>`: rebuild the page from the report files (exit 3 when the folder is not a report). */
function reportCommand(args: Args, io: Io): number {
  try {
    const page = rebuildPage(args.dir!);
    io.stdout(`ascendify report: wrote ${page}\n`);
    return EXIT.ok;
  } catch (e) {
    if (e instanceof ReportDirError) throw new UsageError(e.message);
    if (e instanceof WriteError) {
      io.stderr(`ascendify: cannot write ${PAGE_NAME}: ${e.reason}\n`);
      return EXIT.failures;
    }
    throw e;
  }
}

/** Write the reports; a failure (a full disk) is said on stderr and returns false. */
function writeOrSay(io: Io, write: () => void): boolean {
  try {
    write();
    return true;
  } catch (e) {
    if (!(e instanceof WriteError)) throw e;
    io.stderr(`ascendify: cannot write the reports: ${e.reason}\n`);
    return false;
  }
}

function commandLine(argv: string[]): string {
  return ['ascendify', ...argv].join(' ').slice(0, 300);
}

/**
 * SIGINT / SIGTERM during a writing run: the first stops it cleanly (files in
 * progress finish, the reports of what was done are written, exit 130 / 143);
 * a second exits at once (the journal then says what was written).
 */
function trapSignals(stop: AbortController, io: Io): { caught: boolean; exitCode: number; release: () => void } {
  const state = { caught: false, exitCode: EXIT.ok as number, release: () => {} };
  const on = (sig: NodeJS.Signals) => {
    const code = sig === 'SIGINT' ? 130 : 143;
    if (state.caught) process.exit(code);
    state.caught = true;
    state.exitCode = code;
    io.stderr(`ascendify: ${sig}: finishing the files in progress and writing the reports (send it again to stop at once)\n`);
    stop.abort(`stopped by ${sig}`);
  };
  const int = () => on('SIGINT');
  const term = () => on('SIGTERM');
  process.on('SIGINT', int);
  process.on('SIGTERM', term);
  state.release = () => {
    process.off('SIGINT', int);
    process.off('SIGTERM', term);
  };
  return state;
}

function analysisMeta(result: RunResult): AnalysisMeta {
  return {
    name: path.basename(result.src),
    version: VERSION,
    ...analysedFileCounts(result),
    failedFiles: result.files.filter((f) => f.status === 'failed').length,
  };
}

/** `analyze`: run the passes in memory (for what they leave), analyse every file, write the reports only. */
async function analyzeCommand(args: Args, io: Io, argv: string[]): Promise<number> {
  const cfg = loadConfig(args.src!, args);
  const engine = engineOptions(args, true, cfg, parseSize(args['max-file-size']));
  const { jobs, progress, onProgress } = runControls(args, io);
  const stop = new AbortController();
  const select = selectionOf(cfg, args.gitignore);
  const req = { src: args.src!, mode: 'analyze' as const, reportDir: args['report-dir'], engine, jobs, onProgress, signal: stop.signal, select };
  const session = openSession(req, { command: commandLine(argv), reportNames: reportNames() });
  const signals = trapSignals(stop, io);
  try {
    const result = withSeverities(await session.run().finally(() => progress?.finish()), cfg);
    const meta = analysisMeta(result);
    const html = args.html !== false;
    const summary = withPage(analysisSummaryText(result.findings, meta, `ascendify analyze ${args.src} (nothing converted)`, result.reportDir), result.reportDir, html);
    const written = writeOrSay(io, () => {
      const docs = analysisDocs(result.findings, meta);
      const files = filesCsv(result);
      writeReportFiles(session.reports, { ...analysisReportMakers(result.findings, meta, docs), 'manual_changes.csv': () => manualChunks(result), 'files.csv': () => files });
      if (html) writePage(session.reports, { findings: docs.findings, filesCsv: files, summaryMd: docs.summaryMd });
      session.close();
    });
    if (!args.quiet) io.stdout(summary);
    if (signals.caught) return signals.exitCode;
    if (hasFailures(result) || !written) return EXIT.failures;
    const failOn = (args['fail-on'] ?? 'none') as Severity | 'none';
    return failOn !== 'none' && failsOn(result.findings, failOn) ? EXIT.findings : EXIT.ok;
  } finally {
    session.close();
    signals.release();
  }
}

/** `verify -- <command>`: exit 0 when it passed, 1 when not (3: the command line was wrong). */
async function verifyCommand(args: Args, io: Io): Promise<number> {
  if (args._.length > 1) throw new UsageError(`verify: put the command after --: ascendify verify -- ${args._.slice(1).join(' ')}`);
  for (const k of ['only', 'skip', 'unsafe', 'transfer-to-npu', 'jobs', 'config', 'gitignore'] as const) {
    if (args[k] !== undefined && args[k] !== false) throw new UsageError(`verify: --${k} applies to the converting commands only`);
  }
  const req = {
    command: (args['--'] ?? []).map(String),
    cwd: process.cwd(),
    reportDir: path.resolve(args['report-dir'] ?? REPORT_DIR_NAME),
    timeoutSeconds: args.timeout ?? 600,
    steps: args.steps ?? 0,
    allowCuda: args['allow-cuda'] === true,
    torchNpuVersion: args['torch-npu'],
    version: VERSION,
  };
  checkRequest(req);
  const { result, text } = await runVerify(req);
  if (!args.quiet) io.stdout(text);
  else if (!result.passed) io.stderr(`ascendify verify: FAILED: ${result.reasons[0]}\n`);
  return result.passed ? EXIT.ok : 1;
}

export function parseSize(s: string | undefined): number {
  if (s === undefined) return DEFAULT_MAX_FILE_SIZE;
  const m = /^(\d+(?:\.\d+)?)\s*([kmg]?)i?b?$/i.exec(s.trim());
  if (!m) throw new UsageError(`--max-file-size: cannot read "${s}" (examples: 524288, 512K, 10M)`);
  const mult = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2].toLowerCase() as '' | 'k' | 'm' | 'g'];
  return Math.floor(Number(m[1]) * mult);
}
