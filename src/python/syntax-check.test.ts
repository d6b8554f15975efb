/**
 * The native helper's syntax check (native/trees.cc `syntaxCheck`, parser.ts
 * `knownClean`): the cheap path asks it whether a file no pass reads parses
 * without an error, instead of parsing through the binding. Its answer must be
 * the binding's tree's `hasError` for every input, whatever the arena does
 * (files larger than it, many files in a row, threads at once), and the cheap
 * path's results must be the same with and without it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import Python = require('tree-sitter-python');
import * as parserModule from './parser';
import { knownClean, parse } from './parser';
import { releaseTrees } from './tree-cache';
import { convertFile, DEFAULT_MAX_FILE_SIZE, type FileResult } from '../runner/convert-file';
import { selectPassIds } from '../runner/passes';
import { bindingParser, helperInUse as helper } from '../testing/native';
import { rng } from '../testing/rng';
import { pyFiles } from '../../test/python';

const ROOT = path.join(__dirname, '..', '..');
const ADDON = path.join(ROOT, 'native', 'build', 'Release', 'ascendify_trees.node');

const binding = bindingParser();
function bindingHasError(text: string): 0 | 1 {
  return binding.parse(text, undefined, { bufferSize: text.length + 1 }).rootNode.hasError ? 1 : 0;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const encode = (s: string) => new TextEncoder().encode(s);

/**
 * The golden inputs and every pass fixture, each also cut at three places and
 * with one byte replaced by a bracket, colon, quote, space or newline at three
 * places (seeded): many of these have errors, of every kind.
 */
function samples(): Uint8Array[] {
  const files = [...pyFiles(path.join(ROOT, 'golden')), ...pyFiles(path.join(ROOT, 'transforms'))].sort();
  const random = rng(20261207);
  const out: Uint8Array[] = [];
  for (const f of files) {
    const bytes = fs.readFileSync(f);
    out.push(bytes);
    for (let k = 0; k < 3; k++) {
      out.push(bytes.subarray(0, Math.floor(random() * bytes.length)));
      if (bytes.length === 0) continue;
      const changed = Buffer.from(bytes);
      changed[Math.floor(random() * bytes.length)] = '():" \n'.charCodeAt(Math.floor(random() * 6));
      out.push(changed);
    }
  }
  return out;
}

describe('syntaxCheck (native/trees.cc)', () => {
  it('answers as the binding parse does, on real files and broken variants of them', () => {
    const h = helper();
    let compared = 0;
    let errors = 0;
    for (const bytes of samples()) {
      let text: string;
      try {
        text = utf8.decode(bytes); // a cut inside a character: not UTF-8, never asked
      } catch {
        continue;
      }
      if (text.startsWith('\ufeff') || /\r(?!\n)/.test(text)) continue;
      const expected = bindingHasError(text);
      expect([h.syntaxCheck(Python, bytes), bytes.length]).toEqual([expected, bytes.length]);
      compared++;
      errors += expected;
    }
    expect(compared).toBeGreaterThan(500);
    expect(errors).toBeGreaterThan(150); // the broken variants were really broken
    expect(compared - errors).toBeGreaterThan(150);
  });

  it('declines bytes with a lone carriage return (the engine parses them with a newline there), not a CRLF', () => {
    const h = helper();
    expect(h.syntaxCheck(Python, encode('x = 1\ry = 2\n'))).toBe(2);
    expect(h.syntaxCheck(Python, encode('\rx = 1\n'))).toBe(2);
    expect(h.syntaxCheck(Python, encode('x = 1\r'))).toBe(2);
    expect(h.syntaxCheck(Python, encode('x = 1\r\ny = 2\r\n'))).toBe(0);
    expect(h.syntaxCheck(Python, encode('x = (1\r\n'))).toBe(1);
    expect(h.syntaxCheck(Python, new Uint8Array(0))).toBe(0);
  });

  it('reads a view at an offset into a larger buffer, only its own bytes', () => {
    const h = helper();
    const whole = Buffer.from('def f(:\nx = 1\ny = (\n');
    expect(h.syntaxCheck(Python, whole.subarray(8, 14))).toBe(0); // "x = 1\n"
    expect(h.syntaxCheck(Python, whole.subarray(0, 8))).toBe(1);
    expect(h.syntaxCheck(Python, whole.subarray(14))).toBe(1);
  });

  it('files too large for its arena (16 MB: ~250 KB of dense code), then small ones again, answer the same', () => {
    const h = helper();
    const line = 'value = compute(alpha, beta[1:2], {"k": [i for i in range(3)]}) if ready else None\n';
    const big = line.repeat(Math.ceil((1 << 20) / line.length)); // 1 MB: the arena is too small for its tree
    const answers = [big, big + 'def broken(:\n', 'x = 1\n', big.slice(0, 1 << 18) + 'y = [\n', 'import os\n'].map((t) => h.syntaxCheck(Python, encode(t)));
    expect(answers).toEqual([0, 1, 0, 1, 0]);
  });

  it('refuses what is not a language or not bytes, with an error that says so', () => {
    const h = helper();
    expect(() => h.syntaxCheck({}, encode('x\n'))).toThrow(/^not a tree-sitter language$/);
    expect(() => h.syntaxCheck(Python, 'x = 1\n' as unknown as Uint8Array)).toThrow(/^expected the bytes in a Uint8Array$/);
    expect(() => h.syntaxCheck(Python, new Uint16Array(4) as unknown as Uint8Array)).toThrow(/^expected the bytes in a Uint8Array$/);
  });

  it('answers the same on worker threads checking at the same time as this one', async () => {
    helper();
    const texts = samples()
      .filter((b) => b.length > 200 && b.length < 60_000)
      .slice(0, 120)
      .map((b) => Buffer.from(b).toString('latin1'));
    const code = `
      const { parentPort, workerData } = require('node:worker_threads');
      const h = require(workerData.addon);
      const py = require('tree-sitter-python');
      const answers = [];
      for (let round = 0; round < 3; round++)
        for (const t of workerData.texts) answers.push(h.syntaxCheck(py, Buffer.from(t, 'latin1')));
      parentPort.postMessage(answers);`;
    const run = () =>
      new Promise<number[]>((resolve, reject) => {
        const w = new Worker(code, { eval: true, workerData: { addon: ADDON, texts } });
        w.once('message', resolve);
        w.once('error', reject);
      });
    const workers = [run(), run()];
    const h = helper();
    const here: number[] = [];
    for (let round = 0; round < 3; round++) for (const t of texts) here.push(h.syntaxCheck(Python, Buffer.from(t, 'latin1')));
    const [a, b] = await Promise.all(workers);
    expect(a).toEqual(here);
    expect(b).toEqual(here);
    expect(new Set(here)).toEqual(new Set([0, 1])); // both answers among them
  });
});

describe('knownClean (parser.ts)', () => {
  afterEach(() => releaseTrees());

  it('is true only for a text that parses cleanly, known without its tree', () => {
    const clean = 'import os\n\ndef f(a):\n    return [a for _ in range(2)]\n';
    expect(knownClean(clean, encode(clean))).toBe(true);
    expect(knownClean('def f(:\n', encode('def f(:\n'))).toBe(false);
    expect(knownClean('x = 1\ry = 2\n', encode('x = 1\ry = 2\n'))).toBe(false); // a lone CR: the caller parses
  });

  it('is false when the text was just parsed: parse() answers from the tree at hand for free', () => {
    const text = 'y = 2\n';
    parse(text);
    expect(knownClean(text, encode(text))).toBe(false);
    releaseTrees();
    expect(knownClean(text, encode(text))).toBe(true);
  });
});

describe('the cheap path with and without the native syntax check', () => {
  const engine = { passIds: selectPassIds(), unsafe: false, transferToNpu: false, maxFileSize: DEFAULT_MAX_FILE_SIZE };
  const cases: Array<[string, string]> = [
    ['clean', 'import os\n\n\ndef main():\n    print(os.getcwd())\n'],
    ['a syntax error', 'def main(:\n    pass\n'],
    ['an error at the end', 'import os\nx = = 1\n'],
    ['a BOM', '\ufeffimport os\nx = 1\n'],
    ['a BOM and an error', '\ufeffx = (\n'],
    ['CRLF', 'import os\r\nx = 1\r\n'],
    ['a lone CR', 'import os\rx = 1\n'],
    ['a PEP 263 latin-1 file', '# -*- coding: latin-1 -*-\ns = "caf\u00e9"\n'],
    ['non-ASCII names', 'caf\u00e9 = "\u{1F600}"\n\u03c0 = 3.14\n'],
  ];
  const bytesOf = (name: string, text: string) => (name.includes('latin-1') ? Buffer.from(text, 'latin1') : Buffer.from(text, 'utf8'));
  const convert = (name: string, text: string): FileResult => {
    const r = convertFile(`${name.replace(/\W+/g, '_')}.py`, bytesOf(name, text), engine);
    releaseTrees();
    return r;
  };

  it.each(cases)('%s: the same result as parsing through the binding', (name, text) => {
    const spy = jest.spyOn(parserModule, 'knownClean');
    const withCheck = convert(name, text);
    const asked = spy.mock.results.map((r) => r.value as boolean);
    spy.mockReturnValue(false); // as without the helper: every file parsed through the binding
    const without = convert(name, text);
    spy.mockRestore();
    expect(withCheck).toEqual(without);
    expect(withCheck.status).toBe(name.includes('error') ? 'failed' : 'unchanged');
    // the clean UTF-8 files without a lone CR were answered by the check, the others parsed
    const answered = ['clean', 'a BOM', 'CRLF', 'non-ASCII names'].includes(name);
    expect(asked.includes(true)).toBe(answered);
  });
});
