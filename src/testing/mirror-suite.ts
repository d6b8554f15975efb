/**
 * The mirror (src/python/mirror.ts) must answer every question the engine asks
 * a node exactly as tree-sitter's binding does: each test asks the binding's
 * tree (`tree.native`) and the mirror the same questions about every node.
 * Run twice: with the copy made by the native helper (mirror.test.ts) and by
 * a walk through the binding (mirror-walk.test.ts).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Parser = require('tree-sitter');
import Python = require('tree-sitter-python');
import { parse, reparse, type Tree } from '../python/parser';
import { reusedStatementCount, SyntaxNode } from '../python/mirror';
import { releaseTrees, INDEXED_TYPES } from '../python/tree-cache';
import { importRows } from '../python/bindings';
import { pyFiles } from '../../test/python';
import { bindingParser } from './native';

const ROOT = path.join(__dirname, '..', '..');

type Native = Parser.SyntaxNode;
type Either = Native | SyntaxNode;

const FIELD_NAMES = [
  ...new Set(
    ((Python as unknown as { nodeTypeInfo: { fields?: Record<string, unknown> }[] }).nodeTypeInfo ?? []).flatMap((t) => Object.keys(t.fields ?? {})),
  ),
  'nope',
].sort();

const show = (n: Either | null | undefined): string | null => (n ? `${n.type}:${n.startIndex}-${n.endIndex}` : null);
const showAll = (ns: readonly Either[]): string => ns.map(show).join(' ');

/** Every node of the binding's tree, in document order (what the mirror copies). */
function nativeNodes(root: Native): Native[] {
  const out: Native[] = [];
  const c = root.walk();
  for (;;) {
    out.push(c.currentNode);
    if (c.gotoFirstChild()) continue;
    while (!c.gotoNextSibling()) if (!c.gotoParent()) return out;
  }
}

/** The questions of the engine's node surface, asked of a node of either kind. */
function answers(n: Either, full: boolean, input: string): Record<string, unknown> {
  const a: Record<string, unknown> = {
    type: n.type,
    isNamed: n.isNamed,
    isMissing: n.isMissing,
    hasError: n.hasError,
    range: [n.startIndex, n.endIndex],
    // the binding cuts texts from what it parsed (a lone '\r' read as '\n'); the mirror from the original text
    text: n instanceof SyntaxNode ? n.text : input.slice(n.startIndex, n.endIndex),
    sameText: n instanceof SyntaxNode ? n.text === input.slice(n.startIndex, n.endIndex) : true,
    points: [n.startPosition, n.endPosition],
    parent: show(n.parent),
    childCount: n.childCount,
    namedChildCount: n.namedChildCount,
    children: showAll(n.children),
    namedChildren: showAll(n.namedChildren),
    firstChild: show(n.firstChild),
    lastChild: show(n.lastChild),
    nextSibling: show(n.nextSibling),
    nextNamedSibling: show(n.nextNamedSibling),
    previousSibling: show(n.previousSibling),
    previousNamedSibling: show(n.previousNamedSibling),
    child: [0, 1, 2, 50].map((k) => show(n.child(k))),
    namedChild: [0, 1, 2].map((k) => show(n.namedChild(k))),
    fieldNameForChild: Array.from({ length: n.childCount + 1 }, (_, k) => (n as Native).fieldNameForChild(k) ?? null),
    descendantForIndex: [
      show(n.descendantForIndex(n.startIndex)),
      show(n.descendantForIndex(n.startIndex, n.endIndex)),
      show(n.descendantForIndex(n.endIndex)),
      show(n.descendantForIndex(n.startIndex + 1, Math.max(n.startIndex + 1, n.endIndex - 1))),
    ],
    namedDescendantForIndex: [show(n.namedDescendantForIndex(n.startIndex, n.endIndex)), show(n.namedDescendantForIndex(n.endIndex))],
  };
  if (full) {
    a.childForFieldName = FIELD_NAMES.map((f) => show(n.childForFieldName(f)));
    a.childrenForFieldName = FIELD_NAMES.map((f) => showAll(n.childrenForFieldName(f)));
    a.descendantsOfType = [['call', 'identifier', 'string'], ['lambda'], ['ERROR'], [...INDEXED_TYPES]].map((ts) => showAll(n.descendantsOfType(ts)));
  } else {
    // field children by the names the node's children carry
    const names = [...new Set(n.children.map((_, k) => (n as Native).fieldNameForChild(k)).filter((f): f is string => !!f)), 'nope'];
    a.childForFieldName = names.map((f) => show(n.childForFieldName(f)));
    a.childrenForFieldName = names.map((f) => showAll(n.childrenForFieldName(f)));
  }
  return a;
}

const binding = bindingParser();

/**
 * The binding's tree of `tree`'s text: its own native tree when the engine
 * parsed through the binding (no helper), else the binding's parse of the same
 * text (with the helper the engine's trees are the helper's own; the helper's
 * tests check that they are the binding's, incremental reparses included).
 */
function bindingTree(tree: Tree): Parser.Tree {
  const native = tree.native;
  if (native && 'rootNode' in native) return native;
  return binding.parse(tree.input.replace(/\r(?!\n)/g, '\n'));
}

/** Compare every node of `tree`'s mirror with the binding's; returns the number of nodes compared. */
function compareTree(label: string, tree: Tree, mismatches: string[]): number {
  const binding = bindingTree(tree);
  const native = nativeNodes(binding.rootNode);
  const root = tree.rootNode;
  const mirrored: SyntaxNode[] = [];
  const c = root.walk();
  for (;;) {
    mirrored.push(c.currentNode);
    if (c.gotoFirstChild()) continue;
    while (!c.gotoNextSibling()) if (!c.gotoParent()) break;
    if (c.currentNode.index === 0) break;
  }
  if (mirrored.length !== native.length) {
    mismatches.push(`${label}: ${mirrored.length} nodes mirrored, ${native.length} in the tree`);
    return 0;
  }
  const ids = new Set(mirrored.map((n) => n.id));
  if (ids.size !== mirrored.length) mismatches.push(`${label}: ids are not unique`);
  for (let i = 0; i < native.length; i++) {
    const full = i === 0 || i % 23 === 0 || native[i].type === 'ERROR';
    const want = JSON.stringify(answers(native[i], full, tree.input));
    const got = JSON.stringify(answers(mirrored[i], full, tree.input));
    if (want !== got && mismatches.length < 20) mismatches.push(`${label}: node ${i} (${show(native[i])}):\n  binding ${want}\n  mirror  ${got}`);
  }
  // the import window of Bindings.imports
  const rows = importRows(tree.input);
  if (rows) {
    const want = showAll(binding.rootNode.descendantsOfType(['import_statement', 'import_from_statement'], rows[0], rows[1]));
    const got = showAll(root.descendantsOfType(['import_statement', 'import_from_statement'], rows[0], rows[1]));
    if (want !== got) mismatches.push(`${label}: import window: ${want} vs ${got}`);
  }
  return native.length;
}

const EDGE_CASES: Record<string, string> = {
  empty: '',
  'only a comment': '# nothing\n',
  crlf: 'import torch\r\nx = torch.zeros(2).cuda()\r\nif x:\r\n    pass\r\n',
  'lone cr': 'import torch\rx = f(1)\ry = "a\\\rb"\r',
  'non-ascii': 's = "héllo 😀 wörld"\n# 注释\nt = f"{s!r:>{w}} 😀"\nλ = 1\n',
  'error node': 'import torch\nx = (\ny = torch.cuda.is_available()\n',
  'missing node': 'def f(x:\n    return x\nprint(f(1)\n',
  'error at start': ') x = 1\nimport os\n',
  'an error no visible node shows': 'x = [1,\n     2] y = 3\nz = 4\n',
  'deep nesting': 'x = ' + '('.repeat(200) + '1' + ')'.repeat(200) + '\n',
  'lambda and keyword tokens': 'f = lambda x: x if x else (lambda: None)\nasync def g():\n    await h()\n    async with a as b:\n        yield\n',
  'decorators and strings': '@torch.no_grad()\ndef f(a, *b, c=1, **d) -> "T":\n    """doc"""\n    return rb"\\x00" + u"x" + """a\n b"""\n',
  'match and patterns': 'match p:\n    case {"k": [1, *rest]} | Point(x=0) as q if q:\n        pass\n',
  'type params and walrus': 'def f[T](x: T) -> T:\n    if (y := x):\n        return y\ntype A = list[int]\n',
};

/** The suite; `how` names the way the copies are made. */
export function mirrorSuite(how: string): void {
  describe(`the JS mirror of a tree answers as the binding does (${how})`, () => {
    const statementsTaken: Record<string, number> = {};
    it.each(Object.entries(EDGE_CASES))('%s', (_label, text) => {
      const mismatches: string[] = [];
      const n = compareTree(_label, parse(text), mismatches);
      expect(mismatches).toEqual([]);
      expect(n).toBeGreaterThan(0);
      releaseTrees();
    });

    it('every node of the golden inputs and the pass fixtures', () => {
      const files = [...pyFiles(path.join(ROOT, 'golden')), ...pyFiles(path.join(ROOT, 'transforms'))];
      const mismatches: string[] = [];
      let nodes = 0;
      for (const file of files) {
        nodes += compareTree(path.relative(ROOT, file), parse(fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '')), mismatches);
        releaseTrees();
      }
      expect(mismatches).toEqual([]);
      expect(files.length).toBeGreaterThan(100);
      expect(nodes).toBeGreaterThan(40_000);
    });

    it('scanNamed visits what a recursion through namedChildren visits, skipping and resuming as told', () => {
      // the recursion scanNamed stands for: a node of `types` decides, others are entered
      const recurse = (n: SyntaxNode, types: Set<string>, decide: (n: SyntaxNode) => 'enter' | 'skip' | SyntaxNode, out: string[]): void => {
        for (const c of n.namedChildren) visitOne(c, types, decide, out);
      };
      const visitOne = (c: SyntaxNode, types: Set<string>, decide: (n: SyntaxNode) => 'enter' | 'skip' | SyntaxNode, out: string[]): void => {
        if (!types.has(c.type)) return recurse(c, types, decide, out);
        out.push(show(c)!);
        const next = decide(c);
        if (next === 'enter') recurse(c, types, decide, out);
        else if (next !== 'skip') visitOne(next, types, decide, out);
      };
      const cases: [string[], (n: SyntaxNode) => 'enter' | 'skip' | SyntaxNode][] = [
        [['call', 'identifier', 'string', 'lambda'], () => 'enter'], // `lambda` is also a keyword inside it: named ones only
        [['function_definition', 'class_definition', 'lambda', 'call'], (n) => (n.type === 'call' ? 'enter' : 'skip')],
        [['assignment', 'augmented_assignment', 'list_comprehension'], (n) => (n.type === 'assignment' ? n.childForFieldName('right') ?? 'skip' : n.type === 'list_comprehension' ? 'skip' : 'enter')],
        [['ERROR', 'attribute', 'identifier'], (n) => (n.type === 'attribute' ? n.childForFieldName('attribute') ?? 'skip' : 'enter')], // resumes past the object
      ];
      const files = [...pyFiles(path.join(ROOT, 'golden')), ...pyFiles(path.join(ROOT, 'transforms'))];
      const texts: [string, string][] = files.map((f) => [path.relative(ROOT, f), fs.readFileSync(f, 'utf8').replace(/^\uFEFF/, '')]);
      texts.push(['lambdas', 'f = lambda x: lambda: x\ng = sorted(a, key=lambda t: t[0])\n']);
      let visited = 0;
      const mismatches: string[] = [];
      for (const [name, text] of texts) {
        const root = parse(text).rootNode;
        for (const [types, decide] of cases) {
          const want: string[] = [];
          recurse(root, new Set(types), decide, want);
          const got: string[] = [];
          root.scanNamed(types, (n) => {
            got.push(show(n)!);
            return decide(n);
          });
          if (got.join(' ') !== want.join(' ')) mismatches.push(`${name} ${types.join(',')}`);
          visited += got.length;
        }
        releaseTrees();
      }
      expect(mismatches).toEqual([]);
      expect(visited).toBeGreaterThan(15_000);
      const root = parse('x = f(1)\n').rootNode;
      expect(() => root.scanNamed('call', (n) => n.parent!)).toThrow(/^scanNamed: a walk resumes only inside the node it is at$/);
      releaseTrees();
    });

    it('a reparsed tree (incremental) too, and the old mirror stays readable', () => {
      const text = 'import torch\ndef f(x):\n    return x.cuda()\n';
      const tree = parse(text);
      const call = tree.rootNode.descendantsOfType('call')[0];
      const next = 'y = 1\nimport torch\ndef f(x):\n    return g(x.cuda())\n';
      const edits = [
        { start: 0, end: 0, content: 'y = 1\n' },
        { start: 34, end: 42, content: 'g(x.cuda())' },
      ];
      const newTree = reparse(tree, text, edits, next);
      expect(tree.native).toBeUndefined(); // spent: edited into the new one
      expect(call.text).toBe('x.cuda()'); // the old copy describes the old text
      expect(call.parent!.type).toBe('return_statement');
      const mismatches: string[] = [];
      compareTree('reparsed', newTree, mismatches);
      expect(mismatches).toEqual([]);
      const inner = newTree.rootNode.descendantsOfType('call')[1];
      expect([inner.text, inner.startIndex, inner.parent!.type]).toEqual(['x.cuda()', 42, 'argument_list']);
      expect(newTree.rootNode.id).not.toBe(tree.rootNode.id); // ids are unique across trees
      releaseTrees();
    });

    it.each([
      ['an edit inside one statement', 'import torch\nx = a.cuda()\ny = 2\n\ndef f(v):\n    return v\n', [{ start: 17, end: 21, content: 'npu' }]],
      ['lines inserted at the top', 'import os\nimport torch\n\nclass A:\n    def f(self):\n        return 1\n', [{ start: 0, end: 0, content: 'import torch_npu\nimport sys\n' }]],
      ['a statement removed', 'a = 1\nb = 2\nc = (3,\n     4)\n', [{ start: 6, end: 12, content: '' }]],
      ['a decorator made of a statement', 'x = 1\ndef f():\n    pass\n', [{ start: 0, end: 5, content: '@d' }]],
      ['an else that joins the previous if', 'if a:\n    pass\nx = 1\nelse_ = 2\n', [{ start: 15, end: 21, content: 'else:\n    y = 1' }]],
      ['a bracket opened (the result has an error)', 'a = 1\nb = 2\nc = 3\n', [{ start: 6, end: 7, content: '("' }]],
      ['a block dedented into the top level', 'def f():\n    x = 1\n    y = 2\nz = 3\n', [{ start: 19, end: 23, content: '' }]],
      ['a statement joined to the previous line', 'x = [1,\n     2]\ny = 3\nz = 4\n', [{ start: 15, end: 16, content: ' ' }]],
    ] as const)('a reparse after %s: the copy that reuses the old one answers as the binding does', (label, text, edits) => {
      const tree = parse(text);
      expect(tree.rootNode.type).toBe('module'); // copied: the next copy may reuse it
      let next: string = text;
      for (const e of [...edits].reverse()) next = next.slice(0, e.start) + e.content + next.slice(e.end);
      const newTree = reparse(tree, text, edits, next);
      const reusedBefore = reusedStatementCount();
      const mismatches: string[] = [];
      compareTree(label, newTree, mismatches);
      statementsTaken[label] = reusedStatementCount() - reusedBefore;
      expect(mismatches).toEqual([]);
      // and the same shape as a fresh parse of the new text
      const shape = (t: Tree) => {
        const out: string[] = [];
        const c = t.rootNode.walk();
        for (;;) {
          const n = c.currentNode;
          out.push(`${n.type}:${n.startIndex}-${n.endIndex}:${n.parent?.type}:${n.isNamed}:${n.hasError}:${n.parent ? n.parent.children.findIndex((x) => x.id === n.id) : -1}`);
          if (c.gotoFirstChild()) continue;
          while (!c.gotoNextSibling()) if (!c.gotoParent()) return out;
        }
      };
      const reused = shape(newTree);
      releaseTrees(); // the parser forgets its last tree: the next parse is fresh
      expect(reused).toEqual(shape(parse(next)));
      releaseTrees();
    });

    it('those copies did take statements from the old copy', () => {
      // the outermost statements no edit touched, where the new tree has a
      // statement of the same kind and length (none when a tree has an error)
      expect(statementsTaken).toEqual({
        'an edit inside one statement': 3, // import torch, y = 2, def f
        'lines inserted at the top': 3, // import os, import torch, class A
        'a statement removed': 2, // a = 1, c = (3, 4)
        'a decorator made of a statement': 0, // def f is now inside a decorated_definition
        'an else that joins the previous if': 0, // "y = 1else_ = 2": the result has an error
        'a bracket opened (the result has an error)': 0,
        'a block dedented into the top level': 3, // x = 1 in the block; y = 2, now at the top level; z = 3
        'a statement joined to the previous line': 0, // "2] y = 3": the result has an error
      });
    });

    it('hasError is known without copying the tree, and agrees with the copy', () => {
      for (const text of ['x = 1\n', 'x = (\n', 'def f(:\n']) {
        const tree = parse(text + ' '); // not the parser's cached tree
        const before = tree.hasError;
        expect(tree.rootNode.hasError).toBe(before);
        expect(tree.hasError).toBe(bindingTree(tree).rootNode.hasError);
        releaseTrees();
      }
    });

    it('descendantForIndex refuses a range that ends before it starts', () => {
      expect(() => parse('x = 1\n').rootNode.descendantForIndex(3, 1)).toThrow(RangeError);
    });
  });
}
