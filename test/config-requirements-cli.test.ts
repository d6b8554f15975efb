/**
 * End to end (issue 13 items 3 and 4): configs and requirements through the
 * built CLI on a temporary tree: change_list.csv, manual_changes.csv,
 * changes.patch (applies with `git apply`), findings, `diff`, and a second run
 * that changes nothing.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cli } from './cli-run';

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ascendify-kinds-'));
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

function write(rel: string, content: string): void {
  const p = path.join(tmp, rel);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, content);
}
const read = (rel: string) => fs.readFileSync(path.join(tmp, rel), 'utf8');

const TRAIN = [
  'import yaml',
  'import torch',
  '',
  'cfg = yaml.safe_load(open("configs/train.yaml"))',
  'model = torch.nn.Linear(2, 2).to(cfg["device"])',
  '',
].join('\n');
const TRAIN_YAML = '# runs on cuda\ndevice: cuda  # the GPU\ndist_backend: "nccl"\ndevice_map: auto\nnote: |\n  device: cuda\n';
const UNREAD_YAML = 'device: cuda:0\n';
const ACCELERATE = 'distributed_type: MULTI_GPU\ngpu_ids: all\n';
const REQS = 'torch==2.1.0\r\nflash-attn>=2.3\r\ntorchvision\r\n';

function tree(): void {
  write('repo/train.py', TRAIN);
  write('repo/configs/train.yaml', TRAIN_YAML);
  write('repo/configs/unread.yaml', UNREAD_YAML);
  write('repo/accelerate.yaml', ACCELERATE);
  write('repo/requirements.txt', REQS);
}

describe('configs and requirements through the CLI', () => {
  it('converts, reports and writes a patch that git applies', () => {
    tree();
    const r = cli(['convert', 'repo', '-o', 'out', '-q'], tmp);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);

    expect(read('out/configs/train.yaml')).toBe(TRAIN_YAML.replace('device: cuda  #', 'device: npu  #').replace('"nccl"', '"hccl"'));
    expect(read('out/configs/unread.yaml')).toBe(UNREAD_YAML);
    expect(read('out/accelerate.yaml')).toBe(ACCELERATE);
    expect(read('out/requirements.txt')).toBe(
      'torch==2.1.0\r\n# ascendify: on Ascend also install torch-npu==2.1.0.* (the torch_npu release for torch 2.1.0; see Ascend/pytorch)\r\nflash-attn>=2.3\r\ntorchvision\r\n',
    );

    const changes = read('out/ascendify-report/change_list.csv').split('\n').filter((l) => /yaml|requirements/.test(l));
    expect(changes).toEqual([
      'configs/train.yaml,2,2,MODIFY,device: cuda → npu',
      'configs/train.yaml,3,3,MODIFY,dist_backend: nccl → hccl',
      'requirements.txt,1,1,INSERT,# ascendify: on Ascend also install torch-npu==2.1.0.* (the torch_npu release for torch 2.1.0; see Ascend/pytorch)',
    ]);
    const manual = read('out/ascendify-report/manual_changes.csv');
    expect(manual).toMatch(/^accelerate\.yaml,1,1,manual,cuda-device-to-npu\/config-gpu-setting,distributed_type: MULTI_GPU/m);
    expect(manual).toMatch(/^accelerate\.yaml,2,2,manual,cuda-device-to-npu\/config-gpu-setting,gpu_ids: all/m);
    expect(manual).toMatch(/^configs\/unread\.yaml,1,1,manual,cuda-device-to-npu\/config-device,device: cuda:0 not converted: no Python code/m);

    // findings: the converted settings are gone, the rest stays (the block scalar's text is still reported as today)
    const findings = JSON.parse(read('out/ascendify-report/findings.json')) as { findings: { file: string; startLine: number; rule: string }[] };
    const brief = findings.findings.filter((f) => !f.file.endsWith('.py')).map((f) => `${f.file}:${f.startLine} ${f.rule}`);
    expect(brief).toEqual([
      'accelerate.yaml:1 cuda-device-to-npu/config-gpu-setting',
      'accelerate.yaml:2 cuda-device-to-npu/config-gpu-setting',
      'configs/train.yaml:6 scripts/device-cuda',
      'configs/unread.yaml:1 cuda-device-to-npu/config-device',
      'requirements.txt:2 third-party/requirement',
    ]);

    // the patch turns the source into the output
    const copy = path.join(tmp, 'copy');
    fs.cpSync(path.join(tmp, 'repo'), copy, { recursive: true });
    const g = spawnSync('git', ['apply', '-p1', path.join(tmp, 'out/ascendify-report/changes.patch')], { cwd: copy, encoding: 'utf8' });
    expect(g.stderr).toBe('');
    for (const rel of ['configs/train.yaml', 'requirements.txt', 'train.py']) {
      expect(fs.readFileSync(path.join(copy, rel), 'utf8')).toBe(read(`out/${rel}`));
    }

    // a second run over the output changes nothing
    fs.rmSync(path.join(tmp, 'out/ascendify-report'), { recursive: true });
    const again = cli(['diff', 'out'], tmp);
    expect(again.stdout).not.toMatch(/^diff --git/m);
    expect(again.code).toBe(0);
  });

  it('diff previews the config and requirements changes; --skip leaves them', () => {
    tree();
    const d = cli(['diff', 'repo'], tmp);
    expect(d.code).toBe(1);
    expect(d.stdout).toContain('-device: cuda  # the GPU\n-dist_backend: "nccl"\n+device: npu  # the GPU\n+dist_backend: "hccl"\n device_map: auto\n');
    expect(d.stdout).toContain('+++ b/requirements.txt');
    const skipped = cli(['diff', 'repo', '--skip', 'cuda-device-to-npu,nccl-to-hccl,inject-torch-npu'], tmp);
    expect(skipped.stdout).not.toContain('configs/train.yaml');
    expect(skipped.stdout).not.toContain('requirements.txt');
  });
});
