/**
 * The native helper's own parse (native/trees.cc `parseText`, `editTree`):
 * with the helper in use, the engine's trees are these, not the binding's. They
 * must be the binding's trees exactly (every node's start, end, parent,
 * symbol, flags and field, as `exportTree` copies them), parsed afresh and
 * reparsed incrementally after edits, on real files and broken ones; a file's
 * trees share an arena that is reset when the last of them is deleted.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import type Parser = require('tree-sitter');
import Python = require('tree-sitter-python');
import { packedEdits, parse, reparse } from './parser';
import type { OwnTree } from './native-trees';
import { releaseTrees } from './tree-cache';
import { applyEdits } from '../core/apply';
import { convertFile, DEFAULT_MAX_FILE_SIZE } from '../runner/convert-file';
import { selectPassIds } from '../runner/passes';
import { bindingParser, helperInUse as helper } from '../testing/native';
import { rng } from '../testing/rng';
import { pyFiles } from '../../test/python';

const ROOT = path.join(__dirname, '..', '..');

const binding = bindingParser();

/** The golden inputs and pass fixtures, and each cut short at two seeded places (texts the engine would parse: no lone CR, no BOM). */
function texts(): string[] {
  const random = rng(7122026);
  const out: string[] = [];
  for (const f of [...pyFiles(path.join(ROOT, 'golden')), ...pyFiles(path.join(ROOT, 'transforms'))].sort()) {
    const t = fs.readFileSync(f, 'utf8').replace(/^\uFEFF/, '').replace(/\r(?!\n)/g, '\n');
    out.push(t, t.slice(0, Math.floor(random() * t.length)), t.slice(0, Math.floor(random() * t.length)));
  }
  return out;
}

/** Edits of a text the way passes make them: each `cuda` → `npu`, and a line inserted at the top. */
function editsOf(text: string): { start: number; end: number; content: string }[] {
  const edits = [{ start: 0, end: 0, content: 'import torch_npu\n' }];
  for (let i = text.indexOf('cuda'); i !== -1; i = text.indexOf('cuda', i + 4)) edits.push({ start: i, end: i + 4, content: 'npu' });
  return edits;
}

/** tree-sitter's description of one edit, in UTF-16 units (as the binding's Tree.edit takes it). */
function described(text: string, e: { start: number; end: number; content: string }): Parser.Edit {
  const point = (offset: number): Parser.Point => {
    const before = text.slice(0, offset);
    const row = before.split('\n').length - 1;
    return { row, column: offset - (before.lastIndexOf('\n') + 1) };
  };
  const start = point(e.start);
  const lines = e.content.split('\n');
  const newEnd = lines.length === 1 ? { row: start.row, column: start.column + e.content.length } : { row: start.row + lines.length - 1, column: lines[lines.length - 1].length };
  return { startIndex: e.start, oldEndIndex: e.end, newEndIndex: e.start + e.content.length, startPosition: start, oldEndPosition: point(e.end), newEndPosition: newEnd };
}

const same = (a: ArrayBuffer, b: ArrayBuffer) => Buffer.from(a).equals(Buffer.from(b));

describe("parseText: the helper's own trees are the binding's", () => {
  afterEach(() => releaseTrees());

  it('parsed afresh: every node the same, on real files and files cut short', () => {
    const h = helper();
    let compared = 0;
    let withErrors = 0;
    for (const text of texts()) {
      const own = h.parseText(Python, text);
      const theirs = binding.parse(text);
      expect([text.length, same(h.exportTree(own), h.exportTree(theirs))]).toEqual([text.length, true]);
      expect(h.treeHasError(own)).toBe(theirs.rootNode.hasError);
      withErrors += theirs.rootNode.hasError ? 1 : 0;
      compared++;
      h.deleteTree(own);
      h.deleteTree(theirs);
    }
    expect(compared).toBeGreaterThan(300);
    expect(withErrors).toBeGreaterThan(50);
  });

  it('reparsed incrementally after edits (a line at the top, every cuda): every node the same', () => {
    const h = helper();
    let reparsed = 0;
    for (const text of texts()) {
      const edits = editsOf(text);
      const next = applyEdits(text, edits);
      const ds = edits.map((e) => described(text, e));
      const own = h.parseText(Python, text);
      const theirs = binding.parse(text);
      h.editTree(own, packedEdits(ds)); // as the engine packs them
      for (let i = ds.length - 1; i >= 0; i--) theirs.edit(ds[i]);
      const ownNext = h.parseText(Python, next, own);
      const theirNext = binding.parse(next, theirs);
      expect([text.length, edits.length, same(h.exportTree(ownNext), h.exportTree(theirNext))]).toEqual([text.length, edits.length, true]);
      for (const t of [own, ownNext, theirs, theirNext]) h.deleteTree(t);
      reparsed++;
    }
    expect(reparsed).toBeGreaterThan(300);
  });

  // Another test file run earlier in this process may have left trees for the
  // GC to delete (the addon and its epoch are per thread, not per test file):
  // these tests count from the state they find; a fresh process checks the
  // epoch's end itself (below).
  it('a file larger than the arena (16 MB), and small ones after it', () => {
    const h = helper();
    const [live] = h.epochState();
    const line = 'value = compute(alpha, beta[1:2], {"k": [i for i in range(3)]}) if ready else None\n';
    for (const text of [line.repeat(12_000), 'x = 1\n', line.repeat(12_000) + 'y = (\n', 'import os\n']) {
      const own = h.parseText(Python, text);
      expect(same(h.exportTree(own), h.exportTree(binding.parse(text)))).toBe(true);
      h.deleteTree(own);
    }
    expect(h.epochState()[0]).toBe(live);
  });

  it('counts the trees of an epoch, each deleted once, and a deleted one reads as an error', () => {
    const h = helper();
    const [live] = h.epochState();
    const a = h.parseText(Python, 'import torch\nx = torch.cuda.current_device()\n');
    const b = h.parseText(Python, 'y = 2\n');
    expect(h.epochState()[0]).toBe(live + 2);
    expect(h.epochState()[1]).toBeGreaterThan(0);
    h.deleteTree(a);
    expect(h.epochState()[0]).toBe(live + 1);
    expect(h.exportTree(b).byteLength).toBeGreaterThan(0); // still readable
    expect(h.deleteTree(b)).toBe(true);
    expect(h.deleteTree(b)).toBe(false); // once
    expect(h.epochState()[0]).toBe(live);
    expect(() => h.exportTree(b)).toThrow(/^the tree was deleted$/);
  });

  it("the engine deletes a file's trees when the file is done, after several rounds and the imports", () => {
    const h = helper();
    const [live] = h.epochState();
    const engine = { passIds: selectPassIds(), unsafe: false, transferToNpu: false, maxFileSize: DEFAULT_MAX_FILE_SIZE };
    const text = 'import torch\nmodel = torch.nn.DataParallel(net).cuda()\ntorch.distributed.init_process_group("nccl")\n';
    const r = convertFile('train.py', Buffer.from(text), engine);
    expect(r.status).toBe('changed');
    expect(h.epochState()[0]).toBe(live);
  });

  it('the engine reparses through it: the mirror of a reparsed tree is the fresh parse of the new text', () => {
    helper();
    const text = 'import torch\nx = a.cuda()\n';
    const next = 'import torch\nx = a.npu()\n';
    const tree = reparse(parse(text), text, [{ start: 20, end: 24, content: 'npu' }], next);
    const nodes = (root: ReturnType<typeof parse>['rootNode']) => root.descendantsOfType(['call', 'attribute', 'identifier']).map((n) => `${n.type}:${n.startIndex}-${n.endIndex}`);
    const reparsed = nodes(tree.rootNode);
    releaseTrees();
    expect(reparsed).toEqual(nodes(parse(next).rootNode));
  });

  it('refuses an old tree that is not its own, and edits of a binding tree', () => {
    const h = helper();
    const theirs = binding.parse('x = 1\n');
    expect(() => h.parseText(Python, 'x = 2\n', theirs as unknown as OwnTree)).toThrow(/^parseText: the old tree must be one parseText made$/);
    expect(() => h.editTree(theirs as unknown as OwnTree, new Uint32Array(9))).toThrow(/^editTree: a tree parseText made$/);
    expect(() => h.parseText({}, 'x\n')).toThrow(/^not a tree-sitter language$/);
    h.deleteTree(theirs);
  });
});

describe('epochs, in a process of their own', () => {
  it("end when the last tree is deleted, by the caller or by a GC, and the block is reset", () => {
    const addon = path.join(ROOT, 'native', 'build', 'Release', 'ascendify_trees.node');
    const script = `
      const h = require(${JSON.stringify(addon)});
      const py = require('tree-sitter-python');
      const seen = [h.epochState()];
      const a = h.parseText(py, 'import torch\\nx = 1\\n');
      const b = h.parseText(py, 'y = 2\\n');
      seen.push(h.epochState());
      h.deleteTree(a);
      seen.push(h.epochState());
      h.deleteTree(b);
      seen.push(h.epochState());
      (function () { for (let i = 0; i < 50; i++) h.parseText(py, 'x = ' + i + '\\n'); })();
      seen.push(h.epochState()[0]);
      globalThis.gc();
      setTimeout(() => { globalThis.gc(); setTimeout(() => console.log(JSON.stringify([...seen, h.epochState()])), 50); }, 50);`;
    const out = JSON.parse(execFileSync(process.execPath, ['--expose-gc', '-e', script], { cwd: ROOT, encoding: 'utf8' })) as [number[], number[], number[], number[], number, number[]];
    const [before, two, one, none, fifty, collected] = out;
    expect(before).toEqual([0, 0]);
    expect(two[0]).toBe(2);
    expect(two[1]).toBeGreaterThan(0);
    expect(one[0]).toBe(1);
    expect(none).toEqual([0, 0]); // the epoch ended: the block is reset
    expect(fifty).toBe(50); // none deleted by the caller
    expect(collected).toEqual([0, 0]); // their finalizers deleted them
  });
});
