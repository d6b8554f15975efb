/**
 * End to end (issue 13, item 1): a tree with a notebook through the built CLI:
 * the notebook is converted next to the Python files, its records are in
 * change_list.csv / manual_changes.csv on .ipynb lines, changes.patch applies
 * with `git apply`, and `ascendify diff` shows it. `npm test` builds dist/ first.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { hasNbformat, nbformatErrors } from './python';
import { cli } from './cli-run';

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ascendify-nb-cli-'));
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

function write(rel: string, content: string): void {
  const p = path.join(tmp, rel);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, content);
}

const code = (source: string[], count: number | null = null, outputs: unknown[] = []) => ({
  cell_type: 'code',
  execution_count: count,
  metadata: {},
  outputs,
  source,
});

/** nbformat's layout: json.dumps(indent=1, sort_keys=True) and a final newline. */
const NOTEBOOK =
  JSON.stringify(
    {
      cells: [
        { cell_type: 'markdown', metadata: {}, source: ['# Training on one GPU'] },
        code(['!nvidia-smi\n', '!nvidia-smi -L\n', 'import torch as th']),
        code(['model = th.nn.Linear(4, 2).cuda()\n', 'print(model)'], 2, [{ name: 'stdout', output_type: 'stream', text: ['Linear(in_features=4, out_features=2)\n'] }]),
      ],
      metadata: { kernelspec: { display_name: 'Python 3', language: 'python', name: 'python3' } },
      nbformat: 4,
      nbformat_minor: 5,
    },
    null,
    1,
  ) + '\n';

const CONVERTED = NOTEBOOK.replace('    "import torch as th"\n', '    "import torch as th\\n",\n    "import torch_npu"\n')
  .replace('th.nn.Linear(4, 2).cuda()', 'th.nn.Linear(4, 2).npu()')
  .replace('"!nvidia-smi\\n"', '"!npu-smi info\\n"');

describe('notebooks through the CLI', () => {
  it('converts the notebook, reports it on .ipynb lines, and writes a patch that git applies', () => {
    write('repo/nb/train.ipynb', NOTEBOOK);
    write('repo/util.py', 'x = 1\n');
    const src = path.join(tmp, 'repo');
    const out = path.join(tmp, 'out');
    const r = cli(['convert', src, '-o', out, '-q']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(CONVERTED).not.toBe(NOTEBOOK);
    expect(fs.readFileSync(path.join(out, 'nb/train.ipynb'), 'utf8')).toBe(CONVERTED);
    expect(fs.readFileSync(path.join(src, 'nb/train.ipynb'), 'utf8')).toBe(NOTEBOOK);

    const lines = NOTEBOOK.split('\n');
    const lineOf = (s: string) => lines.findIndex((l) => l.includes(s)) + 1;
    const report = path.join(out, 'ascendify-report');
    expect(fs.readFileSync(path.join(report, 'change_list.csv'), 'utf8')).toBe(
      'File,Start Line,End Line,Operation Type,Message\n' +
        `nb/train.ipynb,${lineOf('!nvidia-smi\\n')},${lineOf('!nvidia-smi\\n')},MODIFY,"cell 2, line 1: nvidia-smi → npu-smi info"\n` +
        `nb/train.ipynb,${lineOf('import torch as th')},${lineOf('import torch as th')},INSERT,"cell 2, line 3: import torch_npu"\n` +
        `nb/train.ipynb,${lineOf('.cuda()')},${lineOf('.cuda()')},MODIFY,"cell 3, line 1: th.nn.Linear(4, 2).cuda() → th.nn.Linear(4, 2).npu()"\n`,
    );
    const manual = fs.readFileSync(path.join(report, 'manual_changes.csv'), 'utf8');
    expect(manual).toContain(`nb/train.ipynb,${lineOf('!nvidia-smi -L')},`);
    expect(manual).toContain('cell 2, line 2: nvidia-smi: not rewritten (it has options or arguments)');

    const copy = path.join(tmp, 'copy');
    fs.cpSync(src, copy, { recursive: true });
    const g = spawnSync('git', ['apply', '-p1', path.join(report, 'changes.patch')], { cwd: copy, encoding: 'utf8' });
    expect(g.stderr).toBe('');
    expect(g.status).toBe(0);
    expect(fs.readFileSync(path.join(copy, 'nb/train.ipynb'), 'utf8')).toBe(CONVERTED);
    if (hasNbformat() || process.env.CI === '1') expect(nbformatErrors([path.join(out, 'nb/train.ipynb')])).toEqual([]);
  });

  it('`ascendify diff` shows the notebook change and writes nothing', () => {
    write('repo/train.ipynb', NOTEBOOK);
    const r = cli(['diff', path.join(tmp, 'repo')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(
      [
        'diff --git a/train.ipynb b/train.ipynb',
        '--- a/train.ipynb',
        '+++ b/train.ipynb',
        '@@ -13,9 +13,10 @@',
        '    "metadata": {},',
        '    "outputs": [],',
        '    "source": [',
        '-    "!nvidia-smi\\n",',
        '+    "!npu-smi info\\n",',
        '     "!nvidia-smi -L\\n",',
        '-    "import torch as th"',
        '+    "import torch as th\\n",',
        '+    "import torch_npu"',
        '    ]',
        '   },',
        '   {',
        '@@ -32,7 +33,7 @@',
        '     }',
        '    ],',
        '    "source": [',
        '-    "model = th.nn.Linear(4, 2).cuda()\\n",',
        '+    "model = th.nn.Linear(4, 2).npu()\\n",',
        '     "print(model)"',
        '    ]',
        '   }',
        '',
      ].join('\n'),
    );
    expect(fs.readdirSync(tmp)).toEqual(['repo']);
  });

  it('--in-place rewrites the notebook, and a second run changes nothing', () => {
    write('repo/train.ipynb', NOTEBOOK);
    const src = path.join(tmp, 'repo');
    expect(cli(['convert', src, '--in-place', '--allow-dirty', '-q']).code).toBe(0);
    expect(fs.readFileSync(path.join(src, 'train.ipynb'), 'utf8')).toBe(CONVERTED);
    const again = cli(['diff', src, '-q']);
    expect(again).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('a notebook that is not JSON is failed with its reason and copied unchanged', () => {
    write('repo/bad.ipynb', '{"cells": [');
    const out = path.join(tmp, 'out');
    const r = cli(['convert', path.join(tmp, 'repo'), '-o', out]);
    expect(r.code).toBe(2);
    expect(r.stdout + r.stderr).toContain('bad.ipynb');
    expect(fs.readFileSync(path.join(out, 'bad.ipynb'), 'utf8')).toBe('{"cells": [');
    expect(fs.readFileSync(path.join(out, 'ascendify-report/files.csv'), 'utf8')).toMatch(/bad\.ipynb,failed,.*notebook is not valid JSON/);
  });
});
