/**
 * One run at a time per output (and per source with --in-place): a lock file
 * created exclusively (O_EXCL | O_NOFOLLOW) in the folder the run writes,
 * holding the owner's pid, host and command. A second run fails naming the
 * holder; a lock whose process is gone (same host) is taken over.
 *
 * Taking over is careful about a third run doing the same at the same moment:
 * the stale lock is first renamed to a name of our own (only one renamer can
 * get it), then read again; if what we moved is not the stale lock we saw (a
 * fresh one taken meanwhile), it is put back with link() and we give up.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { errorText } from './error-text';

export const LOCK_NAME = '.ascendify.lock';

export interface LockInfo {
  pid: number;
  host: string;
  command: string;
}

export class LockError extends Error {}

export interface Lock {
  path: string;
  release(): void;
}

function describe(info: LockInfo | undefined, file: string): string {
  if (!info) return `${file} exists (unreadable lock)`;
  return `held by pid ${info.pid} on ${info.host} (${info.command}); remove ${file} if that run is gone`;
}

export function readLock(file: string): LockInfo | undefined {
  try {
    const st = fs.lstatSync(file);
    if (!st.isFile()) return undefined;
    const j = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<LockInfo>;
    if (typeof j.pid === 'number' && typeof j.host === 'string') return { pid: j.pid, host: j.host, command: String(j.command ?? '') };
  } catch {
    // unreadable or half-written: treated as held
  }
  return undefined;
}

/** Is the lock's owner still running? Unknowable for another host: assume it is. */
export function isAlive(info: LockInfo): boolean {
  if (info.host !== os.hostname()) return true;
  if (info.pid === process.pid) return true;
  try {
    process.kill(info.pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The holder of a live lock in `dir`, as a sentence, or undefined when none is held. */
export function liveLockHolder(dir: string): string | undefined {
  const file = path.join(dir, LOCK_NAME);
  if (!fs.existsSync(file) && !isLink(file)) return undefined;
  const info = readLock(file);
  if (info && !isAlive(info)) return undefined;
  return describe(info, file);
}

function isLink(p: string): boolean {
  try {
    return fs.lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

/** Take the lock `name` in directory `dir` (which must exist), or throw LockError naming the holder. */
export function acquireLock(dir: string, command: string, name = LOCK_NAME): Lock {
  const file = path.join(dir, name);
  const me: LockInfo = { pid: process.pid, host: os.hostname(), command };
  const body = JSON.stringify(me) + '\n';
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW, 0o644);
      try {
        fs.writeSync(fd, body);
      } finally {
        fs.closeSync(fd);
      }
      return { path: file, release: () => releaseLock(file, body) };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new LockError(`cannot create the lock ${file}: ${errorText(e)}`);
    }
    const held = readLock(file);
    if (!held || isAlive(held) || isLink(file)) throw new LockError(`another ascendify run is writing ${dir}: ${describe(held, file)}`);
    takeOverStale(file, held);
  }
  throw new LockError(`cannot take the lock ${file}: it keeps changing`);
}

function takeOverStale(file: string, seen: LockInfo): void {
  const moved = `${file}.stale-${process.pid}`;
  try {
    fs.renameSync(file, moved);
  } catch {
    return; // someone else moved it: try again
  }
  const got = readLock(moved);
  if (got && got.pid === seen.pid && got.host === seen.host) {
    fs.rmSync(moved, { force: true });
    return;
  }
  // we moved a fresh lock: put it back (link fails if yet another one is there now)
  try {
    fs.linkSync(moved, file);
  } catch {
    // the newer lock stays
  }
  fs.rmSync(moved, { force: true });
  throw new LockError(`another ascendify run is writing ${path.dirname(file)}: ${describe(got, file)}`);
}

/** Remove our lock file (only if it is still ours). */
function releaseLock(file: string, body: string): void {
  try {
    if (fs.readFileSync(file, 'utf8') === body) fs.unlinkSync(file);
  } catch {
    // already gone
  }
}
