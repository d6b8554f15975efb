/**
 * A run that writes, with its safeguards, in this order:
 *
 * 1. the plan (src/runner/plan.ts): every check that can refuse the run, with
 *    `--in-place`'s check for uncommitted git changes, before any write;
 * 2. the output and report folders are created and locked (src/runner/lock.ts);
 *    a second run into the same place stops here, exit 3, naming the holder;
 * 3. stale report files are removed and the journal opened (convert and
 *    in-place; analyze writes no tree), so that a run
 *    killed later leaves a journal of what it wrote and no report of an
 *    earlier run that could be mistaken for this one's;
 * 4. the run itself (src/runner/run.ts), told about SIGINT/SIGTERM through
 *    `signal`; then the caller writes the reports through `reports`, and
 *    `close()` sorts the journal and releases the locks.
 *
 * Locks are also released when the process exits without `close()` (a second
 * Ctrl-C), so a lock is only ever left by a process that was killed outright;
 * the next run takes that one over.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as os from 'node:os';
import { acquireLock, isAlive, LockError, type Lock } from './lock';
import { Journal, JOURNAL_NAME } from './journal';
import { planRun, type Plan } from './plan';
import { executeRun, type RunRequest, type RunResult } from './run';
import { RootedWriter, TEMP_FILE_RE, WriteError } from './safe-fs';
import { UsageError, passesById } from './passes';
import { uncommittedFiles } from './git';
import { convertedByEngine } from './files';

export interface SessionOptions {
  /** The command line, written into the lock for whoever finds it. */
  command: string;
  /** --allow-dirty: rewrite in place even with uncommitted changes. */
  allowDirty?: boolean;
  /** Names of the report files this run writes: stale ones are removed before it starts. */
  reportNames: readonly string[];
}

export interface Session {
  plan: Plan;
  /** Writes into the report folder (never through a link). */
  reports: RootedWriter;
  run(): Promise<RunResult>;
  /** Sort the journal, release the locks. Idempotent. */
  close(): void;
}

/** Plan, check and lock; throws UsageError (nothing written) when the run must not start. */
export function openSession(req: RunRequest, opts: SessionOptions): Session {
  const plan = planRun(req);
  try {
    return lockedSession(req, opts, plan);
  } catch (e) {
    plan.early?.release(); // refused: the run will not start
    throw e;
  }
}

function lockedSession(req: RunRequest, opts: SessionOptions, plan: Plan): Session {
  if (req.mode === 'in-place' && !opts.allowDirty) refuseDirty(plan, req);

  // first writes: the folders the run writes into, then their locks
  if (plan.out) fs.mkdirSync(plan.singleFile ? path.dirname(plan.out) : plan.out, { recursive: true });
  const reportDir = plan.reportDir!;
  const locks: Lock[] = [];
  const release = () => {
    for (const l of locks.splice(0)) l.release();
  };
  process.on('exit', release);
  try {
    for (const spec of [...plan.locks].sort((a, b) => (a.dir < b.dir ? -1 : a.dir > b.dir ? 1 : 0))) {
      fs.mkdirSync(spec.dir, { recursive: true });
      locks.push(acquireLock(spec.dir, opts.command, spec.name));
    }
    if (req.mode === 'in-place') removeStaleTempFiles(plan.tempFiles);
    fs.mkdirSync(reportDir, { recursive: true });
    const reports = new RootedWriter(reportDir);
    for (const name of opts.reportNames) if (name !== JOURNAL_NAME) reports.removeFile(name);
    // analyze writes no tree: nothing to journal
    const journal = req.mode === 'analyze' ? undefined : new Journal(reports);
    let closed = false;
    return {
      plan,
      reports,
      run: () => executeRun({ ...req, journal }, plan),
      close() {
        if (closed) return;
        closed = true;
        plan.early?.release(); // when the run was never started
        try {
          journal?.close();
        } catch (e) {
          // a full disk: the journal stays as appended, in completion order
          if (!(e instanceof WriteError)) throw e;
        } finally {
          release();
          process.off('exit', release);
        }
      },
    };
  } catch (e) {
    release();
    process.off('exit', release);
    if (e instanceof LockError) throw new UsageError(e.message);
    if (e instanceof WriteError) throw new UsageError(`report folder ${reportDir}: ${e.reason}`);
    throw e;
  }
}

/** Temporary files an in-place run killed while writing left in the source (its pid is gone): removed, under our lock. */
function removeStaleTempFiles(files: readonly string[]): void {
  for (const f of files) {
    const pid = Number(TEMP_FILE_RE.exec(path.basename(f))![1]);
    if (!isAlive({ pid, host: os.hostname(), command: '' })) fs.rmSync(f, { force: true });
  }
}

/** --in-place on a git work tree with uncommitted changes in a file the run could rewrite: refused. */
function refuseDirty(plan: Plan, req: RunRequest): void {
  const dir = plan.singleFile ? path.dirname(plan.src) : plan.src;
  const check = uncommittedFiles(dir);
  if (check.problem) throw new UsageError(`${check.problem}; pass --allow-dirty to rewrite in place anyway`);
  if (check.dirty.length === 0) return;
  const candidates = new Set(plan.entries.filter((e) => e.kind === 'file' && convertedByEngine(e.rel, plan.singleFile, e.abs)).map((e) => e.abs));
  const passes = passesById(req.engine.passIds);
  const risky = check.dirty.filter((abs) => {
    if (!candidates.has(abs)) return false;
    let text: string;
    try {
      text = fs.readFileSync(abs, 'latin1');
    } catch {
      return true;
    }
    return passes.some((p) => p.triggers.test(text));
  });
  if (risky.length === 0) return;
  const shown = risky.slice(0, 5).map((f) => path.relative(dir, f).split(path.sep).join('/'));
  throw new UsageError(
    `--in-place: ${risky.length} file${risky.length === 1 ? '' : 's'} it would rewrite ha${risky.length === 1 ? 's' : 've'} uncommitted changes in git ` +
      `(${shown.join(', ')}${risky.length > shown.length ? ', ...' : ''}); commit or stash them first, or pass --allow-dirty`,
  );
}
