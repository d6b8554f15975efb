/**
 * Repository-wide facts, computed once before any file is converted (issue 10,
 * items 7 and 13), and handed to the engine in EngineOptions.project:
 *
 * - `imported`: the Python files another module of the repository imports.
 *   An entry file (what `inject-torch-npu` treats as a script, and what
 *   `--transfer-to-npu` patches) is never one of them (src/python/nodes.ts
 *   `isEntryFile`).
 * - `stars`: for each file with a star import (`from utils import *`), what
 *   each such import binds to a module (`torch` → torch, `nn` → torch.nn),
 *   found by following the import inside the repository; `names: null` when
 *   it leads outside (src/python/bindings.ts `useStarExports`).
 *
 * Cheap by construction: every file is read once and scanned for import lines
 * with a regular expression (no parse; `scanProjectFile`, which the pool runs
 * on its workers while the main thread copies the other files); the scans are
 * then resolved together (`resolveProjectIndex`), and only the few modules that
 * star imports lead to are parsed, to read their module-level imports and
 * `__all__`.
 *
 * Resolution is Python's, approximated without running anything: `from .a
 * import b` from the importer's package; `import a.b` from the importer's
 * folder, then each folder above it up to the repository root (a script's own
 * folder is sys.path[0], the root is where it is usually run from); failing
 * that, every file whose path ends with `a/b.py` or `a/b/__init__.py` (a
 * `sys.path` tweak). Importing `a.b` also runs `a/__init__.py`. Text that only
 * looks like an import (in a docstring) can add an edge: that errs towards
 * "imported", i.e. towards not patching a file globally.
 */
import * as fs from 'node:fs';
import { parse, type SyntaxNode } from '../python/parser';
import { Bindings, type StarExport } from '../python/bindings';
import { decodeSource } from '../python/source';
import { stringLiteral } from '../python/nodes';
import { releaseTrees } from '../python/tree-cache';
import type { FileProjectFacts } from '../core/pipeline';

export interface ProjectFacts {
  /** Python files (POSIX relative paths) that another module of the repository imports; sorted. */
  imported: string[];
  /** File → what its star imports bind (only files with a star import). */
  stars: Record<string, StarExport[]>;
  /** Config file names and paths in Python string literals (`*` for f-string fields), normalised; sorted. */
  configRefs?: string[];
  /** Folders named by `config_path=` (Hydra), relative to the root; sorted. */
  configDirs?: string[];
  /** Every Python file of the run (POSIX relative paths), sorted: the scripts a launch script may run (src/kinds/shell.ts). */
  sources?: string[];
}

export interface IndexedFile {
  rel: string;
  abs: string;
  size: number;
}

export interface ScannedImport {
  /** Leading dots of a relative import (0: absolute). */
  level: number;
  /** Dotted module (may be '' for `from . import x`). */
  module: string;
  /** `from M import a, b`: a, b (possible submodules); `*` for a star import; [] for `import M`. */
  names: string[];
}

/**
 * What one file contributes to the facts, found in its text alone (no other
 * file needed): so that the scan can run on the pool's workers, each file
 * where it is read, and only `resolveProjectIndex` sees them all.
 */
export interface FileScan {
  /** Import statements (scanImports); absent when the text has no `import`. */
  imports?: ScannedImport[];
  /** Config file names (scanConfigRefs). */
  configRefs?: string[];
  /** Config folders, relative to the root (scanConfigRefs). */
  configDirs?: string[];
  /** Does the engine read this file beyond the cheap path? Asked only when it has a star import. */
  reads?: boolean;
}

/** Does the engine read a file beyond the cheap path (a pass or the analysis trigger matches)? See buildProjectIndex. */
export type EngineReads = (latin1Text: string) => boolean;

/** Read and scan one file of the index; null when it is larger than `maxFileSize` or unreadable (the conversion reports it). */
export function scanProjectFile(file: IndexedFile, maxFileSize: number, engineReads: EngineReads = () => true): FileScan | null {
  if (file.size > maxFileSize) return null;
  let text: string;
  try {
    text = fs.readFileSync(file.abs).toString('latin1'); // import lines are ASCII; no decoding needed to find them
  } catch {
    return null;
  }
  const refs = new Set<string>();
  const dirs = new Set<string>();
  scanConfigRefs(text, file.rel, refs, dirs);
  const scan: FileScan = {};
  if (refs.size > 0) scan.configRefs = [...refs];
  if (dirs.size > 0) scan.configDirs = [...dirs];
  if (!text.includes('import')) return scan;
  scan.imports = scanImports(text);
  if (scan.imports.some(isStarImport)) scan.reads = engineReads(text);
  return scan;
}

function isStarImport(imp: ScannedImport): boolean {
  return imp.names.length === 1 && imp.names[0] === '*';
}

/** Build the facts for `files` (the run's Python files). Files over `maxFileSize` or unreadable are skipped. */
export function buildProjectIndex(
  files: readonly IndexedFile[],
  maxFileSize: number,
  /**
   * Does the engine read this file beyond the cheap path (a pass or the
   * analysis trigger matches)? Star imports are followed only in such files:
   * the others never use what they bind, and following means parsing the
   * star modules (on a 4.5M-line library tree: 720 star imports, 2 s of parse).
   */
  engineReads: EngineReads = () => true,
): ProjectFacts {
  return resolveProjectIndex(
    files,
    files.map((f) => scanProjectFile(f, maxFileSize, engineReads)),
  );
}

/**
 * The facts from every file's scan (`scans[i]` is `files[i]`'s, null for a
 * file left out). Files are taken in the given order, so that the result does
 * not depend on where the scans were made. Only the modules that star imports
 * lead to are read and parsed here, on the calling thread.
 */
export function resolveProjectIndex(files: readonly IndexedFile[], scans: readonly (FileScan | null)[]): ProjectFacts {
  const known = new Set(files.map((f) => f.rel));
  const repo = moduleResolver(known);
  const importedSet = new Set<string>();
  const stars: Record<string, StarExport[]> = {};
  const exportsCache = new Map<string, Record<string, string> | null>();
  const abs = new Map(files.map((f) => [f.rel, f.abs]));
  const configRefs = new Set<string>();
  const configDirs = new Set<string>();
  try {
    for (const [i, f] of files.entries()) {
      const scan = scans[i];
      if (!scan) continue;
      for (const r of scan.configRefs ?? []) configRefs.add(r);
      for (const d of scan.configDirs ?? []) configDirs.add(d);
      if (!scan.imports) continue;
      const dir = dirOf(f.rel);
      const starList: StarExport[] = [];
      for (const imp of scan.imports) {
        const targets = repo.resolve(dir, imp.level, imp.module, true);
        for (const t of targets) if (t !== f.rel) importedSet.add(t);
        if (isStarImport(imp)) {
          if (!scan.reads) continue;
          const key = '.'.repeat(imp.level) + imp.module;
          if (starList.some((s) => s.module === key)) continue;
          const target = starTarget(repo, dir, imp.level, imp.module);
          starList.push({ module: key, names: target ? exportsOf(target, repo, abs, exportsCache, new Set()) : null });
          continue;
        }
        if (imp.names.length === 0) continue;
        // `from pkg import mod`: mod may be a submodule (never guessed by suffix)
        for (const name of imp.names) {
          const sub = imp.module ? `${imp.module}.${name}` : name;
          for (const t of repo.resolve(dir, imp.level, sub, false)) if (t !== f.rel) importedSet.add(t);
        }
      }
      if (starList.length > 0) stars[f.rel] = starList;
    }
  } finally {
    releaseTrees(); // trees of the star modules
  }
  return {
    imported: [...importedSet].sort(),
    stars,
    configRefs: [...configRefs].sort(),
    configDirs: [...configDirs].sort(),
    sources: [...known].sort(),
  };
}

/** A string literal (any prefix; one line) whose text ends in a config file extension. */
const CONFIG_REF_RE = /(["'])((?:(?!\1)[^\n\r])*?\.(?:ya?ml|json|toml|ini|cfg))\1/gi;
/** Does the text name a config file or a config folder at all? */
const CONFIG_GATE_RE = /\.(?:ya?ml|json|toml|ini|cfg)["']|config_path/i;
/** Hydra's `@hydra.main(config_path="conf")` / `initialize(config_path=...)`: a folder of configs. */
const CONFIG_PATH_RE = /\bconfig_path\s*=\s*[rRuU]?(["'])([^"'\n\r]*)\1/g;

/**
 * Config files named in Python text (a regular expression over the raw text,
 * like the import scan: text in a comment or docstring that names a config
 * counts too, erring towards "read"). Paths are normalised: `\\` → `/`,
 * leading `./` dropped, f-string fields `{...}` → `*`.
 */
export function scanConfigRefs(text: string, rel: string, refs: Set<string>, dirs: Set<string>): void {
  if (!CONFIG_GATE_RE.test(text)) return; // one pass over the text; most files name no config
  for (const m of text.matchAll(CONFIG_REF_RE)) {
    const ref = normaliseRef(m[2].replace(/\{[^{}]*\}/g, '*'));
    if (ref) refs.add(ref);
  }
  for (const m of text.matchAll(CONFIG_PATH_RE)) {
    if (/\.(?:ya?ml|json|toml|ini|cfg)$/i.test(m[2])) continue; // a file, counted above
    const dir = resolveRel(dirOf(rel), m[2].replace(/\\/g, '/'));
    if (dir !== null) dirs.add(dir);
  }
}

function normaliseRef(ref: string): string {
  return ref.replace(/\\+/g, '/').replace(/^(?:\.\/)+/, '').replace(/\/{2,}/g, '/');
}

/** `dir` joined with a relative path (`..` resolved); null when it leaves the root or is absolute. */
export function resolveRel(dir: string, p: string): string | null {
  if (p.startsWith('/') || /^[A-Za-z]:/.test(p)) return null;
  const parts = dir ? dir.split('/') : [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) return null;
      parts.pop();
    } else parts.push(part);
  }
  return parts.join('/');
}

const importedCache = new WeakMap<ProjectFacts, Set<string>>();

/** The facts about one file (cheap: the imported set is built once per ProjectFacts object). */
export function fileFacts(project: ProjectFacts, rel: string): FileProjectFacts {
  let imported = importedCache.get(project);
  if (!imported) importedCache.set(project, (imported = new Set(project.imported)));
  const stars = project.stars[rel];
  return { importedByOthers: imported.has(rel), ...(stars ? { stars } : {}) };
}

/**
 * Import statements in the text: `import a.b as c, d` and `from .x import (y, z as w)`
 * at the start of a line (any indentation), with bracketed and `\` continued lines.
 */
export function scanImports(text: string): ScannedImport[] {
  const out: ScannedImport[] = [];
  const re = /^[ \t]*(?:from(?:[ \t]|\\\r?\n)+(\.*)[ \t]*([\w.]*)(?:[ \t]|\\\r?\n)+import\b|import[ \t]+)/gm;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const { rest, end } = logicalRest(text, m.index + m[0].length);
    re.lastIndex = Math.max(re.lastIndex, end);
    if (/^\s*from/.test(m[0])) {
      const level = m[1].length;
      const module = m[2];
      if (level === 0 && !module) continue;
      const body = rest.replace(/[()]/g, ' ').trim();
      if (body === '*') {
        out.push({ level, module, names: ['*'] });
        continue;
      }
      const names = body
        .split(',')
        .map((p) => p.trim().split(/\s+as\s+/)[0].trim())
        .filter((n) => /^\w+$/.test(n));
      out.push({ level, module, names });
    } else {
      for (const part of rest.split(',')) {
        const name = part.trim().split(/\s+as\s+/)[0].trim();
        if (/^\w+(\.\w+)*$/.test(name)) out.push({ level: 0, module: name, names: [] });
      }
    }
  }
  return out;
}

/** The statement's text after `import`: to the end of the line, through brackets and `\` continuations; no comment, up to `;`. */
function logicalRest(text: string, from: number): { rest: string; end: number } {
  let depth = 0;
  let out = '';
  let i = from;
  for (; i < text.length; i++) {
    const c = text[i];
    if (c === '#') {
      while (i < text.length && text[i] !== '\n' && text[i] !== '\r') i++;
      if (depth === 0) break;
      out += ' ';
      continue;
    }
    if (c === '\\' && (text[i + 1] === '\n' || text[i + 1] === '\r')) {
      i += text[i + 1] === '\r' && text[i + 2] === '\n' ? 2 : 1;
      out += ' ';
      continue;
    }
    if ((c === '\n' || c === '\r') && depth === 0) break;
    if (c === ';' && depth === 0) break;
    if (c === '(') depth++;
    if (c === ')') depth = Math.max(0, depth - 1);
    out += c === '\n' || c === '\r' ? ' ' : c;
  }
  return { rest: out, end: i };
}

function dirOf(rel: string): string {
  const i = rel.lastIndexOf('/');
  return i < 0 ? '' : rel.slice(0, i);
}

function join(dir: string, rest: string): string {
  return dir ? (rest ? `${dir}/${rest}` : dir) : rest;
}

/** Module path (without `.py` / `/__init__.py`) → files, for every trailing part of each file's path. */
function suffixIndex(rels: string[]): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const rel of rels) {
    const mod = rel.replace(/\/__init__\.py$|\.py$/, '');
    if (mod === rel) continue;
    const parts = mod.split('/');
    for (let j = 1; j <= parts.length; j++) {
      const key = parts.slice(parts.length - j).join('/');
      const list = map.get(key);
      if (list) list.push(rel);
      else map.set(key, [rel]);
    }
  }
  return map;
}

/** The repository's Python files, and module resolution over them. */
interface ModuleResolver {
  bySuffix: Map<string, string[]>;
  resolve(dir: string, level: number, module: string, guess: boolean): string[];
}

function moduleResolver(known: Set<string>): ModuleResolver {
  const bySuffix = suffixIndex([...known]);
  // every folder name and module name of the repository: an absolute import
  // whose first part is none of them (torch, os, numpy) resolves to nothing,
  // with no walk up the importer's folders
  const parts = new Set<string>();
  for (const rel of known) for (const p of rel.replace(/\.py$/, '').split('/')) parts.add(p);
  // folder → module → [without guess, with guess]: the files of a folder import much the same
  const memo = new Map<string, Map<string, (string[] | undefined)[]>>();
  return {
    bySuffix,
    resolve(dir, level, module, guess) {
      if (level > 0) return resolveModule(known, bySuffix, dir, level, module, guess);
      const dot = module.indexOf('.');
      if (!parts.has(dot < 0 ? module : module.slice(0, dot))) return [];
      let byModule = memo.get(dir);
      if (!byModule) memo.set(dir, (byModule = new Map()));
      let both = byModule.get(module);
      if (!both) byModule.set(module, (both = [undefined, undefined]));
      return (both[guess ? 1 : 0] ??= resolveModule(known, bySuffix, dir, 0, module, guess));
    },
  };
}

/** Files that importing the module runs: the module's file and the `__init__.py` of each package on the way. */
function resolveModule(known: Set<string>, bySuffix: Map<string, string[]>, dir: string, level: number, module: string, guess: boolean): string[] {
  const path = module.split('.').filter(Boolean).join('/');
  const at = (root: string): string[] | null => {
    const base = join(root, path);
    const file = known.has(`${base}.py`) ? `${base}.py` : known.has(`${base}/__init__.py`) ? `${base}/__init__.py` : null;
    if (!file) return null;
    const out = [file];
    const parts = path ? path.split('/') : [];
    for (let i = 1; i < parts.length; i++) {
      const init = `${join(root, parts.slice(0, i).join('/'))}/__init__.py`;
      if (known.has(init)) out.push(init);
    }
    return out;
  };
  if (level > 0) {
    let base = dir;
    for (let i = 1; i < level; i++) base = dirOf(base);
    if (!path) {
      const init = join(base, '__init__.py');
      return known.has(init) ? [init] : [];
    }
    return at(base) ?? [];
  }
  if (!path) return [];
  for (let root = dir; ; root = dirOf(root)) {
    const found = at(root);
    if (found) return found;
    if (root === '') break;
  }
  return guess ? (bySuffix.get(path) ?? []) : [];
}

/** The file that defines the module a star import names: found from the importer, or the only file with that path. */
function starTarget(repo: ModuleResolver, dir: string, level: number, module: string): string | undefined {
  const exact = repo.resolve(dir, level, module, false);
  if (exact.length > 0) return exact[0];
  if (level > 0 || !module) return undefined;
  const guess = repo.bySuffix.get(module.split('.').join('/')) ?? [];
  return guess.length === 1 ? guess[0] : undefined;
}

/**
 * What `from <file> import *` binds to modules: the file's module-level
 * imports whose names it exports (all public names, or those in a literal
 * `__all__`), and what its own star imports inside the repository export.
 */
function exportsOf(
  rel: string,
  repo: ModuleResolver,
  abs: Map<string, string>,
  cache: Map<string, Record<string, string> | null>,
  visiting: Set<string>,
): Record<string, string> | null {
  if (cache.has(rel)) return cache.get(rel)!;
  if (visiting.has(rel)) return {};
  visiting.add(rel);
  let result: Record<string, string> | null = null;
  try {
    const text = decodeSource(fs.readFileSync(abs.get(rel)!)).text;
    const root = parse(text).rootNode;
    const bindings = Bindings.of(root);
    const all = literalAll(root);
    const exported = (name: string) => (all ? all.has(name) : !name.startsWith('_'));
    const names: Record<string, string> = {};
    // nested star imports first: the module's own imports override them
    for (const s of bindings.moduleImports) {
      if (!s.wildcard || s.typeCheckingOnly || !s.moduleNode) continue;
      const written = s.moduleNode.text.replace(/\s+/g, '');
      const level = /^\.*/.exec(written)![0].length;
      const module = written.slice(level);
      const dir = dirOf(rel);
      const target = starTarget(repo, dir, level, module);
      const inner = target ? exportsOf(target, repo, abs, cache, visiting) : null;
      for (const [k, v] of Object.entries(inner ?? {})) if (exported(k)) names[k] = v;
    }
    for (const s of bindings.moduleImports) {
      if (s.typeCheckingOnly) continue;
      for (const n of s.names) {
        const q = bindings.resolveAtModule(n.local);
        if (q !== null && exported(n.local)) names[n.local] = q;
      }
    }
    result = Object.fromEntries(Object.entries(names).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  } catch {
    result = null; // unreadable or undecodable: not followed
  }
  visiting.delete(rel);
  cache.set(rel, result);
  return result;
}

/** A module-level `__all__ = [...]` / `(...)` of string literals, or null. */
function literalAll(root: SyntaxNode): Set<string> | null {
  let all: Set<string> | null = null;
  for (const stmt of root.namedChildren) {
    if (stmt.type !== 'expression_statement') continue;
    const a = stmt.namedChildren[0];
    if (a?.type !== 'assignment' || a.childForFieldName('left')?.text !== '__all__') continue;
    const right = a.childForFieldName('right');
    if (!right || (right.type !== 'list' && right.type !== 'tuple')) return null;
    const names = right.namedChildren.filter((c) => c.type !== 'comment').map((c) => stringLiteral(c)?.value);
    if (names.some((n) => typeof n !== 'string')) return null;
    all = new Set(names as string[]);
  }
  return all;
}
