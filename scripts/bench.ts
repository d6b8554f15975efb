/**
 * The speed benchmark (a script, not a test):
 *
 *   npm run bench                       build the corpus (~1M lines) and measure
 *   npm run bench -- <path>             measure on your own repository instead
 *   npm run bench -- [path] --reps 5 --json bench.json
 *   npm run bench -- --dense [--dense-mb 10]   also the dense-file case
 *   npm run bench -- --dense-only              only the dense-file case
 *
 * Measures, in one run, each several times (median reported):
 *   1. the floor: read + decode + tree-sitter parse of every Python file, one thread
 *      (before each repetition and after the last: the machine's speed drifts);
 *   2. `ascendify convert` end to end (process start, walk, conversion, writing
 *      outputs and reports) with `--jobs 1` and with the default jobs;
 *   3. `ascendify diff` on the same tree;
 *   4. the engine alone through the worker pool (no CLI, no writes), 1 and N threads;
 * and for the default corpus also the small repository (50 files, ~16k lines)
 * end to end, the floor and the engine on each half of the corpus (library
 * code, training code; --reps repetitions), and the start-up cost of the worker
 * pool. Prints lines/s, MB/s, peak RSS and the ratios to the floor.
 * With --dense: one generated ~10 MB file in which nearly every line changes,
 * converted end to end (`convert <dir> -o <tmp> --force -q --max-file-size 100M`),
 * time and peak RSS (no step may be quadratic in a file's changes, issue 9).
 * docs/performance.md has the figures.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describeTree, ensureCorpora, ensureScaleCorpus, packageRoot, type CorpusInfo } from './bench/corpus';
import type { FloorResult } from './bench/floor';
import type { EngineRunResult } from './bench/engine';
import { writeDenseFile } from './bench/dense';
import { DEFAULT_MAX_FILE_SIZE } from '../src/runner/convert-file';
import { selectPassIds } from '../src/runner/passes';
import { convertFiles, defaultJobs } from '../src/runner/pool';
import { PASSES } from '../transforms';

interface Args {
  path?: string;
  reps: number;
  repsGiven: boolean;
  json?: string;
  /** Also measure the dense-file case (size in MB). */
  denseMb?: number;
  /** Measure only the dense-file case. */
  denseOnly?: boolean;
  /** The scale case: the ~5M-line corpus, floor + `convert` with the default jobs only. */
  scale: boolean;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { reps: 3, repsGiven: false, scale: false };
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i];
    if (v === '--reps') {
      a.reps = Math.max(1, Number(argv[++i]));
      a.repsGiven = true;
    } else if (v === '--scale') a.scale = true;
    else if (v === '--json') a.json = argv[++i];
    else if (v === '--dense') a.denseMb ??= 10;
    else if (v === '--dense-only') {
      a.denseOnly = true;
      a.denseMb ??= 10;
    } else if (v === '--dense-mb') a.denseMb = Number(argv[++i]);
    else if (v === '-h' || v === '--help') {
      process.stdout.write('usage: npm run bench -- [path] [--reps N] [--json FILE] [--dense | --dense-only] [--dense-mb MB]\n       npm run bench -- --scale [--reps N] [--json FILE]\n');
      process.exit(0);
    } else if (v.startsWith('-')) throw new Error(`unknown option ${v}`);
    else a.path = v;
  }
  if (!Number.isFinite(a.reps)) throw new Error('--reps needs a number');
  if (a.denseMb !== undefined && !(a.denseMb > 0)) throw new Error('--dense-mb needs a positive number');
  if (a.scale && a.path) throw new Error('--scale builds its own corpus: give no path');
  return a;
}

interface Measurement {
  name: string;
  /** Wall-clock milliseconds per repetition. */
  ms: number[];
  /** Peak RSS per repetition, KiB (undefined when not measured). */
  rssKiB: (number | undefined)[];
  /** CPU time (user + system, all threads) per repetition, ms, where measured. */
  cpuMs?: number[];
  /** Of which system (kernel) time, ms. */
  sysMs?: number[];
  /** Lines and bytes the measurement processed (for rates). */
  lines: number;
  bytes: number;
  note?: string;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const root = packageRoot();
const BIN = path.join(root, 'bin', 'ascendify.js');
const HOOK = path.join(__dirname, 'bench', 'rss-hook.js');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ascendify-bench-'));

/**
 * A new output folder for one timed run. Outputs are kept until the bench ends
 * (the temporary folder goes then, untimed) rather than deleted right before
 * the next run: on ext4 without a journal (this machine's disk) the inode
 * allocator passes over every inode deleted in the last 60 s (360 s while its
 * inode-table block is dirty), so a run that follows the deletion of the
 * previous run's 24,000 entries pays for that deletion (four pairs of 24,000
 * file creations: 5 to 105 % more CPU right after a deletion;
 * docs/performance.md, seventh round).
 */
let outputs = 0;
function freshOutput(label: string): string {
  return path.join(tmp, `${label}-${++outputs}`);
}

/** Run the CLI in a fresh process; wall time (process start included) and peak RSS. */
function timeCli(args: string[], stdoutFile?: string): { ms: number; rssKiB?: number; cpuMs?: number; sysMs?: number; code: number | null } {
  const rssFile = path.join(tmp, 'rss');
  fs.rmSync(rssFile, { force: true });
  const out = stdoutFile ? fs.openSync(stdoutFile, 'w') : 'ignore';
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['-r', HOOK, BIN, ...args], {
    stdio: ['ignore', out, 'pipe'],
    env: { ...process.env, ASCENDIFY_BENCH_RSS: rssFile, NO_COLOR: '1' },
    maxBuffer: 64 * 1024 * 1024,
  });
  const ms = performance.now() - t0;
  if (typeof out === 'number') fs.closeSync(out);
  if (r.error) throw r.error;
  // 0 ok, 1 diff: changes, 2 some file failed (an unparsable file is not a benchmark error)
  if (r.status === null || r.status > 2) {
    throw new Error(`ascendify ${args.join(' ')} exited with ${r.status ?? r.signal}:\n${r.stderr.toString()}`);
  }
  const [rss, cpuUs, sysUs] = fs.existsSync(rssFile) ? fs.readFileSync(rssFile, 'utf8').split(' ').map(Number) : [];
  return { ms, rssKiB: rss, cpuMs: cpuUs === undefined ? undefined : cpuUs / 1000, sysMs: sysUs === undefined ? undefined : sysUs / 1000, code: r.status };
}

function runChild<T>(script: string, args: string[]): T {
  const r = spawnSync(process.execPath, [path.join(__dirname, 'bench', script), ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${script} failed (${r.status ?? r.signal}):\n${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

/** Start a pool on two tiny files: what starting the workers costs (ms). */
async function poolStartup(jobs: number): Promise<number> {
  const dir = path.join(tmp, 'startup');
  fs.mkdirSync(dir, { recursive: true });
  const tasks = Array.from({ length: jobs }, (_, i) => {
    const abs = path.join(dir, `f${i}.py`);
    fs.writeFileSync(abs, 'import torch\ntorch.cuda.synchronize()\n');
    return { rel: `f${i}.py`, abs, size: 40 };
  });
  const engine = { passIds: selectPassIds(), unsafe: false, transferToNpu: false, maxFileSize: DEFAULT_MAX_FILE_SIZE };
  const t0 = performance.now();
  await convertFiles(tasks, { engine, jobs, minParallelBytes: 0 }, () => undefined);
  return performance.now() - t0;
}

const fmtMs = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`);
const fmtK = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : n >= 1e3 ? `${Math.round(n / 1e3)}k` : String(Math.round(n)));
const fmtMB = (kib: number | undefined) => (kib === undefined ? '-' : `${Math.round(kib / 1024)} MB`);

/** The dense-file target of issue 9 (2 cores): the 10 MB file end to end in under 30 s. */
const DENSE_TARGET_MS = 30_000;

/**
 * The dense-file case: convert one generated file end to end, `reps` times,
 * against the time tree-sitter needs to parse it once (measured in the same
 * run, in a process of its own: `floor.js`). Wall and CPU time both: on a
 * shared machine the CPU time is the steadier figure.
 */
function denseCase(args: Args, log: (s: string) => void): Measurement & { cpuMs: number[]; parseMs: number; parseCpuMs: number } {
  const dense = writeDenseFile(tmp, args.denseMb!);
  log(`dense    ${dense.file}: ${dense.lines} lines, ${(dense.bytes / 1e6).toFixed(1)} MB, ${dense.changedLines} lines changed`);
  const floor = runChild<FloorResult>('floor.js', [dense.dir, String(args.reps)]);
  const parseMs = median(floor.parseMs);
  const parseCpuMs = median(floor.parseCpuMs);
  log(`         tree-sitter parse alone: ${fmtMs(parseMs)} wall, ${fmtMs(parseCpuMs)} CPU (median of ${floor.parseMs.length})`);
  const x = {
    name: `dense file: convert end to end`,
    ms: [] as number[],
    cpuMs: [] as number[],
    rssKiB: [] as (number | undefined)[],
    lines: dense.lines,
    bytes: dense.bytes,
    note: `${fmtK(dense.changedLines)} changed lines`,
    parseMs,
    parseCpuMs,
  };
  for (let r = 0; r < args.reps; r++) {
    const t = timeCli(['convert', dense.dir, '-o', freshOutput('dense'), '--force', '-q', '--max-file-size', '100M']);
    if (t.code !== 0) throw new Error(`the dense file did not convert (exit ${t.code})`);
    x.ms.push(t.ms);
    x.rssKiB.push(t.rssKiB);
    if (t.cpuMs !== undefined) x.cpuMs.push(t.cpuMs);
    const cpu = t.cpuMs === undefined ? '' : `, CPU ${fmtMs(t.cpuMs)} (${(t.cpuMs / parseCpuMs).toFixed(1)} × the parse)`;
    log(`         repetition ${r + 1}: ${fmtMs(t.ms)} (${(t.ms / parseMs).toFixed(1)} × the parse)${cpu}, peak RSS ${fmtMB(t.rssKiB)}`);
  }
  return x;
}

/** The dense case's summary lines. */
function denseSummary(x: ReturnType<typeof denseCase>, log: (s: string) => void): void {
  const med = median(x.ms);
  const cpu = x.cpuMs.length ? median(x.cpuMs) : undefined;
  const rss = x.rssKiB.filter((v): v is number => v !== undefined);
  const peak = rss.length ? Math.max(...rss) : undefined;
  log(
    `dense file: median ${fmtMs(med)} wall (${(med / x.parseMs).toFixed(1)} × its parse), ` +
      (cpu === undefined ? '' : `${fmtMs(cpu)} CPU (${(cpu / x.parseCpuMs).toFixed(1)} × its parse), `) +
      `${fmtK((x.lines * 1000) / med)} lines/s, peak RSS ${fmtMB(peak)}` +
      (peak === undefined ? '' : ` (${((peak * 1024) / x.bytes).toFixed(0)} × the file)`),
  );
  if (x.bytes >= 9.5e6) {
    log(`target: 10 MB dense file < 30 s: ${med < DENSE_TARGET_MS ? 'met' : 'NOT met'} (wall; CPU ${cpu === undefined ? '-' : fmtMs(cpu)})`);
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const cores = defaultJobs();
  const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
  if (args.scale) return scaleCase(args, cores, cpu);
  if (args.denseOnly) {
    const log = (s: string) => process.stdout.write(s + '\n');
    log(`ascendify benchmark: dense file only`);
    log(`machine  ${cpu}, ${cores} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}, ${os.platform()}-${os.arch()}`);
    const x = denseCase(args, log);
    const med = median(x.ms);
    denseSummary(x, log);
    if (args.json) {
      fs.writeFileSync(args.json, JSON.stringify({ machine: { cpu, cores, node: process.version }, measurements: [{ ...x, medianMs: med }] }, null, 2) + '\n');
      log(`\nwrote ${args.json}`);
    }
    return;
  }

  let large: CorpusInfo;
  let small: CorpusInfo | undefined;
  if (args.path) {
    const dir = path.resolve(args.path);
    if (!fs.existsSync(dir)) throw new Error(`${dir} does not exist`);
    large = describeTree(dir, 'your tree');
  } else {
    ({ large, small } = ensureCorpora(root));
  }

  const log = (s: string) => process.stdout.write(s + '\n');
  log(`ascendify benchmark`);
  log(`machine  ${cpu}, ${cores} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}, ${os.platform()}-${os.arch()}`);
  log(`passes   ${PASSES.map((p) => p.id).join(', ')}`);
  log(`corpus   ${large.dir}: ${large.files} files, ${large.pythonFiles} Python files, ${large.lines} lines, ${(large.bytes / 1e6).toFixed(1)} MB of Python`);
  log(`         ${large.recipe}`);
  log(`--jobs   measuring --jobs 1 and the default (${cores})`);
  log(`reps     ${args.reps} per measurement, median shown (peak RSS: highest)`);
  const since = secondsSinceLastDeletion();
  if (since !== undefined && since < RECENTLY_DELETED_S) {
    log(`note     the last bench deleted its outputs ${since} s ago: where the disk is ext4 without a journal, new files pay for inodes`);
    log(`         deleted in the last 60-360 s (the system CPU below shows it); wait until 6 minutes have passed for clean figures`);
  }
  log('');

  // The floor is measured once before each repetition's runs and once after the last, so that a slow or fast
  // stretch of this (noisy, shared) machine weighs on the floor as on the runs it is the baseline of.
  const floors: FloorResult[] = [];
  const floorRun = () => floors.push(runChild<FloorResult>('floor.js', [large.dir, '1']));
  floorRun();
  const floor = floors[0];
  const measurements: Measurement[] = [];
  const m = (name: string, lines: number, bytes: number, note?: string): Measurement => {
    const x: Measurement = { name, ms: [], rssKiB: [], lines, bytes, note };
    measurements.push(x);
    return x;
  };
  const floorM: Measurement = { name: 'floor: read + parse, 1 thread', ms: [], rssKiB: [], lines: large.lines, bytes: large.bytes, note: 'before each repetition and after the last' };
  measurements.push(floorM);

  const convertRuns: { m: Measurement; extra: string[] }[] = [
    { m: m('convert --jobs 1', large.lines, large.bytes), extra: ['--jobs', '1'] },
    { m: m(`convert (default jobs: ${cores})`, large.lines, large.bytes), extra: [] },
  ];
  const diffM = m('diff (default jobs)', large.lines, large.bytes);
  const engine1 = m('engine only, pool --jobs 1', large.lines, large.bytes, 'no CLI, no writes');
  const engineN = cores > 1 ? m(`engine only, pool --jobs ${cores}`, large.lines, large.bytes, 'no CLI, no writes') : undefined;

  let engineInfo: EngineRunResult | undefined;
  for (let r = 0; r < args.reps; r++) {
    if (r > 0) floorRun();
    for (const c of convertRuns) {
      const t = timeCli(['convert', large.dir, '-o', freshOutput('out'), '--force', '-q', ...c.extra]);
      c.m.ms.push(t.ms);
      c.m.rssKiB.push(t.rssKiB);
      if (t.cpuMs !== undefined && t.sysMs !== undefined) {
        (c.m.cpuMs ??= []).push(t.cpuMs);
        (c.m.sysMs ??= []).push(t.sysMs);
      }
    }
    const d = timeCli(['diff', large.dir, '-q'], path.join(tmp, 'patch.diff'));
    diffM.ms.push(d.ms);
    diffM.rssKiB.push(d.rssKiB);
    for (const [em, jobs] of [[engine1, 1], [engineN, cores]] as const) {
      if (!em) continue;
      const e = runChild<EngineRunResult>('engine.js', [large.dir, String(jobs)]);
      em.ms.push(e.ms);
      em.rssKiB.push(e.maxRssKiB);
      engineInfo = e;
    }
  }
  floorRun();
  for (const f of floors) {
    floorM.ms.push(...f.parseMs);
    floorM.rssKiB.push(f.maxRssKiB);
  }

  let smallM: Measurement | undefined;
  if (small) {
    smallM = { name: `small repo: convert end to end`, ms: [], rssKiB: [], lines: small.lines, bytes: small.bytes, note: `${small.pythonFiles} Python files` };
    for (let r = 0; r < Math.max(5, args.reps); r++) {
      const t = timeCli(['convert', small.dir, '-o', freshOutput('small'), '--force', '-q']);
      smallM.ms.push(t.ms);
      smallM.rssKiB.push(t.rssKiB);
    }
  }

  // the two halves of the default corpus: library code (mostly the cheap path) and training code
  // engineMs: one thread; engineNMs: default jobs (issue 11 states the training target with default jobs;
  // the library target is read with one job, the stricter reading, and shown with default jobs too)
  const parts: { name: string; lines: number; floorMs: number; engineMs: number; engineNMs?: number }[] = [];
  if (!args.path) {
    for (const name of ['stdlib-1', 'torch']) {
      const dir = path.join(large.dir, name);
      if (!fs.existsSync(dir)) continue;
      // its floor before each repetition of its engine runs and after the last (their median), as for
      // the whole corpus; the engine's times: the median of --reps repetitions (a part takes ~1-9 s, so
      // one slow moment of the machine moves a single repetition's ratio by 20 % or more)
      const floors: number[] = [];
      const one: number[] = [];
      const many: number[] = [];
      for (let r = 0; r < args.reps; r++) {
        floors.push(...runChild<FloorResult>('floor.js', [dir, '1']).parseMs);
        one.push(runChild<EngineRunResult>('engine.js', [dir, '1']).ms);
        if (cores > 1) many.push(runChild<EngineRunResult>('engine.js', [dir, String(cores)]).ms);
      }
      floors.push(...runChild<FloorResult>('floor.js', [dir, '1']).parseMs);
      parts.push({ name, lines: describeTree(dir, name).lines, floorMs: median(floors), engineMs: median(one), ...(many.length ? { engineNMs: median(many) } : {}) });
    }
  }

  const startup: number[] = [];
  if (cores > 1) for (let r = 0; r < 3; r++) startup.push(await poolStartup(cores));

  const denseM = args.denseMb !== undefined ? denseCase(args, log) : undefined;

  // ---- report
  const floorMs = median(floorM.ms);
  const rows = [['measurement', 'median', 'min-max', 'lines/s', 'MB/s', 'peak RSS', '× floor']];
  const row = (x: Measurement, withRatio: boolean) => {
    const med = median(x.ms);
    const rss = x.rssKiB.filter((v): v is number => v !== undefined);
    rows.push([
      x.name + (x.note ? ` (${x.note})` : ''),
      fmtMs(med),
      `${fmtMs(Math.min(...x.ms))}-${fmtMs(Math.max(...x.ms))}`,
      fmtK((x.lines * 1000) / med),
      ((x.bytes / 1e6) * 1000 / med).toFixed(1),
      rss.length ? fmtMB(Math.max(...rss)) : '-',
      withRatio ? (med / floorMs).toFixed(2) : '',
    ]);
  };
  for (const x of measurements) row(x, true);
  if (smallM) row(smallM, false);
  if (denseM) row(denseM, false);
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const r of rows) log(r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd());
  log('');
  if (denseM) {
    denseSummary(denseM, log);
    log('');
  }

  const cheapPct = floor.files ? Math.round((floor.cheap * 100) / floor.files) : 0;
  log(`cheap path   ${floor.cheap} of ${floor.files} Python files (${cheapPct}%, ${((floor.cheapBytes * 100) / Math.max(1, floor.bytes)).toFixed(0)}% of the bytes) match no pass trigger: parsed for the syntax check only`);
  log(`             ${floor.cheapConvert} of them match no analysis trigger either`);
  log(`             read ${fmtMs(median(floor.readMs))}, read + decode + triggers ${fmtMs(median(floor.triggersMs))}, read + decode + parse ${fmtMs(floorMs)} (all files, one thread)`);
  if (engineInfo) {
    log(`             engine run: ${Object.entries(engineInfo.status).map(([k, v]) => `${v} ${k}`).join(', ')}; ${engineInfo.parsed} parsed`);
  }
  for (const p of parts) {
    const n = p.engineNMs === undefined ? '' : `; engine, default jobs ${fmtMs(p.engineNMs)}: ${(p.engineNMs / p.floorMs).toFixed(1)} x`;
    log(`by part      ${p.name}/ (${fmtK(p.lines)} lines): floor ${fmtMs(p.floorMs)}, engine --jobs 1 ${fmtMs(p.engineMs)}: ${(p.engineMs / p.floorMs).toFixed(1)} x its floor${n} (${args.reps === 1 ? 'one repetition' : `median of ${args.reps} repetitions`}; its floor: the median of one run before each and one after the last)`);
  }
  // the kernel's share: creating the output's files and folders (on ext4 without a journal it grows with the
  // inodes deleted in the last minutes; docs/performance.md, "Engine speed, eighth round")
  for (const c of convertRuns) {
    if (!c.m.cpuMs?.length || !c.m.sysMs?.length) continue;
    const cpu = median(c.m.cpuMs);
    const sys = median(c.m.sysMs);
    log(`CPU          ${c.m.name}: ${fmtMs(cpu)} of CPU, of which system ${fmtMs(sys)} (${((sys * 100) / cpu).toFixed(0)} %; median of ${c.m.cpuMs.length})`);
  }
  if (startup.length) log(`pool start   ${cores} workers ready and through a first tiny file: ${fmtMs(median(startup))} (median of ${startup.length})`);
  log(`floor RSS    ${fmtMB(Math.max(...floors.map((f) => f.maxRssKiB)))} (the floor processes)`);

  // targets (issue 5), meaningful on the default corpus
  if (!args.path) {
    log('');
    log('targets (issue 5)');
    const check = (ok: boolean) => (ok ? 'met' : 'NOT met');
    const r1 = median(convertRuns[0].m.ms) / floorMs;
    log(`  convert --jobs 1 <= 1.5 x floor: ${r1.toFixed(2)} ${check(r1 <= 1.5)}`);
    const rN = median(convertRuns[1].m.ms) / floorMs;
    log(`  convert, default jobs <= 0.9 x floor: ${rN.toFixed(2)} ${check(rN <= 0.9)}`);
    if (smallM) log(`  small repo < 1 s end to end: ${fmtMs(median(smallM.ms))} ${check(median(smallM.ms) < 1000)}`);
    const peak = Math.max(...measurements.filter((x) => x !== floorM && x !== engine1 && x !== engineN).flatMap((x) => x.rssKiB.filter((v): v is number => v !== undefined)));
    log(`  peak RSS < 400 MB (CLI runs): ${fmtMB(peak)} ${check(peak < 400 * 1024)}`);
    // issue 11's revised targets, from the same measurements
    log('');
    log('targets (issue 11)');
    if (smallM && small) log(`  small repo (${fmtK(small.lines)} lines) <= 1.0 s end to end, process start included: ${fmtMs(median(smallM.ms))} ${check(median(smallM.ms) <= 1000)}`);
    const part = (name: string) => parts.find((p) => p.name === name);
    const train = part('torch');
    if (train) {
      if (train.engineNMs !== undefined) {
        const rN = train.engineNMs / train.floorMs;
        log(`  training code (torch/), default jobs <= 3 x its single-thread floor: ${rN.toFixed(2)} ${check(rN <= 3)} (engine only)`);
      }
      const r = train.engineMs / train.floorMs;
      log(`  training code (torch/), --jobs 1 (stricter): ${r.toFixed(2)} ${check(r <= 3)}`);
    }
    const lib = part('stdlib-1');
    if (lib) {
      const r = lib.engineMs / lib.floorMs;
      const n = lib.engineNMs === undefined ? '' : ` (with default jobs: ${(lib.engineNMs / lib.floorMs).toFixed(2)})`;
      log(`  library code (stdlib-1/) <= 1 x its floor, one job: ${r.toFixed(2)} ${check(r <= 1)}${n}`);
    }
    log(`  whole corpus, default jobs <= 2.5 x the single-thread floor: ${rN.toFixed(2)} ${check(rN <= 2.5)}`);
    const peakN = Math.max(...convertRuns[1].m.rssKiB.filter((v): v is number => v !== undefined));
    log(`  peak RSS < 400 MB, default jobs: ${fmtMB(peakN)} ${check(peakN < 400 * 1024)}`);
  }

  if (args.json) {
    const doc = {
      machine: { cpu, cores, memGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version, platform: `${os.platform()}-${os.arch()}` },
      passes: PASSES.map((p) => p.id),
      corpus: large,
      small,
      floor,
      parts,
      measurements: [...measurements, ...(smallM ? [smallM] : []), ...(denseM ? [denseM] : [])].map((x) => ({ ...x, medianMs: median(x.ms), ratio: median(x.ms) / floorMs })),
      poolStartupMs: startup,
    };
    fs.writeFileSync(args.json, JSON.stringify(doc, null, 2) + '\n');
    log(`\nwrote ${args.json}`);
  }
}

/**
 * `--scale`: a model-zoo-sized repository (bench-corpus/scale, ~5M lines, built
 * once). The floor (one thread) and `convert` end to end with the default jobs,
 * alternating, `--reps` times (default 1: a repetition takes minutes).
 */
async function scaleCase(args: Args, cores: number, cpu: string): Promise<void> {
  const log = (s: string) => process.stdout.write(s + '\n');
  const reps = args.repsGiven ? args.reps : 1;
  const t0 = performance.now();
  const corpus = ensureScaleCorpus(root);
  const builtMs = performance.now() - t0;
  log(`ascendify benchmark, scale case`);
  log(`machine  ${cpu}, ${cores} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}, ${os.platform()}-${os.arch()}`);
  log(`passes   ${PASSES.map((p) => p.id).join(', ')}`);
  log(`corpus   ${corpus.dir}: ${corpus.files} files, ${corpus.pythonFiles} Python files, ${corpus.lines} lines, ${(corpus.bytes / 1e6).toFixed(1)} MB of Python (ready in ${fmtMs(builtMs)})`);
  log(`         ${corpus.recipe}`);
  log(`reps     ${reps}, median shown (peak RSS: highest)`);
  log('');
  // Two trees: the whole corpus, and its library-style part alone (lib/: the
  // issue-9 target, ">= 100k lines/s on library-style code"), each against its
  // own single-thread floor measured in the same repetition.
  const lib = describeTree(path.join(corpus.dir, 'lib'), 'library part');
  const parts = [
    { label: 'all', info: corpus, floors: [] as FloorResult[], convert: [] as number[], rss: [] as (number | undefined)[] },
    { label: 'lib/', info: lib, floors: [] as FloorResult[], convert: [] as number[], rss: [] as (number | undefined)[] },
  ];
  let code: number | null = null;
  for (let r = 0; r < reps; r++) {
    for (const p of parts) {
      p.floors.push(runChild<FloorResult>('floor.js', [p.info.dir, '1']));
      const t = timeCli(['convert', p.info.dir, '-o', freshOutput('scale'), '--force', '-q']);
      p.convert.push(t.ms);
      p.rss.push(t.rssKiB);
      if (p.label === 'all') code = t.code;
    }
  }
  const measurements: (Measurement & { ratio: number })[] = [];
  for (const p of parts) {
    const floorM: Measurement = {
      name: `${p.label}: floor, read + parse, 1 thread`,
      ms: p.floors.flatMap((f) => f.parseMs),
      rssKiB: p.floors.map((f) => f.maxRssKiB),
      lines: p.info.lines,
      bytes: p.info.bytes,
    };
    const floorMs = median(floorM.ms);
    const conv: Measurement = { name: `${p.label}: convert (default jobs: ${cores})`, ms: p.convert, rssKiB: p.rss, lines: p.info.lines, bytes: p.info.bytes };
    measurements.push({ ...floorM, ratio: 1 }, { ...conv, ratio: median(conv.ms) / floorMs });
  }
  const rows = [['measurement', 'median', 'min-max', 'lines/s', 'MB/s', 'peak RSS', '× floor']];
  for (const x of measurements) {
    const med = median(x.ms);
    const rss = x.rssKiB.filter((v): v is number => v !== undefined);
    rows.push([
      x.name,
      fmtMs(med),
      `${fmtMs(Math.min(...x.ms))}-${fmtMs(Math.max(...x.ms))}`,
      fmtK((x.lines * 1000) / med),
      ((x.bytes / 1e6) * 1000 / med).toFixed(1),
      rss.length ? fmtMB(Math.max(...rss)) : '-',
      x.ratio.toFixed(2),
    ]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const r of rows) log(r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd());
  log('');
  const f = parts[0].floors[parts[0].floors.length - 1];
  log(`cheap path   ${f.cheap} of ${f.files} Python files match no pass trigger; ${f.cheapConvert} match no analysis trigger either (convert parses them only for the syntax check)`);
  log(`             read ${fmtMs(median(f.readMs))}, read + decode + triggers ${fmtMs(median(f.triggersMs))} (all files, one thread)`);
  log(`exit code    ${code} (2: some files failed: standard library test files with syntax errors, a GBK file that is not lossless)`);
  const lps = (lib.lines * 1000) / median(parts[1].convert);
  const peak = Math.max(...parts.flatMap((p) => p.rss).filter((v): v is number => v !== undefined));
  log('');
  log('targets (issue 9)');
  log(`  library-style code (lib/), convert, default jobs >= 100k lines/s: ${fmtK(lps)} ${lps >= 100_000 ? 'met' : 'NOT met'}`);
  log(`  whole corpus (8% training code): ${fmtK((corpus.lines * 1000) / median(parts[0].convert))} lines/s (no target)`);
  log(`  peak RSS < 1 GB: ${fmtMB(peak)} ${peak < 1024 * 1024 ? 'met' : 'NOT met'}`);
  if (args.json) {
    const doc = {
      machine: { cpu, cores, memGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version, platform: `${os.platform()}-${os.arch()}` },
      passes: PASSES.map((p) => p.id),
      corpus,
      library: lib,
      floors: parts.map((p) => ({ part: p.label, floors: p.floors })),
      measurements: measurements.map((x) => ({ ...x, medianMs: median(x.ms) })),
    };
    fs.writeFileSync(args.json, JSON.stringify(doc, null, 2) + '\n');
    log(`\nwrote ${args.json}`);
  }
}

/**
 * When the bench last deleted its outputs (a marker in the temporary folder):
 * the next run within minutes pays for that deletion on this machine's disk
 * (see `freshOutput`), which the bench then says.
 */
const DELETION_MARKER = path.join(os.tmpdir(), 'ascendify-bench-deleted');
const RECENTLY_DELETED_S = 360;
function secondsSinceLastDeletion(): number | undefined {
  try {
    const at = Number(fs.readFileSync(DELETION_MARKER, 'utf8'));
    return Number.isFinite(at) && at > 0 ? Math.round((Date.now() - at) / 1000) : undefined;
  } catch {
    return undefined;
  }
}

main()
  .catch((e) => {
    process.stderr.write(`bench: ${(e as Error).stack ?? e}\n`);
    process.exitCode = 1;
  })
  .finally(() => {
    const deleting = outputs > 0;
    fs.rmSync(tmp, { recursive: true, force: true });
    if (deleting) fs.writeFileSync(DELETION_MARKER, String(Date.now()));
  });
