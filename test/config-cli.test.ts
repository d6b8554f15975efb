/**
 * End to end: the project config (ascendify.toml / [tool.ascendify]) with the
 * built CLI on temporary trees (docs/config.md).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { treeHash } from './tree-hash';
import { cli } from './cli-run';

let tmp: string;
let src: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ascendify-config-cli-'));
  src = path.join(tmp, 'repo');
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

function write(rel: string, content: string | Buffer): string {
  const p = path.join(src, rel);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, content);
  return p;
}

const ISSUE_CONFIG = 'exclude = ["third_party/**"]\n[mappings]\n"mylib.cuda_sync" = "mylib.npu_sync"\n';
const USES = 'import mylib\nfrom mylib import cuda_sync as s\n\nmylib.cuda_sync()\ns()\n';
const VENDORED = 'import mylib\nimport torch\n\nmylib.cuda_sync()\ntorch.cuda.synchronize()\n';

function tree(config: { file: string; text: string }) {
  write(config.file, config.text);
  write('train.py', USES);
  write('third_party/vendor/ops.py', VENDORED);
  write('third_party/data.bin', Buffer.from([0, 255, 13, 10]));
}

describe('project config: the issue example', () => {
  it.each([
    ['ascendify.toml', { file: 'ascendify.toml', text: ISSUE_CONFIG }],
    [
      'pyproject.toml [tool.ascendify]',
      {
        file: 'pyproject.toml',
        text: '[project]\nname = "demo"\n\n[tool.ascendify]\nexclude = ["third_party/**"]\n\n[tool.ascendify.mappings]\n"mylib.cuda_sync" = "mylib.npu_sync"\n',
      },
    ],
  ])('%s: mappings converted and recorded, excluded files copied byte for byte', (_name, config) => {
    tree(config);
    const before = treeHash(src);
    const out = path.join(tmp, 'out');
    const r = cli(['convert', src, '-o', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(treeHash(src)).toBe(before);
    expect(fs.readFileSync(path.join(out, 'train.py'), 'utf8')).toBe('import mylib\nfrom mylib import npu_sync as s\n\nmylib.npu_sync()\ns()\n');
    // excluded: copied byte-identical, not converted, not analysed
    expect(fs.readFileSync(path.join(out, 'third_party/vendor/ops.py'), 'utf8')).toBe(VENDORED);
    expect(fs.readFileSync(path.join(out, 'third_party/data.bin'))).toEqual(Buffer.from([0, 255, 13, 10]));
    expect(fs.readFileSync(path.join(out, config.file), 'utf8')).toBe(config.text);
    const report = path.join(out, 'ascendify-report');
    expect(fs.readFileSync(path.join(report, 'change_list.csv'), 'utf8')).toBe(
      'File,Start Line,End Line,Operation Type,Message\n' +
        'train.py,2,2,MODIFY,from mylib import cuda_sync → npu_sync\n' +
        'train.py,4,4,MODIFY,mylib.cuda_sync → mylib.npu_sync\n',
    );
    expect(fs.readFileSync(path.join(report, 'files.csv'), 'utf8')).toContain(
      `third_party/vendor/ops.py,skipped,"excluded by ${config.file === 'ascendify.toml' ? 'ascendify.toml' : 'pyproject.toml [tool.ascendify]'} (exclude ""third_party/**""); copied unchanged"\n`,
    );
    const findings = JSON.parse(fs.readFileSync(path.join(report, 'findings.json'), 'utf8')) as { findings: { file: string }[] };
    expect(findings.findings.filter((f) => f.file.startsWith('third_party/'))).toEqual([]);
    expect(fs.readFileSync(path.join(report, 'changes.patch'), 'utf8')).toContain('-mylib.cuda_sync()\n+mylib.npu_sync()\n');
    expect(r.stdout).toMatch(/changes\s+2 \(custom-mappings 2\)/);
    expect(r.stdout).toMatch(/left out\s+1 file /);

    // the output again: nothing left to change
    const again = cli(['diff', out]);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe('');
  });
});

describe('project config: other file kinds', () => {
  it('mappings apply in notebook code cells too', () => {
    write('ascendify.toml', ISSUE_CONFIG);
    const nb = {
      cells: [{ cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source: ['import mylib\n', 'mylib.cuda_sync()\n'] }],
      metadata: {},
      nbformat: 4,
      nbformat_minor: 5,
    };
    write('demo.ipynb', JSON.stringify(nb, null, 1) + '\n');
    const r = cli(['diff', src]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('-    "mylib.cuda_sync()\\n"\n+    "mylib.npu_sync()\\n"\n');
  });
});

describe('project config: refusals', () => {
  it.each([
    ['an unknown key', 'exlude = ["x"]\n', 'ascendify: ascendify.toml: unknown key "exlude" (known: include, exclude,'],
    ['a target that is not a dotted name', '[mappings]\n"mylib.cuda_sync" = "mylib/npu_sync"\n', 'ascendify: ascendify.toml: mappings."mylib.cuda_sync": the target "mylib/npu_sync" is not a dotted Python name'],
    ['a glob that is not a string', 'exclude = [1]\n', 'ascendify: ascendify.toml: exclude[0]: must be a glob string, not a number'],
    ['broken TOML', 'exclude = ["x"\n', 'ascendify: ascendify.toml: not valid TOML:'],
  ])('%s: one line on stderr, exit 3, nothing written', (_name, text, want) => {
    write('ascendify.toml', text);
    write('train.py', USES);
    const out = path.join(tmp, 'out');
    for (const args of [['convert', src, '-o', out], ['analyze', src], ['diff', src], ['convert', src, '--in-place']]) {
      const before = treeHash(src);
      const r = cli(args);
      expect(r.code).toBe(3);
      expect(r.stderr.startsWith(want)).toBe(true);
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(r.stdout).toBe('');
      expect(fs.readdirSync(tmp).sort()).toEqual(['repo']);
      expect(treeHash(src)).toBe(before);
    }
  });

  it('--no-config ignores a broken config; --config names another file', () => {
    write('ascendify.toml', 'exlude = 1\n');
    write('train.py', USES);
    expect(cli(['diff', src, '--no-config']).code).toBe(0);
    const team = path.join(tmp, 'team.toml');
    fs.writeFileSync(team, '[mappings]\n"mylib.cuda_sync" = "mylib.npu_sync"\n');
    const r = cli(['diff', src, '--config', team]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('+from mylib import npu_sync as s\n');
    expect(cli(['diff', src, '--config', path.join(tmp, 'missing.toml')]).code).toBe(3);
  });
});

describe('project config: .gitignore and options', () => {
  it('honours .gitignore by default; --no-gitignore and gitignore = false convert the files', () => {
    write('.gitignore', 'build/\n*_gen.py\n!keep_gen.py\n');
    write('train.py', VENDORED);
    write('build/lib/copy.py', VENDORED);
    write('pkg/a_gen.py', VENDORED);
    write('pkg/keep_gen.py', VENDORED);
    const out = path.join(tmp, 'out');
    const r = cli(['convert', src, '-o', out]);
    expect(r.code).toBe(0);
    expect(fs.readFileSync(path.join(out, 'build/lib/copy.py'), 'utf8')).toBe(VENDORED);
    expect(fs.readFileSync(path.join(out, 'pkg/a_gen.py'), 'utf8')).toBe(VENDORED);
    expect(fs.readFileSync(path.join(out, 'pkg/keep_gen.py'), 'utf8')).toContain('torch.npu.synchronize()');
    expect(fs.readFileSync(path.join(out, 'train.py'), 'utf8')).toContain('torch.npu.synchronize()');
    const files = fs.readFileSync(path.join(out, 'ascendify-report', 'files.csv'), 'utf8');
    expect(files).toContain('build/lib/copy.py,skipped,"ignored by .gitignore (""build/""); copied unchanged"\n');
    expect(files).toContain('pkg/a_gen.py,skipped,"ignored by .gitignore (""*_gen.py""); copied unchanged"\n');

    const all = cli(['diff', src, '--no-gitignore']);
    expect(all.code).toBe(1);
    expect(all.stdout).toContain('+++ b/build/lib/copy.py\n');
    expect(all.stdout).toContain('+++ b/pkg/a_gen.py\n');

    write('ascendify.toml', 'gitignore = false\n');
    expect(cli(['diff', src]).stdout).toContain('+++ b/build/lib/copy.py\n');
    // the option wins over the config
    expect(cli(['diff', src, '--gitignore']).stdout).not.toContain('build/lib/copy.py');
  });

  it('passes, unsafe, include from the config; command-line options win', () => {
    write('ascendify.toml', 'include = ["src/**"]\n[passes]\nskip = ["inject-torch-npu"]\n');
    write('src/m.py', VENDORED);
    write('tools/t.py', VENDORED);
    const r = cli(['diff', src]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('+++ b/src/m.py\n');
    expect(r.stdout).not.toContain('tools/t.py');
    expect(r.stdout).not.toContain('import torch_npu');
    expect(cli(['diff', src, '--skip', 'cuda-device-to-npu']).stdout).toContain('+import torch_npu\n');
  });

  it('[severity] changes a finding\'s level for the reports and --fail-on; [third_party] adds packages', () => {
    write('train.py', 'import fastops\nimport torch\n\nfastops.run(torch.ones(1))\n');
    write('requirements.txt', 'fastops-cuda==1.0\n');
    const rep = path.join(tmp, 'rep');
    // without a config, fastops is nobody's business
    expect(cli(['analyze', src, '--report-dir', rep, '--fail-on', 'warning']).code).toBe(0);
    write('ascendify.toml', '[third_party]\n"fastops-cuda" = { hint = "use fastops-npu", level = "warning", modules = ["fastops"] }\n');
    expect(cli(['analyze', src, '--report-dir', rep, '--fail-on', 'warning']).code).toBe(1);
    expect(cli(['analyze', src, '--report-dir', rep, '--fail-on', 'error']).code).toBe(0);
    const csv = fs.readFileSync(path.join(rep, 'third_party.csv'), 'utf8');
    expect(csv).toContain('requirements.txt,1,1,fastops-cuda,use fastops-npu\n');
    expect(csv).toContain('train.py,1,1,fastops-cuda,use fastops-npu\n');
    fs.appendFileSync(path.join(src, 'ascendify.toml'), '[severity]\n"third-party/requirement" = "error"\n');
    expect(cli(['analyze', src, '--report-dir', rep, '--fail-on', 'error']).code).toBe(1);
  });
});
