/**
 * Three changes to tree-sitter's node binding (node_modules/tree-sitter/index.js
 * and src/*.cc, version 0.25), made once per thread when the parser module
 * loads. They change what the binding costs, not what any node answers.
 *
 * 1. **No native node cache.** The binding registers every node object it hands
 *    to JS in a per-tree native map, with a weak reference and a finalizer
 *    (`Tree._cacheNode`, `_cacheNodes`), so that the same node comes back as the
 *    same object and `Tree.edit` can move the objects' positions. The engine uses
 *    neither: it compares nodes by `id`, never by object, and never reads a node
 *    of a tree after editing it (`reparse`). The cost was large on big files:
 *    V8 visits every weak handle at each scavenge and the finalizers run only
 *    once the event loop turns, after the file, so a 10 MB file piled up millions
 *    of entries (most of its 3.4 GB peak RSS), and `Tree.edit` walked all of them.
 * 2. **`parent` is remembered per tree**, keyed by the child's id. tree-sitter
 *    finds a parent by descending from the root (`ts_node_parent`): about 7 µs a
 *    call on a large file, 35 times another accessor, and the passes ask for the
 *    same ancestors over and over (every ancestor of every call, string and name).
 * 3. **`id` is read from the node object** (the first two of the six numbers the
 *    binding stores on it are the node's address, low and high word: `getID` and
 *    `MarshalNodeId` in the binding) instead of a native call. Checked against
 *    the native answer when this module loads; left alone if they differ.
 *
 * Cached parents go with the tree's other per-tree caches (`perTree`), when the
 * engine releases the tree.
 */
import Parser = require('tree-sitter');
import { perTree } from './tree-cache';

type Node = Parser.SyntaxNode;
type RawNode = Node & { readonly [i: number]: number };

const TWO_32 = 2 ** 32;
const rawId = (node: Node): number => (node as RawNode)[0] + (node as RawNode)[1] * TWO_32;

let installed = false;

export function tuneBinding(language: Parser.Language): void {
  if (installed) return;
  installed = true;
  // the classes are exported at run time, not in the binding's type declarations
  const classes = Parser as unknown as { SyntaxNode?: { prototype: object }; Tree?: { prototype: object } };
  if (!classes.SyntaxNode || !classes.Tree) return;
  const nodeProto = classes.SyntaxNode.prototype;
  const treeProto = classes.Tree.prototype as Record<string, unknown>;
  const idGetter = Object.getOwnPropertyDescriptor(nodeProto, 'id')?.get;
  const parentGetter = Object.getOwnPropertyDescriptor(nodeProto, 'parent')?.get;
  if (!idGetter || !parentGetter || typeof treeProto._cacheNode !== 'function' || typeof treeProto._cacheNodes !== 'function') {
    return; // another binding version: keep it as it is
  }
  // 3: check the layout on a small tree before relying on it
  const probe = new Parser();
  probe.setLanguage(language);
  const root = probe.parse('x = y.z(1)\n').rootNode;
  const sample = [root, ...root.descendantsOfType(['identifier', 'call', 'attribute', 'integer'])];
  const idsMatch = sample.every((n) => (idGetter.call(n) as number) === rawId(n));
  if (idsMatch) {
    Object.defineProperty(nodeProto, 'id', {
      get(this: Node) {
        return rawId(this);
      },
      configurable: true,
    });
    // 2 keys on the id: only with a known layout
    const parents = perTree(() => new Map<number, Node | null>());
    Object.defineProperty(nodeProto, 'parent', {
      get(this: Node) {
        const byChild = parents(this);
        const id = rawId(this);
        let p = byChild.get(id);
        if (p === undefined) byChild.set(id, (p = parentGetter.call(this) as Node | null));
        return p;
      },
      configurable: true,
    });
  }
  // 1
  treeProto._cacheNode = function () {};
  treeProto._cacheNodes = function () {};
}
