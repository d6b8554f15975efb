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
 * 2. **`parent` is remembered on the node object**, so a walk up from a node
 *    asks tree-sitter once per ancestor: tree-sitter finds a parent by
 *    descending from the root (`ts_node_parent`), about 7 µs a call on a large
 *    file, 35 times another accessor, and the passes walk up from every call,
 *    string and name. (A per-tree map from child id to parent object saved no
 *    measurable time more and kept every node object touched alive until the
 *    tree was released: 1.1 GB of live heap on the 10 MB dense file instead of
 *    0.4 GB.)
 * 3. **`id` and `startIndex` are read from the node object** instead of a
 *    native call: of the six numbers the binding stores on it, the first two are
 *    the node's address, low and high word (`getID`, `MarshalNodeId`), the third
 *    its start byte, twice its UTF-16 start index (`StartIndex` in node.cc).
 *    Checked against the native answers when this module loads; left alone if
 *    they differ.
 * 4. **`type` and `endIndex` are remembered on the node object**: each is a
 *    native call (`type` makes a new string each time), and the passes ask the
 *    same node again and again (every ancestor walk tests each parent's type).
 *
 * 5. **Node objects are made without `Object.defineProperty`.** The binding's
 *    `SyntaxNode` constructor defines `tree` with `defineProperty` on every node
 *    it hands out (5-6 % of a dense file's run by itself); the language's node
 *    classes are replaced by plain constructors with the same prototypes, which
 *    set `tree` as an ordinary property (same value, same prototype chain,
 *    `instanceof` unchanged). ERROR nodes keep the binding's class.
 *
 * What is remembered lives on the node objects, so it goes with them; a tree
 * is never read after `reparse` edits it, so nothing remembered goes stale.
 */
import Parser = require('tree-sitter');

type Node = Parser.SyntaxNode;
type RawNode = Node & { readonly [i: number]: number };

const TWO_32 = 2 ** 32;
const rawId = (node: Node): number => (node as RawNode)[0] + (node as RawNode)[1] * TWO_32;

const rawStart = (node: Node): number => (node as RawNode)[2] >>> 1;

let installed = false;

export function tuneBinding(language: Parser.Language): void {
  if (installed) return;
  installed = true;
  // the classes are exported at run time, not in the binding's type declarations
  const classes = Parser as unknown as { SyntaxNode?: { prototype: object }; Tree?: { prototype: object } };
  if (!classes.SyntaxNode || !classes.Tree) return;
  const nodeProto = classes.SyntaxNode.prototype;
  const treeProto = classes.Tree.prototype as Record<string, unknown>;
  const getter = (name: string) => Object.getOwnPropertyDescriptor(nodeProto, name)?.get;
  const idGetter = getter('id');
  const parentGetter = getter('parent');
  const startGetter = getter('startIndex');
  const endGetter = getter('endIndex');
  const typeGetter = getter('type');
  if (!idGetter || !parentGetter || !startGetter || !endGetter || !typeGetter || typeof treeProto._cacheNode !== 'function' || typeof treeProto._cacheNodes !== 'function') {
    return; // another binding version: keep it as it is
  }
  // 3: check the layout on a small tree before relying on it
  const probe = new Parser();
  probe.setLanguage(language);
  const root = probe.parse('x = y.z(1)\n').rootNode;
  const sample = [root, ...root.descendantsOfType(['identifier', 'call', 'attribute', 'integer'])];
  const idsMatch = sample.every((n) => (idGetter.call(n) as number) === rawId(n));
  const startsMatch = sample.every((n) => (startGetter.call(n) as number) === rawStart(n));
  if (startsMatch) {
    Object.defineProperty(nodeProto, 'startIndex', {
      get(this: Node) {
        return rawStart(this);
      },
      configurable: true,
    });
  }
  // 4
  Object.defineProperty(nodeProto, 'type', {
    get(this: Node & { _type?: string }) {
      return (this._type ??= typeGetter.call(this) as string);
    },
    configurable: true,
  });
  Object.defineProperty(nodeProto, 'endIndex', {
    get(this: Node & { _end?: number }) {
      return (this._end ??= endGetter.call(this) as number);
    },
    configurable: true,
  });
  if (idsMatch) {
    Object.defineProperty(nodeProto, 'id', {
      get(this: Node) {
        return rawId(this);
      },
      configurable: true,
    });
  }
  // 2
  Object.defineProperty(nodeProto, 'parent', {
    get(this: Node & { _parent?: Node | null }) {
      return this._parent !== undefined ? this._parent : (this._parent = parentGetter.call(this) as Node | null);
    },
    configurable: true,
  });
  // 1
  treeProto._cacheNode = function () {};
  treeProto._cacheNodes = function () {};
}

const fastClasses = new WeakSet<object>();

/**
 * 5: call after `parser.setLanguage(language)` (which builds the language's
 * node classes). Idempotent.
 */
export function fastNodeClasses(language: Parser.Language): void {
  const lang = language as unknown as { nodeSubclasses?: unknown[] };
  const classes = lang.nodeSubclasses;
  if (!Array.isArray(classes) || fastClasses.has(classes)) return;
  fastClasses.add(classes);
  for (let i = 0; i < classes.length; i++) {
    const cls = classes[i];
    if (typeof cls !== 'function' || !(cls as { prototype?: object }).prototype) continue;
    const fast = function (this: { tree: unknown }, tree: unknown) {
      this.tree = tree;
    } as unknown as { prototype: object };
    fast.prototype = (cls as { prototype: object }).prototype;
    classes[i] = fast;
  }
}
