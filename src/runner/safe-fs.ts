/**
 * Writing below a root without ever following a symbolic link.
 *
 * A run writes into an output tree (or a report folder, or the source itself
 * with --in-place) that may already hold links: left by an earlier run, copied
 * from the source, or planted. Node has no openat(), so every directory on the
 * way to a target is checked with lstat (once, then cached), created when
 * missing, and refused when it is a link or not a directory. Files are written
 * to a fresh temporary sibling opened with O_EXCL | O_NOFOLLOW and renamed over
 * the target: a rename replaces a link, it never writes through one, and a
 * reader never sees half a file. A target that is already a link (or a
 * directory) is that file's failure, never a write through it.
 *
 * Every method throws WriteError, whose `reason` is one line for files.csv.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { errorText } from './error-text';

export class WriteError extends Error {
  constructor(
    readonly reason: string,
    /** errno code when the OS refused (ENOSPC, EACCES, ...). */
    readonly code?: string,
  ) {
    super(reason);
  }
}

/** Would this error stop every later write too (the disk is full)? */
export function isFatalWriteError(e: unknown): boolean {
  return e instanceof WriteError && (e.code === 'ENOSPC' || e.code === 'EDQUOT' || e.code === 'EROFS');
}

const { O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW, O_RDONLY } = fs.constants;

/** Names of the temporary files a writer makes (`.name.ascendify-<pid>-<n>.tmp`); group 1 is the pid. */
export const TEMP_FILE_RE = /^\..+\.ascendify-(\d+)-\d+\.tmp$/;
let tmpCounter = 0;
let copyBuffer: Buffer | undefined;

function osError(what: string, e: unknown): WriteError {
  const code = e && typeof e === 'object' && 'code' in e ? String((e as { code: unknown }).code) : undefined;
  return new WriteError(`${what}: ${errorText(e)}`, code);
}

/** Where a string piece is encoded before it is written (any piece of up to a third of its length fits). */
let scratch: Buffer | undefined;

function writeAll(fd: number, data: string | Uint8Array): void {
  let buf: Uint8Array;
  let end: number;
  if (typeof data === 'string' && data.length * 3 <= (scratch ??= Buffer.allocUnsafe(1 << 17)).length) {
    buf = scratch;
    end = scratch.write(data, 'utf8');
  } else {
    buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    end = buf.length;
  }
  for (let off = 0; off < end; ) off += fs.writeSync(fd, buf, off, end - off);
}

/** What a writer writes: text (as UTF-8), bytes, or pieces of either written as they come. */
export type WriteContent = string | Uint8Array | Iterable<string | Uint8Array>;

/** The process's umask (0o777 when it cannot be read: every file then gets its mode by fchmod). */
function currentUmask(): number {
  try {
    const mask = process.umask(0o022); // reading it means setting it; set straight back
    process.umask(mask);
    return mask;
  } catch {
    return 0o777; // a worker thread cannot set it
  }
}

export class RootedWriter {
  /** Directories checked or created (relative, '' = root) → undefined, or why they cannot be used. */
  private readonly dirs = new Map<string, string | undefined>();
  /** Directories this writer created or adopted, with the mode to give them at the end. */
  private readonly dirModes: { rel: string; mode: number }[] = [];
  /**
   * Directories this writer created (mkdir succeeded): mode 0700 until
   * `finish()`, or their own mode when it lets no one else write (0755), so
   * nothing is in them but what this writer put there, and a target in them
   * needs no lstat first (on the bench corpus, one lstat per file written:
   * ~0.2 s of the main thread).
   */
  private readonly created = new Set<string>();
  /** The process's umask, read once: a file created with a mode it leaves whole needs no fchmod. */
  private readonly umask = currentUmask();

  /**
   * `root` must be a real path (no link in it) to an existing directory.
   * `atomicReplace`: an existing file is replaced by the rename itself, so a
   * reader sees the old file or the new one, never none (the user's source
   * with --in-place). Without it (an output tree, a report folder) the old
   * file is removed just before the rename: on ext4 a rename over an existing
   * file makes the kernel start writing the new file's data out
   * (auto_da_alloc), which queues behind the previous writes: 5,000 files of
   * 20 KB replaced in a row took 4.7 s renamed over, 0.12 s removed and
   * renamed (docs/performance.md, "Replacing output files").
   */
  constructor(
    readonly root: string,
    private readonly atomicReplace = false,
  ) {
    this.dirs.set('', undefined);
  }

  abs(rel: string): string {
    if (rel === '') return this.root;
    return path.sep === '/' ? `${this.root}/${rel}` : path.join(this.root, ...rel.split('/'));
  }

  /**
   * Make `rel` (POSIX, relative to the root) an existing real directory,
   * creating what is missing. With `mode`, the directory gets that mode: when
   * it creates it, if the mode lets only its owner write (and the umask
   * leaves it whole), else at `finish()` (it stays writable, 0700, while the
   * run writes into it).
   */
  dir(rel: string, mode?: number): void {
    if (rel === '') return;
    const known = this.dirs.get(rel);
    if (known !== undefined) throw new WriteError(known);
    if (!this.dirs.has(rel)) {
      const parent = rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/')) : '';
      try {
        this.dir(parent);
      } catch (e) {
        this.dirs.set(rel, (e as WriteError).reason);
        throw e;
      }
      // only when no one else may write in it (and its owner may): else 0700 until finish()
      const direct = mode !== undefined && (mode & 0o022) === 0 && (mode & 0o700) === 0o700 && this.createsWhole(mode);
      const made = this.makeDir(rel, this.created.has(parent), direct ? mode : 0o700);
      if (made === 'created') this.created.add(rel);
      const problem = made === 'created' ? undefined : made;
      this.dirs.set(rel, problem?.reason);
      if (problem) throw problem;
      if (made === 'created' && direct) return; // created with its mode
    }
    if (mode !== undefined) this.dirModes.push({ rel, mode });
  }

  /**
   * Make the directory (`'created'`), or check the one there (undefined:
   * usable). In a folder this writer created, mkdir comes first (nothing is
   * there); elsewhere an lstat.
   */
  private makeDir(rel: string, inCreated: boolean, mode: number): WriteError | 'created' | undefined {
    const abs = this.abs(rel);
    for (let attempt = 0; attempt < 2; attempt++) {
      let st: fs.Stats | undefined;
      if (!(inCreated && attempt === 0)) {
        try {
          st = fs.lstatSync(abs, { throwIfNoEntry: false });
        } catch (e) {
          return osError(`cannot create directory ${rel}`, e);
        }
      }
      if (!st) {
        try {
          fs.mkdirSync(abs, { mode }); // never follows a link at `abs`: EEXIST, then checked again
          return 'created';
        } catch (e2) {
          if ((e2 as NodeJS.ErrnoException).code === 'EEXIST') continue;
          return osError(`cannot create directory ${rel}`, e2);
        }
      }
      if (st.isSymbolicLink()) return new WriteError(`a symbolic link is where directory ${rel} goes; not followed`);
      if (!st.isDirectory()) return new WriteError(`a file is where directory ${rel} goes; not replaced`);
      return undefined;
    }
    return new WriteError(`cannot create directory ${rel}: it keeps changing`);
  }

  /**
   * Does creating a file or folder with `mode` give it exactly that mode? When
   * the umask leaves it whole and it has no set-id or sticky bit (a write
   * clears set-id bits, mkdir ignores them): no chmod needed afterwards.
   */
  private createsWhole(mode: number): boolean {
    return (mode & 0o7000) === 0 && (mode & ~this.umask) === mode;
  }

  /** Make sure the folder of `rel` exists; returns it. */
  private parentOf(rel: string): string {
    const i = rel.lastIndexOf('/');
    const parent = i === -1 ? '' : rel.slice(0, i);
    this.dir(parent);
    return parent;
  }

  /**
   * Throws when `rel` cannot be replaced by a file or link (a link or
   * directory is there); returns whether something is there. In a folder this
   * writer created nothing is looked at: only it writes there, and what the
   * rename then replaces is at most its own earlier file or link (a directory
   * there would make the rename fail).
   */
  private checkTarget(rel: string, parent: string, allowLink: boolean): boolean {
    if (this.created.has(parent)) return false;
    let st: fs.Stats | undefined;
    try {
      st = fs.lstatSync(this.abs(rel), { throwIfNoEntry: false }); // no error object for the usual case (a new file)
    } catch (e) {
      throw osError(`cannot write ${rel}`, e);
    }
    if (!st) return false;
    if (st.isSymbolicLink() && !allowLink) throw new WriteError(`a symbolic link is where ${rel} goes; not written through`);
    if (st.isDirectory()) throw new WriteError(`a directory is where ${rel} goes; not replaced`);
    return true;
  }

  /** Rename the finished temporary file to `rel` (see `atomicReplace`). */
  private moveInto(tmp: string, rel: string, exists: boolean): void {
    const abs = this.abs(rel);
    if (exists && !this.atomicReplace) {
      try {
        fs.unlinkSync(abs); // a file or link (checked), never followed; a directory there now fails here
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
    }
    fs.renameSync(tmp, abs);
  }

  private tmpFor(rel: string): string {
    const abs = this.abs(rel);
    const cut = abs.lastIndexOf(path.sep) + 1;
    return `${abs.slice(0, cut)}.${abs.slice(cut)}.ascendify-${process.pid}-${++tmpCounter}.tmp`;
  }

  /** Replace `rel` with a fresh temporary file filled by `fill(fd)`, renamed in complete (see `atomicReplace`). */
  private replace(rel: string, mode: number, fill: (fd: number, tmp: string) => void): void {
    const exists = this.checkTarget(rel, this.parentOf(rel), false);
    const tmp = this.tmpFor(rel);
    const direct = this.createsWhole(mode); // else 0600, then fchmod
    try {
      const fd = fs.openSync(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, direct ? mode : 0o600);
      try {
        fill(fd, tmp);
        if (!direct) fs.fchmodSync(fd, mode);
      } finally {
        fs.closeSync(fd);
      }
      this.moveInto(tmp, rel, exists);
    } catch (e) {
      fs.rmSync(tmp, { force: true });
      throw e instanceof WriteError ? e : osError(`cannot write ${rel}`, e);
    }
  }

  /** Write `data` to `rel` with `mode`, complete or not at all. */
  writeFile(rel: string, data: Uint8Array | string, mode: number): void {
    this.writeChunks(rel, [data], mode);
  }

  /**
   * Write the pieces (strings as UTF-8) one after the other to `rel`, each as
   * it comes, with `mode` as writeFile: a report of tens of MB is
   * never one string or one buffer. Each string piece is encoded alone, so a
   * piece must not end inside a surrogate pair (jsonChunks and csvChunks cut
   * between values). An error of the pieces' own (a generator
   * that throws) is thrown as it is, after the temporary file is removed;
   * what the OS refuses is a WriteError, as with writeFile.
   */
  writeChunks(rel: string, chunks: WriteContent, mode: number): void {
    const pieces = typeof chunks === 'string' || chunks instanceof Uint8Array ? [chunks] : chunks;
    let failed: { error: unknown } | undefined;
    try {
      this.replace(rel, mode, (fd) => {
        const it = pieces[Symbol.iterator]();
        for (;;) {
          let next: IteratorResult<string | Uint8Array>;
          try {
            next = it.next();
          } catch (e) {
            failed = { error: e };
            throw e;
          }
          if (next.done) break;
          writeAll(fd, next.value);
        }
      });
    } catch (e) {
      throw failed ? failed.error : e;
    }
  }

  /** Copy the file at `from` (outside the root) to `rel` atomically with `mode`. */
  copyFile(rel: string, from: string, mode: number): void {
    this.replace(rel, mode, (fd) => {
      const src = fs.openSync(from, O_RDONLY);
      try {
        const buf = (copyBuffer ??= Buffer.allocUnsafe(1 << 20)); // one per thread: a fresh MiB per file cost 2.5 s of GC on the bench corpus
        for (;;) {
          const n = fs.readSync(src, buf, 0, buf.length, null);
          if (n === 0) break;
          let off = 0;
          while (off < n) off += fs.writeSync(fd, buf, off, n - off);
        }
      } finally {
        fs.closeSync(src);
      }
    });
  }

  /** Make `rel` a symbolic link to `target` (replacing a file or link there, atomically). */
  symlink(rel: string, target: string): void {
    const exists = this.checkTarget(rel, this.parentOf(rel), true);
    const tmp = this.tmpFor(rel);
    try {
      fs.symlinkSync(target, tmp);
      this.moveInto(tmp, rel, exists);
    } catch (e) {
      fs.rmSync(tmp, { force: true });
      throw osError(`cannot create link ${rel}`, e);
    }
  }

  /** Remove the file `rel` if it is a regular file or a link (never a directory); no error when absent. */
  removeFile(rel: string): void {
    this.parentOf(rel);
    try {
      const st = fs.lstatSync(this.abs(rel));
      if (st.isDirectory()) throw new WriteError(`a directory is where ${rel} goes; not removed`);
      fs.unlinkSync(this.abs(rel));
    } catch (e) {
      if (e instanceof WriteError) throw e;
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw osError(`cannot remove ${rel}`, e);
    }
  }

  /** Give the directories created with a mode their mode, deepest first (a read-only one last). */
  finish(): string[] {
    const problems: string[] = [];
    for (const d of [...this.dirModes].reverse()) {
      try {
        const abs = this.abs(d.rel);
        if (fs.lstatSync(abs).isDirectory()) fs.chmodSync(abs, d.mode);
      } catch (e) {
        problems.push(`cannot set the mode of ${d.rel}: ${errorText(e)}`);
      }
    }
    this.dirModes.length = 0;
    return problems;
  }
}
