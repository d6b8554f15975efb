import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main, type Io } from '../cli';
import { summaryMd } from '../analysis/reports';
import { encodeText } from '../python/source';
import { CLIENT_CSS, CLIENT_JS } from './client';
import { pageModel, parseCsv, reportPage, ruleDoc, scriptJson, splitPatch, summaryFacts, unquoteGitPath, type ChangesDoc } from './page';

/** The model embedded in a page, read back the way the browser does. */
function embedded(html: string) {
  const m = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(html);
  return JSON.parse(m![1]);
}

/** A changes.json document (as the run makes it, or JSON.parse reads it back). */
const changesDoc = (over: Partial<ChangesDoc> = {}) => ({
    tool: 'ascendify',
    version: '9.9.9',
    options: { passes: ['cuda-api-to-npu'], unsafe: false, transferToNpu: false },
    summary: { scanned: 3, changed: 1, unchanged: 1, skipped: 0, failed: 1, changes: 1, changesByPass: { 'cuda-api-to-npu': 1 }, manual: 0, unsafe: 1 },
    files: [
      { file: 'a.py', status: 'changed' },
      { file: 'bad.py', status: 'failed', reason: 'not valid UTF-8' },
    ],
    changes: [{ file: 'a.py', startLine: 2, endLine: 2, operation: 'MODIFY', message: 'torch.cuda.x → torch.npu.x', pass: 'cuda-api-to-npu', rule: 'cuda-api-to-npu/rename', safety: 'safe' }],
    manual: [{ file: 'c.py', startLine: 4, endLine: 4, level: 'unsafe' as const, pass: 'cuda-device-to-npu', rule: 'cuda-device-to-npu/int-device', message: '.to(i)', hint: 'an int?' }],
    notes: [],
    ...over,
  });

describe('scriptJson', () => {
  it('writes no < (so no </script> or <!--) and no line separators, and reads back the same', () => {
    const value = { path: '</script><img src=x onerror=alert(1)>.py', code: '<!-- x -->', sep: 'a\u2028b\u2029c' };
    const s = scriptJson(value);
    expect(s).not.toMatch(/[<\u2028\u2029]/);
    expect(JSON.parse(s)).toEqual(value);
  });
});

describe('the page', () => {
  it('embeds hostile text only inside the JSON, escaped; the script and style are allowed by hash', () => {
    const html = reportPage({
      changes: changesDoc({ files: [{ file: '</script><img src=x onerror=alert(1)>.py', status: 'changed' }] }),
    });
    expect(html.match(/<\/script>/g)).toHaveLength(2); // the data's and the script's own
    expect(html).not.toContain('<img');
    expect(embedded(html).files.map((f: { path: string }) => f.path)).toContain('</script><img src=x onerror=alert(1)>.py');
    expect(html).toMatch(/Content-Security-Policy" content="default-src 'none'; script-src 'sha256-[A-Za-z0-9+/=]+'; style-src 'sha256-/);
  });

  it('is the same bytes for the same report files, and has no timestamp', () => {
    const src = { changes: changesDoc(), patch: Buffer.from('diff --git a/a.py b/a.py\n--- a/a.py\n+++ b/a.py\n@@ -1,2 +1,2 @@\n import torch\n-torch.cuda.x\n+torch.npu.x\n') };
    expect(reportPage(src)).toBe(reportPage({ ...src }));
    expect(reportPage(src)).not.toMatch(/20\d\d-\d\d-\d\d/);
  });

  it('the client script parses, holds no closing script tag and no template syntax', () => {
    expect(() => new Function(CLIENT_JS)).not.toThrow();
    expect(CLIENT_JS).not.toMatch(/<\/script|innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|fetch\(|XMLHttpRequest/i);
    expect(CLIENT_CSS).not.toMatch(/<\/style|url\(|@import/i);
  });
});

describe('pageModel', () => {
  it('lists every file with a status, a change, a record or a diff, sorted; counts from changes.json', () => {
    const m = pageModel({
      changes: changesDoc(),
      patch: Buffer.from('diff --git a/a.py b/a.py\n--- a/a.py\n+++ b/a.py\n@@ -1 +1 @@\n-x\n+y\ndiff --git a/new.py b/new.py\nnew file mode 100644\n--- /dev/null\n+++ b/new.py\n@@ -0,0 +1 @@\n+z\n'),
    });
    expect(m.files.map((f) => [f.path, f.status, f.reason ?? ''])).toEqual([
      ['a.py', 'changed', ''],
      ['bad.py', 'failed', 'not valid UTF-8'],
      ['c.py', 'unchanged', ''],
      ['new.py', 'new', ''],
    ]);
    expect(m.files[0].diff).toContain('+y');
    expect(m.overview).toMatchObject({ scanned: 3, changed: 1, failed: 1, changes: 1, unsafe: 1, byPass: [['cuda-api-to-npu', 1]] });
    // no findings.json: the records of changes.json stand in, with the catalogue's level
    expect(m.findings).toEqual([expect.objectContaining({ file: 2, level: 'warning', conversion: 'unsafe', rule: 'cuda-device-to-npu/int-device', hint: 'an int?' })]);
    expect(m.rules['cuda-device-to-npu/int-device'].doc).toBe('docs/passes.md#cuda-device-to-npu');
    expect(m.commands.map((c) => c.command)).toEqual(['git apply -p1 changes.patch', 'ascendify convert <src> --unsafe --only cuda-api-to-npu']);
  });

  it('analyze (no changes.json): statuses from files.csv, counts from summary.md, no command but --unsafe', () => {
    const findings = [
      { ruleId: 'scripts/cuda-env', category: 'scripts-configs' as const, level: 'warning' as const, file: 'run.sh', startLine: 3, endLine: 3, subject: 'CUDA_VISIBLE_DEVICES', message: 'm', hint: 'h', source: 'analysis' },
    ];
    const md = summaryMd(findings, { name: 'my repo', version: 'x', pythonFiles: 12, otherFiles: 4, failedFiles: 1 });
    const m = pageModel({
      findings: { version: 'x', summary: { total: 1, byLevel: { error: 0, warning: 1, info: 0 }, estimatedMinutes: 5 }, rules: [], findings: findings.map((f) => ({ ...f, rule: f.ruleId })) },
      filesCsv: 'File,Status,Reason\n" =odd.py",failed,"cannot parse, line 3"\n',
      summaryMd: md,
    });
    expect(m.mode).toBe('analyze');
    expect(m.name).toBe('my repo');
    expect(m.overview).toMatchObject({ scanned: 12, otherAnalysed: 4, changed: null, failed: 1, minutes: 5, levels: { error: 0, warning: 1, info: 0 } });
    expect(m.files.map((f) => [f.path, f.status, f.reason ?? ''])).toEqual([
      ['=odd.py', 'failed', 'cannot parse, line 3'],
      ['run.sh', 'analysed', ''],
    ]);
    expect(m.rules['scripts/cuda-env'].doc).toBe('docs/analysis.md#scriptscuda-env');
    expect(m.commands).toEqual([]);
  });

  it('refuses a folder with neither changes.json nor findings.json', () => {
    expect(() => pageModel({})).toThrow(/neither changes.json nor findings.json/);
  });
});

describe('helpers', () => {
  it('summaryFacts reads what summaryMd writes', () => {
    const md = summaryMd([], { name: 'a b', version: '1', pythonFiles: 1, otherFiles: 0, failedFiles: 0 });
    expect(summaryFacts(md)).toEqual({ name: 'a b', python: 1, other: 0 });
    expect(summaryFacts(undefined)).toEqual({});
  });

  it('parseCsv reads quoted fields, doubled quotes, newlines, and undoes the spreadsheet guard', () => {
    expect(parseCsv('File,Status\n"a,b.py","say ""hi""\nthere"\n" -x.py",ok\nplain,\n')).toEqual([
      ['File', 'Status'],
      ['a,b.py', 'say "hi"\nthere'],
      ['-x.py', 'ok'],
      ['plain', ''],
    ]);
  });

  it('unquoteGitPath reads git\'s C-style quoting', () => {
    expect(unquoteGitPath('b/plain.py')).toBe('b/plain.py');
    expect(unquoteGitPath('"b/\\303\\251t\\"\\\\.py"')).toBe('b/ét"\\.py');
  });

  it('splitPatch splits per file and decodes each in its codec (UTF-8, else its PEP 263 declaration)', () => {
    const gbk = encodeText('diff --git a/g.py b/g.py\n--- a/g.py\n+++ b/g.py\n@@ -1,2 +1,2 @@\n # -*- coding: gbk -*-\n-s = "中文" # cuda\n+s = "中文" # npu\n', 'gbk');
    const utf = Buffer.from('diff --git "a/\\303\\251.py" "b/\\303\\251.py"\n--- "a/\\303\\251.py"\n+++ "b/\\303\\251.py"\n@@ -1 +1 @@\n-é\n+è\n');
    const parts = splitPatch(Buffer.concat([gbk, utf]));
    expect([...parts.keys()]).toEqual(['g.py', 'é.py']);
    expect(parts.get('g.py')).toContain('+s = "中文" # npu');
    expect(parts.get('é.py')).toContain('+è');
  });

  it('ruleDoc: a pass\'s record links to its pass, an analysis rule to its heading', () => {
    expect(ruleDoc('nccl-to-hccl/backend', 'nccl-to-hccl')).toBe('docs/passes.md#nccl-to-hccl');
    expect(ruleDoc('unsupported-api/torch-api', 'analysis')).toBe('docs/analysis.md#unsupported-apitorch-api');
  });
});

describe('the CLI', () => {
  let tmp: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ascendify-page-cli-'));
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  async function run(argv: string[]) {
    let stdout = '';
    let stderr = '';
    const io: Io = { stdout: (s) => (stdout += String(s)), stderr: (s) => (stderr += s), isTTY: false };
    return { code: await main(argv, io), stdout: () => stdout, stderr: () => stderr };
  }

  function repo(): string {
    const src = path.join(tmp, 'repo');
    fs.mkdirSync(src);
    fs.writeFileSync(path.join(src, 'train.py'), 'import torch\n\ntorch.cuda.synchronize()\n');
    return src;
  }

  it('--no-html writes no page (and removes a stale one), the summary then names none', async () => {
    const src = repo();
    const out = path.join(tmp, 'out');
    const stale = path.join(out, 'ascendify-report', 'index.html');
    fs.mkdirSync(path.dirname(stale), { recursive: true });
    fs.writeFileSync(stale, 'an earlier run');
    const r = await run(['convert', src, '-o', out, '--force', '--no-html']);
    expect(r.code).toBe(0);
    expect(fs.existsSync(stale)).toBe(false);
    expect(r.stdout()).not.toContain('index.html');
    const again = await run(['convert', src, '-o', out, '--force']);
    expect(again.code).toBe(0);
    expect(again.stdout()).toContain(`page          ${path.join(fs.realpathSync(path.dirname(stale)), 'index.html')}`);
    expect(fs.readFileSync(stale, 'utf8')).toMatch(/^<!DOCTYPE html>/);
  });

  it('the page is written through the report writer: a link planted at index.html is refused, never written through', async () => {
    const src = repo();
    const out = path.join(tmp, 'out');
    const target = path.join(tmp, 'victim.txt');
    fs.writeFileSync(target, 'keep');
    const r = await run(['convert', src, '-o', out]);
    expect(r.code).toBe(0);
    const page = path.join(out, 'ascendify-report', 'index.html');
    fs.rmSync(page);
    fs.symlinkSync(target, page);
    const rebuilt = await run(['report', path.join(out, 'ascendify-report')]);
    expect(rebuilt.code).toBe(2);
    expect(rebuilt.stderr()).toMatch(/^ascendify: cannot write index.html: a symbolic link is where index.html goes; not written through\n$/);
    expect(fs.readFileSync(target, 'utf8')).toBe('keep');
  });

  it('`report` on a folder that is not a report: exit 3, one line, nothing written', async () => {
    fs.mkdirSync(path.join(tmp, 'empty'));
    const r = await run(['report', path.join(tmp, 'empty')]);
    expect(r.code).toBe(3);
    expect(r.stderr()).toMatch(/^ascendify: .*no changes.json or findings.json/);
    expect(fs.readdirSync(path.join(tmp, 'empty'))).toEqual([]);
    const missing = await run(['report', path.join(tmp, 'nope')]);
    expect(missing.code).toBe(3);
    expect(missing.stderr()).toMatch(/no such folder/);
  });

  it('`report` refuses a changes.json that is a symbolic link', async () => {
    const dir = path.join(tmp, 'r');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(tmp, 'elsewhere.json'), JSON.stringify(changesDoc()));
    fs.symlinkSync(path.join(tmp, 'elsewhere.json'), path.join(dir, 'changes.json'));
    const r = await run(['report', dir]);
    expect(r.code).toBe(3);
    expect(r.stderr()).toMatch(/changes.json: a symbolic link; not followed/);
  });
});
