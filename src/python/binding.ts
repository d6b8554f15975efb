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
 * 6. **Nodes are handed to JS without BigInt.** The binding's `unmarshalNode`
 *    reads a node's address as two BigInts and combines them (`getID`), and
 *    `unmarshalNodes` keys a fresh Map by those BigInts for every array it
 *    returns (`namedChildren`, `children`, `descendantsOfType`, ...) and copies
 *    its values into an array for `_cacheNodes` (a no-op here, 1): about a third
 *    of a dense file's run (CPU profile: `unmarshalNodes` 28 %, `unmarshalNode`
 *    5 %). The node-returning accessors and methods are redefined with the same
 *    native call (`NodeMethods.*`, the same transfer buffer) and an unmarshal
 *    that tests the address words for zero as numbers and makes the node object
 *    the same way (class by symbol, ERROR nodes `SyntaxNode`, the six numbers).
 *    The Map only made a node that appears twice in one array the same object;
 *    no accessor returns a node twice (children, field children, descendants of
 *    a type are distinct nodes), and the engine compares nodes by `id`.
 *    `childForFieldName(name)` calls the native `childForFieldId` with the
 *    name's id (a table from the language's field names), which is what the
 *    native `childForFieldName` does after converting the name to a C string on
 *    every call (10-30 % of the call, measured on the calls of a 2 MB file).
 *    Applied only when the native module found is the one `tree-sitter` loaded
 *    (its `Tree` class is the exported one); `src/python/binding.test.ts`
 *    compares every redefined accessor with the binding's own on every node of
 *    the golden inputs.
 *
 * What is remembered lives on the node objects, so it goes with them; a tree
 * is never read after `reparse` edits it, so nothing remembered goes stale.
 */
import * as path from 'node:path';
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
  // 6 (before 2, so that the remembered parent comes from the fast accessor)
  const parentOf = fastUnmarshal(classes as FastClasses, language) ? (getter('parent') ?? parentGetter) : parentGetter;
  // 2
  Object.defineProperty(nodeProto, 'parent', {
    get(this: Node & { _parent?: Node | null }) {
      return this._parent !== undefined ? this._parent : (this._parent = parentOf.call(this) as Node | null);
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

/**
 * The binding's accessors as they were before `fastUnmarshal` (for the tests).
 * Kept on the prototype: under Jest this module is evaluated once per test file
 * but the binding once per worker, so a later evaluation finds the fast ones.
 */
export function originalAccessors(): Map<string, PropertyDescriptor> {
  const proto = (Parser as unknown as { SyntaxNode: { prototype: Record<symbol, unknown> } }).SyntaxNode.prototype;
  return (proto[ORIGINALS] ??= new Map<string, PropertyDescriptor>()) as Map<string, PropertyDescriptor>;
}
const ORIGINALS = Symbol.for('ascendify.binding.originalAccessors');

type FastClasses = { SyntaxNode: { prototype: object }; Tree: { prototype: object }; TreeCursor?: { prototype: object } };

interface NativeBinding {
  Tree: unknown;
  getNodeFieldNamesById?: (language: unknown) => (string | null | undefined)[];
  NodeMethods: Record<string, (tree: unknown, ...args: unknown[]) => unknown>;
  nodeTransferArray: Uint32Array;
}

/** The native module `tree-sitter` loaded (the same object: Node keeps one per file and thread), or undefined. */
function nativeBinding(classes: FastClasses): NativeBinding | undefined {
  try {
    const dir = path.dirname(require.resolve('tree-sitter/package.json'));
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const load = require(require.resolve('node-gyp-build', { paths: [dir] })) as (d: string) => NativeBinding;
    const native = load(dir);
    if (native.Tree !== classes.Tree || typeof native.NodeMethods !== 'object' || Object.prototype.toString.call(native.nodeTransferArray) !== '[object Uint32Array]') return undefined;
    return native;
  } catch {
    return undefined;
  }
}

const FIELDS = 6; // NODE_FIELD_COUNT of the binding
const ERROR_TYPE_ID = 0xffff;

/**
 * 6: redefine the node-returning accessors without BigInt (see the top of
 * this file). Returns false, changing nothing, when the native module is not
 * the expected one.
 */
function fastUnmarshal(classes: FastClasses, language: Parser.Language): boolean {
  const native = nativeBinding(classes);
  if (!native) return false;
  const NM = native.NodeMethods;
  const BaseNode = classes.SyntaxNode as unknown as new (tree: unknown) => Node;
  type Tree = { language: { nodeSubclasses: (new (tree: unknown) => Node)[] } };
  const make = (symbol: number, tree: Tree, buf: Uint32Array, at: number): Node => {
    const Cls = symbol === ERROR_TYPE_ID ? BaseNode : tree.language.nodeSubclasses[symbol];
    const node = new Cls(tree) as unknown as Record<number, number>;
    node[0] = buf[at];
    node[1] = buf[at + 1];
    node[2] = buf[at + 2];
    node[3] = buf[at + 3];
    node[4] = buf[at + 4];
    node[5] = buf[at + 5];
    return node as unknown as Node;
  };
  const one = (value: unknown, tree: Tree): Node | null => {
    if (typeof value === 'object') return value as Node | null; // a node object (the native cache, unused here) or null
    // a symbol, or undefined for no node (the native side zeroes the address then)
    const buf = native.nodeTransferArray;
    if (buf[0] === 0 && buf[1] === 0) return null;
    return make(value as number, tree, buf, 0);
  };
  const many = (values: unknown[], tree: Tree): Node[] => {
    const buf = native.nodeTransferArray;
    let at = 0;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (typeof v === 'number') {
        values[i] = buf[at] === 0 && buf[at + 1] === 0 ? null : make(v, tree, buf, at);
        at += FIELDS;
      } else if (v === null) {
        at += FIELDS; // the native side wrote the (null) node's fields too
      }
    }
    return values as Node[];
  };
  const marshal = (node: Node): Tree => {
    const tree = node.tree as unknown as Tree;
    if (!(tree instanceof (classes.Tree as unknown as new () => unknown))) throw new TypeError('SyntaxNode must belong to a Tree');
    const buf = native.nodeTransferArray;
    const raw = node as RawNode;
    buf[0] = raw[0];
    buf[1] = raw[1];
    buf[2] = raw[2];
    buf[3] = raw[3];
    buf[4] = raw[4];
    buf[5] = raw[5];
    return tree;
  };
  const proto = classes.SyntaxNode.prototype;
  const originals = originalAccessors();
  const keep = (target: object, prefix: string, name: string) => {
    const d = Object.getOwnPropertyDescriptor(target, name);
    if (!d) return false;
    if (!originals.has(prefix + name)) originals.set(prefix + name, d);
    return true;
  };
  const oneGetters = ['parent', 'firstChild', 'firstNamedChild', 'lastChild', 'lastNamedChild', 'nextSibling', 'nextNamedSibling', 'previousSibling', 'previousNamedSibling'];
  const manyGetters = ['children', 'namedChildren'];
  const oneMethods = ['child', 'namedChild', 'childForFieldName', 'childForFieldId', 'firstChildForIndex', 'firstNamedChildForIndex'];
  const rangeMethods = ['descendantForIndex', 'namedDescendantForIndex'];
  const manyMethods = ['childrenForFieldName', 'childrenForFieldId'];
  const all = [...oneGetters, ...manyGetters, ...oneMethods, ...rangeMethods, ...manyMethods, 'descendantsOfType'];
  if (!all.every((n) => typeof NM[n] === 'function' && Object.getOwnPropertyDescriptor(proto, n))) return false;
  for (const name of oneGetters) {
    keep(proto, '', name);
    const f = NM[name];
    Object.defineProperty(proto, name, { get(this: Node) { return one(f(marshal(this)), this.tree as unknown as Tree); }, configurable: true });
  }
  for (const name of manyGetters) {
    keep(proto, '', name);
    const f = NM[name];
    Object.defineProperty(proto, name, { get(this: Node) { return many(f(marshal(this)) as unknown[], this.tree as unknown as Tree); }, configurable: true });
  }
  for (const name of oneMethods) {
    keep(proto, '', name);
    const f = NM[name];
    Object.defineProperty(proto, name, { value: function (this: Node, arg: unknown) { return one(f(marshal(this), arg), this.tree as unknown as Tree); }, configurable: true, writable: true });
  }
  for (const name of rangeMethods) {
    keep(proto, '', name);
    const f = NM[name];
    Object.defineProperty(proto, name, {
      value: function (this: Node, start: number, end?: number | null) {
        const tree = marshal(this);
        return one(f(tree, start, end == null ? start : end), tree);
      },
      configurable: true,
      writable: true,
    });
  }
  for (const name of manyMethods) {
    keep(proto, '', name);
    const f = NM[name];
    Object.defineProperty(proto, name, { value: function (this: Node, arg: unknown) { return many(f(marshal(this), arg) as unknown[], this.tree as unknown as Tree); }, configurable: true, writable: true });
  }
  // childForFieldName(name) is childForFieldId(the name's id) natively (ts_node_child_by_field_name);
  // by id, the binding does not convert the name to a C string on every call
  const names = native.getNodeFieldNamesById?.(language);
  if (Array.isArray(names) && typeof NM.childForFieldId === 'function') {
    const fieldIds = new Map<string, number>();
    names.forEach((n, i) => {
      if (i > 0 && typeof n === 'string' && !fieldIds.has(n)) fieldIds.set(n, i);
    });
    const byName = NM.childForFieldName;
    const byId = NM.childForFieldId;
    Object.defineProperty(proto, 'childForFieldName', {
      value: function (this: Node, name: unknown) {
        const tree = marshal(this);
        if (typeof name !== 'string') return one(byName(tree, name), tree); // the binding's TypeError
        return one(byId(tree, fieldIds.get(name) ?? 0), tree);
      },
      configurable: true,
      writable: true,
    });
  }
  keep(proto, '', 'descendantsOfType');
  const dot = NM.descendantsOfType;
  Object.defineProperty(proto, 'descendantsOfType', {
    value: function (this: Node, types: string | string[], start?: unknown, end?: unknown) {
      const tree = marshal(this);
      return many(dot(tree, typeof types === 'string' ? [types] : types, start, end) as unknown[], tree);
    },
    configurable: true,
    writable: true,
  });
  // (the root node and a cursor's current node keep the binding's path: made once per tree or per error walk)
  return true;
}
