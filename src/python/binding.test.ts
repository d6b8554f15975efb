import * as fs from 'node:fs';
import * as path from 'node:path';
import Parser = require('tree-sitter');
import { parse, reparse, type SyntaxNode } from './parser';
import { originalAccessors } from './binding';
import { INDEXED_TYPES, nodesOfType, releaseTrees, type IndexedType } from './tree-cache';
import { pyFiles } from '../../test/python';

const ROOT = path.join(__dirname, '..', '..');

interface Seen {
  node: SyntaxNode;
  type: string;
  start: number;
  end: number;
  parent: number | null;
  field: string | null;
}

/** Every node with what a TreeCursor (not the tuned accessors) says about it. */
function walk(root: SyntaxNode): Seen[] {
  const out: Seen[] = [];
  const cursor = root.walk();
  const stack: number[] = [];
  for (;;) {
    out.push({
      node: cursor.currentNode,
      type: cursor.nodeType,
      start: cursor.startIndex,
      end: cursor.endIndex,
      parent: stack.length ? stack[stack.length - 1] : null,
      field: cursor.currentFieldName ?? null,
    });
    if (cursor.gotoFirstChild()) {
      stack.push(out.length - 1);
      continue;
    }
    let moved = false;
    while (!(moved = cursor.gotoNextSibling())) {
      if (!cursor.gotoParent()) break;
      stack.pop();
    }
    if (!moved) return out;
  }
}

describe('tuned node accessors (src/python/binding.ts)', () => {
  const files = pyFiles(path.join(ROOT, 'golden')).slice(0, 12);

  it('answer what the tree says: id, type, range, parent, field children', () => {
    let checked = 0;
    for (const file of files) {
      const text = fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
      const seen = walk(parse(text).rootNode);
      const ids = new Set(seen.map((s) => s.node.id));
      expect(ids.size).toBe(seen.length); // one id per node
      for (const s of seen) {
        const n = s.node;
        expect([n.type, n.startIndex, n.endIndex, n.text]).toEqual([s.type, s.start, s.end, text.slice(s.start, s.end)]);
        // asked twice: the remembered answer is the same
        for (let k = 0; k < 2; k++) {
          const p = n.parent;
          expect(p?.id ?? null).toBe(s.parent === null ? null : seen[s.parent].node.id);
        }
        if (s.field !== null && s.parent !== null) {
          const first = seen.find((c) => c.parent === s.parent && c.field === s.field)!;
          expect(seen[s.parent].node.childForFieldName(s.field)?.id).toBe(first.node.id);
        }
        checked++;
      }
      releaseTrees();
    }
    expect(checked).toBeGreaterThan(1000);
  });

  it('hand out the same nodes as the binding\'s own accessors (no BigInt unmarshal)', () => {
    parse('x = 1\n'); // loads the parser, which tunes the binding
    expect(originalAccessors().size).toBeGreaterThanOrEqual(18); // redefined: the test below compares something
    const show = (v: unknown): unknown =>
      v === null || v === undefined ? v : Array.isArray(v) ? v.map(show) : `${(v as SyntaxNode).id}:${(v as SyntaxNode).type}:${(v as SyntaxNode).startIndex}-${(v as SyntaxNode).endIndex}:${(v as object).constructor.name}`;
    const call = (node: SyntaxNode, name: string, args: unknown[], fast: boolean): unknown => {
      const d = originalAccessors().get(name)!;
      if (fast) {
        const v = (node as unknown as Record<string, unknown>)[name];
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).apply(node, args) : v;
      }
      return d.get ? d.get.call(node) : (d.value as (...a: unknown[]) => unknown).apply(node, args);
    };
    let compared = 0;
    const mismatches: string[] = [];
    for (const file of [...files.slice(0, 2), path.join(ROOT, 'transforms', 'cuda-device-to-npu')].flatMap((f) => (fs.statSync(f).isDirectory() ? pyFiles(f).slice(0, 1) : [f]))) {
      const text = fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '') + '\nx = (\n'; // an ERROR node too
      const root = parse(text).rootNode;
      const seen = walk(root);
      expect(seen.some((s) => s.type === 'ERROR')).toBe(true);
      for (const [k, s] of seen.entries()) {
        const n = s.node;
        const fieldNames = ['body', 'name', 'function', 'arguments', 'left', 'right', 'object', 'attribute', 'parameters', 'nope'];
        const asks: [string, unknown[]][] = [
          ...['parent', 'firstChild', 'firstNamedChild', 'lastChild', 'lastNamedChild', 'nextSibling', 'nextNamedSibling', 'previousSibling', 'previousNamedSibling', 'children', 'namedChildren'].map((g): [string, unknown[]] => [g, []]),
          ['child', [0]], ['child', [1]], ['child', [99]], ['namedChild', [0]], ['namedChild', [1]],
          ...fieldNames.map((f): [string, unknown[]] => ['childForFieldName', [f]]),
          ...fieldNames.map((f): [string, unknown[]] => ['childrenForFieldName', [f]]),
          ['childForFieldId', [1]], ['childrenForFieldId', [2]],
          ['firstChildForIndex', [s.start + 1]], ['firstNamedChildForIndex', [s.start]],
          ['descendantForIndex', [s.start]], ['descendantForIndex', [s.start, s.end]], ['namedDescendantForIndex', [s.start, s.end]],
        ];
        if (k % 50 === 0) asks.push(['descendantsOfType', [['call', 'identifier', 'string']]], ['descendantsOfType', ['attribute']]);
        for (const [name, args] of asks) {
          const fast = JSON.stringify(show(call(n, name, args, true)));
          const own = JSON.stringify(show(call(n, name, args, false)));
          if (fast !== own) mismatches.push(`${name}(${JSON.stringify(args)}) of ${s.type} at ${s.start}: ${fast} vs ${own}`);
          compared++;
        }
      }
      releaseTrees();
    }
    expect(mismatches.slice(0, 5)).toEqual([]);
    expect(compared).toBeGreaterThan(5_000);
  });

  it('make node objects of the binding\'s classes, on their tree', () => {
    const tree = parse('import torch\nx = torch.zeros(2).cuda()\n');
    const nodes = walk(tree.rootNode).map((s) => s.node);
    for (const n of nodes) {
      expect(n).toBeInstanceOf((Parser as unknown as { SyntaxNode: new () => unknown }).SyntaxNode);
      expect(n.tree).toBe(tree);
    }
    const call = nodes.find((n) => n.type === 'call' && n.text === 'torch.zeros(2).cuda()')!;
    // the field getters of the language's node classes still work
    expect((call as unknown as { functionNode: SyntaxNode }).functionNode.text).toBe('torch.zeros(2).cuda');
    releaseTrees();
  });

  it('describe the new tree after a reparse, not what was remembered of the old one', () => {
    const text = 'def f(x):\n    return x.cuda()\n';
    const tree = parse(text);
    const call = tree.rootNode.descendantsOfType('call')[0];
    expect(call.parent!.type).toBe('return_statement');
    const next = 'y = 1\ndef f(x):\n    return g(x.cuda())\n';
    const edits = [
      { start: 0, end: 0, content: 'y = 1\n' },
      { start: 21, end: 29, content: 'g(x.cuda())' },
    ];
    const newTree = reparse(tree, text, edits, next);
    const inner = newTree.rootNode.descendantsOfType('call')[1];
    expect(inner.text).toBe('x.cuda()');
    expect(inner.startIndex).toBe(29);
    expect(inner.parent!.type).toBe('argument_list');
    expect(inner.parent!.parent!.text).toBe('g(x.cuda())');
    releaseTrees();
  });
});

describe('nodesOfType, whatever order the types are asked in', () => {
  it('gives the same lists asked first, second or last', () => {
    const file = pyFiles(path.join(ROOT, 'golden')).find((f) => /train/.test(f)) ?? pyFiles(path.join(ROOT, 'golden'))[0];
    const text = fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
    const show = (ns: readonly SyntaxNode[]) => ns.map((n) => `${n.type}:${n.startIndex}-${n.endIndex}`);
    const orders: (readonly IndexedType[])[] = [INDEXED_TYPES, [...INDEXED_TYPES].reverse(), ['string', 'call', ...INDEXED_TYPES.filter((t) => t !== 'string' && t !== 'call')]];
    const results = orders.map((order) => {
      releaseTrees();
      const root = parse(text + ' '.repeat(orders.indexOf(order))).rootNode; // a new tree each time
      const lists = new Map(order.map((t) => [t, show(nodesOfType(root, t))]));
      return INDEXED_TYPES.map((t) => lists.get(t));
    });
    expect(results[1]).toEqual(results[0]);
    expect(results[2]).toEqual(results[0]);
    expect(results[0].find((l) => l!.length > 0)).toBeDefined();
  });
});
