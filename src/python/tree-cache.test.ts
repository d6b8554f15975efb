import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse, query } from './parser';
import { INDEXED_TYPES, nodesOfType, perTree, releaseTree, releaseTrees, type IndexedType } from './tree-cache';
import type { SyntaxNode } from './parser';
import { pyFiles } from '../../test/python';
import { bindingParser } from '../testing/native';

const ROOT = path.join(__dirname, '..', '..');


const binding = bindingParser();

describe('nodesOfType', () => {
  const files = [...pyFiles(path.join(ROOT, 'golden')), ...pyFiles(path.join(ROOT, 'transforms'))];

  it.each(INDEXED_TYPES.map((t) => [t]))('%s: the nodes a query for the type captures, in the same order', (type) => {
    let found = 0;
    for (const file of files) {
      const text = fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
      const tree = parse(text);
      const root = tree.rootNode;
      const viaQuery = query(`(${type}) @x`)
        .captures(binding.parse(text.replace(/\r(?!\n)/g, '\n')).rootNode) // the binding's tree of the same text
        .map((c) => `${c.node.startIndex}-${c.node.endIndex}`);
      const viaIndex = nodesOfType(root, type).map((n) => `${n.type}:${n.startIndex}-${n.endIndex}`);
      expect({ file, nodes: viaIndex }).toEqual({ file, nodes: viaQuery.map((r) => `${type}:${r}`) });
      found += viaIndex.length;
    }
    expect(found).toBeGreaterThan(0);
  });

  it('refuses a subtree (the index is of whole trees)', () => {
    const root = parse('f(x)\n').rootNode;
    expect(() => nodesOfType(root.namedChildren[0], 'call')).toThrow(/root node/);
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

describe('perTree', () => {
  it('computes once per tree, for any node of it, and again after the tree is released', () => {
    let calls = 0;
    const size = perTree((root) => {
      calls++;
      return root.endIndex;
    });
    const tree = parse('a = 1\nb = 2\n');
    const inner = tree.rootNode.namedChildren[1];
    expect(size(tree.rootNode)).toBe(12);
    expect(size(inner)).toBe(12); // the whole tree's value, not the subtree's
    expect(calls).toBe(1);

    releaseTree(tree);
    expect(size(tree.rootNode)).toBe(12);
    expect(calls).toBe(2);

    releaseTrees();
    size(inner);
    expect(calls).toBe(3);
  });

  it('keeps trees apart', () => {
    const text = perTree((root) => root.text);
    const a = parse('x = 1\n');
    const b = parse('y = 2\n');
    expect(text(a.rootNode)).toBe('x = 1\n');
    expect(text(b.rootNode)).toBe('y = 2\n');
  });

  it('releaseTrees also drops the parser\'s last tree', () => {
    const a = parse('z = 3\n');
    expect(parse('z = 3\n')).toBe(a);
    releaseTrees();
    expect(parse('z = 3\n')).not.toBe(a);
  });
});
