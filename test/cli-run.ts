/**
 * The built CLI (bin/ascendify.js) run as a user runs it, for the end-to-end
 * tests: no colours, and none of torchrun's variables inherited from the
 * environment (verify launches its own).
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

export const BIN = path.join(__dirname, '..', 'bin', 'ascendify.js');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function cli(args: string[], cwd?: string): CliRun {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  for (const v of ['RANK', 'WORLD_SIZE', 'LOCAL_RANK', 'LOCAL_WORLD_SIZE', 'MASTER_ADDR', 'MASTER_PORT']) delete env[v];
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env, maxBuffer: 64 * 1024 * 1024 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
