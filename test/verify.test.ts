/**
 * `ascendify verify` end to end: the built CLI converts the training scripts
 * in test/fixtures/verify/ and runs them on the simulated NPU with CPU torch.
 *
 * Needs a Python with torch: Debian's python3-torch as /usr/bin/python3
 * (.ci/run installs it) or ASCENDIFY_TORCH_PYTHON=<python>. Without one these
 * tests fail, they never skip.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cli } from './cli-run';
import { torchPython } from './python';

jest.setTimeout(180_000);

const FIXTURES = path.join(__dirname, 'fixtures', 'verify');

const PYTHON = torchPython();

interface Site {
  kind: string;
  what: string;
  file: string | null;
  line: number | null;
  count: number;
}

let tmp: string;
beforeAll(() => {
  if (!PYTHON) throw new Error('no Python with torch: install Debian python3-torch (.ci/run does) or set ASCENDIFY_TORCH_PYTHON');
});
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ascendify-verify-'));
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Copy a fixture sample to tmp/<name> (its own repository), optionally convert it; returns the folder to run in. */
function sample(name: string, convert: string[] | null): string {
  const src = path.join(tmp, `${name}-src`);
  fs.cpSync(path.join(FIXTURES, name), src, { recursive: true });
  if (convert === null) return src;
  const out = path.join(tmp, name);
  const r = cli(['convert', src, '-o', out, '-q', ...convert]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return out;
}

function verify(cwd: string, args: string[], command: string[]) {
  const reportDir = path.join(tmp, `report-${path.basename(cwd)}`);
  const r = cli(['verify', '--report-dir', reportDir, ...args, '--', ...command], cwd);
  const jsonPath = path.join(reportDir, 'verify.json');
  const json = fs.existsSync(jsonPath) ? JSON.parse(fs.readFileSync(jsonPath, 'utf8')) : undefined;
  return { ...r, json, reportDir };
}

const at = (s: Site) => `${s.file}:${s.line} ${s.what}`;

describe('ascendify verify: usage', () => {
  it('refuses an unknown option, a missing command and an unknown torch_npu version with exit 3', () => {
    const bad = cli(['verify', '--bogus', '--', 'python3', '-c', 'pass'], tmp);
    expect(bad.code).toBe(3);
    expect(bad.stderr).toMatch(/Unknown argument: bogus/);
    const none = cli(['verify'], tmp);
    expect(none.code).toBe(3);
    expect(none.stderr).toMatch(/give the command to run after --/);
    const noDash = cli(['verify', 'python3', 'train.py'], tmp);
    expect(noDash.code).toBe(3);
    const version = cli(['verify', '--torch-npu', '0.0.1', '--', 'python3', '-c', 'pass'], tmp);
    expect(version.code).toBe(3);
    expect(version.stderr).toMatch(/--torch-npu 0\.0\.1: no API list for it \(known: master-/);
    const steps = cli(['verify', '--steps', '-2', '--', 'python3', '-c', 'pass'], tmp);
    expect(steps.code).toBe(3);
    expect(fs.readdirSync(tmp)).toEqual([]); // nothing written
  });
});

describe('ascendify verify: single device', () => {
  it('passes the converted script, stopped after --steps optimizer steps', () => {
    const dir = sample('single', []);
    const r = verify(dir, ['--steps', '5'], [PYTHON!, 'train.py', '--epochs', '1']);
    expect(r.stdout).toContain('ascendify verify: PASSED');
    expect(r.stdout).toContain('What this does not prove: the NPU was simulated by the CPU build of PyTorch');
    expect(r.code).toBe(0);
    expect(r.json).toMatchObject({ passed: true, exitCode: 0, timedOut: false, stoppedAfterSteps: 5, mode: 'simulated', processes: 1, cudaSites: [], unknownNames: [], reasons: [] });
    expect(r.json.npuUses).toBeGreaterThan(0);
    expect(r.json.npuSites.map(at)).toEqual(
      expect.arrayContaining(['train.py:33 torch.device(\'npu\')', 'train.py:34 Module.npu()', 'train.py:36 torch.npu.amp.GradScaler', 'train.py:43 Tensor.npu()']),
    );
    expect(fs.readFileSync(path.join(r.reportDir, 'verify.md'), 'utf8')).toMatch(/^## ascendify verify: passed\n/);
  });

  it('fails the unconverted script naming the first CUDA site, file and line', () => {
    const dir = sample('single', null);
    const r = verify(dir, [], [PYTHON!, 'train.py']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('ascendify verify: FAILED: CUDA reached at 1 site, first train.py:30: torch.cuda.manual_seed_all');
    expect(r.stderr).toContain('CudaReached: ascendify verify: CUDA reached at');
    expect(r.json.cudaSites.map(at)).toEqual(['train.py:30 torch.cuda.manual_seed_all']);
    expect(r.json.npuUses).toBe(0);
  });

  it('with --allow-cuda lists every CUDA site of the unconverted script in one run, and still fails', () => {
    const dir = sample('single', null);
    const r = verify(dir, ['--allow-cuda', '--steps', '3'], [PYTHON!, 'train.py']);
    expect(r.code).toBe(1);
    expect(r.json.stoppedAfterSteps).toBe(3);
    expect(r.json.cudaSites.map(at)).toEqual([
      'train.py:30 torch.cuda.manual_seed_all',
      "train.py:32 torch.device('cuda')",
      'train.py:33 Module.cuda()',
      'train.py:35 torch.cuda.amp',
      'train.py:42 Tensor.cuda()',
      "train.py:43 device 'cuda'",
      'train.py:44 torch.cuda.amp',
    ]);
    expect(r.json.cudaSites.find((s: Site) => s.line === 42).count).toBe(3); // every step's batch
  });

  it('fails a converted script with one CUDA call put back, naming that line', () => {
    const dir = sample('single', []);
    const file = path.join(dir, 'train.py');
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    expect(lines[50]).toBe('        torch.npu.synchronize()');
    lines[50] = '        torch.cuda.synchronize()';
    fs.writeFileSync(file, lines.join('\n'));
    const r = verify(dir, [], [PYTHON!, 'train.py', '--epochs', '1']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('FAILED: CUDA reached at 1 site, first train.py:51: torch.cuda.synchronize');
    expect(r.json.cudaSites.map(at)).toEqual(['train.py:51 torch.cuda.synchronize']);
    expect(r.json.npuUses).toBeGreaterThan(0);
  });

  it('passes a script converted with --only inject-torch-npu --transfer-to-npu (its CUDA forms redirected)', () => {
    const dir = sample('single', ['--only', 'inject-torch-npu', '--transfer-to-npu']);
    expect(fs.readFileSync(path.join(dir, 'train.py'), 'utf8')).toContain('from torch_npu.contrib import transfer_to_npu\n');
    const r = verify(dir, [], [PYTHON!, 'train.py', '--epochs', '1']);
    expect(r.stdout).toContain('ascendify verify: PASSED');
    expect(r.code).toBe(0);
    expect(r.json).toMatchObject({ passed: true, transferToNpu: true, cudaSites: [], stoppedAfterSteps: null });
    expect(r.json.npuSites.map(at)).toEqual(expect.arrayContaining(['train.py:35 Module.cuda() (Module.npu() by transfer_to_npu)']));
  });
});

describe('ascendify verify: DataParallel → DistributedDataParallel', () => {
  it('passes the converted script under torchrun with 2 processes (hccl on gloo)', () => {
    const dir = sample('data-parallel', []);
    expect(fs.existsSync(path.join(dir, 'ascendify_ddp.py'))).toBe(true);
    // --redirects/--tee: Debian's torch 1.13 on Python 3.11 cannot parse their default "0" (enum change)
    const torchrun = [PYTHON!, '-m', 'torch.distributed.run', '--standalone', '--nproc_per_node=2', '--redirects', '1', '--tee', '1', '--log_dir', path.join(tmp, 'logs')];
    const r = verify(dir, ['--steps', '3', '--timeout', '150'], [...torchrun, 'train.py']);
    expect(r.stdout).toContain('ascendify verify: PASSED');
    expect(r.code).toBe(0);
    expect(r.json).toMatchObject({ passed: true, processes: 3, stoppedAfterSteps: 3, cudaSites: [] });
    const npu = r.json.npuSites.map(at);
    expect(npu).toEqual(expect.arrayContaining(["ascendify_ddp.py:41 torch.npu.set_device(0)", "ascendify_ddp.py:41 torch.npu.set_device(1)"]));
    expect(npu.filter((s: string) => s.includes("backend 'hccl'"))).toHaveLength(1);
    expect(r.json.npuSites.find((s: Site) => s.what.includes("backend 'hccl'")).count).toBe(2); // one per worker
  });

  it('fails the unconverted script at nn.DataParallel, after recording the device_count probe', () => {
    const dir = sample('data-parallel', null);
    const r = verify(dir, [], [PYTHON!, 'train.py']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('FAILED: CUDA reached at 1 site, first train.py:11: torch.nn.DataParallel');
    expect(r.json.cudaProbes.map(at)).toEqual(['train.py:9 torch.cuda.device_count']);
  });
});

describe('ascendify verify: torch_npu names and limits', () => {
  it('fails a program that uses a torch_npu name that does not exist, naming it', () => {
    const dir = sample('bad-name', null);
    const r = verify(dir, [], [PYTHON!, 'train.py']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/FAILED: torch_npu\.npu\.get_device_temperature does not exist in torch_npu master-\w+ \(train\.py:7\)/);
    expect(r.stderr).toContain("AttributeError: ascendify verify: module 'torch_npu.npu' has no attribute 'get_device_temperature'");
    expect(r.json.unknownNames.map(at)).toEqual(['train.py:7 torch_npu.npu.get_device_temperature']);
  });

  it('stops a command at --timeout with every process it started', () => {
    const marker = path.join(tmp, 'child-alive');
    const script = `import subprocess, sys, time\nsubprocess.Popen([sys.executable, "-c", "import time; time.sleep(3); open('${marker}', 'w')"])\ntime.sleep(60)\n`;
    fs.writeFileSync(path.join(tmp, 'sleep.py'), script);
    const started = Date.now();
    const r = verify(tmp, ['--timeout', '1'], [PYTHON!, 'sleep.py']);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(r.code).toBe(1);
    expect(r.json).toMatchObject({ timedOut: true, passed: false });
    expect(r.stdout).toContain('FAILED: timed out after 1 s');
    spawnSync('sleep', ['3.5']);
    expect(fs.existsSync(marker)).toBe(false); // the grandchild was stopped too
  });
});
