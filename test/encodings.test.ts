/**
 * PEP 263 files through the runner: converted in their own codec, byte-exact
 * outside the edits, a patch `git apply` accepts against the original bytes,
 * and the files that cannot be converted reported failed and copied unchanged.
 * Byte sequences are written out by hand (GBK and cp1252 from CPython's codecs).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEFAULT_MAX_FILE_SIZE } from '../src/runner/convert-file';
import { selectPassIds } from '../src/runner/passes';
import { run } from '../src/runner/run';
import { cpythonParseErrors } from './python';

const engine = { passIds: selectPassIds(), unsafe: false, transferToNpu: false, maxFileSize: DEFAULT_MAX_FILE_SIZE, analysis: false };
const hex = (h: string) => Buffer.from(h.replace(/\s+/g, ''), 'hex');
const bytes = (...parts: (string | Buffer)[]) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : p)));

// 训练脚本 d1b5c1b7bdc5b1be, 设备 c9e8b1b8, 当前设备 b5b1c7b0c9e8b1b8
const GBK_IN = bytes(
  '# -*- coding: gbk -*-\n# ', hex('d1b5c1b7bdc5b1be'), '\nimport torch\n\n',
  'def main():\n    print("', hex('c9e8b1b8'), '", torch.cuda.current_device())  # ', hex('b5b1c7b0c9e8b1b8'), '\n',
  '    torch.cuda.synchronize()\n',
);
const GBK_OUT = bytes(
  '# -*- coding: gbk -*-\n# ', hex('d1b5c1b7bdc5b1be'), '\nimport torch\nimport torch_npu\n\n',
  'def main():\n    print("', hex('c9e8b1b8'), '", torch.npu.current_device())  # ', hex('b5b1c7b0c9e8b1b8'), '\n',
  '    torch.npu.synchronize()\n',
);
// café € in cp1252: 63 61 66 e9 20 80; CRLF line endings
const CP1252_IN = bytes('# coding: cp1252\r\nimport torch\r\nx = "caf', hex('e9'), ' ', hex('80'), '"; torch.cuda.empty_cache()\r\n');
const CP1252_OUT = bytes('# coding: cp1252\r\nimport torch\r\nimport torch_npu\r\nx = "caf', hex('e9'), ' ', hex('80'), '"; torch.npu.empty_cache()\r\n');
// naïve in latin-1: 6e 61 ef 76 65; no newline at the end
const LATIN1_IN = bytes('#!/usr/bin/env python\n# -*- coding: latin-1 -*-\nimport torch  # na', hex('ef'), 've\nt = torch.zeros(2).cuda()');
const LATIN1_OUT = bytes('#!/usr/bin/env python\n# -*- coding: latin-1 -*-\nimport torch  # na', hex('ef'), 've\nimport torch_npu\nt = torch.zeros(2).npu()');

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ascendify-enc-'));
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

function tree(files: Record<string, Buffer>): string {
  const src = path.join(tmp, 'repo');
  for (const [rel, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(src, rel)), { recursive: true });
    fs.writeFileSync(path.join(src, rel), content);
  }
  return src;
}

describe('PEP 263 files', () => {
  it('converts GBK, cp1252 and latin-1 files in their own codec, byte-exact elsewhere', async () => {
    const src = tree({ 'gbk.py': GBK_IN, 'cp1252.py': CP1252_IN, 'latin1.py': LATIN1_IN });
    const out = path.join(tmp, 'out');
    const r = await run({ src, out, mode: 'convert', engine });
    expect(r.files).toEqual([
      { rel: 'cp1252.py', status: 'changed' },
      { rel: 'gbk.py', status: 'changed' },
      { rel: 'latin1.py', status: 'changed' },
    ]);
    expect(fs.readFileSync(path.join(out, 'gbk.py'))).toEqual(GBK_OUT);
    expect(fs.readFileSync(path.join(out, 'cp1252.py'))).toEqual(CP1252_OUT);
    expect(fs.readFileSync(path.join(out, 'latin1.py'))).toEqual(LATIN1_OUT);
    // CPython reads the outputs in their declared codecs and parses them
    expect(cpythonParseErrors(['gbk.py', 'cp1252.py', 'latin1.py'].map((f) => path.join(out, f)))).toEqual([]);
    // a second run changes nothing
    const again = await run({ src: out, mode: 'diff', engine });
    expect(again.patch.length).toBe(0);
    expect(again.files.map((f) => f.status)).toEqual(['unchanged', 'unchanged', 'unchanged']);
  });

  it('writes each file\'s diff in its own bytes, and `git apply` turns the originals into the output', async () => {
    const src = tree({ 'gbk.py': GBK_IN, 'cp1252.py': CP1252_IN, 'latin1.py': LATIN1_IN, 'utf8.py': Buffer.from('# 中文\nimport torch\ntorch.cuda.synchronize()\n') });
    const r = await run({ src, mode: 'diff', engine });
    // the GBK hunk, in GBK bytes
    expect(r.patch.includes(bytes('-    print("', hex('c9e8b1b8'), '", torch.cuda.current_device())  # ', hex('b5b1c7b0c9e8b1b8'), '\n'))).toBe(true);
    expect(r.patch.includes(bytes('+    print("', hex('c9e8b1b8'), '", torch.npu.current_device())  # ', hex('b5b1c7b0c9e8b1b8'), '\n'))).toBe(true);
    // the UTF-8 file's hunk stays UTF-8
    expect(r.patch.includes(Buffer.from(' # 中文\n'))).toBe(true);
    const patchFile = path.join(tmp, 'changes.patch');
    fs.writeFileSync(patchFile, r.patch);
    const copy = path.join(tmp, 'copy');
    fs.cpSync(src, copy, { recursive: true });
    const g = spawnSync('git', ['apply', '-p1', patchFile], { cwd: copy, encoding: 'utf8' });
    expect(g.stderr).toBe('');
    expect(g.status).toBe(0);
    expect(fs.readFileSync(path.join(copy, 'gbk.py'))).toEqual(GBK_OUT);
    expect(fs.readFileSync(path.join(copy, 'cp1252.py'))).toEqual(CP1252_OUT);
    expect(fs.readFileSync(path.join(copy, 'latin1.py'))).toEqual(LATIN1_OUT);
    expect(fs.readFileSync(path.join(copy, 'utf8.py'), 'utf8')).toBe('# 中文\nimport torch\nimport torch_npu\ntorch.npu.synchronize()\n');
    // and `git apply --check` refuses it against the UTF-8 transcoding of the GBK file: the patch is in the file's bytes
    fs.writeFileSync(path.join(copy, 'gbk.py'), '# -*- coding: gbk -*-\n# 训练脚本\nimport torch\n\ndef main():\n    print("设备", torch.cuda.current_device())  # 当前设备\n    torch.cuda.synchronize()\n');
    const check = spawnSync('git', ['apply', '--check', '-p1', '--include=gbk.py', patchFile], { cwd: copy, encoding: 'utf8' });
    expect(check.stderr).toMatch(/patch does not apply/);
  });

  it('`ascendify diff` prints the GBK diff in GBK bytes, which `git apply` takes', () => {
    const src = tree({ 'gbk.py': GBK_IN });
    const bin = path.join(__dirname, '..', 'bin', 'ascendify.js');
    const d = spawnSync(process.execPath, [bin, 'diff', src, '-q'], { env: { ...process.env, NO_COLOR: '1' } });
    expect(d.status).toBe(1);
    const patchFile = path.join(tmp, 'stdout.patch');
    fs.writeFileSync(patchFile, d.stdout);
    const g = spawnSync('git', ['apply', '-p1', patchFile], { cwd: src, encoding: 'utf8' });
    expect(g.stderr).toBe('');
    expect(fs.readFileSync(path.join(src, 'gbk.py'))).toEqual(GBK_OUT);
  });

  it('fails what cannot be converted, with the reason, and copies it unchanged', async () => {
    const files = {
      'bom_gbk.py': bytes(hex('efbbbf'), '# coding: gbk\nimport torch\ntorch.cuda.synchronize()\n'),
      'gbk_says_utf8.py': bytes('# -*- coding: utf-8 -*-\n# ', hex('d1b5c1b7'), '\nimport torch\ntorch.cuda.synchronize()\n'),
      'klingon.py': bytes('# coding: klingon\nimport torch\ntorch.cuda.synchronize()\n'),
      'not_gbk.py': bytes('# coding: gbk\nimport torch\n# ', hex('ff41'), '\ntorch.cuda.synchronize()\n'),
      'undeclared.py': bytes('# ', hex('d1b5c1b7'), '\nimport torch\ntorch.cuda.synchronize()\n'),
      'utf16.py': Buffer.from('\ufeffimport torch\ntorch.cuda.synchronize()\n', 'utf16le'),
    };
    const src = tree(files);
    const out = path.join(tmp, 'out');
    const r = await run({ src, out, mode: 'convert', engine });
    const suffix = '; copied unchanged';
    expect(r.files).toEqual([
      { rel: 'bom_gbk.py', status: 'failed', reason: 'declares PEP 263 encoding "gbk" after a UTF-8 byte-order mark (Python rejects this: encoding problem)' + suffix },
      { rel: 'gbk_says_utf8.py', status: 'failed', reason: 'declares PEP 263 encoding "utf-8" but is not valid UTF-8' + suffix },
      { rel: 'klingon.py', status: 'failed', reason: 'declares PEP 263 encoding "klingon", which ascendify does not know (Python would reject an unknown encoding too)' + suffix },
      { rel: 'not_gbk.py', status: 'failed', reason: 'declares PEP 263 encoding "gbk" but is not lossless gbk (line 3 is not valid gbk or does not encode back to the same bytes)' + suffix },
      { rel: 'undeclared.py', status: 'failed', reason: 'not valid UTF-8' + suffix },
      { rel: 'utf16.py', status: 'failed', reason: 'UTF-16 encoded; Python reads source as UTF-8 or a PEP 263 ASCII-compatible encoding' + suffix },
    ]);
    for (const [rel, content] of Object.entries(files)) expect(fs.readFileSync(path.join(out, rel))).toEqual(content);
    expect(r.patch.length).toBe(0);
  });
});
