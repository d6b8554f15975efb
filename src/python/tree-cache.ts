/**
 * Facts computed once per parse tree and shared by everyone who asks in the
 * same round: the analysis, every pass and the importer look at one tree.
 *
 * The key is the tree-sitter Tree, so any node of it finds the same entry. A
 * tree is not modified while it is in use; `reparse` edits a tree in place
 * only when the engine moves on to the next text and never looks back, so an
 * entry never describes a tree that changed under it.
 */
import type { SyntaxNode } from './parser';

/** `compute(root)` once per tree; later calls with any root of that tree get the same value. */
export function perTree<T>(compute: (root: SyntaxNode) => T): (root: SyntaxNode) => T {
  const cache = new WeakMap<object, T>();
  return (root: SyntaxNode): T => {
    if (root.parent !== null) return compute(root); // a subtree: nothing to share
    let value = cache.get(root.tree);
    if (value === undefined) cache.set(root.tree, (value = compute(root)));
    return value;
  };
}

/**
 * Node types that several passes scan the whole file for. One native walk
 * (`descendantsOfType`) collects all of them at once: a tree-sitter query or a
 * walk costs about the same whatever it finds, so one walk for seven lists is
 * several times cheaper than seven queries (docs/performance.md).
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

const index = perTree((root): Map<string, SyntaxNode[]> => {
  const byType = new Map<string, SyntaxNode[]>(INDEXED_TYPES.map((t) => [t, []]));
  // None of these names is also an anonymous token of the grammar, so every node returned is named.
  for (const node of root.descendantsOfType(INDEXED_TYPES as unknown as string[])) byType.get(node.type)!.push(node);
  return byType;
});

/**
 * Every node of `type` in the tree of `root`, in document order (outer before
 * inner), the same nodes a query `(type) @x` captures. `root` must be a tree's
 * root node. The list is shared: do not modify it.
 */
export function nodesOfType(root: SyntaxNode, type: IndexedType): readonly SyntaxNode[] {
  if (root.parent !== null) throw new Error('nodesOfType: pass the root node of a tree');
  return index(root).get(type)!;
}
