/**
 * The command line: argv → options → run(). No logic lives here.
 *
 * Exit codes: 0 success (diff: nothing would change); 1 diff: something would
 * change; 2 some file failed (unreadable, undecodable, unparsable, or a pass
 * was reverted); 3 the run could not start (bad arguments, refused paths).
 */
import * as path from 'node:path';
import yargs from 'yargs';
import { colorize } from './core/diff';
import { DEFAULT_MAX_FILE_SIZE, type EngineOptions } from './runner/convert-file';
import { selectPassIds, UsageError } from './runner/passes';
import { REPORT_DIR_NAME, summaryText, writeReports } from './runner/reports';
import { hasFailures, planRun, executeRun, type RunMode } from './runner/run';
import { isWithin } from './runner/files';
import { PASSES } from '../transforms';
import { VERSION } from './version';

export const EXIT = { ok: 0, wouldChange: 1, failures: 2, usage: 3 } as const;

interface CommonArgs {
  only?: string[];
  skip?: string[];
  unsafe?: boolean;
  'transfer-to-npu'?: boolean;
  'max-file-size'?: string;
  quiet?: boolean;
}

export interface Io {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  isTTY: boolean;
}

const processIo: Io = {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  isTTY: process.stdout.isTTY === true,
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
      .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'print no summary' })
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
        (args) => {
          code = runCommand(args.inPlace ? 'in-place' : 'convert', args.src, args, io, {
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
        (args) => {
          code = runCommand('diff', args.src, args, io, { color: args.color });
        },
      )
      .command('passes', 'list the passes with their id, levels and summary', {}, () => {
        const width = Math.max(...PASSES.map((p) => p.id.length));
        for (const p of PASSES) io.stdout(`${p.id.padEnd(width)}  ${p.levels.join(',').padEnd(18)}  ${p.summary}\n`);
      })
      .demandCommand(1, 'choose a command: convert, diff or passes')
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

function runCommand(
  mode: RunMode,
  src: string,
  args: CommonArgs,
  io: Io,
  extra: { out?: string; reportDir?: string; force?: boolean; color?: boolean },
): number {
  const engine: EngineOptions = {
    passIds: selectPassIds(args.only, args.skip),
    unsafe: args.unsafe === true,
    transferToNpu: args['transfer-to-npu'] === true,
    maxFileSize: parseSize(args['max-file-size']),
  };
  const req = { src, mode, out: extra.out, force: extra.force, engine };
  const plan = planRun(req);
  const reportDir = mode === 'diff' ? undefined : resolveReportDir(mode, plan.src, plan.out, plan.singleFile, extra.reportDir);
  const result = executeRun(req, plan);

  if (mode === 'diff') {
    const color = extra.color ?? (io.isTTY && !process.env.NO_COLOR);
    io.stdout(color ? colorize(result.patch) : result.patch);
    if (!args.quiet) io.stderr(summaryText(result, `ascendify diff ${src} (nothing written)`));
    if (hasFailures(result)) return EXIT.failures;
    return result.patch ? EXIT.wouldChange : EXIT.ok;
  }
  const title = mode === 'in-place' ? `ascendify convert --in-place ${src}` : `ascendify convert ${src} -> ${result.out}`;
  const summary = summaryText(result, title, reportDir);
  writeReports(reportDir!, result, VERSION, summary);
  if (!args.quiet) io.stdout(summary);
  return hasFailures(result) ? EXIT.failures : EXIT.ok;
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
