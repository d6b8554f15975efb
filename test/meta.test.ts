/**
 * House rules that keep the project navigable: a pass is found by its id
 * (folder = file = id), registered once, tested with a case table and fixtures,
 * documented in docs/passes.md; every fixture and golden output parses with CPython.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PASSES } from '../transforms';
import { cpythonParseErrors } from './python';

const ROOT = path.join(__dirname, '..');
const TRANSFORMS = path.join(ROOT, 'transforms');

describe('pass registry', () => {
  const folders = fs
    .readdirSync(TRANSFORMS, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  const docs = fs.readFileSync(path.join(ROOT, 'docs', 'passes.md'), 'utf8');

  it('registers every pass folder exactly once, and nothing else', () => {
    const ids = PASSES.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(folders);
  });

  it.each(PASSES.map((p) => [p.id, p] as const))('%s: kebab-case id, code, tests, fixtures and docs in place', (id, pass) => {
    expect(id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    const dir = path.join(TRANSFORMS, id);
    expect(fs.existsSync(path.join(dir, `${id}.ts`))).toBe(true);
    expect(fs.existsSync(path.join(dir, `${id}.test.ts`))).toBe(true);
    const fixtures = fs.existsSync(path.join(dir, 'fixtures')) ? fs.readdirSync(path.join(dir, 'fixtures')) : [];
    const inputs = fixtures.filter((f) => f.endsWith('.input.py'));
    expect(inputs.length).toBeGreaterThan(0);
    for (const i of inputs) expect(fixtures).toContain(i.replace('.input.py', '.output.py'));
    expect(docs).toMatch(new RegExp(`^## ${id}$`, 'm'));
    expect(pass.summary.length).toBeGreaterThan(10);
    expect(pass.levels.length).toBeGreaterThan(0);
  });

  it('documents the passes in registry order', () => {
    const order = [...docs.matchAll(/^## ([a-z0-9-]+)$/gm)].map((m) => m[1]).filter((id) => PASSES.some((p) => p.id === id));
    expect(order).toEqual(PASSES.map((p) => p.id));
  });
});

describe('CPython parses every expected output', () => {
  const files: string[] = [];
  const collect = (dir: string, keep: (f: string) => boolean) => {
    if (!fs.existsSync(dir)) return;
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) collect(p, keep);
      else if (keep(p)) files.push(p);
    }
  };
  collect(TRANSFORMS, (f) => f.endsWith('.output.py'));
  for (const s of fs.readdirSync(path.join(ROOT, 'golden'))) collect(path.join(ROOT, 'golden', s, 'expected'), (f) => f.endsWith('.py'));

  it('fixture outputs and golden expected trees', () => {
    expect(files.length).toBeGreaterThan(0);
    expect(cpythonParseErrors(files)).toEqual([]);
  });
});
