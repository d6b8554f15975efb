/**
 * ascendify's native helper for tree-sitter trees (native/trees.cc), if it was
 * built (`npm ci` / `npm install` build it; without it, everything still works).
 *
 * Three things the binding cannot do, each measured to matter (docs/performance.md,
 * "The native helper", and "seventh round" for the third):
 * - **free a tree now.** The binding frees a tree's native memory (~50 bytes
 *   per character) only in a finalizer that runs after a GC, on a later turn
 *   of the event loop; without the helper the engine forces GCs to keep memory
 *   down, and every forced GC costs a wave of deoptimisations.
 * - **copy a tree in one call.** The JS mirror (mirror.ts) otherwise walks a
 *   `TreeCursor` through the binding: about five native calls per node, as
 *   much time as the parse itself.
 * - **parse without the binding's costs.** The binding hands tree-sitter the
 *   text through a JS callback that copies the rest of the text at each seek,
 *   and every tree's nodes are malloc'd one by one and freed by a walk. The
 *   helper parses a file's texts itself (`parseText`, `editTree`), its trees
 *   in one arena reset when the file is done; and a file no pass reads is
 *   only syntax-checked from its UTF-8 bytes (`syntaxCheck`), no tree kept.
 *
 * The helper reads the binding's `Tree` objects through the binding's own
 * header, compiled from the installed package, and is checked once per thread
 * before use (`check`): a helper that answers differently from the binding is
 * not used. `ASCENDIFY_NATIVE=0` turns it off (the bench compares both ways).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type Parser = require('tree-sitter');

/**
 * A tree the helper parsed itself (`parseText`): opaque to JS; the helper's
 * functions take it as they take a binding Tree. The engine's trees are these
 * when the helper is in use.
 */
export interface OwnTree {
  readonly __ownTree: never;
}

/** A tree the helper reads: the binding's, or its own. */
export type NativeTree = Parser.Tree | OwnTree;

export interface NativeTrees {
  /** The tree-sitter package version the helper was compiled against. */
  treeSitterVersion: string;
  /** Free the tree's native memory now; false if it already was. The tree must not be used afterwards. */
  deleteTree(tree: NativeTree): boolean;
  /**
   * The visible tree in document order, in one buffer: see native/trees.cc for
   * the layout (20 bytes per node). With `skips` (start, end, symbol, node
   * count per statement, sorted), `holders` (by symbol: 1 for module, block)
   * and `taken` (one per statement): statements the caller has a copy of are
   * not walked; `taken` gets the index of each one taken (its slots left to
   * the caller but for its parent and field), or -1.
   */
  exportTree(tree: NativeTree, skips?: Uint32Array, holders?: Uint8Array, taken?: Int32Array): ArrayBuffer;
  /** A symbol's type name, and whether it is named. */
  symbolName(tree: NativeTree, symbol: number): [string, boolean];
  /** A field id's name. */
  fieldName(tree: NativeTree, field: number): string | undefined;
  /**
   * Parse UTF-8 `bytes` with `language` (tree-sitter-python's export) and
   * free the tree: 0 no error, 1 an error, 2 not checked (a lone '\r').
   */
  syntaxCheck(language: unknown, bytes: Uint8Array): 0 | 1 | 2;
  /**
   * Parse `text` (as the binding does: UTF-16, the same offsets), from `old`
   * (one of its own trees, edited with `editTree` to describe `text`)
   * incrementally. A file's trees share one arena (native/trees.cc).
   */
  parseText(language: unknown, text: string, old?: OwnTree): OwnTree;
  /** tree-sitter's edits of one of its own trees: 9 numbers per edit (see native/trees.cc), applied last first. */
  editTree(tree: OwnTree, edits: Uint32Array): void;
  /** Does the tree hold an ERROR or MISSING node? */
  treeHasError(tree: NativeTree): boolean;
  /** This thread's epoch (tests): how many of its own trees are alive, how many bytes of the arena are in use. */
  epochState(): [number, number];
}

/** The views of an `exportTree` buffer. */
export interface ExportedTree {
  count: number;
  starts: Uint32Array;
  ends: Uint32Array;
  parents: Int32Array;
  subtreeEnds: Int32Array;
  symbols: Uint16Array;
  flags: Uint8Array;
  fields: Uint8Array;
}

export function exportedViews(buffer: ArrayBuffer): ExportedTree {
  const n = buffer.byteLength / 20;
  return {
    count: n,
    starts: new Uint32Array(buffer, 0, n),
    ends: new Uint32Array(buffer, 4 * n, n),
    parents: new Int32Array(buffer, 8 * n, n),
    subtreeEnds: new Int32Array(buffer, 12 * n, n),
    symbols: new Uint16Array(buffer, 16 * n, n),
    flags: new Uint8Array(buffer, 18 * n, n),
    fields: new Uint8Array(buffer, 19 * n, n),
  };
}

/** Where `npm install` builds the helper, from src/python (ts-jest) or dist/src/python. */
const CANDIDATES = [path.join('..', '..', 'native'), path.join('..', '..', '..', 'native')].map((d) =>
  path.join(__dirname, d, 'build', 'Release', 'ascendify_trees.node'),
);

let loaded: NativeTrees | null | undefined;
let whyNot = '';

/**
 * The helper, or undefined (not built, turned off, or failed its check; `nativeTreesStatus` says which).
 * `check(helper)` is the caller's test against the binding, run once on first use.
 */
export function nativeTrees(check: (helper: NativeTrees) => string | undefined): NativeTrees | undefined {
  if (loaded !== undefined) return loaded ?? undefined;
  loaded = null;
  if (process.env.ASCENDIFY_NATIVE === '0') {
    whyNot = 'turned off (ASCENDIFY_NATIVE=0)';
    return undefined;
  }
  const file = CANDIDATES.find((f) => fs.existsSync(f));
  if (!file) {
    whyNot = 'not built (run `npm install` with a C++ compiler)';
    return undefined;
  }
  let helper: NativeTrees;
  try {
    helper = require(file) as NativeTrees;
  } catch (e) {
    whyNot = `cannot be loaded: ${e instanceof Error ? e.message : String(e)}`;
    return undefined;
  }
  // it reads the binding's objects by the layout of the headers it was compiled with: only that binding
  const installed = installedTreeSitter();
  if (helper.treeSitterVersion !== installed) {
    whyNot = `built against tree-sitter ${helper.treeSitterVersion}, ${installed} is installed (run \`npm install\` to rebuild it)`;
    return undefined;
  }
  let failed: string | undefined;
  try {
    failed = check(helper);
  } catch (e) {
    failed = e instanceof Error ? e.message : String(e);
  }
  if (failed) {
    whyNot = `disagrees with the tree-sitter binding (${failed})`;
    return undefined;
  }
  loaded = helper;
  return helper;
}

function installedTreeSitter(): string {
  try {
    return (require('tree-sitter/package.json') as { version: string }).version;
  } catch {
    return 'an unknown version';
  }
}

/** 'in use', or why the helper is not used (tests; diagnostics). */
export function nativeTreesStatus(): string {
  return loaded ? 'in use' : loaded === null ? whyNot : 'not loaded yet';
}
