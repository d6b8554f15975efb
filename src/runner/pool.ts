/**
 * Converting many files on every core: a pool of worker threads, or the same
 * work in-process for `--jobs 1` (and for runs too small to repay starting
 * workers).
 *
 * - Streaming: tasks carry paths, not bytes. Workers read the files they
 *   convert, and each worker is handed at most a couple of small batches ahead
 *   (one file when it is large), so the main thread never holds the
 *   repository's text and at most `workers × in-flight` files are in memory.
 * - Balance: files are dispatched largest first (LPT scheduling) from one shared
 *   queue, each worker pulling its next batch when it reports back. One huge
 *   file therefore starts at once on one worker while the others drain the rest,
 *   instead of arriving last and serialising the end of the run. Small files
 *   travel in batches so that messaging costs little.
 * - Determinism: `onResult` receives results in completion order, which varies;
 *   each result depends only on its file and the engine options, so sorting
 *   records by path at the end (as the runner does) gives the same output for
 *   any number of jobs.
 * - The project index first (`projectFiles`): workers scan the files for it in
 *   chunks while the caller's thread is free for other work (the runner copies
 *   the other files), the scans are resolved on the caller's thread, the index
 *   is posted to every worker, and only then does converting start.
 * - Started early (`EarlyWorkers`, src/runner/early-workers.ts): the runner starts the workers during its
 *   walk of the source, so that loading the engine overlaps the walk, and
 *   hands them the Python files the walk finds to scan for the project index
 *   (`prescan`), so that the scanning overlaps the walk too; the pool then
 *   scans only what they have not.
 * - Memory: native tree-sitter trees are freed by finalizers that run only when
 *   the event loop turns. A worker returns to its loop after every batch; the
 *   in-process path yields every few milliseconds for the same reason (a
 *   synchronous loop over a large repository otherwise grows by the size of
 *   every tree it parsed).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import type { Worker } from 'node:worker_threads';
import { engineReads, failedResult, type EngineOptions, type FileResult } from './convert-file';
import { prescanKey, type EarlyWorkers, type Prescans } from './early-workers';
import { buildProjectIndex, resolveProjectIndex, scanProjectFile, type FileScan, type IndexedFile } from './project-index';
import {
  collectTreesIfDue,
  readAndConvert,
  type BatchMessage,
  type CloseMessage,
  type FromWorkerMessage,
  type ProjectMessage,
  type ResultMessage,
  type ScanMessage,
  type ScanResultMessage,
} from './worker';
import { startWorker, workerScriptPath } from './worker-start';

export interface FileTask {
  /** POSIX path relative to the repository root (what results and reports name). */
  rel: string;
  /** Where to read the file. */
  abs: string;
  /** Size in bytes (from the walk), for scheduling; a stale value only affects balance. */
  size: number;
}

export interface PoolOptions {
  engine: EngineOptions;
  /** Worker threads (default: the number of cores). 1 converts in-process, without workers. */
  jobs?: number;
  /**
   * Below this many bytes of Python in all, convert in-process whatever `jobs`
   * says: starting workers would cost more than they save. 0 = always use
   * workers when jobs > 1. Default DEFAULT_MIN_PARALLEL_BYTES.
   */
  minParallelBytes?: number;
  /** Largest batch of small files sent in one message, in bytes (default 128 KiB) ... */
  batchBytes?: number;
  /** ... and in files (default 64). */
  batchFiles?: number;
  /** Worker script (default: worker.js beside this module, or dist/ under ts-jest). */
  workerScript?: string;
  /**
   * Build the repository-wide facts over these files (src/runner/project-index.ts)
   * before any file is converted, and give them to the engine
   * (EngineOptions.project). With workers, the files are scanned on the
   * workers (the caller's thread stays free: the runner copies the other
   * files meanwhile) and the scans are resolved on the caller's thread.
   */
  projectFiles?: readonly IndexedFile[];
  /**
   * With `projectFiles`: the tasks whose conversion does not read the project
   * index (notebooks, requirements files, Dockerfiles). A worker done with its
   * scan chunks converts these while the index is resolved on the caller's
   * thread, instead of waiting for it.
   */
  indexFree?: (task: FileTask) => boolean;
  /** Workers started ahead (EarlyWorkers), taken instead of starting new ones when they run the same engine options. */
  early?: EarlyWorkers;
  /**
   * Stop early: no file is started once it is aborted; files already handed to
   * a worker finish (a worker is never stopped inside tree-sitter) and are
   * delivered. The promise then resolves with fewer results than tasks.
   */
  signal?: AbortSignal;
}

export interface PoolStats {
  mode: 'in-process' | 'workers';
  /** Worker threads started (replacements included). */
  workers: number;
  files: number;
  /** Messages sent to workers (0 in-process). */
  batches: number;
  /** With `projectFiles`: ms from the pool's start until the project index was ready. */
  indexMs?: number;
  /** With `indexFree`: files handed to a worker before the project index was ready. */
  beforeIndex?: number;
  /** With `projectFiles` and early workers: files whose index scan was made during the walk (EarlyWorkers.prescan). */
  prescanned?: number;
}

/** Called on the main thread for each file, as soon as its result is known, with the task it came from. */
export type ResultHandler<T extends FileTask = FileTask> = (result: FileResult, task: T) => void;

export const DEFAULT_BATCH_BYTES = 128 * 1024;
export const DEFAULT_BATCH_FILES = 64;
/**
 * Below this, one thread is about as fast or faster: two workers take ~100 ms
 * to start and each warms up its JIT on its own. On PyTorch code alone they
 * break even around 350-400 KB, on a typical mix (the benchmark's 50-file,
 * 16k-line, 558 KB repository) one thread still wins (docs/performance.md).
 */
export const DEFAULT_MIN_PARALLEL_BYTES = 1024 * 1024;
/**
 * The in-process path returns to the event loop this often (ms), so that the
 * binding's finalizers can free native trees (without the native helper); the
 * runner's copying of other files too, so that workers get their next batches.
 */
const YIELD_EVERY_MS = 25;

/** For a long loop: `due()` once YIELD_EVERY_MS have passed since the last `turn()`, which returns to the event loop once. */
export function eventLoopTurns(): { due(): boolean; turn(): Promise<void> } {
  let last = performance.now();
  return {
    due: () => performance.now() - last >= YIELD_EVERY_MS,
    turn: async () => {
      await new Promise<void>((resolve) => setImmediate(resolve));
      last = performance.now();
    },
  };
}
/** A pool gives up after this many worker crashes (each crash fails the files it held). */
const MAX_WORKER_RESTARTS = 4;
/**
 * Workers are never terminated while they may be inside tree-sitter: stopping a
 * thread in a native call aborts the whole process (node-addon-api throws from
 * the exception handler). They are asked to close and leave their event loop;
 * only one that has not left after this long is terminated.
 */
const CLOSE_TIMEOUT_MS = 30_000;

/** Default `--jobs`: the number of cores available to this process. */
export function defaultJobs(): number {
  const n = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return Math.max(1, n);
}

/** `--jobs` value → thread count: undefined or 0 = default, negative or NaN refused. */
export function resolveJobs(value: number | undefined): number {
  if (value === undefined || value === 0) return defaultJobs();
  if (!Number.isInteger(value) || value < 0) throw new RangeError(`--jobs must be a positive integer (got ${value})`);
  return value;
}

/**
 * Convert `tasks`, calling `onResult` for each as it completes. Resolves when
 * every task has a result; rejects (after stopping the workers) if `onResult`
 * throws or the workers keep crashing.
 */
export async function convertFiles<T extends FileTask>(tasks: readonly T[], opts: PoolOptions, onResult: ResultHandler<T>): Promise<PoolStats> {
  const jobs = resolveJobs(opts.jobs);
  const totalBytes = tasks.reduce((s, t) => s + t.size, 0);
  const minParallel = opts.minParallelBytes ?? DEFAULT_MIN_PARALLEL_BYTES;
  if (jobs <= 1 || tasks.length <= 1 || totalBytes < minParallel) {
    opts.early?.release();
    const start = performance.now();
    const project = opts.projectFiles ? buildProjectIndex(opts.projectFiles, opts.engine.maxFileSize, engineReads(opts.engine)) : undefined;
    const indexMs = performance.now() - start;
    await convertInProcess(tasks, project ? { ...opts.engine, project } : opts.engine, onResult, opts.signal);
    return { mode: 'in-process', workers: 0, files: tasks.length, batches: 0, ...(project ? { indexMs } : {}) };
  }
  try {
    return await new WorkerPool<T>(tasks, opts, jobs, onResult).run();
  } finally {
    opts.early?.release(); // any the pool did not need
  }
}

async function convertInProcess<T extends FileTask>(tasks: readonly T[], engine: EngineOptions, onResult: ResultHandler<T>, signal?: AbortSignal): Promise<void> {
  const turns = eventLoopTurns();
  for (const [i, t] of tasks.entries()) {
    if (signal?.aborted) return;
    onResult(readAndConvert(t.rel, t.abs, engine), t);
    // after the last file no GC: no later file needs the trees' memory (freeing a 10 MB file's took ~1.4 s)
    if (i === tasks.length - 1) break;
    if (turns.due()) {
      collectTreesIfDue();
      await turns.turn();
    }
  }
}

/** Task indices in dispatch order: largest file first, ties in path order (reproducible scheduling). */
export function dispatchOrder(tasks: readonly FileTask[]): number[] {
  return tasks.map((_, i) => i).sort((a, b) => tasks[b].size - tasks[a].size || (tasks[a].rel < tasks[b].rel ? -1 : tasks[a].rel > tasks[b].rel ? 1 : 0));
}

interface Slot<T extends FileTask> {
  worker: Worker;
  /** Batches sent and not answered, by batch number. */
  pending: Map<number, T[]>;
  /** Scan chunks of the project index sent and not answered, by number: their indices in projectFiles. */
  scans: Map<number, number[]>;
  pendingBytes: number;
  /** Asked to close, or died: its exit is expected, its results are not. */
  stopping: boolean;
  exited: Promise<void>;
}

class WorkerPool<T extends FileTask> {
  /** Task indices, largest file first (ties: path order, for reproducible scheduling). */
  private readonly order: number[];
  private next = 0;
  /** The index-free tasks (PoolOptions.indexFree), in dispatch order: handed out while the index is built. */
  private readonly freeOrder: number[] = [];
  private freeNext = 0;
  /** Tasks handed out before the index was ready: skipped when `order` reaches them. */
  private readonly handedEarly = new Set<number>();
  /** Batches taken back from a worker that died before starting them; sent again first. */
  private readonly retry: T[][] = [];
  private batchCount = 0;
  private started = 0;
  private restarts = 0;
  private done = 0;
  private readonly slots: Slot<T>[] = [];
  /** Every worker started, until it has exited (crashed ones included). */
  private readonly exits: Promise<void>[] = [];
  private readonly batchBytes: number;
  private readonly batchFiles: number;
  private readonly script: string;
  private settle!: { resolve: (s: PoolStats) => void; reject: (e: unknown) => void };
  private finished = false;
  /** The engine options workers start with: the caller's, and the project index once it is built. */
  private engine: EngineOptions;
  /** The project index's scan (scanPlan): chunks not yet sent, the scans back, files left. */
  private index?: ReturnType<typeof scanPlan>;
  private scanCount = 0;
  /** The early workers' scans made during the walk (EarlyWorkers.prescans). */
  private readonly prescans?: Prescans;

  constructor(
    private readonly tasks: readonly T[],
    private readonly opts: PoolOptions,
    private readonly jobs: number,
    private readonly onResult: ResultHandler<T>,
  ) {
    this.order = dispatchOrder(tasks);
    if (opts.projectFiles && opts.indexFree) this.freeOrder = this.order.filter((i) => opts.indexFree!(tasks[i]));
    this.batchBytes = Math.max(1, opts.batchBytes ?? DEFAULT_BATCH_BYTES);
    this.batchFiles = Math.max(1, opts.batchFiles ?? DEFAULT_BATCH_FILES);
    this.script = opts.workerScript ?? workerScriptPath();
    this.engine = opts.engine;
    if (opts.projectFiles) {
      // a scan depends on the engine options (maxFileSize, what reads a star import): only the same options' scans
      this.prescans = opts.early?.engine === opts.engine ? opts.early.prescans() : undefined;
      this.index = scanPlan(opts.projectFiles, Math.min(jobs, tasks.length), this.prescans);
    }
    if (!fs.existsSync(this.script)) {
      throw new Error(`worker script ${this.script} not found; build first (npm run build)`);
    }
  }

  run(): Promise<PoolStats> {
    return new Promise<PoolStats>((resolve, reject) => {
      this.settle = { resolve, reject };
      this.opts.signal?.addEventListener('abort', () => this.checkDone(), { once: true });
      // no more workers than there are batches to give them
      const n = Math.min(this.jobs, this.tasks.length);
      for (let i = 0; i < n; i++) this.slots.push(this.spawn());
      if (this.index) {
        if (this.index.awaiting.length > 0) void this.prescans!.settled.then(() => this.onPrescansSettled());
        for (const s of this.slots) this.feedScans(s);
        this.indexIfScanned();
        for (const s of this.slots) this.feedWhileIndexing(s); // fewer chunks than workers: some have none
      } else this.start();
      this.checkDone();
    });
  }

  /** Conversion starts: the first round gives one batch each, so the largest files start on different workers. */
  private start(): void {
    for (const s of this.slots) this.feed(s, 1);
    for (const s of this.slots) this.feed(s);
  }

  /** Hand a worker scan chunks of the project index, two ahead. */
  private feedScans(slot: Slot<T>): void {
    const index = this.index!;
    while (!this.finished && !this.opts.signal?.aborted && slot.scans.size < 2 && index.chunks.length > 0) {
      const chunk = index.chunks.shift()!;
      const id = this.scanCount++;
      slot.scans.set(id, chunk);
      // only what a scan reads: the runner's tasks carry their whole walk entry
      const msg: ScanMessage = { scan: id, files: chunk.map((i) => ({ rel: index.files[i].rel, abs: index.files[i].abs, size: index.files[i].size })) };
      slot.worker.postMessage(msg);
    }
  }

  /** The walk's prescans still on their way have come (or were lost with a worker: those files are scanned here). */
  private onPrescansSettled(): void {
    const index = this.index!;
    if (this.finished || index.awaiting.length === 0) return;
    const lost: number[] = [];
    for (const i of index.awaiting.splice(0)) {
      const scan = this.prescans!.done.get(prescanKey(index.files[i]));
      if (scan === undefined) lost.push(i);
      else {
        this.storeScans([i], [scan]);
        index.prescanned++;
      }
    }
    this.scanHere(lost);
    this.indexIfScanned();
    for (const s of this.slots) this.feedWhileIndexing(s);
    this.checkDone();
  }

  /** Every file scanned: resolve the index here, give it to the workers, and start converting. */
  private indexIfScanned(): void {
    const index = this.index!;
    if (this.finished || index.ms !== undefined || index.left > 0 || this.opts.signal?.aborted) return;
    try {
      const project = resolveProjectIndex(index.files, index.scans);
      this.engine = { ...this.engine, project }; // workers started from now on
      const msg: ProjectMessage = { project };
      for (const s of this.slots) if (!s.stopping) s.worker.postMessage(msg);
    } catch (e) {
      this.fail(e);
      return;
    }
    index.ms = performance.now() - index.started;
    this.start();
  }

  private spawn(): Slot<T> {
    // an early worker has the caller's options; the project index, when built by then, follows in a message
    const early = this.opts.early?.take(this.opts.engine, this.script);
    if (early && this.engine.project) early.postMessage({ project: this.engine.project } satisfies ProjectMessage);
    const worker = early ?? startWorker(this.script, this.engine);
    this.started++;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    this.exits.push(exited);
    const slot: Slot<T> = { worker, pending: new Map(), scans: new Map(), pendingBytes: 0, stopping: false, exited };
    worker.on('message', (msg: FromWorkerMessage) => ('scan' in msg ? this.onScan(slot, msg) : this.onMessage(slot, msg)));
    worker.on('error', (err) => this.onCrash(slot, err));
    worker.on('exit', (code) => {
      if (!slot.stopping) this.onCrash(slot, new Error(`worker exited with code ${code}`));
    });
    return slot;
  }

  private hasWork(): boolean {
    if (this.opts.signal?.aborted) return false;
    // until the project index is ready only the files that do not read it
    if (this.indexPending()) return this.freeNext < this.freeOrder.length;
    return this.retry.length > 0 || this.moreInOrder();
  }

  /** A worker with no scan chunk left while the index is not ready converts index-free files meanwhile. */
  private feedWhileIndexing(slot: Slot<T>): void {
    if (slot.scans.size === 0 && this.indexPending()) this.feed(slot, 1);
  }

  private indexPending(): boolean {
    return this.index !== undefined && this.index.ms === undefined;
  }

  /** Are there tasks in `order` not handed out yet (those handed out early skipped)? */
  private moreInOrder(): boolean {
    while (this.next < this.order.length && this.handedEarly.has(this.order[this.next])) this.next++;
    return this.next < this.order.length;
  }

  /** Hand batches to a worker: one while it holds a large one, up to two small ones. */
  private feed(slot: Slot<T>, maxPending = 2): void {
    while (!this.finished && this.hasWork() && slot.pending.size < maxPending) {
      if (slot.pending.size > 0 && slot.pendingBytes >= this.batchBytes) return;
      const early = this.indexPending();
      let batch = early ? undefined : this.retry.shift();
      if (!batch) {
        batch = [];
        let size = 0;
        while (batch.length < this.batchFiles && (early ? this.freeNext < this.freeOrder.length : this.moreInOrder())) {
          const i = early ? this.freeOrder[this.freeNext] : this.order[this.next];
          const t = this.tasks[i];
          if (batch.length > 0 && size + t.size > this.batchBytes) break;
          batch.push(t);
          size += t.size;
          if (early) {
            this.freeNext++;
            this.handedEarly.add(i);
          } else this.next++;
        }
      }
      const bytes = batch.reduce((n, t) => n + t.size, 0);
      const id = this.batchCount++;
      slot.pending.set(id, batch);
      slot.pendingBytes += bytes;
      const msg: BatchMessage = { batch: id, tasks: batch.map((t) => ({ rel: t.rel, abs: t.abs })) };
      slot.worker.postMessage(msg);
    }
  }

  private onMessage(slot: Slot<T>, msg: ResultMessage): void {
    if (this.finished) return;
    const batch = slot.pending.get(msg.batch);
    if (!batch) return;
    slot.pending.delete(msg.batch);
    slot.pendingBytes -= batch.reduce((s, t) => s + t.size, 0);
    this.feed(slot);
    this.deliver(batch, msg.results);
    this.checkDone();
  }

  private onScan(slot: Slot<T>, msg: ScanResultMessage): void {
    if (this.finished) return;
    const chunk = slot.scans.get(msg.scan);
    if (!chunk) return;
    slot.scans.delete(msg.scan);
    this.storeScans(chunk, msg.scans);
    this.feedScans(slot);
    this.indexIfScanned();
    this.feedWhileIndexing(slot);
    this.checkDone();
  }

  /** Scan these project files on this thread (the worker that had them died). */
  private scanHere(chunk: readonly number[]): void {
    const index = this.index!;
    const reads = engineReads(this.engine);
    this.storeScans(chunk, chunk.map((i) => scanProjectFile(index.files[i], this.engine.maxFileSize, reads)));
  }

  private storeScans(chunk: readonly number[], scans: (FileScan | null)[]): void {
    const index = this.index!;
    chunk.forEach((i, k) => (index.scans[i] = scans[k] ?? null));
    index.left -= chunk.length;
  }

  private deliver(batch: T[], results: FileResult[]): void {
    try {
      for (let i = 0; i < batch.length; i++) {
        this.done++;
        this.onResult(results[i], batch[i]);
      }
    } catch (e) {
      this.fail(e);
    }
  }

  /**
   * A worker died: the files of the batch it was converting fail (copied
   * unchanged), the batches it had not started go back to the queue, and a
   * replacement takes over.
   */
  private onCrash(slot: Slot<T>, err: Error): void {
    if (this.finished || slot.stopping) return;
    slot.stopping = true; // it is already on its way out: an uncaught error ends a worker
    const idx = this.slots.indexOf(slot);
    // a worker handles its messages in order: the oldest pending batch is the one it was in
    const [lost = [], ...notStarted] = [...slot.pending.values()];
    this.retry.unshift(...notStarted);
    slot.pending.clear();
    slot.pendingBytes = 0;
    const reason = `internal error: conversion worker stopped (${err.message}); copied unchanged (please report this file)`;
    this.deliver(lost, lost.map((t) => failedResult(t.rel, reason)));
    if (this.finished) return;
    // scan chunks it held are scanned here: a scan reads a file and runs regular expressions (nothing to crash on)
    const index = this.index;
    if (index) {
      for (const chunk of slot.scans.values()) this.scanHere(chunk);
      slot.scans.clear();
    }
    const aborted = this.opts.signal?.aborted === true;
    const scanning = this.indexPending() && index!.chunks.length > 0;
    if (!aborted && (scanning || this.retry.length > 0 || this.moreInOrder() || this.freeNext < this.freeOrder.length)) {
      if (++this.restarts > MAX_WORKER_RESTARTS) {
        this.fail(new Error(`conversion workers keep stopping (last: ${err.message})`));
        return;
      }
      const fresh = this.spawn(); // with the project index when it is built
      this.slots[idx] = fresh;
      if (this.indexPending()) this.feedScans(fresh);
      if (fresh.scans.size === 0) this.feed(fresh);
    } else {
      this.slots.splice(idx, 1);
    }
    if (index) this.indexIfScanned(); // the scans done here may have been the last
    this.checkDone();
  }

  private checkDone(): void {
    if (this.finished) return;
    // stopped early: done once every batch handed out has come back
    const drained = this.opts.signal?.aborted === true && this.slots.every((s) => s.pending.size === 0);
    if (this.done < this.tasks.length && !drained) return;
    this.finished = true;
    const indexMs = this.index?.ms;
    const beforeIndex = this.opts.indexFree ? { beforeIndex: this.handedEarly.size } : {};
    const prescanned = this.index && this.prescans ? { prescanned: this.index.prescanned } : {};
    void this.stopAll().then(() =>
      this.settle.resolve({ mode: 'workers', workers: this.started, files: this.tasks.length, batches: this.batchCount, ...(indexMs !== undefined ? { indexMs } : {}), ...beforeIndex, ...prescanned }),
    );
  }

  private fail(e: unknown): void {
    if (this.finished) return;
    this.finished = true;
    void this.stopAll().then(() => this.settle.reject(e));
  }

  /** Ask every worker to close (each finishes the batches it holds first) and wait until all have exited. */
  private async stopAll(): Promise<void> {
    for (const s of this.slots) {
      if (s.stopping) continue;
      s.stopping = true;
      const msg: CloseMessage = { close: true };
      s.worker.postMessage(msg);
      const timer = setTimeout(() => void s.worker.terminate(), CLOSE_TIMEOUT_MS);
      timer.unref();
      void s.exited.then(() => clearTimeout(timer));
    }
    await Promise.all(this.exits);
  }
}

/**
 * The project index's scan: each file's scan was made during the walk
 * (`prescans.done`), is on its way from then (`awaiting`), or is made by the
 * pool in chunks: about eight per worker (by bytes, in the files' order, at
 * least 64 KiB each), so that the workers share it evenly and the main
 * thread, busy copying other files, hands out the next chunk long before one
 * runs dry.
 */
function scanPlan(files: readonly IndexedFile[], workers: number, prescans?: Prescans) {
  const scans = new Array<FileScan | null>(files.length).fill(null);
  const awaiting: number[] = [];
  const toScan: number[] = [];
  let prescanned = 0;
  files.forEach((f, i) => {
    const key = prescans ? prescanKey(f) : '';
    const scan = prescans?.done.get(key);
    if (scan !== undefined) {
      scans[i] = scan;
      prescanned++;
    } else if (prescans?.pending.has(key)) awaiting.push(i);
    else toScan.push(i);
  });
  const total = toScan.reduce((n, i) => n + files[i].size, 0);
  const target = Math.max(64 * 1024, Math.ceil(total / (workers * 8)));
  const chunks: number[][] = [];
  for (let k = 0; k < toScan.length; ) {
    const chunk: number[] = [];
    let bytes = 0;
    while (k < toScan.length && (chunk.length === 0 || bytes + files[toScan[k]].size <= target)) {
      bytes += files[toScan[k]].size;
      chunk.push(toScan[k++]);
    }
    chunks.push(chunk);
  }
  return {
    files,
    chunks,
    scans,
    awaiting,
    /** Files whose scan the walk made (PoolStats.prescanned); the awaited ones are counted as they come. */
    prescanned,
    left: files.length - prescanned,
    started: performance.now(),
    ms: undefined as number | undefined,
  };
}
