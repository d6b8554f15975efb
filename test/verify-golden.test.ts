/**
 * `ascendify verify` on a golden sample (issue 14: "the golden samples'
 * converted outputs"): golden/segment-launch is a training repository whose
 * train.py runs on synthetic data, so its reviewed expected/ tree runs on the
 * simulated NPU as it is, on one device and under torchrun with 2 processes
 * (hccl → gloo); its input must fail at its first CUDA site; a conversion with
 * `--only inject-torch-npu --transfer-to-npu` (the runtime-patch route) passes.
 *
 * Needs a Python with torch (Debian's python3-torch, which .ci/run installs);
 * without one these tests fail, they never skip.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cli } from './cli-run';
import { torchPython } from './python';

jest.setTimeout(240_000);

const SAMPLE = path.join(__dirname, '..', 'golden', 'segment-launch');

const PYTHON = torchPython();

let tmp: string;
beforeAll(() => {
  if (!PYTHON) throw new Error('no Python with torch: install Debian python3-torch (.ci/run does) or set ASCENDIFY_TORCH_PYTHON');
});
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ascendify-verify-golden-'));
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A copy of golden/segment-launch/<part> to run in (the program must not write into the repository). */
function copyOf(part: 'input' | 'expected'): string {
  const dir = path.join(tmp, part);
  fs.cpSync(path.join(SAMPLE, part), dir, { recursive: true });
  return dir;
}

function verify(cwd: string, args: string[], command: string[]) {
  const reportDir = path.join(tmp, 'report');
  const r = cli(['verify', '--report-dir', reportDir, ...args, '--', ...command], cwd);
  const json = JSON.parse(fs.readFileSync(path.join(reportDir, 'verify.json'), 'utf8'));
  return { ...r, json };
}

const at = (s: { file: string | null; line: number | null; what: string }) => `${s.file}:${s.line} ${s.what}`;

describe('ascendify verify on golden/segment-launch', () => {
  it('passes the reviewed converted tree (expected/) on one device', () => {
    const r = verify(copyOf('expected'), ['--steps', '3'], [PYTHON!, 'train.py', '--steps', '10']);
    expect(r.stdout).toContain('ascendify verify: PASSED');
    expect(r.code).toBe(0);
    expect(r.json).toMatchObject({ passed: true, exitCode: 0, stoppedAfterSteps: 3, processes: 1, cudaSites: [], unknownNames: [] });
    expect(r.json.npuUses).toBeGreaterThan(0);
  });

  it('fails the unconverted input/ at its first CUDA site, naming file and line', () => {
    const r = verify(copyOf('input'), ['--steps', '3'], [PYTHON!, 'train.py', '--steps', '10']);
    expect(r.code).toBe(1);
    // torch.cuda.is_available() is a probe (answers False, recorded, not fatal): train.py picks the CPU,
    // then line 40 builds torch.cuda.amp.GradScaler
    expect(r.stdout).toContain('ascendify verify: FAILED: CUDA reached at 1 site, first train.py:40: torch.cuda.amp');
    expect(r.json.cudaSites.map(at)).toEqual(['train.py:40 torch.cuda.amp']);
  });

  it('fails the converted tree with one CUDA call put back, naming that line', () => {
    const dir = copyOf('expected');
    const train = path.join(dir, 'train.py');
    const text = fs.readFileSync(train, 'utf8');
    expect(text).toContain('        opt.zero_grad()\n');
    fs.writeFileSync(train, text.replace('        opt.zero_grad()\n', '        opt.zero_grad()\n        torch.cuda.synchronize()\n'));
    const line = fs.readFileSync(train, 'utf8').split('\n').indexOf('        torch.cuda.synchronize()') + 1;
    const r = verify(dir, ['--steps', '3'], [PYTHON!, 'train.py', '--steps', '10']);
    expect(r.code).toBe(1);
    expect(r.json.cudaSites.map(at)).toEqual([`train.py:${line} torch.cuda.synchronize`]);
  });

  it('passes expected/ under torchrun with 2 processes (the DDP branch of train.py, hccl on gloo)', () => {
    const dir = copyOf('expected');
    const torchrun = [PYTHON!, '-m', 'torch.distributed.run', '--standalone', '--nproc_per_node=2', '--redirects', '1', '--tee', '1', '--log_dir', path.join(tmp, 'logs')];
    const r = verify(dir, ['--steps', '2', '--timeout', '200'], [...torchrun, 'train.py', '--steps', '10']);
    expect(r.stdout).toContain('ascendify verify: PASSED');
    expect(r.code).toBe(0);
    expect(r.json).toMatchObject({ passed: true, processes: 3, stoppedAfterSteps: 2, cudaSites: [] });
  });

  it('passes input/ converted with --only inject-torch-npu --transfer-to-npu (the runtime-patch route)', () => {
    const out = path.join(tmp, 'transfer');
    const c = cli(['convert', path.join(SAMPLE, 'input'), '-o', out, '-q', '--only', 'inject-torch-npu', '--transfer-to-npu']);
    expect(c.stderr).toBe('');
    expect(c.code).toBe(0);
    expect(fs.readFileSync(path.join(out, 'train.py'), 'utf8')).toContain('from torch_npu.contrib import transfer_to_npu');
    const r = verify(out, ['--steps', '3'], [PYTHON!, 'train.py', '--steps', '10']);
    expect(r.stdout).toContain('ascendify verify: PASSED');
    expect(r.code).toBe(0);
    expect(r.json).toMatchObject({ passed: true, transferToNpu: true, cudaSites: [] });
  });
});
