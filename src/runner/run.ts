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
import { convertFiles, eventLoopTurns, type FileTask, type PoolStats } from './pool';
import { needsProjectIndex } from '../kinds';
import { comparePaths, convertedByEngine, isPythonSource, type TreeEntry } from './files';
import { errorText } from './error-text';
import { planRun, type Plan } from './plan';
export { planRun, type Plan } from './plan';
import { isFatalWriteError, RootedWriter, WriteError } from './safe-fs';
import type { JournalSink } from './journal';
import { analyzeOtherFile, otherKinds } from '../analysis/analyze-file';
import { collectFindings, type FileFindings } from '../analysis/collect';
import type { ProjectFinding } from '../analysis/types';
import type { Selection } from '../config/select';
import { useExtraPackages } from '../analysis/facts/third-party';

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
  /** The project config's include / exclude globs and the `.gitignore` switch (src/config/select.ts); none: every file. */
  select?: Selection;
  /** Absolute directories below the source to leave out entirely (a report folder the user put there). */
  skipDirs?: string[];
  /** Worker threads converting Python files (default 1: in-process; 0: one per core). See src/runner/pool.ts. */
  jobs?: number;
  /** Called after each Python file: files done, files in all. */
  onProgress?: (done: number, total: number) => void;
  /** convert, in-place, analyze: the report folder asked for (--report-dir); default per mode (src/runner/plan.ts). */
  reportDir?: string;
  /** Stop early (SIGINT, SIGTERM): files in flight finish, the rest are not started. */
  signal?: AbortSignal;
  /** Told about every file as soon as it is done (src/runner/journal.ts). */
  journal?: JournalSink;
}

export interface FileSummary {
  rel: string;
  status: FileStatus;
  reason?: string;
  /** The src/kinds/ converter that took the file; absent for a Python source. */
  kind?: string;
  /** Skipped because the project config or a .gitignore leaves it out (src/config/select.ts). */
  leftOut?: true;
}

export interface RunCounts {
  scanned: number;
  changed: number;
  unchanged: number;
  skipped: number;
  failed: number;
  otherFiles: number;
  otherSkipped: number;
  /** Python files not converted because the run stopped early. */
  notDone: number;
  changes: number;
  changesByPass: Record<string, number>;
  manual: number;
  unsafe: number;
  errors: number;
}

export interface RunResult {
  src: string;
  out?: string;
  /** Real path of the report folder (not for diff). */
  reportDir?: string;
  /** Why the run stopped before every file was done (a signal, a full disk). */
  stopped?: string;
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
  /** How the Python files were converted (in-process or worker threads), and how long the project index took; never part of a report. */
  pool: PoolStats;
  /** Entry files that import torch (what --transfer-to-npu patches), sorted (src/python/nodes.ts isEntryFile). */
  entryFiles: string[];
}

/**
 * Run a plan. The Python files are converted (on `jobs` threads) and written
 * as their results arrive, while directories and other files are copied;
 * records are sorted at the end, so the outcome does not depend on `jobs` or
 * on which finished first.
 *
 * A file that cannot be written is that file's failure (files.csv), never the
 * end of the run; a full disk stops the run cleanly (what is done is reported),
 * as does `req.signal`. Every write goes through a RootedWriter: no write ever
 * follows a symbolic link in the output (or, with --in-place, the source).
 */
export async function executeRun(req: RunRequest, plan: Plan): Promise<RunResult> {
  try {
    return await runPlan(req, plan);
  } finally {
    plan.early?.release(); // those the pool did not take (none when it ran)
  }
}

async function runPlan(req: RunRequest, plan: Plan): Promise<RunResult> {
  const tree = treeTarget(req, plan);
  const python: FileSummary[] = []; // every Python source, whatever happened to it
  const others: FileSummary[] = [...plan.problems]; // other entries that could not be walked or copied
  const results: FileResult[] = [];
  const otherAnalyses: FileFindings[] = [];
  const tasks: (FileTask & { entry: TreeEntry })[] = [];
  let otherFiles = 0;
  const analysis = req.engine.analysis !== false;
  const journal = req.journal;
  let fatal: string | undefined; // a write error that stops every later write (a full disk)
  const stop = new AbortController(); // req.signal, or a fatal write error
  if (req.signal?.aborted) stop.abort(stopReason(req.signal));
  req.signal?.addEventListener('abort', () => stop.abort(stopReason(req.signal!)), { once: true });
  const stopped = () => (stop.signal.aborted ? stopReason(stop.signal) : undefined);
  /** Run a write; its failure is returned as one line, and a fatal one stops the run. */
  const attempt = (write: () => void): string | undefined => {
    if (fatal) return `not written: the run stopped (${fatal})`;
    try {
      write();
      return undefined;
    } catch (e) {
      if (!(e instanceof WriteError)) throw e;
      if (isFatalWriteError(e) && !fatal) {
        fatal = e.reason;
        stop.abort(fatal);
      }
      return e.reason;
    }
  };
  for (const p of plan.problems) journal?.record(p.rel, 'failed', p.reason);
  useExtraPackages(req.engine.thirdParty); // the config's [third_party], for the analysis on this thread

  const converted = new Map<string, boolean>(); // asked twice per entry; a sniffing kind reads the file's head
  const isConverted = (entry: TreeEntry) => {
    let c = converted.get(entry.rel);
    if (c === undefined) {
      c = !plan.leftOut.has(entry.rel) && convertedByEngine(entry.rel, plan.singleFile, entry.kind === 'file' ? entry.abs : undefined);
      converted.set(entry.rel, c);
    }
    return c;
  };
  const otherEntries: TreeEntry[] = [];
  for (const entry of plan.entries) {
    if (isConverted(entry) && entry.kind === 'file') tasks.push({ rel: entry.rel, abs: entry.abs, size: entry.size, entry });
    else otherEntries.push(entry);
  }
  /** Copy (or record) every entry that is not a Python file to convert. */
  const copyOthers = async () => {
    const turns = eventLoopTurns();
    for (const entry of otherEntries) {
      if (stopped()) break;
      // turn the event loop now and then: the pool hands out batches and takes results meanwhile
      if (turns.due()) {
        await turns.turn();
        if (stopped()) break;
      }
      const isPython = isConverted(entry);
      if (isPython && entry.kind === 'symlink') {
        python.push({ rel: entry.rel, status: 'skipped', reason: 'symbolic link; copied as a link, not followed or converted' });
      }
      const left = plan.leftOut.get(entry.rel);
      if (left !== undefined && entry.kind === 'file' && convertedByEngine(entry.rel, plan.singleFile)) {
        python.push({ rel: entry.rel, status: 'skipped', reason: `${left}; copied unchanged`, leftOut: true });
      }
      if (analysis && left === undefined && entry.kind === 'file' && entry.size <= req.engine.maxFileSize && otherKinds(entry.rel).length > 0) {
        const a = analyseOther(entry);
        if (a) otherAnalyses.push(a);
      }
      if (!tree || req.mode === 'in-place') continue;
      const problem = entry.kind === 'other' ? 'not a regular file, directory or symbolic link; not copied' : attempt(() => copyEntry(tree.writer, tree.rel(entry.rel), entry));
      if (problem) {
        const status = entry.kind === 'other' ? 'skipped' : 'failed';
        others.push({ rel: entry.rel, status, reason: problem });
        journal?.record(entry.rel, status, problem);
        continue;
      }
      if (entry.kind === 'file') otherFiles++;
      if (entry.kind !== 'dir') journal?.record(entry.rel, entry.kind === 'symlink' ? 'link' : 'copied');
    }
  };

  const pending = stopped() ? [] : tasks;
  // Repository-wide facts (import graph, star imports) for every file, built by
  // the pool before any file is converted (on the workers, when there are).
  const pythonPending = pending.filter((t) => isPythonSource(t.rel));
  const projectFiles = !plan.singleFile && pythonPending.length > 0 ? pythonPending : undefined;
  // The other entries are copied while the workers scan for the project index
  // and then convert (on the bench corpus, 0.6 s of copying no longer comes
  // before the first file is converted, nor the index's 0.8 s of scanning
  // before the workers start). A fatal write error of either stops both
  // (stop.signal).
  // Notebooks, requirements files and Dockerfiles do not read the index: a
  // worker done scanning converts them while the index is being resolved.
  const indexFree = (t: FileTask) => !needsProjectIndex(t.rel);
  const poolOptions = { engine: req.engine, jobs: req.jobs ?? 1, signal: stop.signal, ...(projectFiles ? { projectFiles, indexFree } : {}), ...(plan.early ? { early: plan.early } : {}) };
  const converting = convertFiles(pending, poolOptions, (converted, task) => {
    let r = converted;
    if (tree) {
      const target = tree.rel(task.entry.rel);
      const problem = r.output
        ? attempt(() => tree.writer.writeFile(target, r.output!, task.entry.mode))
        : req.mode === 'convert'
          ? attempt(() => tree.writer.copyFile(target, task.entry.abs, task.entry.mode))
          : undefined;
      if (problem) r = notWritten(r, req.mode === 'in-place' ? `cannot rewrite in place (source left as it was): ${problem}` : problem);
    }
    results.push(stripOutput(r));
    python.push({ rel: r.rel, status: r.status, ...(r.reason ? { reason: r.reason } : {}), ...(r.kind ? { kind: r.kind } : {}) });
    journal?.record(r.rel, r.status, r.reason);
    req.onProgress?.(results.length, tasks.length);
  });
  await copyOthers();
  const pool = await converting;

  results.sort((a, b) => comparePaths(a.rel, b.rel)); // completion order varies with jobs
  const support = supportFiles(plan, results);
  const supportWritten: typeof support.files = [];
  for (const s of support.files) {
    const problem = tree ? attempt(() => tree.writer.writeFile(tree.rel(s.path), s.content, 0o644)) : undefined;
    if (problem) {
      support.notes.push({ file: s.path, level: 'error', passId: s.passId, message: `cannot write ${s.path}: ${problem}` });
      journal?.record(s.path, 'failed', problem);
    } else {
      supportWritten.push(s);
      if (tree) journal?.record(s.path, 'changed');
    }
  }
  for (const problem of tree?.writer.finish() ?? []) support.notes.push({ file: '.', level: 'error', message: problem });

  const files = [...python, ...others].sort((a, b) => comparePaths(a.rel, b.rel));
  const changes = results.flatMap((r) => r.changes.map((c) => ({ file: r.rel, ...c })));
  for (const s of supportWritten) {
    changes.push({ file: s.path, startLine: 1, endLine: 1, operation: 'INSERT', message: `new file ${s.path}`, passId: s.passId, ruleId: s.passId, safety: 'safe' });
  }
  changes.sort((a, b) => comparePaths(a.file, b.file));
  const manual = results.flatMap((r) => r.manual.map((m) => ({ file: r.rel, ...m })));
  const notes = [...results.flatMap((r) => r.notes.map((n) => ({ file: r.rel, ...n }))), ...support.notes];
  const diffs = [
    ...results.map((r) => ({ rel: r.rel, diff: r.diff, encoding: r.encoding ?? UTF8 })),
    ...supportWritten.map((s) => ({ rel: s.path, diff: unifiedDiff(s.path, null, s.content), encoding: UTF8 })),
  ];
  diffs.sort((a, b) => comparePaths(a.rel, b.rel));

  otherAnalyses.sort((a, b) => comparePaths(a.rel, b.rel));
  const findings = analysis ? collectFindings([...results, ...otherAnalyses], changes, manual) : [];

  const count = (s: FileStatus) => python.filter((f) => f.status === s).length;
  const changesByPass: Record<string, number> = {};
  for (const c of changes) changesByPass[c.passId] = (changesByPass[c.passId] ?? 0) + 1;
  const why = stopped();
  return {
    src: plan.src,
    out: plan.out,
    reportDir: plan.reportDir,
    ...(why ? { stopped: why } : {}),
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
      notDone: tasks.length - results.length,
      changes: changes.length,
      changesByPass: Object.fromEntries(Object.entries(changesByPass).sort(([a], [b]) => comparePaths(a, b))),
      manual: manual.filter((m) => m.level === 'manual').length,
      unsafe: manual.filter((m) => m.level === 'unsafe').length,
      errors: notes.filter((n) => n.level === 'error').length,
    },
    findings,
    analysedOther: otherAnalyses.length,
    pool,
    entryFiles: results.filter((r) => r.entry).map((r) => r.rel),
  };
}

function stopReason(signal: AbortSignal): string {
  const r: unknown = signal.reason;
  return typeof r === 'string' ? r : r instanceof Error && r.name !== 'AbortError' ? r.message : 'interrupted';
}

/** Where a run writes its tree: the output (convert) or the source (in-place); diff and analyze write none. */
function treeTarget(req: RunRequest, plan: Plan): { writer: RootedWriter; rel: (rel: string) => string } | undefined {
  if (req.mode === 'convert') {
    const out = plan.out!;
    if (plan.singleFile) {
      fs.mkdirSync(path.dirname(out), { recursive: true });
      const name = path.basename(out);
      return { writer: new RootedWriter(path.dirname(out)), rel: (rel) => (rel === path.basename(plan.src) ? name : rel) };
    }
    fs.mkdirSync(out, { recursive: true });
    return { writer: new RootedWriter(out), rel: (rel) => rel };
  }
  if (req.mode === 'in-place') {
    return { writer: new RootedWriter(plan.singleFile ? path.dirname(plan.src) : plan.src, true), rel: (rel) => rel }; // the user's files: replaced atomically
  }
  return undefined;
}

/** Copy one entry of the source (not a Python file to convert) into the output. */
function copyEntry(writer: RootedWriter, rel: string, entry: TreeEntry): void {
  switch (entry.kind) {
    case 'dir':
      return writer.dir(rel, entry.mode);
    case 'file':
      return writer.copyFile(rel, entry.abs, entry.mode);
    case 'symlink':
      return writer.symlink(rel, readLink(entry.abs));
  }
}

function readLink(abs: string): string {
  try {
    return fs.readlinkSync(abs);
  } catch (e) {
    throw new WriteError(`cannot read link: ${errorText(e)}`);
  }
}

/** A converted file whose output could not be written: failed, with nothing it changed on record. */
function notWritten(r: FileResult, reason: string): FileResult {
  return { ...r, status: 'failed', reason, output: undefined, diff: '', changes: [] };
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

/**
 * Files the analysis read, for its summary: Python sources, and other files (the
 * files of src/kinds/, which the engine converts like Python sources, count here).
 */
export function analysedFileCounts(r: RunResult): { pythonFiles: number; otherFiles: number } {
  const kindFiles = r.files.filter((f) => f.kind).length;
  const leftOut = r.files.filter((f) => f.leftOut).length; // copied, never read
  return { pythonFiles: r.counts.scanned - kindFiles - leftOut, otherFiles: r.analysedOther + kindFiles };
}
