/**
 * Bindings: what a local name means, from the file's imports.
 *
 *   import torch as th              th      → torch
 *   import torch.cuda               torch   → torch        (and torch.cuda is loaded)
 *   import torch.cuda as tc         tc      → torch.cuda
 *   from torch import cuda          cuda    → torch.cuda
 *   from torch.cuda import amp as A A       → torch.cuda.amp
 *
 * Resolution follows Python's scoping: a parameter, assignment, loop variable,
 * `with ... as`, `except ... as`, def or class that binds the same name in an
 * enclosing function makes the name local there, and it no longer means the
 * module. At module level a name that is both imported and bound another way
 * (outside an `except` fallback such as `torch = None`) is ambiguous and does
 * not resolve. A name imported with two different meanings does not resolve.
 *
 * Star imports (`from utils import *` at module level) bind what the star
 * module exports. The runner follows them inside the repository
 * (src/runner/project-index.ts) and hands the module names they bind to
 * `useStarExports`; a name no import or assignment of the file binds then
 * resolves to that module (`torch` → torch). A star import that was not
 * followed (outside the repository, or no facts given: one file, unit tests)
 * is assumed to bind `torch` as the torch module, and nothing else. Every
 * identifier resolved this way is recorded (`starUses`) so that a change
 * made through it can say why.
 *
 * Everything is computed lazily and cached, so a file that never asks pays nothing.
 */
import type { SyntaxNode } from './parser';
import { SCOPE_TYPES, ancestor, unparen } from './nodes';
import { perTree } from './tree-cache';
import { isWord, WordIndex } from './word-index';
import { hasLoneCr } from './source';

export interface ImportedName {
  /** Local name the statement binds. */
  local: string;
  /** Qualified name that the local name refers to. */
  qualified: string;
  /** The `dotted_name` of the imported thing (`torch.cuda` in `import torch.cuda as tc`). */
  nameNode: SyntaxNode;
  /** The alias identifier, if any. */
  aliasNode: SyntaxNode | null;
}

export interface ImportStatement {
  node: SyntaxNode;
  kind: 'import' | 'from';
  /** `from X import ...`: X (dotted); null for relative imports and for `import` statements. */
  module: string | null;
  /** The module_name node of a from-import. */
  moduleNode: SyntaxNode | null;
  names: ImportedName[];
  wildcard: boolean;
  /** Scope node the statement binds into (module, function, class, ...). */
  scope: SyntaxNode;
  /** Inside `if TYPE_CHECKING:`. */
  typeCheckingOnly: boolean;
}

/** What one star import binds, as the runner found it (src/runner/project-index.ts). */
export interface StarExport {
  /** The star import's module as written, without spaces: `utils`, `.common`, `..`. */
  module: string;
  /** Local name → qualified module name the star binds; null when the import could not be followed. */
  names: Record<string, string> | null;
}

/** A module name a star import binds in this file. */
export interface StarName {
  qualified: string;
  /** The star import statement (`from utils import *`). */
  via: string;
  /** Not followed: `torch` assumed to be torch because the file has a star import. */
  assumed: boolean;
}

interface ScopeBindings {
  imports: Map<string, Set<string>>;
  others: Set<string>;
  globals: Set<string>;
}

const IMPORT_TYPES = ['import_statement', 'import_from_statement'];

/** Nodes that bind names in the scope whose body holds them (the cases of `collectBindings`). */
const SITE_TYPES = new Set(['assignment', 'augmented_assignment', 'for_statement', 'for_in_clause', 'named_expression']);
/** Nodes whose inside `collectBindings` does not enter: new scopes and statements it handles whole. */
const STOP_TYPES = new Set([
  ...[...SCOPE_TYPES].filter((t) => t !== 'module'),
  'as_pattern_target',
  'global_statement',
  'nonlocal_statement',
  ...IMPORT_TYPES,
]);
/** Everything the one-walk analysis of a module needs, found by one native walk. */
const ANALYSIS_TYPES = [...STOP_TYPES, ...SITE_TYPES, 'except_clause'];

/**
 * One scope node of the file, with the ranges `evaluatesInside` looks at, so
 * that the scopes around an identifier are found from its offsets instead of
 * by walking its ancestors node by node through the native binding.
 */
interface ScopeInfo {
  node: SyntaxNode;
  type: string;
  start: number;
  end: number;
  /** Index of the enclosing scope in the table; -1: the module. */
  parent: number;
  /** function / lambda / class: the body, and its type. */
  body: Range | null;
  bodyType?: string;
  /** function / lambda: the parameter list. */
  params: Range | null;
  /** comprehension: the iterable of its first `for` clause (evaluated outside). */
  firstIterable: Range | null;
  /** Names its body binds other than by import (assignments, loops, defs, ...), and its `global`s. */
  sites: SiteNames;
}

interface SiteNames {
  others: Set<string>;
  globals: Set<string>;
}

interface ModuleAnalysis {
  /** The scope nodes in source order (outer first); each one's parent precedes it. */
  table: ScopeInfo[];
  /** Scope node id → table index. */
  index: Map<number, number>;
  module: SiteNames;
}

type Range = readonly [number, number];

/** Names looked up by regular expression before `references` indexes every word of the text. */
const INDEX_REFERENCES_AFTER = 8;

/**
 * The rows where import statements can be, as tree-sitter points for
 * `descendantsOfType`: from the row of the first `import` of the text to the
 * row after the last one. A statement starts at or before the row of its
 * `import` keyword and ends after it, so none is left out; the word elsewhere
 * (`important`, a comment) only widens the window. null: no import at all.
 * undefined (walk everything) when the text has a lone '\r', which tree-sitter
 * reads as a line break (src/python/parser.ts `lexable`) and rows here would not count.
 */
export function importRows(text: string): [{ row: number; column: number }, { row: number; column: number }] | null | undefined {
  const first = text.indexOf('import');
  if (first === -1) return null;
  if (hasLoneCr(text)) return undefined;
  const last = text.lastIndexOf('import');
  let row = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < first; i = text.indexOf('\n', i + 1)) row++;
  const firstRow = row;
  for (let i = text.indexOf('\n', first); i !== -1 && i < last; i = text.indexOf('\n', i + 1)) row++;
  return [{ row: firstRow, column: 0 }, { row: row + 1, column: 0 }];
}

/** Index of the module scope in chains. */
const MODULE = -1;

/** One Bindings per tree, shared by everyone who asks (see `Bindings.of`). */
const shared = perTree((root) => new Bindings(root));

export class Bindings {
  /**
   * The Bindings of a whole tree, shared: the analysis, every pass of a round
   * and the importer ask the same questions of the same tree, and answers are
   * cached (src/python/tree-cache.ts). A subtree gets a Bindings of its own.
   */
  static of(root: SyntaxNode): Bindings {
    return root.parent !== null ? new Bindings(root) : shared(root);
  }

  private importList?: ImportStatement[];
  private importedLocals?: Set<string>;
  private starFacts?: readonly StarExport[];
  private starTable?: Map<string, StarName>;
  /** Identifier offset → the star name it resolved through. */
  private readonly starUseMap = new Map<number, StarName & { local: string }>();
  private moduleImportList?: ImportStatement[];
  private readonly referenceCache = new Map<string, SyntaxNode[]>();
  private rootText?: string;
  private wordIndex?: WordIndex;
  private readonly scopeCache = new Map<number, ScopeBindings>();
  /** Scopes and binding sites of the whole module; null when offsets cannot be used (see `analysis`). */
  private analysed?: ModuleAnalysis | null;
  private tableBindings: (ScopeBindings | undefined)[] = [];
  private moduleBindings?: ScopeBindings;

  /**
   * @param options.walkOnly answer every question by walking nodes, never from
   *   the one-pass offset table (the reference the fast path is tested against).
   * @param options.indexReferencesAfter distinct names `references` searches
   *   for with a regular expression before it indexes every word (default 8).
   */
  constructor(
    private readonly root: SyntaxNode,
    private readonly options: { walkOnly?: boolean; indexReferencesAfter?: number } = {},
  ) {}

  /**
   * What the file's star imports bind, from the repository (see the file comment).
   * Set once per tree, before names are resolved; later calls are ignored.
   */
  useStarExports(facts: readonly StarExport[] | undefined): this {
    if (!facts || this.starFacts) return this;
    this.starFacts = facts;
    this.starTable = undefined;
    this.importedLocals = undefined;
    return this;
  }

  /**
   * Module names the file's module-level star imports bind (local → meaning).
   * A name some import of the module scope binds is not listed: the import
   * decides it (its module-level resolution applies as usual).
   */
  starNames(): ReadonlyMap<string, StarName> {
    if (this.starTable) return this.starTable;
    const table = new Map<string, StarName>();
    let unresolved: ImportStatement | undefined;
    for (const s of this.moduleImports) {
      if (!s.wildcard || s.typeCheckingOnly || !s.moduleNode) continue;
      const key = s.moduleNode.text.replace(/\s+/g, '');
      const via = s.node.text.replace(/\s+/g, ' ');
      const fact = this.starFacts?.find((f) => f.module === key);
      if (!fact || !fact.names) {
        unresolved ??= s;
        continue;
      }
      for (const [local, qualified] of Object.entries(fact.names)) table.set(local, { qualified, via, assumed: false });
    }
    if (unresolved && !table.has('torch')) {
      table.set('torch', { qualified: 'torch', via: unresolved.node.text.replace(/\s+/g, ' '), assumed: true });
    }
    const explicit = new Set(this.moduleImports.flatMap((s) => s.names.map((n) => n.local)));
    for (const local of explicit) table.delete(local);
    return (this.starTable = table);
  }

  /**
   * Every (local, qualified) pair an import of the file binds, in any scope,
   * then those its star imports bind: what a pass enumerates to find the
   * names that may stand for a module (check each reference with `resolve`).
   */
  boundNames(): { local: string; qualified: string }[] {
    const out = this.imports.flatMap((s) => s.names.map((n) => ({ local: n.local, qualified: n.qualified })));
    for (const [local, n] of this.starNames()) out.push({ local, qualified: n.qualified });
    return out;
  }

  /** Identifiers `resolve` answered through a star import, by offset, in this tree. */
  get starUses(): ReadonlyMap<number, StarName & { local: string }> {
    return this.starUseMap;
  }

  /** Every import statement in the file, in source order (any scope). */
  get imports(): ImportStatement[] {
    if (!this.importList) {
      // the same nodes, in the same order, as the query `[(import_statement) (import_from_statement)]`,
      // found by one native walk (several times cheaper than running the query)
      // Only the rows from the first to the last `import` of the text are walked:
      // every import statement has the keyword (a file with one import at the top
      // walks a few rows, not the whole tree).
      const rows = this.root.parent === null ? importRows((this.rootText ??= this.root.text)) : undefined;
      const found = rows === null ? [] : rows ? this.root.descendantsOfType(IMPORT_TYPES, rows[0], rows[1]) : this.root.descendantsOfType(IMPORT_TYPES);
      this.importList = found
        .map((n) => parseImport(n))
        .filter((s): s is ImportStatement => s !== null);
    }
    return this.importList;
  }

  /** Import statements of the module scope (including those nested in module-level if/try). */
  get moduleImports(): ImportStatement[] {
    return (this.moduleImportList ??= this.imports.filter((s) => s.scope.type === 'module'));
  }

  /** Does the file import `module` or anything below it at module level (TYPE_CHECKING excluded)? */
  importsModule(module: string): boolean {
    const under = (q: string) => q === module || q.startsWith(module + '.');
    return (
      this.moduleImports.some(
        (s) => !s.typeCheckingOnly && ((s.module !== null && under(s.module)) || s.names.some((n) => under(n.qualified))),
      ) ||
      // an assumed `torch` counts only where the file reads it
      [...this.starNames()].some(([local, n]) => under(n.qualified) && (!n.assumed || this.references(local).length > 0))
    );
  }

  /**
   * Every local name an import of the file binds, in any scope. A name gets a
   * qualified name only through an import, so any other name resolves to null
   * without looking at scopes (most identifiers: locals, builtins, `self`).
   */
  get importedNames(): ReadonlySet<string> {
    return (this.importedLocals ??= new Set([...this.imports.flatMap((s) => s.names.map((n) => n.local)), ...this.starNames().keys()]));
  }

  /** Qualified name an identifier refers to at its position, or null. */
  resolve(ident: SyntaxNode): string | null {
    const name = ident.text;
    // the walk is the reference (test/bindings-differential.test.ts): no shortcut there
    if (!this.options.walkOnly && !this.importedNames.has(name)) return null;
    const chain = this.fastChain(ident);
    if (chain) {
      for (const idx of chain) {
        if (idx === MODULE) return this.atModule(name, ident);
        const b = this.bindingsAt(idx);
        if (b.globals.has(name)) return this.atModule(name, ident);
        if (b.others.has(name)) return null;
        const imp = b.imports.get(name);
        if (imp) return imp.size === 1 ? [...imp][0] : null;
      }
      return null;
    }
    for (const scope of this.scopeChain(ident)) {
      const b = this.bindingsOf(scope);
      if (scope.type !== 'module') {
        if (b.globals.has(name)) return this.atModule(name, ident);
        if (b.others.has(name)) return null;
        const imp = b.imports.get(name);
        if (imp) return imp.size === 1 ? [...imp][0] : null;
        continue;
      }
      return this.atModule(name, ident);
    }
    return null;
  }

  /** Qualified name of an identifier / attribute chain (`th.cuda.amp` → `torch.cuda.amp`), or null. */
  qualify(node: SyntaxNode): string | null {
    const n = unparen(node);
    if (n.type === 'identifier') return this.resolve(n);
    if (n.type !== 'attribute') return null;
    const obj = n.childForFieldName('object');
    const attr = n.childForFieldName('attribute');
    if (!obj || !attr) return null;
    const base = this.qualify(obj);
    return base === null ? null : `${base}.${attr.text}`;
  }

  /** Is `name` bound, by anything, in the scope that `at` is in, or at module level? */
  isBound(name: string, at: SyntaxNode = this.root): boolean {
    const chain = at === this.root ? undefined : this.fastChain(at);
    if (chain) {
      for (const idx of chain) {
        const b = idx === MODULE ? this.bindingsOf(this.root) : this.bindingsAt(idx);
        if (b.others.has(name) || b.imports.has(name) || b.globals.has(name)) return true;
      }
      return this.starNames().has(name);
    }
    for (const scope of this.scopeChain(at)) {
      const b = this.bindingsOf(scope);
      if (b.others.has(name) || b.imports.has(name) || b.globals.has(name)) return true;
    }
    return this.starNames().has(name);
  }

  /**
   * Identifiers spelled `name` that read a variable (not attribute names, keyword
   * names, import statements, parameter declarations or assignment targets).
   */
  references(name: string): SyntaxNode[] {
    let refs = this.referenceCache.get(name);
    if (!refs) this.referenceCache.set(name, (refs = this.findReferences(name)));
    return refs.slice();
  }

  private findReferences(name: string): SyntaxNode[] {
    const out: SyntaxNode[] = [];
    const text = (this.rootText ??= this.root.text);
    for (const at of this.occurrences(name, text)) {
      const node = this.root.descendantForIndex(at, at + name.length);
      if (node.type !== 'identifier' || node.startIndex !== at || node.endIndex !== at + name.length) continue;
      if (isReferencePosition(node)) out.push(node);
    }
    return out;
  }

  /**
   * Offsets where `name` occurs as a whole word. The first few names asked
   * about are searched for in the text (`wordOccurrences`); after that, one index of
   * every word (a file asking about many names, e.g. one per device string,
   * would otherwise scan the whole text once per name).
   */
  private occurrences(name: string, text: string): number[] {
    if (isWord(name) && this.referenceCache.size >= (this.options.indexReferencesAfter ?? INDEX_REFERENCES_AFTER)) {
      return (this.wordIndex ??= new WordIndex(text)).occurrences(name);
    }
    return wordOccurrences(text, name);
  }

  /** Qualified name of a module-level name, or null. */
  resolveAtModule(name: string): string | null {
    const b = this.bindingsOf(this.root);
    if (b.others.has(name)) return null;
    const imp = b.imports.get(name);
    if (imp) return imp.size === 1 ? [...imp][0] : null;
    return this.starNames().get(name)?.qualified ?? null;
  }

  /** `resolveAtModule` for an identifier, recording an answer that came through a star import. */
  private atModule(name: string, ident: SyntaxNode): string | null {
    const q = this.resolveAtModule(name);
    if (q === null) return null;
    const star = this.starNames().get(name);
    if (star && !this.bindingsOf(this.root).imports.has(name)) this.starUseMap.set(ident.startIndex, { ...star, local: name });
    return q;
  }

  /** Scopes whose bindings are visible at `node`, innermost first, ending with the module. */
  private scopeChain(node: SyntaxNode): SyntaxNode[] {
    const chain: SyntaxNode[] = [];
    let child = node;
    for (let p = node.parent; p; child = p, p = p.parent) {
      if (!SCOPE_TYPES.has(p.type)) continue;
      if (p.type === 'module') break;
      if (!evaluatesInside(p, child, node)) continue;
      // A class body's names are not visible inside the functions it contains.
      if (p.type === 'class_definition' && chain.length > 0) continue;
      chain.push(p);
    }
    chain.push(this.root);
    return chain;
  }

  /**
   * `scopeChain` computed from offsets: the scope table indices, MODULE last.
   * Undefined when offsets cannot stand for ancestry: the
   * tree is not a whole module, the node is empty, or a scope node spans
   * exactly the node's range (then the node-walking `scopeChain` answers).
   *
   * For a non-empty node, a scope whose range contains the node's range is one
   * of its ancestors (sibling ranges do not overlap) unless the two ranges are
   * equal, which is checked.
   */
  private fastChain(node: SyntaxNode): number[] | undefined {
    const table = this.analysis()?.table;
    if (!table) return undefined;
    const s = node.startIndex;
    const e = node.endIndex;
    if (s >= e) return undefined;
    // last scope starting at or before s, then up to the first that contains [s, e)
    let lo = 0;
    let hi = table.length - 1;
    let q = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (table[mid].start <= s) {
        q = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    while (q !== -1 && table[q].end < e) q = table[q].parent;
    if (q !== -1 && table[q].start === s && table[q].end === e) return undefined;
    const chain: number[] = [];
    let classSkippable = false;
    for (; q !== -1; q = table[q].parent) {
      const info = table[q];
      if (!evaluatesInsideRange(info, s, e, node)) continue;
      // A class body's names are not visible inside the functions it contains.
      if (info.type === 'class_definition' && classSkippable) continue;
      chain.push(q);
      classSkippable = true;
    }
    chain.push(MODULE);
    return chain;
  }

  /**
   * One pass over the module, built on first use: every scope node with the
   * ranges `evaluatesInside` needs, and the names each scope's body binds (what
   * `collectBindings` finds by visiting the body), from a single native walk
   * that returns only the nodes of interest, in source order.
   *
   * Ownership follows the visit: a binding site belongs to the innermost
   * enclosing scope whose body (for a comprehension: whose node, for the module:
   * the file) contains it, unless a node the visit does not enter (a nested
   * scope, `as` target, global / nonlocal / import statement) lies in between.
   * Null when the root is not a whole module or a node of interest is empty
   * (only in trees with errors): then `collectBindings` and the node-walking
   * `scopeChain` answer.
   */
  private analysis(): ModuleAnalysis | null {
    if (this.analysed !== undefined) return this.analysed;
    if (this.options.walkOnly) return (this.analysed = null);
    if (this.root.type !== 'module' || this.root.parent !== null) return (this.analysed = null);
    const table: ScopeInfo[] = [];
    const index = new Map<number, number>();
    const module: SiteNames = { others: new Set(), globals: new Set() };
    /** Enclosing nodes of interest, outermost first; scope: table index or -1. */
    const stack: { type: string; start: number; end: number; scope: number }[] = [];
    let exceptDepth = 0;
    const range = (n: SyntaxNode | null): Range | null => (n ? [n.startIndex, n.endIndex] : null);

    for (const node of this.root.descendantsOfType(ANALYSIS_TYPES)) {
      // descendantsOfType matches by name: the anonymous `lambda` keyword token too
      if (!node.isNamed) continue;
      const type = node.type;
      const start = node.startIndex;
      const end = node.endIndex;
      if (start >= end) return (this.analysed = null);
      while (stack.length > 0) {
        const top = stack[stack.length - 1];
        if (top.start <= start && end <= top.end) break;
        stack.pop();
        if (top.type === 'except_clause') exceptDepth--;
      }

      // The scope whose visit reaches this node: the innermost one, unless a node
      // the visit does not enter comes first. A lambda's visit starts at its
      // body's children, so it also reaches into a body that is itself a scope
      // (`lambda x: [i for i in x]` binds `i` in both).
      const owners: SiteNames[] = [];
      let reachesModule = true;
      for (let i = stack.length - 1; i >= 0; i--) {
        const e = stack[i];
        if (e.scope === -1) {
          if (STOP_TYPES.has(e.type)) {
            reachesModule = false;
            break;
          }
          continue; // binding sites and except clauses are entered
        }
        const info = table[e.scope];
        if (info.type === 'function_definition' || info.type === 'class_definition' || info.type === 'lambda') {
          const b = info.body;
          if (b !== null && b[0] <= start && end <= b[1] && !(type === info.bodyType && start === b[0] && end === b[1])) owners.push(info.sites);
        } else {
          owners.push(info.sites); // comprehension: its whole node is visited
        }
        const below = i > 0 ? stack[i - 1] : undefined;
        const outer = below && below.scope !== -1 ? table[below.scope] : undefined;
        const isLambdaBody = !!outer && outer.type === 'lambda' && outer.body !== null && outer.body[0] === e.start && outer.body[1] === e.end && outer.bodyType === e.type;
        if (isLambdaBody) continue;
        reachesModule = false;
        break;
      }
      if (reachesModule) owners.push(module);
      let parentScope = MODULE;
      for (let i = stack.length - 1; i >= 0; i--) {
        if (stack[i].scope !== -1) {
          parentScope = stack[i].scope;
          break;
        }
      }

      if (owners.length > 0) {
        const inExcept = exceptDepth > 0;
        const bound: string[] = [];
        const add = (name: string) => bound.push(name);
        switch (type) {
          case 'function_definition':
          case 'class_definition': {
            const name = node.childForFieldName('name');
            if (name) add(name.text);
            break;
          }
          case 'assignment':
          case 'augmented_assignment':
          case 'for_statement':
          case 'for_in_clause':
            addTargetNames(node.childForFieldName('left'), add);
            break;
          case 'named_expression':
            addTargetNames(node.childForFieldName('name'), add);
            break;
          case 'as_pattern_target':
            addTargetNames(node, add);
            break;
          case 'global_statement':
          case 'nonlocal_statement':
            for (const c of node.namedChildren) {
              if (c.type !== 'identifier') continue;
              const name = c.text;
              for (const o of owners) (type === 'global_statement' ? o.globals : o.others).add(name);
            }
            break;
        }
        for (const o of owners) {
          // `try: import torch / except ImportError: torch = None` keeps `torch` the module.
          if (o === module && inExcept) continue;
          for (const name of bound) o.others.add(name);
        }
      }

      let scope = -1;
      if (type === 'function_definition' || type === 'class_definition' || type === 'lambda' || SCOPE_TYPES.has(type)) {
        let body: Range | null = null;
        let bodyType: string | undefined;
        let params: Range | null = null;
        let firstIterable: Range | null = null;
        if (type === 'function_definition' || type === 'lambda' || type === 'class_definition') {
          const b = node.childForFieldName('body');
          body = range(b);
          bodyType = b?.type;
          if (type !== 'class_definition') params = range(node.childForFieldName('parameters'));
        } else {
          const firstFor = node.namedChildren.find((c) => c.type === 'for_in_clause');
          firstIterable = range(firstFor?.childForFieldName('right') ?? null);
        }
        scope = table.length;
        table.push({ node, type, start, end, parent: parentScope, body, bodyType, params, firstIterable, sites: { others: new Set(), globals: new Set() } });
        index.set(node.id, scope);
      }
      stack.push({ type, start, end, scope });
      if (type === 'except_clause') exceptDepth++;
    }
    return (this.analysed = { table, index, module });
  }

  private bindingsAt(idx: number): ScopeBindings {
    let b = this.tableBindings[idx];
    if (!b) {
      b = this.bindingsOf(this.analysed!.table[idx].node);
      this.tableBindings[idx] = b;
    }
    return b;
  }

  private bindingsOf(scope: SyntaxNode): ScopeBindings {
    if (scope === this.root && this.moduleBindings) return this.moduleBindings;
    let b = this.scopeCache.get(scope.id);
    if (!b) {
      b = this.collect(scope);
      this.scopeCache.set(scope.id, b);
    }
    if (scope === this.root) this.moduleBindings = b;
    return b;
  }

  /** collectBindings, from the one-pass analysis when it covers the scope. */
  private collect(scope: SyntaxNode): ScopeBindings {
    const a = this.analysis();
    const sites = !a ? undefined : scope === this.root ? a.module : a.table[a.index.get(scope.id) ?? -1]?.sites;
    if (!sites) return collectBindings(scope, this.imports);
    const b = importBindings(scope, this.imports);
    addParameterNames(scope, (name) => b.others.add(name));
    for (const name of sites.others) b.others.add(name);
    for (const name of sites.globals) b.globals.add(name);
    return b;
  }
}

/** `evaluatesInside` for a node at [s, e) that the scope contains (ancestry established by ranges). */
function evaluatesInsideRange(info: ScopeInfo, s: number, e: number, node: SyntaxNode): boolean {
  const within = (r: Range | null) => r !== null && r[0] <= s && e <= r[1];
  switch (info.type) {
    case 'function_definition':
    case 'lambda':
      if (within(info.body)) return true;
      // a parameter name is bound in the function; defaults and annotations are not
      return within(info.params) && isParameterName(node);
    case 'class_definition':
      return within(info.body);
    default:
      // comprehension: the first iterable is evaluated in the enclosing scope
      return !within(info.firstIterable);
  }
}

/** Is `node` (reached through `child`) evaluated inside `scope`'s own namespace? */
function evaluatesInside(scope: SyntaxNode, child: SyntaxNode, node: SyntaxNode): boolean {
  switch (scope.type) {
    case 'function_definition': {
      if (child.id === scope.childForFieldName('body')?.id) return true;
      // a parameter name is bound in the function; defaults and annotations are not
      const params = scope.childForFieldName('parameters');
      return child.id === params?.id && isParameterName(node);
    }
    case 'lambda': {
      if (child.id === scope.childForFieldName('body')?.id) return true;
      const params = scope.childForFieldName('parameters');
      return child.id === params?.id && isParameterName(node);
    }
    case 'class_definition':
      return child.id === scope.childForFieldName('body')?.id;
    default: {
      // comprehension: the first iterable is evaluated in the enclosing scope
      const firstFor = scope.namedChildren.find((c) => c.type === 'for_in_clause');
      if (firstFor && child.id === firstFor.id) {
        const right = firstFor.childForFieldName('right');
        if (right && node.startIndex >= right.startIndex && node.endIndex <= right.endIndex) return false;
      }
      return true;
    }
  }
}

function isParameterName(node: SyntaxNode): boolean {
  const p = node.parent;
  if (!p) return false;
  switch (p.type) {
    case 'parameters':
    case 'lambda_parameters':
    case 'list_splat_pattern':
    case 'dictionary_splat_pattern':
    case 'typed_parameter':
      return true;
    case 'default_parameter':
    case 'typed_default_parameter':
      return p.childForFieldName('name')?.id === node.id;
    default:
      return false;
  }
}

/** Identifier in a position where it reads a variable. */
function isReferencePosition(node: SyntaxNode): boolean {
  const p = node.parent;
  if (!p) return false;
  if (p.type === 'attribute' && p.childForFieldName('attribute')?.id === node.id) return false;
  if (p.type === 'keyword_argument' && p.childForFieldName('name')?.id === node.id) return false;
  if (isParameterName(node)) return false;
  if (p.type === 'dotted_name' || p.type === 'aliased_import') return false;
  if ((p.type === 'function_definition' || p.type === 'class_definition') && p.childForFieldName('name')?.id === node.id)
    return false;
  if (p.type === 'global_statement' || p.type === 'nonlocal_statement') return false;
  return !isBindingTarget(node);
}

/** The identifier is assigned to (assignment, for, with/except `as`, walrus), not read. */
function isBindingTarget(node: SyntaxNode): boolean {
  let n = node;
  while (n.parent && /^(pattern_list|tuple_pattern|list_pattern|tuple|list|parenthesized_expression|list_splat_pattern|as_pattern_target)$/.test(n.parent.type)) {
    if (n.parent.type === 'as_pattern_target') return true;
    n = n.parent;
  }
  const p = n.parent;
  if (!p) return false;
  switch (p.type) {
    case 'assignment':
    case 'augmented_assignment':
    case 'for_statement':
    case 'for_in_clause':
      return p.childForFieldName('left')?.id === n.id;
    case 'named_expression':
      return p.childForFieldName('name')?.id === n.id;
    default:
      return false;
  }
}

/** The import part of a scope's bindings. */
function importBindings(scope: SyntaxNode, imports: ImportStatement[]): ScopeBindings {
  const b: ScopeBindings = { imports: new Map(), others: new Set(), globals: new Set() };
  for (const s of imports) {
    if (s.scope.id !== scope.id) continue;
    for (const n of s.names) {
      let set = b.imports.get(n.local);
      if (!set) b.imports.set(n.local, (set = new Set()));
      set.add(n.qualified);
    }
  }
  return b;
}

/** Names an assignment target binds: identifiers, through tuples, lists, parentheses and splats. */
function addTargetNames(t: SyntaxNode | null, add: (name: string) => void): void {
  if (!t) return;
  switch (t.type) {
    case 'identifier':
      add(t.text);
      return;
    case 'pattern_list':
    case 'tuple_pattern':
    case 'list_pattern':
    case 'tuple':
    case 'list':
    case 'parenthesized_expression':
    case 'list_splat_pattern':
    case 'list_splat':
    case 'as_pattern_target':
      for (const c of t.namedChildren) addTargetNames(c, add);
      return;
    default:
      return; // attribute, subscript: not a name binding
  }
}

/** Parameter names of a function or lambda. */
function addParameterNames(scope: SyntaxNode, add: (name: string) => void): void {
  if (scope.type !== 'function_definition' && scope.type !== 'lambda') return;
  const params = scope.childForFieldName('parameters');
  for (const p of params?.namedChildren ?? []) {
    if (p.type === 'identifier') add(p.text);
    else if (p.type === 'default_parameter' || p.type === 'typed_default_parameter') addTargetNames(p.childForFieldName('name'), add);
    else if (p.type === 'typed_parameter' || p.type === 'list_splat_pattern' || p.type === 'dictionary_splat_pattern') {
      const id = p.namedChildren.find((c) => c.type === 'identifier');
      if (id) add(id.text);
    }
  }
}

/** A scope's bindings by visiting its body (when the one-pass analysis does not apply). */
function collectBindings(scope: SyntaxNode, imports: ImportStatement[]): ScopeBindings {
  const b = importBindings(scope, imports);
  const isModule = scope.type === 'module';
  const addOther = (name: string, inExcept: boolean) => {
    // `try: import torch / except ImportError: torch = None` keeps `torch` the module.
    if (isModule && inExcept) return;
    b.others.add(name);
  };
  const addTargets = (t: SyntaxNode | null, inExcept: boolean) => addTargetNames(t, (name) => addOther(name, inExcept));
  addParameterNames(scope, (name) => addOther(name, false));

  const body =
    scope.type === 'module'
      ? scope
      : scope.type === 'function_definition' || scope.type === 'class_definition' || scope.type === 'lambda'
        ? scope.childForFieldName('body')
        : scope; // comprehension
  if (!body) return b;

  // Depth-first over the body's named descendants with a cursor (no node object
  // is made except for the statements that bind names), not entering nested
  // scopes. Whether a binding is below an `except` clause is tracked on the way
  // down instead of walking each name's ancestors.
  const baseExcept = isModule && (body.type === 'except_clause' || ancestor(body, 'except_clause') !== null);
  const cursor = body.walk();
  if (!cursor.gotoFirstChild()) return b;
  /** exceptAt[d]: the node at depth d of the cursor's path (0 = a child of body) is an except clause. */
  const exceptAt: boolean[] = [];
  let depth = 0;
  let exceptAbove = 0;
  for (;;) {
    let descend = false;
    exceptAt[depth] = false;
    if (cursor.nodeIsNamed) {
      const type = cursor.nodeType;
      const inExcept = baseExcept || exceptAbove > 0;
      switch (type) {
        case 'function_definition':
        case 'class_definition': {
          const name = cursor.currentNode.childForFieldName('name');
          if (name) addOther(name.text, inExcept);
          break; // new scope: not entered
        }
        case 'lambda':
        case 'list_comprehension':
        case 'set_comprehension':
        case 'dictionary_comprehension':
        case 'generator_expression':
          break; // new scope (a comprehension is only entered as the scope itself)
        case 'assignment':
        case 'augmented_assignment':
        case 'for_statement':
        case 'for_in_clause':
          addTargets(cursor.currentNode.childForFieldName('left'), inExcept);
          descend = true;
          break;
        case 'as_pattern_target':
          addTargets(cursor.currentNode, inExcept);
          break;
        case 'named_expression':
          addTargets(cursor.currentNode.childForFieldName('name'), inExcept);
          descend = true;
          break;
        case 'global_statement':
          for (const c of cursor.currentNode.namedChildren) if (c.type === 'identifier') b.globals.add(c.text);
          break;
        case 'nonlocal_statement':
          for (const c of cursor.currentNode.namedChildren) if (c.type === 'identifier') b.others.add(c.text);
          break;
        case 'import_statement':
        case 'import_from_statement':
          break; // handled from the import list
        default:
          exceptAt[depth] = type === 'except_clause';
          descend = true;
      }
    }
    if (descend && cursor.gotoFirstChild()) {
      if (exceptAt[depth]) exceptAbove++;
      depth++;
      continue;
    }
    while (!cursor.gotoNextSibling()) {
      if (depth === 0) return b;
      cursor.gotoParent();
      depth--;
      if (exceptAt[depth]) exceptAbove--;
    }
  }
}

function parseImport(node: SyntaxNode): ImportStatement | null {
  const scope = ancestor(node, SCOPE_TYPES);
  if (!scope) return null;
  const typeCheckingOnly = insideTypeChecking(node);
  const names: ImportedName[] = [];
  if (node.type === 'import_statement') {
    for (const c of node.childrenForFieldName('name')) {
      if (c.type === 'dotted_name') {
        const first = c.namedChildren[0];
        names.push({ local: first.text, qualified: first.text, nameNode: c, aliasNode: null });
      } else if (c.type === 'aliased_import') {
        const nm = c.childForFieldName('name');
        const alias = c.childForFieldName('alias');
        if (nm && alias) names.push({ local: alias.text, qualified: dotted(nm), nameNode: nm, aliasNode: alias });
      }
    }
    return { node, kind: 'import', module: null, moduleNode: null, names, wildcard: false, scope, typeCheckingOnly };
  }
  const moduleNode = node.childForFieldName('module_name');
  const module = moduleNode && moduleNode.type === 'dotted_name' ? dotted(moduleNode) : null;
  const wildcard = node.namedChildren.some((c) => c.type === 'wildcard_import');
  if (module !== null) {
    for (const c of node.childrenForFieldName('name')) {
      if (c.type === 'dotted_name') {
        names.push({ local: c.text, qualified: `${module}.${dotted(c)}`, nameNode: c, aliasNode: null });
      } else if (c.type === 'aliased_import') {
        const nm = c.childForFieldName('name');
        const alias = c.childForFieldName('alias');
        if (nm && alias) names.push({ local: alias.text, qualified: `${module}.${dotted(nm)}`, nameNode: nm, aliasNode: alias });
      }
    }
  }
  return { node, kind: 'from', module, moduleNode, names, wildcard, scope, typeCheckingOnly };
}

function dotted(n: SyntaxNode): string {
  return n.namedChildren.map((c) => c.text).join('.');
}

/** Inside `if TYPE_CHECKING:` / `if typing.TYPE_CHECKING:` (the if-branch, not else). */
export function insideTypeChecking(node: SyntaxNode): boolean {
  for (let child = node, p = node.parent; p; child = p, p = p.parent) {
    if (p.type !== 'if_statement') continue;
    if (p.childForFieldName('consequence')?.id !== child.id) continue;
    const cond = p.childForFieldName('condition');
    if (cond && /^(typing\.)?TYPE_CHECKING$/.test(cond.text)) return true;
  }
  return false;
}

const WORD_CHAR = /^[\p{L}\p{N}_]$/u;

/** Is the code point a letter, a digit or `_` (the regex class `[\p{L}\p{N}_]`)? */
function isWordCodePoint(cp: number): boolean {
  if (cp < 0x80) return (cp >= 0x61 && cp <= 0x7a) || (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x30 && cp <= 0x39) || cp === 0x5f;
  return WORD_CHAR.test(String.fromCodePoint(cp));
}

/**
 * Offsets (UTF-16) of `name` in `text` with no letter, digit or `_` right before
 * or after it, left to right, not overlapping: the matches of
 * `/(?<![\p{L}\p{N}_])name(?![\p{L}\p{N}_])/gu` (`wordOccurrencesRegExp`,
 * kept as the reference), without compiling a Unicode RegExp per name and file.
 * Neighbours are whole code points, as with the `u` flag: a surrogate pair
 * before or after the name is one character.
 */
export function wordOccurrences(text: string, name: string): number[] {
  const out: number[] = [];
  if (name.length === 0) return wordOccurrencesRegExp(text, name);
  for (let i = text.indexOf(name); i !== -1; ) {
    const end = i + name.length;
    let ok = true;
    if (i > 0) {
      let before = text.charCodeAt(i - 1);
      if (before >= 0xdc00 && before <= 0xdfff && i > 1) {
        const hi = text.charCodeAt(i - 2);
        if (hi >= 0xd800 && hi <= 0xdbff) before = ((hi - 0xd800) << 10) + (before - 0xdc00) + 0x10000;
      }
      ok = !isWordCodePoint(before);
    }
    if (ok && end < text.length) ok = !isWordCodePoint(text.codePointAt(end)!);
    if (ok) {
      out.push(i);
      i = text.indexOf(name, end);
    } else i = text.indexOf(name, i + 1);
  }
  return out;
}

/** The regular-expression definition of `wordOccurrences` (the reference for its tests). */
export function wordOccurrencesRegExp(text: string, name: string): number[] {
  const out: number[] = [];
  const re = new RegExp(`(?<![\\p{L}\\p{N}_])${escapeRegExp(name)}(?![\\p{L}\\p{N}_])`, 'gu');
  for (let m = re.exec(text); m; m = re.exec(text)) {
    out.push(m.index);
    if (m[0].length === 0) re.lastIndex++;
  }
  return out;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
