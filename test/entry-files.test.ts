/**
 * Issue 10, items 7 and 13, through the runner: the repository-wide pre-pass
 * (src/runner/project-index.ts) decides which files are entry files and what
 * star imports bind, and the converted repository runs.
 *
 * The run test uses Debian's python3 with python3-torch (skipped, and says so,
 * when `import torch` fails there). torch_npu is not installable here, so it
 * puts a stub `torch_npu` package on PYTHONPATH, in a temporary folder: its
 * `__init__` checks that torch was imported first, and
 * `torch_npu.contrib.transfer_to_npu` only prints that it was loaded. The test
 * proves the import order and placement run, and which files load the global
 * patch; not what torch_npu does on a real NPU.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEFAULT_MAX_FILE_SIZE, type EngineOptions } from '../src/runner/convert-file';
import { selectPassIds } from '../src/runner/passes';
import { run } from '../src/runner/run';
import { changeListCsv, summaryText } from '../src/runner/reports';
import { python } from './python';

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ascendify-entry-'));
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

function write(root: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  }
}

const engine = (passIds: string[], transferToNpu: boolean): EngineOptions => ({ passIds, unsafe: false, transferToNpu, maxFileSize: DEFAULT_MAX_FILE_SIZE });

const TRAIN = `import torch
from model import Net

torch.manual_seed(0)
model = Net()
opt = torch.optim.SGD(model.parameters(), lr=0.1)
for step in range(3):
    loss = model(torch.ones(2, 4)).pow(2).sum()
    opt.zero_grad()
    loss.backward()
    opt.step()
print("trained", loss.item() >= 0)
`;

const MODEL = `import torch


class Net(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = torch.nn.Linear(4, 1)

    def forward(self, x):
        return self.fc(x)


if __name__ == "__main__":
    print(Net()(torch.zeros(1, 4)).shape)
`;

const hasTorch = spawnSync(python(), ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;

describe('--only inject-torch-npu --transfer-to-npu on a script-style trainer (no main guard) importing a model module', () => {
  it('patches train.py only, model.py gets torch_npu for its self-test, the summary names the entry', async () => {
    const src = path.join(tmp, 'repo');
    write(src, { 'train.py': TRAIN, 'model.py': MODEL });
    const out = path.join(tmp, 'out');
    const r = await run({ src, mode: 'convert', out, engine: engine(['inject-torch-npu'], true) });
    expect(fs.readFileSync(path.join(out, 'train.py'), 'utf8')).toBe(
      TRAIN.replace('import torch\n', 'import torch\nimport torch_npu\nfrom torch_npu.contrib import transfer_to_npu\n'),
    );
    expect(fs.readFileSync(path.join(out, 'model.py'), 'utf8')).toBe(MODEL.replace('import torch\n', 'import torch\nimport torch_npu\n'));
    expect(r.entryFiles).toEqual(['train.py']);
    expect(summaryText(r, 'convert')).toContain('  entry files   1 with transfer_to_npu: train.py\n');
  });

  (hasTorch ? it : it.skip)('the converted pair runs with python3 (torch_npu stubbed); importing model.py does not patch', async () => {
    const src = path.join(tmp, 'repo');
    write(src, { 'train.py': TRAIN, 'model.py': MODEL });
    const out = path.join(tmp, 'out');
    await run({ src, mode: 'convert', out, engine: engine(['inject-torch-npu'], true) });
    const stub = path.join(tmp, 'stub');
    write(stub, {
      'torch_npu/__init__.py': 'import sys\nassert "torch" in sys.modules, "stub torch_npu: import torch before torch_npu"\n',
      'torch_npu/contrib/__init__.py': '',
      'torch_npu/contrib/transfer_to_npu.py': 'import sys\nimport torch_npu\nprint("transfer_to_npu loaded", file=sys.stderr)\n',
    });
    const env = { ...process.env, PYTHONPATH: stub, PYTHONDONTWRITEBYTECODE: '1' };
    const trained = spawnSync(python(), ['train.py'], { cwd: out, env, encoding: 'utf8' });
    expect({ status: trained.status, stderr: trained.stderr.trim(), stdout: trained.stdout }).toEqual({
      status: 0,
      stderr: 'transfer_to_npu loaded',
      stdout: 'trained True\n',
    });
    const imported = spawnSync(python(), ['-c', 'import model'], { cwd: out, env, encoding: 'utf8' });
    expect({ status: imported.status, stderr: imported.stderr }).toEqual({ status: 0, stderr: '' });
    const self = spawnSync(python(), ['model.py'], { cwd: out, env, encoding: 'utf8' });
    expect({ status: self.status, stdout: self.stdout, stderr: self.stderr }).toEqual({ status: 0, stdout: 'torch.Size([1, 1])\n', stderr: '' });
  });
});

it('no entry file: the summary says so', async () => {
  const src = path.join(tmp, 'repo');
  // a library: both modules are imported by another one, neither does work at module level
  write(src, { 'pkg/__init__.py': 'from .layers import Block\n', 'pkg/layers.py': 'import torch\n\nclass Block(torch.nn.Module):\n    pass\n' });
  const r = await run({ src, mode: 'diff', engine: engine(selectPassIds(), true) });
  expect(r.entryFiles).toEqual([]);
  expect(summaryText(r, 'diff')).toContain('  entry files   none found (');
  // without --transfer-to-npu the line is not printed
  const plain = await run({ src, mode: 'diff', engine: engine(selectPassIds(), false) });
  expect(summaryText(plain, 'diff')).not.toContain('entry files');
});

it('a star import followed in the repository: torch converted, the record says why; the star module is no entry', async () => {
  const src = path.join(tmp, 'repo');
  write(src, {
    'common.py': 'import os\nimport torch\nimport torch.nn as nn\n\nos.makedirs("runs", exist_ok=True)\n',
    'infer.py': 'from common import *\n\ndevice = "cuda:0" if torch.cuda.is_available() else "cpu"\nprint(device)\n',
    // a star import of a module without torch: a free `torch` here stays as it is
    'plain.py': 'from consts import *\nok = torch.cuda.is_available()\n',
    'consts.py': 'import math\nPI = math.pi\n',
  });
  const out = path.join(tmp, 'out');
  const r = await run({ src, mode: 'convert', out, engine: engine(selectPassIds(), true) });
  expect(fs.readFileSync(path.join(out, 'infer.py'), 'utf8')).toBe(
    'from common import *\nimport torch_npu\nfrom torch_npu.contrib import transfer_to_npu\n\ndevice = "npu:0" if torch.npu.is_available() else "cpu"\nprint(device)\n',
  );
  expect(fs.readFileSync(path.join(out, 'plain.py'), 'utf8')).toBe('from consts import *\nok = torch.cuda.is_available()\n');
  expect(fs.readFileSync(path.join(out, 'common.py'), 'utf8')).toBe('import os\nimport torch\nimport torch.nn as nn\n\nos.makedirs("runs", exist_ok=True)\n');
  expect(r.entryFiles).toEqual(['infer.py']);
  expect(changeListCsv(r)).toContain('torch.cuda.is_available → torch.npu.is_available (`torch` is torch, bound by `from common import *`)');
});
