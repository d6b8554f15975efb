/**
 * Planning a run: every check that can refuse it, before anything is written.
 *
 * Paths are resolved with realpath (the nearest existing ancestor, for a path
 * still to be created) and checked against each other: the output may not be
 * or lie inside the source (nor the source inside it), the report folder may
 * not be a link, lie inside the source (but for --in-place and analyze, where
 * it is then left out of the walk), or lie where the copy of the source writes;
 * the nearest existing ancestor of what the run creates must be a writable
 * directory. The source is walked here too, so a refusal that depends on its
 * entries also comes before the first write. Any refusal is a UsageError: one
 * line on stderr, exit 3, nothing written.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isPythonSource, isWithin, walkTree, type TreeEntry } from './files';
import { errorText } from './error-text';
import { EarlyWorkers } from './early-workers';
import { DEFAULT_MIN_PARALLEL_BYTES } from './pool';
import { UsageError } from './passes';
import { LOCK_NAME, liveLockHolder } from './lock';
import type { FileSummary, RunRequest } from './run';
import { REPORT_DIR_NAME } from './reports';
import { TEMP_FILE_RE } from './safe-fs';
import { leftOut } from '../config/select';

/** Default report folder of `analyze`: beside the source, never inside it. */
export const ANALYSIS_DIR_SUFFIX = '_npu-analysis';

export interface LockSpec {
  dir: string;
  name: string;
}

export interface Plan {
  /** Real path of the source (file or directory). */
  src: string;
  singleFile: boolean;
  /** convert: real path of the output (directory, or file for a single-file source). */
  out?: string;
  /** convert, in-place, analyze: real path of the report folder. */
  reportDir?: string;
  entries: TreeEntry[];
  problems: FileSummary[];
  /** Locks to take before the first write (none for diff). */
  locks: LockSpec[];
  /** Temporary files of writers found in the source (left by a killed in-place run), absolute; never copied. */
  tempFiles: string[];
  /**
   * Entries the project config (include / exclude) or a `.gitignore` leaves out
   * of the conversion and the analysis, with the reason (src/config/select.ts).
   * They are still copied.
   */
  leftOut: ReadonlyMap<string, string>;
  /**
   * Pool workers started during the walk, once it had found enough Python for
   * the pool to use workers (src/runner/pool.ts EarlyWorkers): the run hands
   * them to the pool; a caller that does not run the plan releases them.
   */
  early?: EarlyWorkers;
}

export function defaultOut(src: string, singleFile: boolean): string {
  const resolved = path.resolve(src);
  if (!singleFile) return `${resolved.replace(/[\\/]+$/, '')}_npu`;
  const ext = path.extname(resolved);
  return path.join(path.dirname(resolved), `${path.basename(resolved, ext)}_npu${ext}`);
}

export function defaultAnalysisDir(src: string, singleFile: boolean): string {
  const resolved = path.resolve(src).replace(/[\\/]+$/, '');
  if (!singleFile) return `${resolved}${ANALYSIS_DIR_SUFFIX}`;
  const ext = path.extname(resolved);
  return path.join(path.dirname(resolved), `${path.basename(resolved, ext)}${ANALYSIS_DIR_SUFFIX}`);
}

function lstatOrUndefined(p: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(p);
  } catch {
    return undefined;
  }
}

/**
 * Real path of `p`, which may not exist yet: the nearest existing ancestor is
 * resolved, the rest appended. That ancestor must be a writable directory
 * (`what` names the path in the error).
 */
export function resolveTarget(p: string, what: string, opts: { noLink?: boolean } = {}): string {
  const abs = path.resolve(p);
  const st = lstatOrUndefined(abs);
  if (st?.isSymbolicLink()) {
    if (!fs.existsSync(abs)) throw new UsageError(`${what} ${abs} is a symbolic link to a missing path; choose another`);
    if (opts.noLink) throw new UsageError(`${what} ${abs} is a symbolic link; give a real path`);
  }
  let cur = abs;
  const rest: string[] = [];
  while (!fs.existsSync(cur)) {
    if (lstatOrUndefined(cur)?.isSymbolicLink()) throw new UsageError(`${what} ${abs}: ${cur} is a symbolic link to a missing path`);
    rest.unshift(path.basename(cur));
    const up = path.dirname(cur);
    if (up === cur) break;
    cur = up;
  }
  let real: string;
  try {
    real = fs.realpathSync(cur);
  } catch (e) {
    throw new UsageError(`cannot resolve ${what} ${abs}: ${errorText(e)}`);
  }
  const stat = fs.statSync(real);
  if (rest.length > 0 && !stat.isDirectory()) throw new UsageError(`cannot create ${what} ${abs}: ${cur} is not a directory`);
  const writable = rest.length > 0 || stat.isDirectory() ? real : path.dirname(real);
  try {
    fs.accessSync(writable, fs.constants.W_OK);
  } catch {
    throw new UsageError(`cannot write ${what} ${abs}: ${writable} is not writable`);
  }
  return path.join(real, ...rest);
}

/** Refuse a link (or a non-directory) on the way from `root` down to `dir` (both real, `dir` inside `root`). */
function checkNoLinksBelow(root: string, dir: string, what: string): void {
  let cur = root;
  for (const part of path.relative(root, dir).split(path.sep).filter(Boolean)) {
    cur = path.join(cur, part);
    const st = lstatOrUndefined(cur);
    if (!st) return;
    if (st.isSymbolicLink()) throw new UsageError(`${what} ${dir}: ${cur} is a symbolic link; not followed`);
    if (!st.isDirectory()) throw new UsageError(`${what} ${dir}: ${cur} is not a directory`);
  }
}

export function planRun(req: RunRequest): Plan {
  let src: string;
  try {
    src = fs.realpathSync(req.src);
  } catch (e) {
    throw new UsageError(`cannot read ${req.src}: ${errorText(e)}`);
  }
  const st = fs.statSync(src);
  const singleFile = st.isFile();
  if (!singleFile && !st.isDirectory()) throw new UsageError(`${req.src} is neither a file nor a directory`);
  const srcDir = singleFile ? path.dirname(src) : src;
  const locks: LockSpec[] = [];

  if (req.mode !== 'in-place') {
    const holder = liveLockHolder(srcDir);
    if (holder) throw new UsageError(`the source ${srcDir} is being rewritten in place by another run: ${holder}`);
  }

  let out: string | undefined;
  if (req.mode === 'convert') {
    if (req.out === '') throw new UsageError('--output: empty path');
    const given = path.resolve(req.out ?? defaultOut(req.src, singleFile));
    out = resolveTarget(given, 'output', { noLink: singleFile });
    if (isWithin(out, src)) throw new UsageError(`output ${given} is inside the source ${src}; choose a path outside it`);
    if (isWithin(src, out)) throw new UsageError(`the source ${src} is inside the output ${given}; choose another output`);
    checkOutput(out, singleFile, req.force === true);
    locks.push(singleFile ? { dir: path.dirname(out), name: `.${path.basename(out)}${LOCK_NAME}` } : { dir: out, name: LOCK_NAME });
  } else if (req.mode === 'in-place') {
    locks.push(singleFile ? { dir: srcDir, name: `.${path.basename(src)}${LOCK_NAME}` } : { dir: src, name: LOCK_NAME });
  }

  let reportDir: string | undefined;
  if (req.mode !== 'diff') {
    if (req.reportDir === '') throw new UsageError('--report-dir: empty path');
    const given = path.resolve(req.reportDir ?? defaultReportDir(req, src, singleFile, out));
    reportDir = resolveTarget(given, 'report folder', { noLink: true });
    if (reportDir === src) throw new UsageError(`report folder ${given} is the source itself; choose another`);
    // convert: never inside the source; in-place and analyze: allowed there, and left out of the walk
    if (req.mode === 'convert' && !singleFile && isWithin(reportDir, src)) {
      throw new UsageError(`report folder ${given} is inside the source ${srcDir}; choose one outside it`);
    }
    if (out && !singleFile && isWithin(reportDir, out)) checkNoLinksBelow(out, reportDir, 'report folder');
    else if (isWithin(reportDir, srcDir)) checkNoLinksBelow(srcDir, reportDir, 'report folder');
    const inOut = out !== undefined && !singleFile && isWithin(reportDir, out);
    if (!inOut) locks.push({ dir: reportDir, name: LOCK_NAME });
  }

  if (singleFile) {
    const rel = path.basename(src);
    const entry: TreeEntry = { rel, abs: src, kind: 'file', mode: st.mode & 0o7777, size: st.size };
    // a file named on the command line is converted whatever the globs say
    return { src, singleFile, out, reportDir, entries: [entry], problems: [], locks, tempFiles: [], leftOut: new Map() };
  }
  const skip = (req.skipDirs ?? []).map((d) => path.resolve(d));
  if (reportDir && isWithin(reportDir, src)) skip.push(reportDir);
  // workers start loading the engine while this thread walks (on two cores the walk leaves one free), then
  // scan the Python files the walk finds for the project index (the pool scans only what they have not)
  let early: EarlyWorkers | undefined;
  let pythonBytes = 0;
  const found: TreeEntry[] = []; // Python files found before the workers start
  const jobs = req.jobs ?? 1;
  const { entries: all, problems } = walkTree(src, (e) => {
    if (jobs <= 1 || e.kind !== 'file' || !isPythonSource(e.rel)) return;
    if (early) return early.prescan(e);
    pythonBytes += e.size;
    found.push(e);
    if (pythonBytes < DEFAULT_MIN_PARALLEL_BYTES) return;
    early = new EarlyWorkers(req.engine, jobs);
    for (const f of found.splice(0)) early.prescan(f);
  });
  early?.flushPrescans();
  try {
    // a lock of ours at the root (another run's, or one a killed run left) is never copied or converted
    const tempFiles = all.filter((e) => e.kind === 'file' && isTempFile(e.rel)).map((e) => e.abs);
    const entries = all.filter((e) => !isLockName(e.rel) && !isTempFile(e.rel) && !skip.some((d) => isWithin(e.abs, d)));
    if (out && reportDir && isWithin(reportDir, out)) checkReportAgainstCopy(entries, path.relative(out, reportDir).split(path.sep).join('/'), reportDir);
    const left = req.select ? leftOut(entries, req.select) : new Map<string, string>();
    return {
      src,
      singleFile,
      out,
      reportDir,
      entries,
      problems: problems.map((p) => ({ rel: p.rel, status: 'failed', reason: p.reason })),
      locks,
      tempFiles,
      leftOut: left,
      ...(early ? { early } : {}),
    };
  } catch (e) {
    early?.release(); // refused after the walk: the run will not start
    throw e;
  }
}

/** A temporary file of a writer (a run killed while writing leaves one): never copied or converted. */
export function isTempFile(rel: string): boolean {
  return TEMP_FILE_RE.test(rel.slice(rel.lastIndexOf('/') + 1));
}

function isLockName(rel: string): boolean {
  return !rel.includes('/') && rel.endsWith(LOCK_NAME);
}

function defaultReportDir(req: RunRequest, src: string, singleFile: boolean, out: string | undefined): string {
  if (req.mode === 'analyze') return defaultAnalysisDir(req.src, singleFile);
  if (req.mode === 'in-place') return path.join(singleFile ? path.dirname(src) : src, REPORT_DIR_NAME);
  if (singleFile) {
    const ext = path.extname(out!);
    return path.join(path.dirname(out!), `${path.basename(out!, ext)}.${REPORT_DIR_NAME}`);
  }
  return path.join(out!, REPORT_DIR_NAME);
}

/** The report folder may not be where the copy of the source writes (nor below or above such a place). */
function checkReportAgainstCopy(entries: readonly TreeEntry[], rel: string, reportDir: string): void {
  if (rel === '') throw new UsageError(`report folder ${reportDir} is the output itself; choose a folder in it or elsewhere`);
  const clash = entries.find((e) => e.rel === rel || e.rel.startsWith(rel + '/') || rel.startsWith(e.rel + '/'));
  if (clash) {
    throw new UsageError(
      `report folder ${reportDir} is where the copy of the source writes (the source has ${clash.rel}${clash.kind === 'symlink' ? ', a symbolic link' : ''}); choose another --report-dir`,
    );
  }
}

function checkOutput(out: string, singleFile: boolean, force: boolean): void {
  const st = lstatOrUndefined(out);
  if (!st) return;
  if (singleFile) {
    if (!st.isFile()) throw new UsageError(`output ${out} exists and is not a file`);
    if (!force) throw new UsageError(`output ${out} exists; pass --force to overwrite it`);
    return;
  }
  if (!st.isDirectory()) throw new UsageError(`output ${out} exists and is not a directory`);
  if (fs.readdirSync(out).length > 0 && !force) {
    throw new UsageError(`output ${out} exists and is not empty; pass --force to write into it`);
  }
}
