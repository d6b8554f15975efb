/**
 * The kinds' registry (index.ts): which files the pool may convert before the
 * project index is ready (`needsProjectIndex`, the pool's `indexFree`).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { KINDS, needsProjectIndex } from './index';

describe('needsProjectIndex: which files the pool may convert before the project index is ready', () => {
  it.each([
    ['train.py', true],
    ['configs/train.yaml', true], // configs: which ones the code reads (readByCode)
    ['run.sh', true], // shell: the repository's Python files it runs
    ['launch', true], // no extension: its kind depends on its first bytes
    ['Dockerfile', false],
    ['requirements.txt', false],
    ['notebooks/demo.ipynb', false],
    ['node_modules/x/requirements.txt', true], // never converted: counted as needing it
  ])('%s: %s', (rel, needs) => {
    expect(needsProjectIndex(rel)).toBe(needs);
  });

  it('agrees with the code: a kind whose module reads opts.project says it reads the index', () => {
    const reads = (id: string) => /\bopts\??\.project\b/.test(fs.readFileSync(path.join(__dirname, `${id}.ts`), 'utf8'));
    expect(KINDS.map((k) => [k.id, k.readsProjectIndex])).toEqual(KINDS.map((k) => [k.id, reads(k.id)]));
    expect(KINDS.filter((k) => k.readsProjectIndex).map((k) => k.id).sort()).toEqual(['config', 'shell']);
  });
});
