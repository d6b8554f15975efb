/**
 * Bindings answers most questions from a one-pass table of scope ranges (the
 * fast path) and falls back to walking nodes. The two must agree: for every
 * identifier of real code (the CPython standard library, our golden inputs and
 * pass fixtures), `resolve` and `isBound` give the same answer both ways.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from '../src/python/parser';
import { Bindings } from '../src/python/bindings';
import { pyFiles, stdlibDir } from './python';

/** The names real code shadows and our passes ask about, plus every identifier's own name. */
const PROBES = ['torch', 'cuda', 'os', 'np', 'self', 'x'];

function disagreements(file: string): string[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  if (text.length > 400_000) return [];
  const root = parse(text.replace(/^\uFEFF/, '')).rootNode;
  if (root.hasError) return [];
  const fast = new Bindings(root);
  const slow = new Bindings(root, { walkOnly: true });
  const out: string[] = [];
  for (const id of root.descendantsOfType('identifier')) {
    const a = fast.resolve(id);
    const b = slow.resolve(id);
    if (a !== b) out.push(`${file}:${id.startPosition.row + 1} resolve(${id.text}) fast=${a} walk=${b}`);
    for (const name of [id.text, ...PROBES]) {
      const x = fast.isBound(name, id);
      const y = slow.isBound(name, id);
      if (x !== y) out.push(`${file}:${id.startPosition.row + 1} isBound(${name}) at ${id.text} fast=${x} walk=${y}`);
    }
    if (out.length > 20) break;
  }
  return out;
}

describe('Bindings fast path agrees with the node walk', () => {
  const root = path.resolve(__dirname, '..');
  const ours = [...pyFiles(path.join(root, 'golden')), ...pyFiles(path.join(root, 'transforms'))];

  it('on golden inputs and pass fixtures', () => {
    expect(ours.length).toBeGreaterThan(20);
    expect(ours.flatMap(disagreements)).toEqual([]);
  });

  it('on the CPython standard library (every 6th file, for time)', () => {
    const files = pyFiles(stdlibDir()).filter((_, i) => i % 6 === 0);
    expect(files.length).toBeGreaterThan(100);
    expect(files.flatMap(disagreements).slice(0, 20)).toEqual([]);
  });
});
