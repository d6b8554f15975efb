/**
 * ascendify over CPython's standard library (Debian's python3): no crash, every
 * output parses with CPython, a second run changes nothing, and files with no
 * CUDA usage come out byte-identical.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { convertSource, SourceSyntaxError } from '../src/core/pipeline';
import { DEFAULT_MAX_FILE_SIZE } from '../src/runner/convert-file';
import { PASSES } from '../transforms';
import { selectPassIds } from '../src/runner/passes';
import { run, type RunResult } from '../src/runner/run';
import { cpythonParseErrors, stdlibDir } from './python';

const engine = { passIds: selectPassIds(), unsafe: false, transferToNpu: true, maxFileSize: DEFAULT_MAX_FILE_SIZE };
/** Text that any pass could act on in code that does not import torch. */
const CUDA_USAGE = /cuda|nccl|DataParallel|CUDA_|NCCL_|amp_C|apex/;

describe('the CPython standard library', () => {
  const src = stdlibDir();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ascendify-stdlib-'));
  const out = path.join(tmp, 'out');
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
  let first: RunResult;
  beforeAll(async () => {
    first = await run({ src, mode: 'convert', out, engine });
  });

  it('is converted without internal errors', () => {
    expect(first.counts.scanned).toBeGreaterThan(500);
    expect(first.files.filter((f) => /internal error/.test(f.reason ?? ''))).toEqual([]);
    expect(first.notes.filter((n) => n.level === 'error')).toEqual([]);
  });

  it('leaves every file without CUDA usage byte-identical', () => {
    const changed = first.files.filter((f) => f.status === 'changed');
    for (const f of changed) expect({ file: f.rel, usesCuda: CUDA_USAGE.test(fs.readFileSync(path.join(src, f.rel), 'utf8')) }).toEqual({ file: f.rel, usesCuda: true });
    for (const f of first.files.filter((x) => x.status === 'unchanged')) {
      expect(fs.readFileSync(path.join(out, f.rel)).equals(fs.readFileSync(path.join(src, f.rel)))).toBe(true);
    }
  });

  it('produces outputs that CPython parses wherever it parsed the input', () => {
    const py = first.files.filter((f) => f.status === 'changed' || f.status === 'unchanged').map((f) => f.rel);
    const before = new Set(cpythonParseErrors(py.map((r) => path.join(src, r))).map((e) => path.relative(src, e.file)));
    const after = cpythonParseErrors(py.map((r) => path.join(out, r))).filter((e) => !before.has(path.relative(out, e.file)));
    expect(after).toEqual([]);
  });

  it('gives no finding at all when every pass is forced to look at every file', () => {
    // The stdlib does not use torch: any edit or finding here is a false positive.
    const forced = PASSES.map((p) => ({ ...p, triggers: /[\s\S]/ }));
    const noisy: string[] = [];
    for (const f of first.files.filter((x) => x.status === 'unchanged')) {
      const text = fs.readFileSync(path.join(src, f.rel), 'utf8');
      try {
        const r = convertSource(text.replace(/^\ufeff/, ''), { passes: forced, passOptions: { transferToNpu: true }, path: f.rel });
        for (const c of r.changes) noisy.push(`${f.rel}:${c.startLine} ${c.passId}: ${c.message}`);
        for (const m of r.manual) noisy.push(`${f.rel}:${m.startLine} ${m.passId}: ${m.message}`);
        for (const n of r.notes) noisy.push(`${f.rel} ${n.passId}: ${n.message}`);
      } catch (e) {
        if (!(e instanceof SourceSyntaxError)) throw e;
      }
    }
    expect(noisy).toEqual([]);
  });

  it('changes nothing on a second run', async () => {
    const second = await run({ src: out, mode: 'diff', engine });
    expect(second.patch.length).toBe(0);
    expect(second.changes).toEqual([]);
  });
});
