import * as fs from 'node:fs';
import * as path from 'node:path';
import { isWord, WordIndex } from './word-index';
import { parse } from './parser';
import { Bindings } from './bindings';

/** The regular expression Bindings uses for a name (the reference). */
function regexOccurrences(text: string, word: string): number[] {
  const re = new RegExp(`(?<![\\p{L}\\p{N}_])${word}(?![\\p{L}\\p{N}_])`, 'gu');
  return [...text.matchAll(re)].map((m) => m.index!);
}

describe('WordIndex', () => {
  const text = 'x = x1 + _x + x\nπ = xπ + π2 + π\n𝔘x = x𝔘 + x\n# x_x x\ndef f(x): return f"{x}"\n';
  it('finds a word where the regular expression does, whole words only, by code point', () => {
    const idx = new WordIndex(text);
    for (const w of ['x', 'x1', '_x', 'π', 'xπ', 'π2', 'f', 'x_x', '𝔘x', 'x𝔘', 'return', 'absent']) {
      expect({ w, at: idx.occurrences(w) }).toEqual({ w, at: regexOccurrences(text, w) });
    }
    expect(idx.occurrences('x').length).toBeGreaterThan(3);
  });
  it('tells words from other strings', () => {
    expect(isWord('x_1π')).toBe(true);
    expect(isWord('a.b')).toBe(false);
    expect(isWord('')).toBe(false);
  });
});

describe('Bindings.references through the word index', () => {
  const root = path.join(__dirname, '..', '..', 'golden');
  const files: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.py') && p.includes(`${path.sep}input${path.sep}`)) files.push(p);
    }
  };
  walk(root);
  it('gives the same nodes as the regular expression for every name of every golden input', () => {
    expect(files.length).toBeGreaterThan(5);
    let names = 0;
    for (const f of files) {
      const code = fs.readFileSync(f, 'utf8').replace(/^\ufeff/, '');
      const tree = parse(code);
      const indexed = new Bindings(tree.rootNode, { indexReferencesAfter: 0 });
      const regex = new Bindings(tree.rootNode, { indexReferencesAfter: Infinity });
      for (const name of new Set(code.match(/[\p{L}\p{N}_]+/gu) ?? [])) {
        const a = indexed.references(name).map((n) => n.startIndex);
        const b = regex.references(name).map((n) => n.startIndex);
        expect({ f, name, a }).toEqual({ f, name, a: b });
        names++;
      }
    }
    expect(names).toBeGreaterThan(500);
  });
});
