/**
 * `--in-place` and uncommitted work: rewriting a file that has changes git does
 * not hold (modified, staged, or untracked) would mix the user's edits with
 * ours, with no clean way back. Like `cargo fix`, such a run is refused unless
 * `--allow-dirty`. Only files the run could rewrite count: Python sources that
 * match a trigger of an enabled pass (a file none matches is never rewritten).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface DirtyCheck {
  /** Absolute paths of the uncommitted files below `dir` (empty when clean or not in a work tree). */
  dirty: string[];
  /** Set when the check could not be made though `dir` is in a git work tree. */
  problem?: string;
}

function git(cwd: string, args: string[]) {
  return spawnSync('git', args, { cwd, encoding: 'buffer', maxBuffer: 1 << 30 });
}

/** Is `dir` (or an ancestor) a git work tree, by its `.git` entry? */
function hasGitAncestor(dir: string): boolean {
  for (let d = dir; ; d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, '.git'))) return true;
    if (path.dirname(d) === d) return false;
  }
}

/** Uncommitted (modified, staged, untracked, not ignored) files below the directory `dir`. */
export function uncommittedFiles(dir: string): DirtyCheck {
  const top = git(dir, ['rev-parse', '--show-toplevel']);
  if (top.error || top.status !== 0) {
    if (!hasGitAncestor(dir)) return { dirty: [] };
    const why = top.error ? `git cannot run (${(top.error as NodeJS.ErrnoException).code ?? top.error.message})` : top.stderr.toString().trim();
    return { dirty: [], problem: `${dir} looks like a git work tree but its status cannot be read: ${why}` };
  }
  const root = top.stdout.toString().replace(/\n$/, '');
  const st = git(root, ['status', '--porcelain=v1', '-z', '--untracked-files=all', '--', path.relative(root, dir) || '.']);
  if (st.error || st.status !== 0) return { dirty: [], problem: `git status failed in ${root}: ${st.stderr.toString().trim()}` };
  const parts = st.stdout.toString('utf8').split('\0');
  const dirty: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    const entry = parts[i];
    if (entry.length < 4) continue;
    const xy = entry.slice(0, 2);
    dirty.push(path.join(root, entry.slice(3)));
    if (xy[0] === 'R' || xy[0] === 'C') i++; // the next field is the rename's source
  }
  return { dirty: dirty.sort() };
}
