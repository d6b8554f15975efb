/**
 * Which files of the source the engine converts and analyses: the project
 * config's `include` / `exclude` globs and the `.gitignore` files of the tree.
 *
 * A file left out is still copied to the output byte for byte (nothing of the
 * user's tree is lost); it is only not converted and not analysed. The runner
 * lists a left-out Python source in files.csv as `skipped`, with the reason.
 *
 * Rules, in order (the first that applies decides):
 * 1. a path inside a folder left out is left out (as in git, a file cannot be
 *    brought back from inside an ignored folder);
 * 2. `exclude`: the path matches one of the globs;
 * 3. `.gitignore` (unless switched off): the last rule that matches the path,
 *    reading the `.gitignore` of each folder from the root down (a deeper file
 *    overrides a shallower one), ignores it unless it is a `!` rule;
 * 4. `include` (when given): a file (not a folder) that matches none of the
 *    globs and is in no folder that matches one is left out.
 */
import * as fs from 'node:fs';
import { compileGlob, parseGitignore, type IgnoreRule } from './glob';

/** What the selection needs to know about an entry (a TreeEntry of src/runner/files.ts). */
export interface SelectEntry {
  rel: string;
  abs: string;
  kind: 'file' | 'dir' | 'symlink' | 'other';
}

export interface Selection {
  include: readonly string[];
  exclude: readonly string[];
  /** Read `.gitignore` files (default true). */
  gitignore: boolean;
  /** How reasons name the config (`ascendify.toml`, `pyproject.toml [tool.ascendify]`). */
  configName: string;
}

export const GITIGNORE = '.gitignore';

/** rel → why it is left out, for every entry left out (folders included). */
export function leftOut(entries: readonly SelectEntry[], sel: Selection): Map<string, string> {
  const out = new Map<string, string>();
  const include = sel.include.map((g) => ({ g, re: compileGlob(g) }));
  const exclude = sel.exclude.map((g) => ({ g, re: compileGlob(g) }));
  const ignoreFiles = new Map<string, IgnoreRule[]>(); // folder rel ('' = root) → rules
  if (sel.gitignore) {
    for (const e of entries) {
      if (e.kind !== 'file' || !(e.rel === GITIGNORE || e.rel.endsWith('/' + GITIGNORE))) continue;
      let text: string;
      try {
        text = fs.readFileSync(e.abs, 'utf8');
      } catch {
        continue; // unreadable: the copy reports it
      }
      ignoreFiles.set(e.rel.slice(0, -GITIGNORE.length).replace(/\/$/, ''), parseGitignore(text));
    }
  }
  // entries are sorted, so a folder comes before everything inside it
  const sorted = [...entries].sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  const dirsIn = new Set<string>(); // folders that match an include glob
  for (const e of sorted) {
    const slash = e.rel.lastIndexOf('/');
    const parent = slash < 0 ? '' : e.rel.slice(0, slash);
    const parentOut = parent !== '' ? out.get(parent) : undefined;
    if (parentOut !== undefined) {
      out.set(e.rel, parentOut);
      continue;
    }
    const ex = exclude.find((x) => x.re.test(e.rel));
    if (ex) {
      out.set(e.rel, `excluded by ${sel.configName} (exclude "${ex.g}")`);
      continue;
    }
    if (sel.gitignore) {
      const rule = lastIgnoreRule(ignoreFiles, e.rel, e.kind === 'dir');
      if (rule && !rule.rule.negate) {
        out.set(e.rel, `ignored by ${rule.file} ("${rule.rule.pattern}")`);
        continue;
      }
    }
    if (include.length > 0) {
      const inDir = parent !== '' && dirsIn.has(parent);
      const hit = inDir || include.some((x) => x.re.test(e.rel));
      if (e.kind === 'dir') {
        if (hit) dirsIn.add(e.rel);
      } else if (!hit) {
        out.set(e.rel, `not included by ${sel.configName} (include ${sel.include.map((g) => `"${g}"`).join(', ')})`);
      }
    }
  }
  return out;
}

function lastIgnoreRule(files: ReadonlyMap<string, IgnoreRule[]>, rel: string, isDir: boolean): { rule: IgnoreRule; file: string } | undefined {
  if (files.size === 0) return undefined;
  let found: { rule: IgnoreRule; file: string } | undefined;
  const parts = rel.split('/');
  // folders from the root down to the entry's own folder
  for (let depth = 0; depth < parts.length; depth++) {
    const base = parts.slice(0, depth).join('/');
    const rules = files.get(base);
    if (!rules) continue;
    const sub = parts.slice(depth).join('/');
    for (const r of rules) {
      if (r.dirOnly && !isDir) continue;
      if (r.re.test(sub)) found = { rule: r, file: base === '' ? '.gitignore' : `${base}/.gitignore` };
    }
  }
  return found;
}
