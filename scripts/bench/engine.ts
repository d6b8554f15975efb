/**
 * The conversion engine alone, run in its own process by the benchmark:
 *
 *   node dist/scripts/bench/engine.js <dir> <jobs>
 *
 * Walks like the CLI and converts every Python file through the worker pool
 * (src/runner/pool.ts), discarding the outputs: no writes, no reports. Shows
 * what the pool gives before and independently of its wiring into the CLI.
 * Prints one JSON object on stdout.
 */
import * as fs from 'node:fs';
import { DEFAULT_MAX_FILE_SIZE } from '../../src/runner/convert-file';
import { isPythonSource, walkTree } from '../../src/runner/files';
import { selectPassIds } from '../../src/runner/passes';
import { convertFiles, type PoolStats } from '../../src/runner/pool';

export interface EngineRunResult {
  ms: number;
  maxRssKiB: number;
  stats: PoolStats;
  status: Record<string, number>;
  parsed: number;
}

async function main(dir: string, jobs: number): Promise<void> {
  const t0 = performance.now();
  const { entries } = walkTree(fs.realpathSync(dir));
  const tasks = entries.filter((e) => e.kind === 'file' && isPythonSource(e.rel)).map((e) => ({ rel: e.rel, abs: e.abs, size: e.size }));
  const status: Record<string, number> = {};
  let parsed = 0;
  const engine = { passIds: selectPassIds(), unsafe: false, transferToNpu: false, maxFileSize: DEFAULT_MAX_FILE_SIZE };
  const stats = await convertFiles(tasks, { engine, jobs }, (r) => {
    status[r.status] = (status[r.status] ?? 0) + 1;
    if (r.parsed) parsed++;
  });
  const out: EngineRunResult = { ms: performance.now() - t0, maxRssKiB: process.resourceUsage().maxRSS, stats, status, parsed };
  process.stdout.write(JSON.stringify(out) + '\n');
}

main(process.argv[2], Number(process.argv[3] ?? 1)).catch((e) => {
  process.stderr.write(`${(e as Error).stack ?? e}\n`);
  process.exitCode = 1;
});
