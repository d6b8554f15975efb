/**
 * The conversion worker: one per thread of the pool (src/runner/pool.ts).
 *
 * It reads each file itself (the main thread never holds the repository's
 * text), converts it with `convertFile` and posts the serialisable FileResult
 * back. tree-sitter's parser and the compiled queries are module-level
 * singletons in src/python/parser.ts, so each worker thread has its own, built
 * once on first use and kept for the life of the thread.
 *
 * `readAndConvert` is also what the pool runs in-process for `--jobs 1`, so
 * both paths produce the same results by construction.
 */
import * as fs from 'node:fs';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { isMainThread, parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { parsedChars, treesFreedOnRequest } from '../python/parser';
import { convertFile, engineReads, failedResult, type EngineOptions, type FileResult } from './convert-file';
import { errorText } from './error-text';
import { scanProjectFile, type FileScan, type IndexedFile, type ProjectFacts } from './project-index';

/**
 * When to force a major GC. tree-sitter trees live in native memory (about 50
 * bytes per character) that V8 does not see; their JS wrappers are small, and
 * V8 collects them only when its own heap asks for it, so dead trees pile up
 * between its major GCs. A forced GC (`gc()`) frees them, but costs far more
 * than its pause: V8 then lets go the hidden classes no live object uses and
 * the optimised code that embeds them, so every forced GC between two files
 * is followed by a wave of deoptimisations and recompilations. With the
 * earlier rule (one every 2 Mi parsed characters on the main thread, 512 Ki in
 * a worker), the training part of the bench corpus took 24.5-26.4 s wall,
 * 37-38 s CPU on one thread against 17.7 s / 21.1 s with none, for 156 MB
 * against 224 MB of peak RSS (docs/performance.md, "GC").
 *
 * So on the main thread (in-process runs: `--jobs 1`, a small repository, one
 * big file) a GC is forced only when memory says so: every
 * COLLECT_CHECK_CHARS parsed characters the thread reads the process's RSS,
 * and forces one when it has grown by RSS_GROWTH_BYTES over the lowest level
 * seen since its last forced GC (read at the check after it: the binding's
 * finalizers free the trees on a later turn of the event loop). Memory the C
 * allocator keeps after freeing trees is reused by the next ones, so the RSS
 * grows only when dead trees really pile up.
 *
 * A pool worker forces one every WORKER_COLLECT_CHARS parsed characters,
 * whatever the RSS. Two workers and the main thread share the process: with
 * the RSS rule in the workers the bench corpus peaked at 444-481 MB (each
 * worker's allocator keeps what its dead trees took until they are collected),
 * over issue 11's 400 MB; a GC every 1 Mi characters keeps it at ~355 MB, as
 * every 512 Ki did, with half the forced GCs (docs/performance.md, "GC").
 *
 * All of this is the fallback: with the native helper (src/python/native-trees.ts,
 * built by `npm ci`) the engine frees each tree when it is done with it, and no
 * GC is ever forced (docs/performance.md, "The native helper").
 */
export const COLLECT_CHECK_CHARS = 512 * 1024;
export const RSS_GROWTH_BYTES = 64 * 1024 * 1024;
export const WORKER_COLLECT_CHARS = 1024 * 1024;

let gcFn: (() => void) | null | undefined;
let checkedAt = 0;
/** The lowest RSS seen since the last forced GC; undefined right after one (read at the next check). */
let lowRss: number | undefined;

/**
 * Allow `gc()` on this process's threads (V8's --expose-gc, set at run time).
 * Call on the main thread before starting workers: V8 flags are process-wide.
 */
export function allowGc(): void {
  if (typeof (globalThis as { gc?: unknown }).gc === 'function') return;
  try {
    v8.setFlagsFromString('--expose-gc');
  } catch {
    // no forced GCs then: slower to give memory back, still correct
  }
}

function gcFunction(): (() => void) | null {
  if (gcFn !== undefined) return gcFn;
  const own = (globalThis as { gc?: unknown }).gc;
  if (typeof own === 'function') return (gcFn = own as () => void);
  if (isMainThread) allowGc();
  try {
    // a context created after the flag is set has `gc`
    gcFn = vm.runInNewContext('typeof gc === "function" ? gc : null') as (() => void) | null;
  } catch {
    gcFn = null;
  }
  return gcFn;
}

/**
 * The GC rule above, as a pure decision: given the RSS now and the lowest
 * level since the last forced GC (undefined right after one), the new level
 * and whether to force a GC now.
 */
export function gcDecision(rss: number, low: number | undefined, growth = RSS_GROWTH_BYTES): { low: number | undefined; collect: boolean } {
  if (low === undefined) return { low: rss, collect: false };
  if (rss - low >= growth) return { low: undefined, collect: true };
  return { low: Math.min(low, rss), collect: false };
}

/**
 * Force a major GC if enough text was parsed since the last one (a worker),
 * or since the last check and the RSS grew enough (the main thread; see
 * above). Call right before returning to the event loop, so that the trees'
 * finalizers can run.
 */
export function collectTreesIfDue(): void {
  if (treesFreedOnRequest()) return; // the native helper freed each tree when the engine was done with it
  const n = parsedChars();
  if (n - checkedAt < (isMainThread ? COLLECT_CHECK_CHARS : WORKER_COLLECT_CHARS)) return;
  checkedAt = n;
  if (!isMainThread) {
    gcFunction()?.();
    return;
  }
  const d = gcDecision(process.memoryUsage.rss(), lowRss);
  lowRss = d.low;
  if (d.collect) gcFunction()?.();
}

/** Read one file and convert it; an unreadable file is a failed result, never an exception. */
export function readAndConvert(rel: string, abs: string, engine: EngineOptions): FileResult {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(abs);
  } catch (e) {
    return failedResult(rel, `cannot read: ${errorText(e)}`);
  }
  return convertFile(rel, bytes, engine);
}

/** main → worker: convert these files. */
export interface BatchMessage {
  batch: number;
  tasks: { rel: string; abs: string }[];
}

/** main → worker: scan these files for the project index (src/runner/project-index.ts scanProjectFile). */
export interface ScanMessage {
  scan: number;
  files: IndexedFile[];
}

/** main → worker: the project index, for every file converted after it (EngineOptions.project). */
export interface ProjectMessage {
  project: ProjectFacts;
}

/** main → worker: no more batches; leave the event loop (the thread then ends by itself). */
export interface CloseMessage {
  close: true;
}

export type ToWorkerMessage = BatchMessage | ScanMessage | ProjectMessage | CloseMessage;

/** worker → main: the results of one batch, in the batch's order. */
export interface ResultMessage {
  batch: number;
  results: FileResult[];
}

/** worker → main: the scans of one ScanMessage, in its order (null: a file left out of the index). */
export interface ScanResultMessage {
  scan: number;
  scans: (FileScan | null)[];
}

export type FromWorkerMessage = ResultMessage | ScanResultMessage;

/** workerData of a pool worker. */
export interface PoolWorkerData {
  ascendifyPoolWorker: true;
  engine: EngineOptions;
}

function isPoolWorkerData(d: unknown): d is PoolWorkerData {
  return !!d && typeof d === 'object' && (d as PoolWorkerData).ascendifyPoolWorker === true;
}

/**
 * Post a batch's results. A result that cannot be cloned (a bug: some record
 * holds a function or a native object) fails that file alone, with the reason,
 * instead of ending the worker and its whole batch as "worker stopped".
 */
function postResults(port: MessagePort, batch: number, results: FileResult[]): void {
  try {
    port.postMessage({ batch, results } satisfies ResultMessage);
    return;
  } catch {
    // find the file(s) at fault below
  }
  const safe = results.map((r): FileResult => {
    try {
      structuredClone(r);
      return r;
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      return failedResult(r.rel, `internal error: the result cannot be sent back (${why}); copied unchanged (please report this file)`, r.parsed);
    }
  });
  port.postMessage({ batch, results: safe } satisfies ResultMessage);
}

if (!isMainThread && parentPort && isPoolWorkerData(workerData)) {
  const port = parentPort;
  let { engine } = workerData;
  let reads: ((text: string) => boolean) | undefined;
  // One batch per turn of the event loop. A message port hands over every
  // queued message in one go, and the pool keeps a batch queued ahead, so
  // converting in the message handler would never leave it: the immediates that
  // run the native trees' finalizers would wait for the end of the run (3 GB on
  // the benchmark corpus instead of ~150 MB per worker).
  const queue: ToWorkerMessage[] = [];
  let scheduled = false;
  const next = () => {
    scheduled = false;
    const msg = queue.shift();
    if (!msg) return;
    if ('close' in msg) {
      port.close();
      return;
    }
    if ('project' in msg) {
      engine = { ...engine, project: msg.project };
      schedule();
      return;
    }
    if ('scan' in msg) {
      reads ??= engineReads(engine);
      const scans = msg.files.map((f) => scanProjectFile(f, engine.maxFileSize, reads));
      port.postMessage({ scan: msg.scan, scans } satisfies ScanResultMessage);
      schedule();
      return;
    }
    const results = msg.tasks.map((t) => readAndConvert(t.rel, t.abs, engine));
    postResults(port, msg.batch, results);
    collectTreesIfDue();
    schedule();
  };
  const schedule = () => {
    if (scheduled || queue.length === 0) return;
    scheduled = true;
    setImmediate(next);
  };
  port.on('message', (msg: ToWorkerMessage) => {
    queue.push(msg);
    schedule();
  });
}
