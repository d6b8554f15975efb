/**
 * Facts computed once per parse tree and shared by everyone who asks in the
 * same round: the analysis, every pass and the importer look at one tree.
 *
 * Every per-tree cache of the engine is made here (`perTree`), keyed by the
 * tree-sitter Tree, so any node of a tree finds the same entry. The engine
 * says when it is done with a tree (`releaseTree`, `releaseTrees`): the
 * entries go at once instead of waiting for a major GC to find the tree dead,
 * which keeps the node objects they hold from piling up in V8's old space.
 *
 * A tree is not modified while it is in use: `reparse` edits a tree in place
 * only when the engine moves on to the next text, and releases it first.
 */
import type { SyntaxNode, Tree } from './parser';

/** Every cache `perTree` made; `releaseTrees` swaps in empty maps, so no tree is ever held strongly. */
const caches: { map: WeakMap<object, unknown> }[] = [];
const onRelease: (() => void)[] = [];

/** `compute(root)` once per tree: any node of that tree gets the same value. */
export function perTree<T>(compute: (root: SyntaxNode) => T): (node: SyntaxNode) => T {
  const cache = { map: new WeakMap<object, T>() };
  caches.push(cache);
  return (node: SyntaxNode): T => {
    const tree = node.tree;
    let value = cache.map.get(tree);
    if (value === undefined) cache.map.set(tree, (value = compute(tree.rootNode)));
    return value;
  };
}

/** Forget everything cached about `tree` (the engine is done with it). */
export function releaseTree(tree: Tree): void {
  for (const c of caches) c.map.delete(tree);
}

/** Forget everything cached about every tree (a file is done), and the parser's last tree. */
export function releaseTrees(): void {
  for (const c of caches) c.map = new WeakMap();
  for (const f of onRelease) f();
}

/** Run `f` on `releaseTrees` (the parser drops the tree it keeps for the next caller). */
export function whenTreesReleased(f: () => void): void {
  onRelease.push(f);
}

/**
 * Node types that several passes scan the whole file for. A native walk
 * (`descendantsOfType`) costs about the same whatever it finds; what costs is
 * the node objects it hands to JS (on a file of dense CUDA code, hundreds of
 * thousands). So the first type asked of a tree is collected alone, and the
 * second collects all the others at once: a file that needs one list (most
 * files the analysis looks at, or a big generated one) pays one walk and only
 * its nodes, a file that needs several pays two walks (docs/performance.md).
 */
export const INDEXED_TYPES = [
  'assignment',
  'attribute',
  'call',
  'comparison_operator',
  'decorated_definition',
  'string',
  'string_start',
  'subscript',
] as const;
export type IndexedType = (typeof INDEXED_TYPES)[number];

const index = perTree((): Map<string, SyntaxNode[]> => new Map());

/**
 * Every node of `type` in the tree of `root`, in document order (outer before
 * inner), the same nodes a query `(type) @x` captures. `root` must be a tree's
 * root node. The list is shared: do not modify it.
 */
export function nodesOfType(root: SyntaxNode, type: IndexedType): readonly SyntaxNode[] {
  if (root.parent !== null) throw new Error('nodesOfType: pass the root node of a tree');
  const byType = index(root);
  let list = byType.get(type);
  if (list) return list;
  const types: string[] = byType.size === 0 ? [type] : INDEXED_TYPES.filter((t) => !byType.has(t));
  for (const t of types) byType.set(t, []);
  // None of these names is also an anonymous token of the grammar, so every node returned is named.
  for (const node of root.descendantsOfType(types)) byType.get(node.type)!.push(node);
  return byType.get(type)!;
}
