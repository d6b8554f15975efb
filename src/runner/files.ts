/**
 * Walking a source tree: every entry, sorted, with POSIX relative paths, and
 * file system writes that never leave a half-written file behind.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { converterFor } from '../kinds';
import { otherKinds } from '../analysis/analyze-file';
import { errorText } from './error-text';

export type EntryKind = 'file' | 'dir' | 'symlink' | 'other';

export interface TreeEntry {
  /** POSIX path relative to the root ('' is never returned). */
  rel: string;
  abs: string;
  kind: EntryKind;
  mode: number;
  size: number;
}

export interface WalkProblem {
  rel: string;
  reason: string;
}

/** Directories whose contents are copied but never converted. */
export const NEVER_CONVERT_DIRS = new Set(['.git', '.hg', '.svn']);

/** Compare by UTF-16 code units: stable on every platform and locale. */
export function comparePaths(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Every entry below `root` (symlinks are not followed), sorted by relative path; `onEntry` sees each as it is found. */
export function walkTree(root: string, onEntry?: (entry: TreeEntry) => void): { entries: TreeEntry[]; problems: WalkProblem[] } {
  const entries: TreeEntry[] = [];
  const problems: WalkProblem[] = [];
  const visit = (dirAbs: string, dirRel: string) => {
    let names: string[];
    try {
      names = fs.readdirSync(dirAbs);
    } catch (e) {
      problems.push({ rel: dirRel || '.', reason: `cannot read directory: ${errorText(e)}` });
      return;
    }
    for (const name of names.sort(comparePaths)) {
      const abs = path.join(dirAbs, name);
      const rel = dirRel ? `${dirRel}/${name}` : name;
      let st: fs.Stats;
      try {
        st = fs.lstatSync(abs);
      } catch (e) {
        problems.push({ rel, reason: `cannot stat: ${errorText(e)}` });
        continue;
      }
      const kind: EntryKind = st.isSymbolicLink() ? 'symlink' : st.isDirectory() ? 'dir' : st.isFile() ? 'file' : 'other';
      const entry: TreeEntry = { rel, abs, kind, mode: st.mode & 0o7777, size: st.size };
      entries.push(entry);
      onEntry?.(entry);
      if (kind === 'dir') visit(abs, rel);
    }
  };
  visit(root, '');
  entries.sort((a, b) => comparePaths(a.rel, b.rel));
  return { entries, problems };
}

/** Is this a Python source the passes should look at? */
export function isPythonSource(rel: string): boolean {
  if (!rel.endsWith('.py')) return false;
  return !rel.split('/').some((part) => NEVER_CONVERT_DIRS.has(part));
}

/**
 * Does the engine convert this file (a Python source, or a kind of src/kinds/),
 * rather than copy it? A single file named on the command line is Python unless
 * a kind takes it or the analysis knows it as something else (requirements.txt).
 */
export function convertedByEngine(rel: string, singleFile = false, abs?: string): boolean {
  if (isPythonSource(rel)) return true;
  if (rel.split('/').some((part) => NEVER_CONVERT_DIRS.has(part))) return false;
  if (converterFor(rel, abs === undefined ? undefined : () => readHead(abs))) return true;
  return singleFile && otherKinds(rel).length === 0;
}

/** The first 128 bytes of a file (for src/kinds/ sniffing); undefined when it cannot be read (the copy reports it). */
export function readHead(abs: string): Uint8Array | undefined {
  let fd: number | undefined;
  try {
    fd = fs.openSync(abs, 'r');
    const buf = Buffer.alloc(128);
    return buf.subarray(0, fs.readSync(fd, buf, 0, 128, 0));
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** Write a file atomically: a temporary sibling, then rename over the target. */
export function writeFileAtomic(target: string, data: Uint8Array | string, mode: number): void {
  const tmp = path.join(path.dirname(target), `.${path.basename(target)}.ascendify-${process.pid}.tmp`);
  try {
    fs.writeFileSync(tmp, data, { mode: mode | 0o200 });
    fs.chmodSync(tmp, mode);
    fs.renameSync(tmp, target);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}

/** Is `inner` equal to or below `outer`? (both resolved) */
export function isWithin(inner: string, outer: string): boolean {
  const rel = path.relative(outer, inner);
  return rel === '' || (rel !== '..' && !rel.startsWith('..' + path.sep) && !path.isAbsolute(rel));
}
