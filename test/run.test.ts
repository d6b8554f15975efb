/**
 * Runner edge cases that need the process itself: a file the OS refuses to read
 * (simulated: this suite may run as root), special files, directory modes.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { DEFAULT_MAX_FILE_SIZE } from '../src/runner/convert-file';
import { selectPassIds } from '../src/runner/passes';
import { hasFailures, run } from '../src/runner/run';
import { cpythonParseErrors } from './python';

const engine = { passIds: selectPassIds(), unsafe: false, transferToNpu: false, maxFileSize: DEFAULT_MAX_FILE_SIZE };
let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ascendify-run-'));
});
afterEach(() => {
  jest.restoreAllMocks();
  fs.rmSync(tmp, { recursive: true, force: true });
});

it('reports a file that cannot be read as failed and carries on', async () => {
  const src = path.join(tmp, 'repo');
  fs.mkdirSync(src);
  fs.writeFileSync(path.join(src, 'locked.py'), 'import torch\ntorch.cuda.synchronize()\n');
  fs.writeFileSync(path.join(src, 'ok.py'), 'import torch\ntorch.cuda.synchronize()\n');
  // spy on the core module object itself (the `import * as` namespace is read-only)
  const core = require('node:fs') as typeof fs;
  const real = core.readFileSync;
  jest.spyOn(core, 'readFileSync').mockImplementation(((p: fs.PathOrFileDescriptor, ...rest: unknown[]) => {
    if (typeof p === 'string' && p.endsWith('locked.py')) {
      throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES', syscall: 'open' });
    }
    return (real as (...a: unknown[]) => unknown)(p, ...rest);
  }) as typeof fs.readFileSync);
  const r = await run({ src, mode: 'diff', engine });
  expect(r.files).toEqual([
    { rel: 'locked.py', status: 'failed', reason: 'cannot read: EACCES (open)' },
    { rel: 'ok.py', status: 'changed' },
  ]);
  expect(r.counts.failed).toBe(1);
  expect(r.patch.toString()).toContain('+++ b/ok.py');
});

it('does not read or copy special files, and says so', async () => {
  const src = path.join(tmp, 'repo');
  fs.mkdirSync(src);
  fs.writeFileSync(path.join(src, 'a.py'), 'x = 1\n');
  execFileSync('mkfifo', [path.join(src, 'pipe.py')]);
  const r = await run({ src, mode: 'convert', out: path.join(tmp, 'out'), engine });
  expect(r.files).toEqual([
    { rel: 'a.py', status: 'unchanged' },
    { rel: 'pipe.py', status: 'skipped', reason: 'not a regular file, directory or symbolic link; not copied' },
  ]);
  expect(fs.readdirSync(path.join(tmp, 'out'))).toEqual(['a.py']);
});

it('restores directory modes, read-only ones included, after writing into them', async () => {
  const src = path.join(tmp, 'repo');
  fs.mkdirSync(path.join(src, 'ro'), { recursive: true });
  fs.writeFileSync(path.join(src, 'ro', 'm.py'), 'import torch\ntorch.cuda.empty_cache()\n');
  fs.chmodSync(path.join(src, 'ro'), 0o555);
  try {
    await run({ src, mode: 'convert', out: path.join(tmp, 'out'), engine });
    expect(fs.statSync(path.join(tmp, 'out', 'ro')).mode & 0o777).toBe(0o555);
    expect(fs.readFileSync(path.join(tmp, 'out', 'ro', 'm.py'), 'utf8')).toContain('torch.npu.empty_cache()');
  } finally {
    fs.chmodSync(path.join(src, 'ro'), 0o755);
    if (fs.existsSync(path.join(tmp, 'out', 'ro'))) fs.chmodSync(path.join(tmp, 'out', 'ro'), 0o755);
  }
});

it('reports a file that does not parse as failed even when no pass applies to it (exit 2)', async () => {
  const src = path.join(tmp, 'repo');
  fs.mkdirSync(src);
  fs.writeFileSync(path.join(src, 'broken.py'), 'x = 1\n\ndef f(:\n    return 1\n');
  fs.writeFileSync(path.join(src, 'fine.py'), 'def f(x):\n    return x\n');
  fs.writeFileSync(path.join(src, 'unclosed.py'), 'x = 1\ny = [1,\n     2\n');
  for (const analysis of [false, true]) {
    const r = await run({ src, mode: 'diff', engine: { ...engine, analysis } });
    expect(r.files).toEqual([
      { rel: 'broken.py', status: 'failed', reason: 'syntax error at line 3 (file left unchanged)' },
      { rel: 'fine.py', status: 'unchanged' },
      { rel: 'unclosed.py', status: 'failed', reason: 'syntax error at line 2 (file left unchanged)' },
    ]);
    expect(hasFailures(r)).toBe(true);
    expect(r.patch.length).toBe(0);
  }
  // CPython agrees
  expect(cpythonParseErrors(['broken.py', 'fine.py', 'unclosed.py'].map((f) => path.join(src, f))).map((e) => path.basename(e.file))).toEqual(['broken.py', 'unclosed.py']);
});
