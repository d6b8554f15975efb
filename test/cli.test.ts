/**
 * End to end: the built CLI (bin/ascendify.js → dist/), run as a user runs it,
 * on temporary trees. `npm test` builds dist/ first.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { treeHash } from './tree-hash';
import { cli } from './cli-run';

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ascendify-cli-'));
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

function write(rel: string, content: string | Buffer, mode?: number): string {
  const p = path.join(tmp, rel);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, content);
  if (mode !== undefined) fs.chmodSync(p, mode);
  return p;
}

const TRAIN = 'import torch\n\n\ndef main():\n    torch.cuda.synchronize()\n\n\nif __name__ == "__main__":\n    main()\n';

describe('ascendify convert', () => {
  it('writes <src>_npu with converted files, copies the rest, and never touches the source', () => {
    const src = path.join(tmp, 'repo');
    write('repo/train.py', TRAIN);
    write('repo/run.sh', '#!/bin/sh\npython train.py\n', 0o755);
    write('repo/data/img.bin', Buffer.from([0, 1, 2, 255]));
    write('repo/pkg/plain.py', 'x = 1  # no torch here\n');
    const before = treeHash(src);
    const r = cli(['convert', src]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(treeHash(src)).toBe(before);
    const out = `${src}_npu`;
    expect(fs.readFileSync(path.join(out, 'train.py'), 'utf8')).toBe(
      'import torch\nimport torch_npu\n\n\ndef main():\n    torch.npu.synchronize()\n\n\nif __name__ == "__main__":\n    main()\n',
    );
    expect(fs.statSync(path.join(out, 'run.sh')).mode & 0o777).toBe(0o755);
    expect(fs.readFileSync(path.join(out, 'data/img.bin'))).toEqual(Buffer.from([0, 1, 2, 255]));
    expect(fs.readFileSync(path.join(out, 'pkg/plain.py'), 'utf8')).toBe('x = 1  # no torch here\n');
    expect(r.stdout).toMatch(/files\s+3 scanned \(2 Python, 1 shell\): 1 changed, 2 unchanged, 0 skipped, 0 failed/); // run.sh is read by the shell kind (src/kinds/shell.ts)
    expect(r.stdout).toMatch(/changes\s+2 \(cuda-api-to-npu 1, inject-torch-npu 1\)/);

    const report = path.join(out, 'ascendify-report');
    expect(fs.readFileSync(path.join(report, 'change_list.csv'), 'utf8')).toBe(
      'File,Start Line,End Line,Operation Type,Message\n' +
        'train.py,1,1,INSERT,import torch_npu\n' +
        'train.py,5,5,MODIFY,torch.cuda.synchronize → torch.npu.synchronize\n',
    );
    const json = JSON.parse(fs.readFileSync(path.join(report, 'changes.json'), 'utf8'));
    expect(json.changes[1]).toEqual({
      file: 'train.py',
      startLine: 5,
      endLine: 5,
      operation: 'MODIFY',
      message: 'torch.cuda.synchronize → torch.npu.synchronize',
      pass: 'cuda-api-to-npu',
      rule: 'cuda-api-to-npu',
      safety: 'safe',
    });
    expect(JSON.stringify(json)).not.toContain(tmp); // no absolute paths in reports
  });

  it('writes a patch that `git apply -p1` turns the source into the output with', () => {
    const src = path.join(tmp, 'repo');
    write('repo/train.py', TRAIN);
    write('repo/a/b.py', 'import torch as th\r\nth.cuda.empty_cache()\r\n');
    expect(cli(['convert', src, '-o', path.join(tmp, 'out')]).code).toBe(0);
    const copy = path.join(tmp, 'copy');
    fs.cpSync(src, copy, { recursive: true });
    const g = spawnSync('git', ['apply', '-p1', path.join(tmp, 'out/ascendify-report/changes.patch')], { cwd: copy, encoding: 'utf8' });
    expect(g.stderr).toBe('');
    for (const rel of ['train.py', 'a/b.py']) {
      expect(fs.readFileSync(path.join(copy, rel))).toEqual(fs.readFileSync(path.join(tmp, 'out', rel)));
    }
    expect(fs.readFileSync(path.join(tmp, 'out/a/b.py'), 'utf8')).toBe('import torch as th\r\nimport torch_npu\r\nth.npu.empty_cache()\r\n');
  });

  it('keeps a UTF-8 BOM and non-ASCII text', () => {
    const src = path.join(tmp, 'repo');
    write('repo/m.py', '\ufeff# 训练脚本\nimport torch\nx = "é"; torch.cuda.synchronize()\n');
    expect(cli(['convert', src, '-q']).code).toBe(0);
    expect(fs.readFileSync(`${src}_npu/m.py`, 'utf8')).toBe('\ufeff# 训练脚本\nimport torch\nimport torch_npu\nx = "é"; torch.npu.synchronize()\n');
  });

  it('skips bad files with a reason, copies them unchanged and exits 2', () => {
    const src = path.join(tmp, 'repo');
    write('repo/good.py', TRAIN);
    write('repo/broken.py', 'import torch\ndef f(:\n    torch.cuda.synchronize()\n');
    write('repo/latin1.py', Buffer.concat([Buffer.from('# -*- coding: gbk -*-\nimport torch\ns = "'), Buffer.from([0xff, 0x41]), Buffer.from('"\n')]));
    write('repo/blob.py', Buffer.from('import torch\x00\x01torch.cuda', 'latin1'));
    write('repo/huge.py', 'import torch\n' + 'torch.cuda.synchronize()\n'.repeat(100));
    fs.symlinkSync('good.py', path.join(src, 'link.py'));
    const before = treeHash(src);
    const r = cli(['convert', src, '--max-file-size', '1K']);
    expect(r.code).toBe(2);
    expect(treeHash(src)).toBe(before);
    const out = `${src}_npu`;
    for (const f of ['broken.py', 'latin1.py', 'blob.py', 'huge.py']) {
      expect(fs.readFileSync(path.join(out, f))).toEqual(fs.readFileSync(path.join(src, f)));
    }
    expect(fs.readlinkSync(path.join(out, 'link.py'))).toBe('good.py');
    expect(fs.readFileSync(path.join(out, 'good.py'), 'utf8')).toContain('torch.npu.synchronize()');
    expect(r.stdout).toMatch(/6 scanned: 1 changed, 0 unchanged, 2 skipped, 3 failed/);
    const files = fs.readFileSync(path.join(out, 'ascendify-report/files.csv'), 'utf8');
    expect(files).toBe(
      'File,Status,Reason\n' +
        'blob.py,failed,binary file (contains NUL bytes); copied unchanged\n' +
        'broken.py,failed,syntax error at line 2 (file left unchanged)\n' +
        'huge.py,skipped,larger than 1024 bytes (--max-file-size); copied unchanged\n' +
        'latin1.py,failed,"declares PEP 263 encoding ""gbk"" but is not lossless gbk (line 3 is not valid gbk or does not encode back to the same bytes); copied unchanged"\n' +
        'link.py,skipped,"symbolic link; copied as a link, not followed or converted"\n',
    );
  });

  it('refuses an output inside the source, the source inside the output, and a non-empty output', () => {
    const src = path.join(tmp, 'repo');
    write('repo/train.py', TRAIN);
    const inside = cli(['convert', src, '-o', path.join(src, 'out')]);
    expect(inside.code).toBe(3);
    expect(inside.stderr).toMatch(/inside the source/);
    expect(cli(['convert', src, '-o', src]).code).toBe(3);
    expect(cli(['convert', src, '-o', tmp]).stderr).toMatch(/the source .* is inside the output/);
    write('busy/keep.txt', 'mine');
    const busy = cli(['convert', src, '-o', path.join(tmp, 'busy')]);
    expect(busy.code).toBe(3);
    expect(busy.stderr).toMatch(/not empty; pass --force/);
    expect(fs.readdirSync(path.join(tmp, 'busy'))).toEqual(['keep.txt']);
    expect(cli(['convert', src, '-o', path.join(tmp, 'busy'), '--force', '-q']).code).toBe(0);
    expect(fs.readFileSync(path.join(tmp, 'busy/keep.txt'), 'utf8')).toBe('mine');
    expect(fs.existsSync(path.join(src, 'out'))).toBe(false);
  });

  it('converts a single file to <stem>_npu.py', () => {
    const f = write('train.py', TRAIN);
    const r = cli(['convert', f, '-q']);
    expect(r.code).toBe(0);
    expect(fs.readFileSync(path.join(tmp, 'train_npu.py'), 'utf8')).toContain('torch.npu.synchronize()');
    expect(fs.readFileSync(path.join(tmp, 'train_npu.ascendify-report/change_list.csv'), 'utf8')).toMatch(/^File,/);
    expect(fs.readFileSync(f, 'utf8')).toBe(TRAIN);
  });

  it('rewrites in place only when asked, keeping modes', () => {
    const src = path.join(tmp, 'repo');
    write('repo/train.py', TRAIN, 0o750);
    write('repo/plain.py', 'x = 1\n');
    const r = cli(['convert', src, '--in-place', '--report-dir', path.join(tmp, 'rep'), '-q']);
    expect(r.code).toBe(0);
    expect(fs.readFileSync(path.join(src, 'train.py'), 'utf8')).toContain('torch.npu.synchronize()');
    expect(fs.statSync(path.join(src, 'train.py')).mode & 0o777).toBe(0o750);
    expect(fs.readdirSync(src).sort()).toEqual(['plain.py', 'train.py']);
    expect(fs.existsSync(path.join(tmp, 'rep/changes.patch'))).toBe(true);
    expect(cli(['convert', src, '--in-place', '--report-dir', path.join(tmp, 'rep'), '-q']).code).toBe(0);
    expect(fs.readFileSync(path.join(tmp, 'rep/changes.patch'), 'utf8')).toBe('');
  });

  it('honours --only, --skip and rejects unknown pass ids', () => {
    const src = path.join(tmp, 'repo');
    write('repo/train.py', TRAIN);
    const only = cli(['convert', src, '-o', path.join(tmp, 'a'), '--only', 'cuda-api-to-npu', '-q']);
    expect(only.code).toBe(0);
    expect(fs.readFileSync(path.join(tmp, 'a/train.py'), 'utf8')).not.toContain('torch_npu');
    cli(['convert', src, '-o', path.join(tmp, 'b'), '--skip', 'cuda-api-to-npu', '-q']);
    expect(fs.readFileSync(path.join(tmp, 'b/train.py'), 'utf8')).toBe(TRAIN.replace('import torch\n', 'import torch\nimport torch_npu\n'));
    const bad = cli(['convert', src, '--only', 'no-such-pass']);
    expect(bad.code).toBe(3);
    expect(bad.stderr).toMatch(/unknown pass id: no-such-pass \(known: .*cuda-api-to-npu/);
  });
});

describe('ascendify diff', () => {
  it('prints the diff, writes nothing, exits 1 when something would change and 0 when not', () => {
    const src = path.join(tmp, 'repo');
    write('repo/train.py', TRAIN);
    const before = treeHash(tmp);
    const r = cli(['diff', src]);
    expect(r.code).toBe(1);
    expect(treeHash(tmp)).toBe(before);
    expect(r.stdout).toBe(
      [
        'diff --git a/train.py b/train.py',
        '--- a/train.py',
        '+++ b/train.py',
        '@@ -1,8 +1,9 @@',
        ' import torch',
        '+import torch_npu',
        ' ',
        ' ',
        ' def main():',
        '-    torch.cuda.synchronize()',
        '+    torch.npu.synchronize()',
        ' ',
        ' ',
        ' if __name__ == "__main__":',
        '',
      ].join('\n'),
    );
    expect(r.stderr).toMatch(/nothing written/);
    write('clean/a.py', 'import torch\nx = torch.zeros(1)\n');
    const clean = cli(['diff', path.join(tmp, 'clean'), '-q']);
    expect(clean).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('colours the diff on request', () => {
    write('repo/train.py', TRAIN);
    const r = cli(['diff', path.join(tmp, 'repo'), '--color', '-q']);
    expect(r.stdout).toContain('\x1b[32m+    torch.npu.synchronize()\x1b[0m');
  });
});

describe('ascendify passes / --help / --version', () => {
  it('lists every pass with its levels', () => {
    const r = cli(['passes']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^cuda-api-to-npu\s+safe,unsafe,manual\s+torch\.cuda\.X/m);
    expect(r.stdout).toMatch(/^inject-torch-npu\s+safe\s+/m);
  });
  it('prints help and version', () => {
    const help = cli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/ascendify convert <src>/);
    expect(help.stdout).toMatch(/ascendify diff <src>/);
    expect(cli(['--version']).stdout.trim()).toBe(JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')).version);
  });
  it('fails clearly on a missing source and a missing command', () => {
    const r = cli(['convert', path.join(tmp, 'nope')]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/cannot read .*nope: ENOENT/);
    expect(cli([]).code).toBe(3);
  });
});
