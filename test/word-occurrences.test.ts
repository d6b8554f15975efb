/**
 * Bindings.references finds candidate identifiers with `wordOccurrences`
 * (indexOf plus a check of the code points around each hit) instead of a
 * Unicode RegExp compiled per name and file. The two must give the same offsets:
 * checked here against the RegExp definition on real code (the golden inputs,
 * the pass fixtures, the CPython standard library) for every identifier-like
 * word of each file and some of its substrings, and on hand-made edge cases
 * (non-ASCII and astral neighbours, lone surrogates, overlapping names).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { wordOccurrences, wordOccurrencesRegExp } from '../src/python/bindings';
import { pyFiles, stdlibDir } from './python';

/** Distinct names to look up in a file: its words, and a prefix and a suffix of some. */
function namesOf(text: string, max: number): string[] {
  const names = new Set<string>();
  for (const m of text.matchAll(/[\p{L}\p{N}_\u00b7\u0300-\u036f]+/gu)) {
    const w = m[0];
    names.add(w);
    if (w.length > 3 && names.size % 7 === 0) {
      names.add(w.slice(1));
      names.add(w.slice(0, -1));
    }
    if (names.size >= max) break;
  }
  return [...names];
}

function disagreements(file: string, max: number): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const name of namesOf(text, max)) {
    const a = wordOccurrences(text, name);
    const b = wordOccurrencesRegExp(text, name);
    if (a.length !== b.length || a.some((x, i) => x !== b[i])) out.push(`${file}: ${JSON.stringify(name)} indexOf=${a.slice(0, 5)} regexp=${b.slice(0, 5)}`);
    if (out.length > 10) break;
  }
  return out;
}

describe('wordOccurrences equals the RegExp definition', () => {
  const root = path.resolve(__dirname, '..');

  it('on golden inputs and pass fixtures (every word)', () => {
    const files = [...pyFiles(path.join(root, 'golden')), ...pyFiles(path.join(root, 'transforms'))];
    expect(files.length).toBeGreaterThan(20);
    expect(files.flatMap((f) => disagreements(f, Infinity))).toEqual([]);
  });

  it('on the CPython standard library (every 3rd file, up to 150 words each, for time)', () => {
    const files = pyFiles(stdlibDir()).filter((_, i) => i % 3 === 0);
    expect(files.length).toBeGreaterThan(100);
    expect(files.flatMap((f) => disagreements(f, 150)).slice(0, 20)).toEqual([]);
  });

  it.each([
    ['plain', 'a torch b torch_c torch2 xtorch torch', 'torch'],
    ['non-ASCII neighbours', 'étorch torché ßtorch torch· ·torch 中torch torch中 torch', 'torch'],
    ['astral letters around', '𝐱torch torch𝐱 𝟙torch torch😀 😀torch', 'torch'],
    ['lone surrogates around', '\ud835torch torch\udc31 \udc31torch torch\ud835', 'torch'],
    ['astral name', 'a𝐱 𝐱 𝐱b 𝐱𝐱 (𝐱)', '𝐱'],
    ['overlapping', 'aaa aa a·a·a a·a', 'a·a'],
    ['repeats', 'aa aaaa aa', 'aa'],
    ['start and end', 'x', 'x'],
    ['combining mark after', 'torch\u0301 torch', 'torch'],
    ['digits', '٣torch torch٣ 3torch', 'torch'],
  ])('%s', (_label, text, name) => {
    expect(wordOccurrences(text, name)).toEqual(wordOccurrencesRegExp(text, name));
  });
});
