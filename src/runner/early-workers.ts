/**
 * Pool workers started before the pool (`EarlyWorkers`), while the runner
 * walks the source: loading the engine, then scanning for the project index
 * the Python files the walk finds, overlap the walk. The pool
 * (src/runner/pool.ts, PoolOptions.early) takes them and their scans.
 */
import * as fs from 'node:fs';
import type { Worker } from 'node:worker_threads';
import type { EngineOptions } from './convert-file';
import type { FileScan, IndexedFile } from './project-index';
import { type CloseMessage, type FromWorkerMessage, type ScanMessage, type ScanResultMessage } from './worker';
import { startWorker, workerScriptPath } from './worker-start';

/** The prescans, as the pool reads them (EarlyWorkers.prescans). */
export interface Prescans {
  /** Scans answered, by prescanKey (null: a file the index leaves out); fills as the rest arrive. */
  done: ReadonlyMap<string, FileScan | null>;
  /** Keys of the scans still on their way when asked. */
  pending: ReadonlySet<string>;
  /** Resolves once none is on its way (answered, or lost with a worker that ended: those keys then have no entry in `done`). */
  settled: Promise<void>;
}

/**
 * Pool workers started before the pool, while the caller still walks the
 * source: a worker takes ~0.3 s of CPU to load the engine, which the walk
 * (one thread) leaves a core free for. The pool then takes them
 * (PoolOptions.early) instead of starting its own.
 *
 * Until taken they wait for a message and do not keep the process alive;
 * `release()` (or a pool that runs in-process, or needs fewer) asks the rest
 * to close and lets the process wait for them, so that no worker is ever
 * terminated while it may be inside tree-sitter (see CLOSE_TIMEOUT_MS in pool.ts).
 * Whoever starts them must see that `release()` is called on every path
 * that does not reach the pool.
 */
export class EarlyWorkers {
  private readonly waiting: Worker[] = [];
  /** Each waiting worker's listener that drops it when it ends before it is taken. */
  private readonly drops = new Map<Worker, () => void>();
  /** Index scans made during the walk, by prescanKey (null: a file the index leaves out). */
  private readonly prescanned = new Map<string, FileScan | null>();
  /** Prescan messages not answered yet (negative ids: the pool's own scans count up from 0). */
  private readonly prescanning = new Map<number, { worker: Worker; files: IndexedFile[] }>();
  private prescanBatch: IndexedFile[] = [];
  private prescanBytes = 0;
  private prescanIds = 0;
  private prescanTurn = 0;
  private whenPrescanned: (() => void)[] = [];

  constructor(
    readonly engine: EngineOptions,
    count: number,
    private readonly script = workerScriptPath(),
  ) {
    if (!fs.existsSync(this.script)) return; // the pool reports it
    for (let i = 0; i < count; i++) {
      const worker = startWorker(this.script, engine);
      const drop = () => {
        const at = this.waiting.indexOf(worker);
        if (at >= 0) this.waiting.splice(at, 1);
      };
      worker.on('error', drop); // a worker that could not start: the pool starts another
      worker.on('exit', drop);
      this.drops.set(worker, drop);
      this.waiting.push(worker);
      // kept when the pool takes the worker: its prescans may still be on their way (the pool ignores negative ids)
      worker.on('message', (msg: FromWorkerMessage) => {
        if ('scan' in msg && msg.scan < 0) this.onPrescan(msg);
      });
      worker.on('exit', () => this.lostPrescans(worker));
      worker.unref(); // after the listeners: adding a 'message' listener refs the worker again
    }
  }

  /**
   * Scan `file` for the project index on a waiting worker, in batches, while
   * the walk goes on (the same scan the pool would make: a pure function of
   * the file, its path and the engine options). The pool uses the scans of
   * its project files and scans the rest itself; a prescan of a file the run
   * then leaves out is not used.
   */
  prescan(file: IndexedFile): void {
    if (this.waiting.length === 0) return;
    this.prescanBatch.push({ rel: file.rel, abs: file.abs, size: file.size });
    this.prescanBytes += file.size;
    if (this.prescanBatch.length >= PRESCAN_FILES || this.prescanBytes >= PRESCAN_BYTES) this.flushPrescans();
  }

  /** Send the prescan batch being filled (the walk is over). */
  flushPrescans(): void {
    if (this.prescanBatch.length === 0 || this.waiting.length === 0) return;
    const worker = this.waiting[this.prescanTurn++ % this.waiting.length];
    const id = -++this.prescanIds;
    const files = this.prescanBatch;
    this.prescanBatch = [];
    this.prescanBytes = 0;
    this.prescanning.set(id, { worker, files });
    worker.postMessage({ scan: id, files } satisfies ScanMessage);
  }

  /** The prescans made so far and on their way, for the pool. */
  prescans(): Prescans {
    this.flushPrescans();
    const pending = new Set<string>();
    for (const { files } of this.prescanning.values()) for (const f of files) pending.add(prescanKey(f));
    const settled = new Promise<void>((resolve) => (this.prescanning.size === 0 ? resolve() : this.whenPrescanned.push(resolve)));
    return { done: this.prescanned, pending, settled };
  }

  private onPrescan(msg: ScanResultMessage): void {
    const sent = this.prescanning.get(msg.scan);
    if (!sent) return;
    this.prescanning.delete(msg.scan);
    sent.files.forEach((f, i) => this.prescanned.set(prescanKey(f), msg.scans[i] ?? null));
    this.settleIfDone();
  }

  private lostPrescans(worker: Worker): void {
    for (const [id, sent] of this.prescanning) if (sent.worker === worker) this.prescanning.delete(id);
    this.settleIfDone();
  }

  private settleIfDone(): void {
    if (this.prescanning.size > 0) return;
    for (const resolve of this.whenPrescanned.splice(0)) resolve();
  }

  /** Workers started and neither taken nor released. */
  get waitingCount(): number {
    return this.waiting.length;
  }

  /** A waiting worker started with `engine` (the same object), or undefined. */
  take(engine: EngineOptions, script: string): Worker | undefined {
    if (engine !== this.engine || script !== this.script) return undefined;
    const worker = this.waiting.shift();
    if (!worker) return undefined;
    const drop = this.drops.get(worker)!;
    worker.off('error', drop);
    worker.off('exit', drop);
    worker.ref();
    return worker;
  }

  /** Ask the workers not taken to close; the process waits until they have. */
  release(): void {
    for (const worker of this.waiting.splice(0)) {
      worker.ref();
      const msg: CloseMessage = { close: true };
      worker.postMessage(msg);
    }
  }
}

/** A prescan batch is sent at this many files or bytes (a scan reads a file and runs a few regular expressions: ~0.1 ms a file). */
const PRESCAN_FILES = 64;
const PRESCAN_BYTES = 256 * 1024;

/** What identifies a scan: the file's path in the run, where it was read, and its size from the walk. */
export function prescanKey(f: IndexedFile): string {
  return `${f.rel}\u0000${f.abs}\u0000${f.size}`;
}
