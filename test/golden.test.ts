/**
 * Golden samples: converting input/ gives expected/ and the reviewed change log,
 * manual list and patch; converting expected/ changes nothing; the patch applied
 * with `git apply -p1` to a copy of input/ gives expected/.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analysisFiles, convertSample, goldenRoot, GOLDEN_ANALYSIS_FILES, readTree, samples, type SampleRun } from '../scripts/golden';
import { configParseErrors, nbformatErrors } from './python';

const all = samples();

it('has golden samples', () => {
  expect(all.length).toBeGreaterThanOrEqual(1);
});

describe.each(all)('golden/%s', (sample) => {
  const dir = path.join(goldenRoot(), sample);
  let run: SampleRun;
  beforeAll(async () => {
    run = await convertSample(sample, 'input');
  });
  afterAll(() => fs.rmSync(path.dirname(run.out), { recursive: true, force: true }));

  it('converts input/ to expected/ exactly (bytes and executable bits)', () => {
    const actual = readTree(run.out);
    const expected = readTree(path.join(dir, 'expected'));
    expect([...actual.keys()]).toEqual([...expected.keys()]);
    for (const [rel, want] of expected) {
      const got = actual.get(rel)!;
      expect({ rel, text: got.bytes.toString('utf8'), exec: got.exec }).toEqual({ rel, text: want.bytes.toString('utf8'), exec: want.exec });
      expect(got.bytes.equals(want.bytes)).toBe(true);
    }
  });

  it('writes the reviewed change log, manual list and patch', () => {
    expect(run.changesCsv).toBe(fs.readFileSync(path.join(dir, 'changes.csv'), 'utf8'));
    expect(run.manualCsv).toBe(fs.readFileSync(path.join(dir, 'manual.csv'), 'utf8'));
    expect(run.result.patch).toEqual(fs.readFileSync(path.join(dir, 'changes.patch')));
  });

  it('writes the reviewed analysis (analysis/: CSVs, findings.json, summary.md)', () => {
    const got = analysisFiles(sample, run.result);
    const dirA = path.join(dir, 'analysis');
    expect(fs.existsSync(dirA) ? fs.readdirSync(dirA).sort() : []).toEqual([...GOLDEN_ANALYSIS_FILES].sort());
    for (const name of GOLDEN_ANALYSIS_FILES) {
      expect({ name, text: got[name] }).toEqual({ name, text: fs.readFileSync(path.join(dirA, name), 'utf8') });
    }
  });

  it('has no failed files and no engine errors', () => {
    expect(run.result.files.filter((f) => f.status === 'failed')).toEqual([]);
    expect(run.result.notes).toEqual([]);
  });

  it('every converted file of a kind beyond .py parses with its own tool (bash -n, nbformat, PyYAML / tomllib / json / configparser)', () => {
    const changed = [...new Set(run.result.changes.map((c) => c.file))].filter((f) => !f.endsWith('.py'));
    const kinds = new Map(run.result.files.map((f) => [f.rel, f.kind]));
    const abs = (rel: string) => path.join(dir, 'expected', rel);
    // the issue 13 sample converts one file of every kind, so this check is never vacuous there
    if (sample === 'segment-launch') expect([...new Set(changed.map((f) => kinds.get(f)))].sort()).toEqual(['config', 'dockerfile', 'notebook', 'requirements', 'shell']);
    const shell = changed.filter((f) => kinds.get(f) === 'shell');
    for (const f of shell) expect({ f, bash: spawnSync('/bin/bash', ['-n', abs(f)], { encoding: 'utf8' }).stderr }).toEqual({ f, bash: '' });
    expect(nbformatErrors(changed.filter((f) => kinds.get(f) === 'notebook').map(abs))).toEqual([]);
    expect(configParseErrors(changed.filter((f) => kinds.get(f) === 'config').map(abs))).toEqual([]);
    const reqs = changed.filter((f) => kinds.get(f) === 'requirements');
    expect(configParseErrors(reqs.filter((f) => /\.(toml|cfg)$/.test(f)).map(abs))).toEqual([]);
  });

  it('changes nothing when run again on expected/', async () => {
    const again = await convertSample(sample, 'expected');
    try {
      expect(again.result.patch.length).toBe(0);
      expect(again.result.changes).toEqual([]);
    } finally {
      fs.rmSync(path.dirname(again.out), { recursive: true, force: true });
    }
  });

  it('the patch applied with `git apply -p1` to a copy of input/ reproduces expected/', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `ascendify-apply-${sample}-`));
    try {
      fs.cpSync(path.join(dir, 'input'), tmp, { recursive: true });
      execFileSync('git', ['apply', '-p1', '--whitespace=nowarn', path.join(dir, 'changes.patch')], { cwd: tmp });
      const got = readTree(tmp);
      const want = readTree(path.join(dir, 'expected'));
      expect([...got.keys()]).toEqual([...want.keys()]);
      for (const [rel, w] of want) expect({ rel, same: got.get(rel)!.bytes.equals(w.bytes) }).toEqual({ rel, same: true });
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
