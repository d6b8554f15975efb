/**
 * Runs the user's command with the verify shim on PYTHONPATH, in its own
 * process group so that a timeout (or Ctrl-C) stops it with every process it
 * started (torchrun's workers, mp.spawn's children).
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The shipped shim folder, shim/verify in the package (found from dist/src/verify/ or, under ts-jest, src/verify/). */
export const SHIM_DIR = findShim(__dirname);

function findShim(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const shim = path.join(dir, 'shim', 'verify');
    if (fs.existsSync(path.join(shim, 'sitecustomize.py'))) return shim;
    if (path.dirname(dir) === dir) throw new Error(`ascendify: the verify shim (shim/verify) is missing above ${from}`);
  }
}

export interface RunOptions {
  command: string[];
  cwd: string;
  recordDir: string;
  steps: number;
  allowCuda: boolean;
  torchNpuVersion?: string;
  timeoutSeconds: number;
  /** Seconds between SIGTERM and SIGKILL when the time is up. */
  graceSeconds?: number;
}

export interface RunOutcome {
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  /** The command could not be started (not found, not executable). */
  spawnError?: string;
  wallSeconds: number;
}

/** The environment the command runs in: the shim first on PYTHONPATH, the settings in ASCENDIFY_VERIFY_*. */
export function verifyEnv(opts: RunOptions, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base };
  env.PYTHONPATH = base.PYTHONPATH ? `${SHIM_DIR}${path.delimiter}${base.PYTHONPATH}` : SHIM_DIR;
  env.ASCENDIFY_VERIFY_DIR = opts.recordDir;
  env.ASCENDIFY_VERIFY_STEPS = String(opts.steps);
  env.ASCENDIFY_VERIFY_ALLOW_CUDA = opts.allowCuda ? '1' : '0';
  if (opts.torchNpuVersion) env.ASCENDIFY_VERIFY_TORCH_NPU = opts.torchNpuVersion;
  else delete env.ASCENDIFY_VERIFY_TORCH_NPU;
  return env;
}

export function runCommand(opts: RunOptions): Promise<RunOutcome> {
  const started = process.hrtime.bigint();
  const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
  return new Promise((resolve) => {
    const child = spawn(opts.command[0], opts.command.slice(1), {
      cwd: opts.cwd,
      env: verifyEnv(opts),
      stdio: 'inherit',
      detached: true, // its own process group: the whole tree can be stopped
    });
    let timedOut = false;
    let killTimer: NodeJS.Timeout | undefined;
    const group = (sig: NodeJS.Signals) => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, sig);
      } catch {
        // the group is gone already
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      group('SIGTERM');
      killTimer = setTimeout(() => group('SIGKILL'), (opts.graceSeconds ?? 5) * 1000);
    }, opts.timeoutSeconds * 1000);
    const forward = (sig: NodeJS.Signals) => () => group(sig);
    const onInt = forward('SIGINT');
    const onTerm = forward('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
    let finished = false;
    const done = (outcome: Omit<RunOutcome, 'wallSeconds' | 'timedOut'>) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      if (timedOut) group('SIGKILL'); // what the leader left behind
      resolve({ ...outcome, timedOut, wallSeconds: Math.round(seconds() * 1000) / 1000 });
    };
    child.on('error', (e) => done({ exitCode: null, signal: null, spawnError: e.message }));
    child.on('exit', (code, signal) => done({ exitCode: code, signal }));
  });
}
