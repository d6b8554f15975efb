/**
 * The helper module itself (ascendify_ddp.py): valid Python, left alone by every
 * pass, and working, on CPU PyTorch with gloo standing in for hccl
 * (python/test_ascendify_ddp.py; needs a Python with torch, e.g. Debian's
 * python3-torch: `apt-get install -y python3-torch`, used as /usr/bin/python3;
 * ASCENDIFY_TORCH_PYTHON=<python> picks another interpreter).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { convertSource } from '../../src/core/pipeline';
import { PASSES } from '../index';
import { HELPER_PATH, HELPER_SOURCE } from './ascendify-ddp';

function works(python: string, code: string): boolean {
  const r = spawnSync(python, ['-c', code], { encoding: 'utf8', timeout: 60000 });
  return r.status === 0;
}

const anyPython = ['python3', '/usr/bin/python3'].find((p) => works(p, 'import ast'));
const torchPython = [process.env.ASCENDIFY_TORCH_PYTHON, '/usr/bin/python3', 'python3']
  .filter((p): p is string => !!p)
  .find((p) => works(p, 'import torch.distributed as d; assert d.is_available() and d.is_gloo_available()'));

/** CI (.ci/run sets CI=1 and installs python3-torch) must run these; elsewhere they are skipped when no torch is found. */
const required = process.env.CI === '1';
const runIf = (ok: unknown) => (ok || required ? it : it.skip);

describe('ascendify_ddp.py (the helper data-parallel-to-ddp adds)', () => {
  runIf(anyPython)('parses as Python', () => {
    if (!anyPython) throw new Error('no python3 found (CI installs it)');
    const r = spawnSync(anyPython!, ['-c', 'import ast, sys; ast.parse(sys.stdin.read(), "ascendify_ddp.py")'], {
      input: HELPER_SOURCE,
      encoding: 'utf8',
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('is left alone by every pass, so a converted repository converts to itself', () => {
    const r = convertSource(HELPER_SOURCE, { passes: PASSES, path: HELPER_PATH, unsafe: true });
    expect(r.output).toBe(HELPER_SOURCE);
    expect(r.changes).toEqual([]);
    expect(r.manual).toEqual([]);
  });

  it('imports torch_npu and initialises hccl from the launcher environment', () => {
    expect(HELPER_SOURCE).toMatch(/^import torch_npu\b/m);
    expect(HELPER_SOURCE).toContain('BACKEND = "hccl"');
    expect(HELPER_SOURCE).toContain('int(os.environ.get("LOCAL_RANK", "0"))');
    expect(HELPER_SOURCE).toContain('torch.npu.set_device(index)');
  });

  runIf(torchPython)('runs: single process, torchrun-like two-process launch, device selection (CPU torch, gloo)', () => {
    if (!torchPython) throw new Error('no python with torch found (CI installs Debian python3-torch)');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ascendify-ddp-'));
    try {
      fs.writeFileSync(path.join(dir, HELPER_PATH), HELPER_SOURCE);
      const env = { ...process.env };
      for (const v of ['RANK', 'WORLD_SIZE', 'LOCAL_RANK', 'MASTER_ADDR', 'MASTER_PORT']) delete env[v];
      const r = spawnSync(torchPython!, [path.join(__dirname, 'python', 'test_ascendify_ddp.py'), dir], {
        encoding: 'utf8',
        env,
        timeout: 180000,
      });
      expect({ status: r.status, stderr: r.stderr.slice(-3000) }).toEqual({ status: 0, stderr: expect.stringMatching(/\nOK\n$/) });
      expect(r.stderr).toMatch(/Ran 7 tests/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
