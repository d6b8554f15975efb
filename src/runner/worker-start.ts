/**
 * How a pool worker thread is started: its script, its V8 heap limit and the
 * process-wide V8 flags set before the first one starts. Shared by the pool
 * (src/runner/pool.ts) and the workers it may take ready-made
 * (src/runner/early-workers.ts).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import { Worker } from 'node:worker_threads';
import type { EngineOptions } from './convert-file';
import { allowGc, type PoolWorkerData } from './worker';

/**
 * Turn off TurboFan's inlining for this process before the workers start
 * (V8 flags are process-wide and read when a function is optimised). Each
 * worker is an isolate of its own that optimises the engine's hot functions
 * again, on V8's shared background threads: with inlining, those compiles
 * took ~5 s of CPU per isolate on the bench corpus's training part (419
 * TurboFan compiles, `convertSource` alone 0.1-0.23 s each), so two workers
 * kept the two cores' background threads busy ~9 s beside them. Without
 * inlining the background threads do ~40 % less, the optimised code is no
 * slower here, and two workers finish 4-15 % sooner (docs/performance.md,
 * "Engine speed, fifth round"). A process that embeds the pool gets the flag
 * too; the in-process path (`--jobs 1`) does not set it.
 */
function lessJitWork(): void {
  try {
    v8.setFlagsFromString('--no-turbo-inlining');
  } catch {
    // the default then: slower on two cores, same results
  }
}

/** Start a pool worker running `script` (workerScriptPath) with `engine`; the process-wide V8 flags are set first. */
export function startWorker(script: string, engine: EngineOptions): Worker {
  allowGc(); // V8 flags are process-wide and read by each new isolate: set before it starts
  lessJitWork();
  const data: PoolWorkerData = { ascendifyPoolWorker: true, engine };
  return new Worker(script, { workerData: data, resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB } });
}

/**
 * The young generation of a worker's V8 heap (V8's default lets it grow to
 * ~48 MB). Capped, the bench corpus with two workers peaks 25-40 MB lower for
 * the same CPU time (engine only, three interleaved runs each: 257 vs 288 MB,
 * 23.6-27.2 s vs 23.5-28.0 s of CPU; docs/performance.md, "The native helper").
 * Only the young generation: old-generation limits end a worker that reaches them.
 */
export const WORKER_YOUNG_GENERATION_MB = 24;

/** The worker script: beside this module when compiled, in dist/ when running from TypeScript sources. */
export function workerScriptPath(): string {
  if (!__filename.endsWith('.ts')) return path.join(__dirname, 'worker.js');
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return path.join(dir, 'dist', 'src', 'runner', 'worker.js');
    if (path.dirname(dir) === dir) throw new Error('package root not found above ' + __dirname);
  }
}
