/**
 * End to end: `ascendify analyze` and the analysis reports of `convert`, with the
 * built CLI on temporary trees, as a user (or CI) runs them.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { treeHash } from './tree-hash';
import { cli } from './cli-run';

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ascendify-analyze-'));
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

function write(rel: string, content: string): void {
  const p = path.join(tmp, rel);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, content);
}

/** A repository with one finding of each level. */
function repo(): string {
  write('repo/train.py', 'import torch\nimport flash_attn\n\n\ndef main():\n    torch.cuda.synchronize()\n\n\nif __name__ == "__main__":\n    main()\n');
  // the converter rewrites CUDA_VISIBLE_DEVICES (analyze runs it in memory); watch's argument is only reported
  write('repo/run.sh', '#!/bin/sh\n# nvidia-smi\nexport CUDA_VISIBLE_DEVICES=0\nwatch -n 1 nvidia-smi\npython train.py\n');
  write('repo/README.md', 'Set CUDA_VISIBLE_DEVICES and run nvidia-smi.\n');
  return path.join(tmp, 'repo');
}

const REPORTS = [
  'api_performance_advice.csv',
  'api_precision_advice.csv',
  'cuda_op_list.csv',
  'files.csv',
  'findings.json',
  'findings.sarif',
  'index.html',
  'manual_changes.csv',
  'scripts_and_configs.csv',
  'summary.md',
  'third_party.csv',
  'unsupported_api.csv',
];

describe('ascendify analyze', () => {
  it('writes only the report folder beside the source, converts nothing, prints a summary', () => {
    const src = repo();
    const before = treeHash(src);
    const r = cli(['analyze', src]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(treeHash(src)).toBe(before);
    const dir = `${src}_npu-analysis`;
    expect(fs.readdirSync(tmp).sort()).toEqual(['repo', 'repo_npu-analysis']);
    expect(fs.readdirSync(dir).sort()).toEqual(REPORTS);
    expect(r.stdout).toMatch(/^ascendify analyze .* \(nothing converted\)$/m);
    expect(r.stdout).toMatch(/findings\s+3: 1 error, 1 warning, 1 info/);
    expect(r.stdout).toMatch(/effort\s+about .* h of manual work \(estimate/);
    expect(r.stdout).toContain(`report        ${dir}`);
    expect(r.stdout).toContain(`page          ${path.join(dir, 'index.html')}`);
    expect(fs.readFileSync(path.join(dir, 'third_party.csv'), 'utf8')).toMatch(/^train\.py,2,2,flash_attn,/m);
    expect(fs.readFileSync(path.join(dir, 'scripts_and_configs.csv'), 'utf8')).toBe(
      'File,Start Line,End Line,Setting,Ascend Equivalent,Tips\n' +
        `run.sh,4,4,nvidia-smi,npu-smi info,"Ascend machines have npu-smi (\`npu-smi info\` lists NPUs, their memory and processes); its options differ from nvidia-smi's, so check any query flags"\n`,
    );
    for (const f of REPORTS) expect(fs.readFileSync(path.join(dir, f), 'utf8')).not.toContain(tmp);
    const sarif = JSON.parse(fs.readFileSync(path.join(dir, 'findings.sarif'), 'utf8'));
    expect(sarif.runs[0].results.map((x: { level: string }) => x.level).sort()).toEqual(['error', 'note', 'warning']);
  });

  it('gives identical reports on a second run', () => {
    const src = repo();
    cli(['analyze', src, '-q']);
    const first = treeHash(`${src}_npu-analysis`);
    expect(cli(['analyze', src, '-q']).code).toBe(0);
    expect(treeHash(`${src}_npu-analysis`)).toBe(first);
  });

  it('--fail-on exits 1 when a finding at or above the level exists', () => {
    const src = repo();
    const out = ['--report-dir', path.join(tmp, 'rep'), '-q'];
    expect(cli(['analyze', src, ...out]).code).toBe(0);
    expect(cli(['analyze', src, ...out, '--fail-on', 'none']).code).toBe(0);
    expect(cli(['analyze', src, ...out, '--fail-on', 'error']).code).toBe(1);
    fs.rmSync(path.join(src, 'train.py'));
    expect(cli(['analyze', src, ...out, '--fail-on', 'error']).code).toBe(0);
    expect(cli(['analyze', src, ...out, '--fail-on', 'warning']).code).toBe(1);
    fs.rmSync(path.join(src, 'run.sh'));
    expect(cli(['analyze', src, ...out, '--fail-on', 'info']).code).toBe(0);
    const bad = cli(['analyze', src, '--fail-on', 'fatal']);
    expect(bad.code).toBe(3);
    expect(bad.stderr).toMatch(/fail-on/);
  });

  it('writes into the source only when asked, and leaves that folder out of the analysis', () => {
    const src = repo();
    const inside = path.join(src, 'migration');
    expect(cli(['analyze', src, '--report-dir', inside, '-q']).code).toBe(0);
    const first = fs.readFileSync(path.join(inside, 'findings.json'), 'utf8');
    expect(cli(['analyze', src, '--report-dir', inside, '-q']).code).toBe(0);
    expect(fs.readFileSync(path.join(inside, 'findings.json'), 'utf8')).toBe(first);
    expect(JSON.parse(first).findings.every((f: { file: string }) => !f.file.startsWith('migration/'))).toBe(true);
    expect(cli(['analyze', src, '--report-dir', src]).code).toBe(3);
  });

  it('exits 2 when a file cannot be parsed, and lists it', () => {
    const src = repo();
    write('repo/broken.py', 'import torch\ndef f(:\n    torch.cuda.synchronize()\n');
    const r = cli(['analyze', src, '--fail-on', 'error']);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/1 failed \(files\.csv\)/);
    expect(fs.readFileSync(`${src}_npu-analysis/files.csv`, 'utf8')).toMatch(/^broken\.py,failed,syntax error at line 2/m);
  });

  it('analyses a single launch script or requirements file', () => {
    write('run.sh', 'watch nvidia-smi\n');
    const r = cli(['analyze', path.join(tmp, 'run.sh'), '-q']);
    expect(r.code).toBe(0);
    expect(fs.readFileSync(path.join(tmp, 'run_npu-analysis/scripts_and_configs.csv'), 'utf8')).toMatch(/^run\.sh,1,1,nvidia-smi,npu-smi info,/m);
    write('requirements.txt', 'xformers\n');
    cli(['analyze', path.join(tmp, 'requirements.txt'), '-q']);
    expect(fs.readFileSync(path.join(tmp, 'requirements_npu-analysis/third_party.csv'), 'utf8')).toMatch(/^requirements\.txt,1,1,xformers,/m);
  });
});

describe('ascendify convert writes the analysis too', () => {
  it('into its report folder, with the records the passes left, without duplicates', () => {
    write('repo/prof.py', 'import torch\ntorch.cuda.nvtx.range_push("x")\ntorch.cuda.synchronize()\n');
    const src = path.join(tmp, 'repo');
    const r = cli(['convert', src]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/analysis\s+1 finding: 1 error, 0 warning, 0 info - see summary\.md/);
    const dir = `${src}_npu/ascendify-report`;
    for (const f of REPORTS.filter((x) => x !== 'files.csv' && x !== 'manual_changes.csv')) expect(fs.existsSync(path.join(dir, f))).toBe(true);
    expect(fs.readFileSync(path.join(dir, 'unsupported_api.csv'), 'utf8')).toBe(
      'File,Start Line,End Line,OP,Tips\n' +
        'prof.py,2,2,torch.cuda.nvtx.range_push,"use torch_npu.npu.mstx (mark, range_push, range_pop, range_start, range_end, mstx_range) for NPU profiler ranges"\n',
    );
    const json = JSON.parse(fs.readFileSync(path.join(dir, 'findings.json'), 'utf8'));
    expect(json.findings.map((f: { rule: string; source: string }) => [f.rule, f.source])).toEqual([['cuda-api-to-npu/no-npu-twin', 'cuda-api-to-npu']]);
  });

  it('diff does not analyse', () => {
    write('repo/prof.py', 'import torch\ntorch.cuda.nvtx.range_push("x")\n');
    const r = cli(['diff', path.join(tmp, 'repo')]);
    expect(r.stderr).not.toMatch(/analysis/);
  });
});
