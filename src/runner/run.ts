/**
 * A conversion run over a repository (or one file): walk, convert each Python
 * file, copy everything else byte for byte with its mode, gather records in a
 * deterministic order, and write outputs (convert), rewrite files atomically
 * (in-place) or write nothing (diff).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ChangeRecord, EngineNote, ManualRecord } from '../core/pipeline';
import { unifiedDiff } from '../core/diff';
import { encodeText, UTF8 } from '../python/source';
import type { EngineOptions, FileResult, FileStatus } from './convert-file';
import { convertFiles, type FileTask, type PoolStats } from './pool';
import { comparePaths, errorText, isPythonSource, isWithin, walkTree, writeFileAtomic, type TreeEntry } from './files';
import { UsageError } from './passes';
import { analyzeOtherFile, otherKinds } from '../analysis/analyze-file';
import { collectFindings, type FileFindings } from '../analysis/collect';
import type { ProjectFinding } from '../analysis/types';

/** analyze: like diff, nothing is written but the reports (src/analysis). */
export type RunMode = 'convert' | 'diff' | 'in-place' | 'analyze';

export interface RunRequest {
  src: string;
  mode: RunMode;
  /** convert: output path (default `<src>_npu`, or `<stem>_npu.py` for a file). */
  out?: string;
  /** Write into an existing non-empty output directory. */
  force?: boolean;
  engine: EngineOptions;
  /** Absolute directories below the source to leave out entirely (a report folder the user put there). */
  skipDirs?: string[];
  /** Worker threads converting Python files (default 1: in-process; 0: one per core). See src/runner/pool.ts. */
  jobs?: number;
  /** Called after each Python file: files done, files in all. */
  onProgress?: (done: number, total: number) => void;
}

export interface FileSummary {
  rel: string;
  status: FileStatus;
  reason?: string;
}

export interface RunCounts {
  scanned: number;
  changed: number;
  unchanged: number;
  skipped: number;
  failed: number;
  otherFiles: number;
  otherSkipped: number;
  changes: number;
  changesByPass: Record<string, number>;
  manual: number;
  unsafe: number;
  errors: number;
}

export interface RunResult {
  src: string;
  out?: string;
  singleFile: boolean;
  options: { passes: string[]; unsafe: boolean; transferToNpu: boolean };
  /** Python files (every status) and other entries that could not be copied. */
  files: FileSummary[];
  changes: (ChangeRecord & { file: string })[];
  manual: (ManualRecord & { file: string })[];
  notes: (EngineNote & { file: string })[];
  /**
   * Unified diff of every change, files in sorted order, as bytes: each file's
   * diff is in that file's codec (UTF-8, or what its PEP 263 declaration names),
   * so `git apply` matches it against the file's own bytes, as with `git diff`.
   */
  patch: Buffer;
  counts: RunCounts;
  /** Migration analysis: every finding, with the records passes left (src/analysis/collect.ts); sorted. */
  findings: ProjectFinding[];
  /** Non-Python files the analysis read (scripts, configs, requirements, C++/CUDA sources). */
  analysedOther: number;
  /** How the Python files were converted (in-process or worker threads); never part of a report. */
  pool: PoolStats;
}

interface Plan {
  src: string;
  singleFile: boolean;
  out?: string;
  entries: TreeEntry[];
  problems: FileSummary[];
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

  let out: string | undefined;
  if (req.mode === 'convert') {
    out = path.resolve(req.out ?? defaultOut(req.src, singleFile));
    const outReal = realpathOfNearest(out);
    if (isWithin(outReal, src)) throw new UsageError(`output ${out} is inside the source ${src}; choose a path outside it`);
    if (isWithin(src, outReal)) throw new UsageError(`the source ${src} is inside the output ${out}; choose another output`);
    checkOutput(out, singleFile, req.force === true);
  }

  if (singleFile) {
    const rel = path.basename(src);
    return { src, singleFile, out, entries: [{ rel, abs: src, kind: 'file', mode: st.mode & 0o7777, size: st.size }], problems: [] };
  }
  const { entries: all, problems } = walkTree(src);
  const skip = (req.skipDirs ?? []).map((d) => path.resolve(d));
  const entries = skip.length === 0 ? all : all.filter((e) => !skip.some((d) => isWithin(e.abs, d)));
  return { src, singleFile, out, entries, problems: problems.map((p) => ({ rel: p.rel, status: 'failed', reason: p.reason })) };
}

export function defaultOut(src: string, singleFile: boolean): string {
  const resolved = path.resolve(src);
  if (!singleFile) return `${resolved.replace(/[\\/]+$/, '')}_npu`;
  const ext = path.extname(resolved);
  return path.join(path.dirname(resolved), `${path.basename(resolved, ext)}_npu${ext}`);
}

function realpathOfNearest(p: string): string {
  let cur = p;
  const rest: string[] = [];
  while (!fs.existsSync(cur)) {
    rest.unshift(path.basename(cur));
    const up = path.dirname(cur);
    if (up === cur) break;
    cur = up;
  }
  return path.join(fs.realpathSync(cur), ...rest);
}

function checkOutput(out: string, singleFile: boolean, force: boolean): void {
  if (!fs.existsSync(out)) return;
  const st = fs.statSync(out);
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

/**
 * Run a plan. Directories and other files are copied first, then the Python
 * files are converted (on `jobs` threads) and written as their results arrive;
 * records are sorted at the end, so the outcome does not depend on `jobs`.
 */
export async function executeRun(req: RunRequest, plan: Plan): Promise<RunResult> {
  const writer = req.mode === 'convert' ? new TreeWriter(plan.out!, plan.singleFile) : undefined;
  const python: FileSummary[] = []; // every Python source, whatever happened to it
  const others: FileSummary[] = [...plan.problems]; // other entries that could not be walked or copied
  const results: FileResult[] = [];
  const otherAnalyses: FileFindings[] = [];
  const tasks: (FileTask & { entry: TreeEntry })[] = [];
  let otherFiles = 0;
  const analysis = req.engine.analysis !== false;

  for (const entry of plan.entries) {
    // a single file is Python unless the analysis knows it as something else (run.sh, requirements.txt)
    const isPython = isPythonSource(entry.rel) || (plan.singleFile && otherKinds(entry.rel).length === 0);
    if (isPython && entry.kind === 'file') {
      tasks.push({ rel: entry.rel, abs: entry.abs, size: entry.size, entry });
      continue;
    }
    if (isPython && entry.kind === 'symlink') {
      python.push({ rel: entry.rel, status: 'skipped', reason: 'symbolic link; copied as a link, not followed or converted' });
    }
    if (analysis && entry.kind === 'file' && entry.size <= req.engine.maxFileSize && otherKinds(entry.rel).length > 0) {
      const a = analyseOther(entry);
      if (a) otherAnalyses.push(a);
    }
    if (!writer) continue;
    const problem = writer.copy(entry);
    if (entry.kind === 'file') otherFiles++;
    if (problem) others.push({ rel: entry.rel, status: entry.kind === 'other' ? 'skipped' : 'failed', reason: problem });
  }

  const pool = await convertFiles(tasks, { engine: req.engine, jobs: req.jobs ?? 1 }, (r, task) => {
    results.push(stripOutput(r));
    python.push({ rel: r.rel, status: r.status, ...(r.reason ? { reason: r.reason } : {}) });
    if (req.mode === 'in-place' && r.output) writeFileAtomic(task.entry.abs, r.output, task.entry.mode);
    writer?.file(task.entry, r.output);
    req.onProgress?.(results.length, tasks.length);
  });

  results.sort((a, b) => comparePaths(a.rel, b.rel)); // completion order varies with jobs
  const support = supportFiles(plan, results);
  for (const s of support.files) {
    if (req.mode === 'in-place') {
      const target = path.join(plan.singleFile ? path.dirname(plan.src) : plan.src, ...s.path.split('/'));
      fs.mkdirSync(path.dirname(target), { recursive: true });
      writeFileAtomic(target, s.content, 0o644);
    }
    writer?.newFile(s.path, s.content);
  }
  writer?.finish();

  const files = [...python, ...others].sort((a, b) => comparePaths(a.rel, b.rel));
  const changes = results.flatMap((r) => r.changes.map((c) => ({ file: r.rel, ...c })));
  for (const s of support.files) {
    changes.push({ file: s.path, startLine: 1, endLine: 1, operation: 'INSERT', message: `new file ${s.path}`, passId: s.passId, ruleId: s.passId, safety: 'safe' });
  }
  changes.sort((a, b) => comparePaths(a.file, b.file));
  const manual = results.flatMap((r) => r.manual.map((m) => ({ file: r.rel, ...m })));
  const notes = [...results.flatMap((r) => r.notes.map((n) => ({ file: r.rel, ...n }))), ...support.notes];
  const diffs = [
    ...results.map((r) => ({ rel: r.rel, diff: r.diff, encoding: r.encoding ?? UTF8 })),
    ...support.files.map((s) => ({ rel: s.path, diff: unifiedDiff(s.path, null, s.content), encoding: UTF8 })),
  ];
  diffs.sort((a, b) => comparePaths(a.rel, b.rel));

  otherAnalyses.sort((a, b) => comparePaths(a.rel, b.rel));
  const findings = analysis ? collectFindings([...results, ...otherAnalyses], changes, manual) : [];

  const count = (s: FileStatus) => python.filter((f) => f.status === s).length;
  const changesByPass: Record<string, number> = {};
  for (const c of changes) changesByPass[c.passId] = (changesByPass[c.passId] ?? 0) + 1;
  return {
    src: plan.src,
    out: plan.out,
    singleFile: plan.singleFile,
    options: { passes: req.engine.passIds, unsafe: req.engine.unsafe, transferToNpu: req.engine.transferToNpu },
    files,
    changes,
    manual,
    notes,
    patch: Buffer.concat(diffs.filter((d) => d.diff).map((d) => encodeText(d.diff, d.encoding))),
    counts: {
      scanned: python.length,
      changed: count('changed'),
      unchanged: count('unchanged'),
      skipped: count('skipped'),
      failed: count('failed'),
      otherFiles,
      otherSkipped: others.length,
      changes: changes.length,
      changesByPass: Object.fromEntries(Object.entries(changesByPass).sort(([a], [b]) => comparePaths(a, b))),
      manual: manual.filter((m) => m.level === 'manual').length,
      unsafe: manual.filter((m) => m.level === 'unsafe').length,
      errors: notes.filter((n) => n.level === 'error').length,
    },
    findings,
    analysedOther: otherAnalyses.length,
    pool,
  };
}

/** Analysis of a non-Python file; undefined when it cannot be read (the copy reports that). */
function analyseOther(entry: TreeEntry): FileFindings | undefined {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(entry.abs);
  } catch {
    return undefined;
  }
  return { rel: entry.rel, analysis: analyzeOtherFile(entry.rel, bytes) };
}

export function run(req: RunRequest): Promise<RunResult> {
  return executeRun(req, planRun(req));
}

/** Exit status: 2 when a file failed or a pass was reverted, else 0. */
export function hasFailures(r: RunResult): boolean {
  return r.counts.errors > 0 || r.files.some((f) => f.status === 'failed');
}

function stripOutput(r: FileResult): FileResult {
  const { output: _output, ...rest } = r;
  return rest;
}

/** Support files requested by passes: once per repository, never over a user's file. */
function supportFiles(plan: Plan, results: FileResult[]) {
  const files: { path: string; content: string; passId: string }[] = [];
  const notes: (EngineNote & { file: string })[] = [];
  for (const r of results) {
    for (const s of r.supportFiles) {
      const prev = files.find((f) => f.path === s.path);
      if (prev) {
        if (prev.content !== s.content) notes.push({ file: s.path, level: 'error', passId: s.passId, message: 'two different contents requested' });
        continue;
      }
      const existing = plan.singleFile ? undefined : plan.entries.find((e) => e.rel === s.path);
      if (existing) {
        const same = existing.kind === 'file' && fs.readFileSync(existing.abs, 'utf8') === s.content;
        if (!same) notes.push({ file: s.path, level: 'error', passId: s.passId, message: `the repository already has ${s.path}; not overwritten` });
        continue;
      }
      files.push({ ...s });
    }
  }
  files.sort((a, b) => comparePaths(a.path, b.path));
  return { files, notes };
}

/** Writes the output tree: directories first writable, their modes restored at the end. */
class TreeWriter {
  private readonly dirModes: { abs: string; mode: number }[] = [];

  constructor(
    private readonly out: string,
    private readonly singleFile: boolean,
  ) {
    if (!singleFile) fs.mkdirSync(out, { recursive: true });
    else fs.mkdirSync(path.dirname(out), { recursive: true });
  }

  private target(rel: string): string {
    return this.singleFile ? this.out : path.join(this.out, ...rel.split('/'));
  }

  /** A converted (or unchanged) Python file. */
  file(entry: TreeEntry, output: Uint8Array | undefined): void {
    if (output) writeFileAtomic(this.target(entry.rel), output, entry.mode);
    else this.copy(entry);
  }

  /** Copy an entry as it is; returns a reason when it could not be copied. */
  copy(entry: TreeEntry): string | undefined {
    const target = this.target(entry.rel);
    try {
      switch (entry.kind) {
        case 'dir':
          fs.mkdirSync(target, { recursive: true, mode: 0o700 });
          this.dirModes.push({ abs: target, mode: entry.mode });
          return undefined;
        case 'file':
          fs.rmSync(target, { force: true });
          fs.copyFileSync(entry.abs, target);
          fs.chmodSync(target, entry.mode);
          return undefined;
        case 'symlink':
          fs.rmSync(target, { force: true });
          fs.symlinkSync(fs.readlinkSync(entry.abs), target);
          return undefined;
        default:
          return 'not a regular file, directory or symbolic link; not copied';
      }
    } catch (e) {
      return `cannot copy: ${errorText(e)}`;
    }
  }

  /** A support file requested by a pass (beside the output file in single-file runs). */
  newFile(rel: string, content: string): void {
    const target = this.singleFile ? path.join(path.dirname(this.out), ...rel.split('/')) : this.target(rel);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    writeFileAtomic(target, content, 0o644);
  }

  finish(): void {
    for (const d of this.dirModes.reverse()) fs.chmodSync(d.abs, d.mode);
  }
}
