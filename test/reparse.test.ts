/**
 * `reparse` (incremental parsing after the engine's edits) must give the very
 * tree a fresh parse of the new text gives: same node types, same offsets, same
 * rows and columns. The edits below imitate what passes do (renames inside
 * lines, an import block inserted at the top, a line removed), on every golden
 * input and pass fixture, with LF and CRLF line ends and non-ASCII text.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Parser = require('tree-sitter');
import Python = require('tree-sitter-python');
import { parse, reparse, type TextEdit, type Tree } from '../src/python/parser';
import { MirrorTree } from '../src/python/mirror';
import { applyEdits } from '../src/core/apply';
import { pyFiles } from './python';

const ROOT = path.join(__dirname, '..');


const reference = new Parser();
reference.setLanguage(Python as unknown as Parser.Language);

/** Every node of the tree, in order: type, offsets, points (the mirror the engine reads, or the binding's tree). */
function dump(tree: Tree | Parser.Tree): string[] {
  const out: string[] = [];
  if (tree instanceof MirrorTree) {
    const c = tree.rootNode.walk();
    for (;;) {
      const n = c.currentNode;
      const { row: r1, column: c1 } = n.startPosition;
      const { row: r2, column: c2 } = n.endPosition;
      out.push(`${n.type} ${n.startIndex}-${n.endIndex} ${r1}:${c1}-${r2}:${c2}`);
      if (c.gotoFirstChild()) continue;
      while (!c.gotoNextSibling()) if (!c.gotoParent()) return out;
    }
  }
  const c = tree.walk();
  for (;;) {
    const { row: r1, column: c1 } = c.startPosition;
    const { row: r2, column: c2 } = c.endPosition;
    out.push(`${c.nodeType} ${c.startIndex}-${c.endIndex} ${r1}:${c1}-${r2}:${c2}`);
    if (c.gotoFirstChild()) continue;
    while (!c.gotoNextSibling()) if (!c.gotoParent()) return out;
  }
}

/** Edits like the passes': `cuda` → `npu` everywhere, imports after line 1, line 3 removed. */
function passLikeEdits(text: string, eol: string): TextEdit[] {
  const edits: TextEdit[] = [];
  for (const m of text.matchAll(/\bcuda\b/g)) edits.push({ start: m.index!, end: m.index! + 4, content: 'npu' });
  const firstEol = text.indexOf(eol);
  if (firstEol >= 0) {
    const at = firstEol + eol.length;
    edits.push({ start: at, end: at, content: `import torch_npu${eol}from torch_npu.contrib import transfer_to_npu${eol}` });
  }
  const l2 = text.indexOf(eol, firstEol + eol.length);
  const l3 = l2 >= 0 ? text.indexOf(eol, l2 + eol.length) : -1;
  if (l3 >= 0) edits.push({ start: l2 + eol.length, end: l3 + eol.length, content: '' });
  // keep them sorted and apart, as selectFixes hands them over
  edits.sort((a, b) => a.start - b.start || a.end - b.end);
  // (each against the last edit kept: a `cuda` inside the removed line must not slip in after another one)
  const kept: TextEdit[] = [];
  for (const e of edits) {
    const last = kept[kept.length - 1];
    if (!last || e.start >= last.end + (e.start === e.end ? 1 : 0)) kept.push(e);
  }
  return kept;
}

const files = [
  ...pyFiles(path.join(ROOT, 'golden')).filter((f) => f.includes(`${path.sep}input${path.sep}`)),
  ...pyFiles(path.join(ROOT, 'transforms')),
];

describe('reparse: incremental parse after edits equals a fresh parse', () => {
  it('covers the golden inputs and the pass fixtures', () => {
    expect(files.length).toBeGreaterThan(40);
  });

  const variants: [string, (t: string) => string, string][] = [
    ['LF', (t) => t, '\n'],
    ['CRLF', (t) => t.replace(/\r?\n/g, '\r\n'), '\r\n'],
    ['non-ASCII first line', (t) => `# ünïcödé ✓ 𝔘\n${t}`, '\n'],
    // old Mac: tree-sitter is handed '\n' for each lone '\r' (parser.ts), so the reference parses that
    ['CR', (t) => t.replace(/\r?\n/g, '\r'), '\r'],
  ];
  for (const [label, variant, eol] of variants) {
    it(`${label}: same nodes, offsets and points on every file`, () => {
      let compared = 0;
      for (const file of files) {
        const text = variant(fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, ''));
        const edits = passLikeEdits(text, eol);
        if (edits.length === 0) continue;
        const next = applyEdits(text, edits);
        const old = parse(text);
        const fresh = reference.parse(eol === '\r' ? next.replace(/\r/g, '\n') : next);
        const incremental = reparse(old, text, edits, next);
        expect({ file, tree: dump(incremental) }).toEqual({ file, tree: dump(fresh) });
        compared++;
      }
      expect(compared).toBeGreaterThan(40);
    });
  }

  it('a reparse whose result has a syntax error reports it like a fresh parse', () => {
    const text = 'x = f(1)\ny = g(2)\n';
    const edits = [{ start: 7, end: 8, content: '' }]; // drop the first ')'
    const next = applyEdits(text, edits);
    const tree = reparse(parse(text), text, edits, next);
    expect(tree.rootNode.hasError).toBe(true);
    expect(dump(tree)).toEqual(dump(reference.parse(next)));
  });

  it('no edits: the same tree', () => {
    const tree = parse('a = 1\n');
    expect(reparse(tree, 'a = 1\n', [], 'a = 1\n')).toBe(tree);
  });
});
