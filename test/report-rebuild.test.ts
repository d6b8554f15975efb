/**
 * The report files and the page are written in pieces, and after a run the page
 * is made from the documents the JSON files are written from, never from their
 * text (issue 11). This checks, on real runs, what that must not change:
 *
 * - `ascendify report <dir>` (the files read back and parsed) writes the very
 *   bytes of the page the run wrote: every golden sample converted, a sample
 *   analysed, and a repository with what the page treats apart (a failed file,
 *   a GBK-encoded file whose diff is not UTF-8, a support file, hostile names
 *   and text, U+2028 in code);
 * - every JSON report file is exactly `JSON.stringify(doc, null, 2) + '\n'` of
 *   what it holds (the pieces join into the same text as one stringify);
 * - the page of a document equals the page of that document written as JSON
 *   and parsed back, for documents with what JSON changes or drops.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main, type Io } from '../src/cli';
import { encodeText } from '../src/python/source';
import { reportPage, type ChangesDoc, type FindingsDoc, type PageSources } from '../src/report/page';
import { goldenRoot, sampleArgs, samples } from '../scripts/golden';

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ascendify-rebuild-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: Io = { stdout: (s) => (stdout += String(s)), stderr: (s) => (stderr += s), isTTY: false };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

/** The page the run wrote equals the one `ascendify report` rebuilds; the JSON files are one JSON.stringify each. */
async function expectRebuiltAlike(dir: string): Promise<void> {
  for (const name of ['changes.json', 'findings.json', 'findings.sarif']) {
    const file = path.join(dir, name);
    if (!fs.existsSync(file)) continue;
    const text = fs.readFileSync(file, 'utf8');
    expect({ name, text }).toEqual({ name, text: JSON.stringify(JSON.parse(text), null, 2) + '\n' });
  }
  const written = fs.readFileSync(path.join(dir, 'index.html'));
  fs.rmSync(path.join(dir, 'index.html'));
  const r = await run(['report', dir]);
  expect(r).toEqual({ code: 0, stdout: `ascendify report: wrote ${path.join(fs.realpathSync(dir), 'index.html')}\n`, stderr: '' });
  const rebuilt = fs.readFileSync(path.join(dir, 'index.html'));
  expect(rebuilt.length).toBe(written.length);
  expect(rebuilt.equals(written)).toBe(true);
}

describe.each(samples())('golden/%s', (sample) => {
  it('convert: the page rebuilt from the report files is the page the run wrote, byte for byte', async () => {
    const out = path.join(tmp, `${sample}-out`);
    const r = await run(['convert', path.join(goldenRoot(), sample, 'input'), '-o', out, '-q', ...sampleArgs(sample)]);
    expect(r.stderr).toBe('');
    await expectRebuiltAlike(path.join(out, 'ascendify-report'));
  });
});

it('analyze: the page rebuilt from findings.json, files.csv and summary.md is the page the run wrote', async () => {
  const dir = path.join(tmp, 'analyze-report');
  const r = await run(['analyze', path.join(goldenRoot(), 'llm-custom-ops', 'input'), '--report-dir', dir, '-q']);
  expect(r.stderr).toBe('');
  await expectRebuiltAlike(dir);
});

it('a repository with a failed file, a GBK file, a support file, hostile names and U+2028: the same page rebuilt', async () => {
  const src = path.join(tmp, 'hostile');
  const put = (rel: string, data: string | Buffer) => {
    fs.mkdirSync(path.dirname(path.join(src, rel)), { recursive: true });
    fs.writeFileSync(path.join(src, rel), data);
  };
  put('train.py', 'import torch\nimport torch.nn as nn\n\nmodel = nn.DataParallel(nn.Linear(2, 2)).cuda()\ns = "</script><!-- \u2028 \u2029 é"\ntorch.cuda.synchronize()\nx = torch.ones(2).to(0)\n');
  put('</script><img src=x onerror=alert(1)>.py', 'import torch\ntorch.cuda.empty_cache()\n');
  put('pkg/gbk.py', encodeText('# -*- coding: gbk -*-\nimport torch\ns = "中文"  # 训练\ntorch.cuda.synchronize()\n', 'gbk'));
  put('pkg/broken.py', 'import torch\ndef f(:\n    torch.cuda.synchronize()\n');
  put('run.sh', '#!/bin/bash\nCUDA_VISIBLE_DEVICES=0 python train.py\n');
  put('requirements.txt', 'torch==2.1.0\nflash-attn\n');
  const out = path.join(tmp, 'hostile-out');
  const r = await run(['convert', src, '-o', out, '-q', '--transfer-to-npu']);
  expect(r.code).toBe(2); // pkg/broken.py failed
  const dir = path.join(out, 'ascendify-report');
  const changes = JSON.parse(fs.readFileSync(path.join(dir, 'changes.json'), 'utf8')) as ChangesDoc;
  expect(changes.files).toContainEqual(expect.objectContaining({ file: 'pkg/broken.py', status: 'failed' }));
  expect(changes.changes.map((c) => c.file)).toEqual(expect.arrayContaining(['ascendify_ddp.py', 'pkg/gbk.py', 'train.py', '</script><img src=x onerror=alert(1)>.py']));
  expect(fs.readFileSync(path.join(dir, 'changes.patch')).includes(encodeText('训练', 'gbk'))).toBe(true);
  await expectRebuiltAlike(dir);
});

describe('the page of a document and of that document parsed back', () => {
  const changes = {
    tool: 'ascendify',
    version: 'x',
    options: { passes: ['cuda-api-to-npu', 'cuda-device-to-npu'], unsafe: false, transferToNpu: true },
    summary: { scanned: 2, changed: 1, unchanged: 0, skipped: 0, failed: 1, changes: 2, changesByPass: { 'cuda-api-to-npu': 1, '10': 1 }, manual: 1, unsafe: 1, extra: undefined },
    files: [
      { file: 'a\u2028b.py', status: 'changed' },
      { file: 'bad.py', status: 'failed', reason: 'lone \ud800 surrogate' },
    ],
    changes: [
      { file: 'a\u2028b.py', startLine: 1, endLine: 1, operation: 'MODIFY', message: '"</script>" → \udfff', pass: 'cuda-api-to-npu', rule: 'cuda-api-to-npu/rename', safety: 'safe', note: undefined },
      { file: 'new.py', startLine: 1, endLine: 1, operation: 'INSERT', message: 'new file new.py', pass: '10', rule: '10', safety: 'safe' },
    ],
    manual: [
      { file: 'a\u2028b.py', startLine: 2, endLine: 3, level: 'unsafe' as const, pass: 'cuda-device-to-npu', rule: 'cuda-device-to-npu/int-device', message: '.to(0) <!--', hint: undefined },
      { file: 'c.py', startLine: 4, endLine: 4, level: 'manual' as const, pass: 'cuda-api-to-npu', rule: 'cuda-api-to-npu/no-npu-twin', message: 'no twin', hint: 'h\u2029' },
    ],
    notes: [{ file: 'bad.py', level: 'error', passId: undefined, message: 'cannot parse' }],
  };
  const findings = {
    tool: 'ascendify',
    version: 'x',
    summary: { total: 1, byLevel: { info: 0, warning: 1, error: 0 }, estimatedMinutes: 5 },
    rules: [{ id: 'scripts/cuda-env', title: 'CUDA_VISIBLE_DEVICES' }],
    findings: [{ rule: 'scripts/cuda-env', category: 'scripts-configs', level: 'warning', file: 'run.sh', startLine: 1, endLine: 1, subject: 'CUDA_VISIBLE_DEVICES', message: 'm', hint: 'h', equivalent: undefined, source: 'analysis' }],
  };
  const parsed = <T>(doc: T): T => JSON.parse(JSON.stringify(doc)) as T;
  const patch = Buffer.from('diff --git a/new.py b/new.py\nnew file mode 100644\n--- /dev/null\n+++ b/new.py\n@@ -0,0 +1 @@\n+x = "</script>"\n');

  it.each<[string, PageSources]>([
    ['convert', { changes: changes as ChangesDoc, findings: findings as FindingsDoc, patch }],
    ['convert without findings.json', { changes: changes as ChangesDoc, patch }],
    ['analyze', { findings: findings as FindingsDoc, filesCsv: 'File,Status,Reason\nbad.py,failed,x\n', summaryMd: '# Migration analysis: r\n\nAnalysed 3 Python files and 1 other file (ascendify x): 1 finding.\n' }],
  ])('%s', (_, src) => {
    const again = { ...src, ...(src.changes ? { changes: parsed(src.changes) } : {}), ...(src.findings ? { findings: parsed(src.findings) } : {}) };
    expect(reportPage(src)).toBe(reportPage(again));
  });
});
