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
import { parsedChars, setTreeCollector } from '../python/parser';
import { convertFile, failedResult, type EngineOptions, type FileResult } from './convert-file';
import { errorText } from './files';

/**
 * Parsed characters between two forced major GCs. tree-sitter trees live in
 * native memory; their JS wrappers are small and long-lived enough to reach
 * V8's old generation, which V8 collects only when its own (small) heap grows.
 * Without help a run over a large repository keeps most trees it ever built
 * (260 MB for the 1M-line benchmark corpus, parse alone); a forced GC now and
 * then keeps it flat. Between two GCs the dead trees pile up (each changed
 * file is parsed three times), so the interval sets the height of the saw
 * tooth (docs/performance.md):
 *
 * - a worker: every 512 Ki characters. Its heap is small, so a GC is cheap,
 *   and each worker has its own saw tooth. Two workers, 1M-line corpus: 2 Mi
 *   gave 331-352 MB peak, 512 Ki 284-291 MB, for 5-10% more time.
 * - the main thread (in-process runs): every 2 Mi characters. It holds the
 *   run's records, so each GC costs more, and it is alone. CLI `convert
 *   --jobs 1`: 512 Ki took 70-76 s against 60-68 s for 2 Mi.
 */
export const COLLECT_EVERY_CHARS = isMainThread ? 2 * 1024 * 1024 : 512 * 1024;

let gcFn: (() => void) | null | undefined;
let collectedAt = 0;

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

// the engine frees the spent trees of a large file as it goes (src/python/parser.ts)
setTreeCollector(() => gcFunction()?.());

/**
 * A major GC when enough text has been parsed since the last one, so that the
 * trees' finalizers can free their native memory the next time the event loop
 * turns. Call right before returning to the event loop.
 */
export function collectTreesIfDue(): void {
  const n = parsedChars();
  if (n - collectedAt < COLLECT_EVERY_CHARS) return;
  collectedAt = n;
  gcFunction()?.();
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

/** main → worker: no more batches; leave the event loop (the thread then ends by itself). */
export interface CloseMessage {
  close: true;
}

/** worker → main: the results of one batch, in the batch's order. */
export interface ResultMessage {
  batch: number;
  results: FileResult[];
}

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
  const { engine } = workerData;
  // One batch per turn of the event loop. A message port hands over every
  // queued message in one go, and the pool keeps a batch queued ahead, so
  // converting in the message handler would never leave it: the immediates that
  // run the native trees' finalizers would wait for the end of the run (3 GB on
  // the benchmark corpus instead of ~150 MB per worker).
  const queue: (BatchMessage | CloseMessage)[] = [];
  let scheduled = false;
  const next = () => {
    scheduled = false;
    const msg = queue.shift();
    if (!msg) return;
    if ('close' in msg) {
      port.close();
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
  port.on('message', (msg: BatchMessage | CloseMessage) => {
    queue.push(msg);
    schedule();
  });
}
