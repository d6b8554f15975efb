/// <reference lib="dom" />
/**
 * index.html in a real browser: Debian's headless Chromium (installed by .ci/run),
 * driven by playwright-core. Not skipped when Chromium is missing: it fails, saying so.
 *
 * - every golden sample's page: the overview counts equal changes.json;
 * - one sample with a hostile file name and `</script>` in its code: filters by
 *   pass and level, opens a file, finds a finding at its line, the hostile text
 *   renders as text (no dialog, no extra element), keyboard navigation, no request
 *   but the page itself; screenshots at 1280 × 800;
 * - an analyze page; a generated report of 1,000 files and 5,000 findings (its
 *   time to first render is printed; docs/performance.md has the figure).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { main, type Io } from '../src/cli';
import { goldenRoot, sampleArgs, samples } from '../scripts/golden';
import { reportPage } from '../src/report/page';

const HOSTILE = '<img src=x onerror=alert(1)>.py';
const SCRIPT_TEXT = '"</script><script>alert(2)</script>"';

function chromiumPath(): string {
  try {
    return execFileSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('chromium is not installed: the browser test needs Debian\'s chromium package (apt-get install -y chromium; .ci/run installs it)');
  }
}

async function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: Io = { stdout: (s) => (stdout += typeof s === 'string' ? s : Buffer.from(s).toString('utf8')), stderr: (s) => (stderr += s), isTTY: false };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

let tmp: string;
let shots: string;
let browser: Browser;

beforeAll(async () => {
  const exe = chromiumPath();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ascendify-page-'));
  shots = fs.mkdtempSync(path.join(os.tmpdir(), 'ascendify-report-shots-'));
  browser = await chromium.launch({ executablePath: exe, args: ['--no-sandbox', '--disable-gpu', '--font-render-hinting=none'] });
});
afterAll(async () => {
  await browser?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

interface Watched {
  page: Page;
  requests: string[];
  dialogs: string[];
  errors: string[];
}

/** A page that records every request (and aborts any that is not a file), dialog and script error. */
async function open(file: string): Promise<Watched> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const w: Watched = { page, requests: [], dialogs: [], errors: [] };
  await context.route('**/*', (route) => (route.request().url().startsWith('file:') ? route.continue() : route.abort()));
  page.on('request', (r) => w.requests.push(r.url()));
  page.on('dialog', (d) => {
    w.dialogs.push(d.message());
    void d.dismiss();
  });
  page.on('pageerror', (e) => w.errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') w.errors.push(m.text());
  });
  await page.goto(pathToFileURL(file).href);
  await page.waitForSelector('body[data-ready=true]', { timeout: 10000 });
  return w;
}

async function close(w: Watched): Promise<void> {
  await w.page.context().close();
}

function json(file: string) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

async function stats(page: Page): Promise<Record<string, string>> {
  return page.$$eval('[data-stat]', (els) => Object.fromEntries(els.map((e) => [(e as HTMLElement).dataset.stat!, e.querySelector('dd')!.textContent!])));
}

async function listedPaths(page: Page): Promise<string[]> {
  return page.$$eval('#file-list .row .p', (els) => els.map((e) => e.textContent!));
}

/** Files with something from this pass: a change, or a record the pass left. */
function filesOfPass(changes: { changes: { file: string; pass: string }[]; manual: { file: string; pass: string }[] }, pass: string): string[] {
  return [...new Set([...changes.changes, ...changes.manual].filter((c) => c.pass === pass).map((c) => c.file))].sort();
}

describe.each(samples())('the page of golden/%s', (sample) => {
  it('opens from file:// with the overview counts of changes.json, every file listed, no request and no error', async () => {
    const src = path.join(goldenRoot(), sample, 'input');
    const out = path.join(tmp, `${sample}-out`);
    const r = await run(['convert', src, '-o', out, '-q', ...sampleArgs(sample)]);
    expect(r.stderr).toBe('');
    const dir = path.join(out, 'ascendify-report');
    const changes = json(path.join(dir, 'changes.json'));
    const findings = json(path.join(dir, 'findings.json'));
    const w = await open(path.join(dir, 'index.html'));
    try {
      const s = await stats(w.page);
      const c = changes.summary;
      expect(s).toMatchObject({
        scanned: String(c.scanned),
        changed: String(c.changed),
        unchanged: String(c.unchanged),
        skipped: String(c.skipped),
        failed: String(c.failed),
        changes: String(c.changes),
        manual: String(c.manual),
        unsafe: String(c.unsafe),
        error: String(findings.summary.byLevel.error),
        warning: String(findings.summary.byLevel.warning),
        info: String(findings.summary.byLevel.info),
      });
      // the chart: one bar per pass, with its count
      const bars = await w.page.$$eval('svg.chart', (svgs) => {
        const texts = Array.from(svgs[0].querySelectorAll('text'), (t) => t.textContent!);
        return texts.reduce<[string, number][]>((acc, t, i) => (i % 2 === 0 ? [...acc, [t, Number(texts[i + 1])]] : acc), []);
      });
      expect(bars).toEqual(Object.entries(c.changesByPass));
      const expected = new Set<string>([
        ...changes.files.map((f: { file: string }) => f.file),
        ...changes.changes.map((f: { file: string }) => f.file),
        ...findings.findings.map((f: { file: string }) => f.file),
      ]);
      expect(await listedPaths(w.page)).toEqual([...expected].sort());
      expect(w.requests).toEqual([pathToFileURL(path.join(dir, 'index.html')).href]);
      expect(w.errors).toEqual([]);
    } finally {
      await close(w);
    }
  });
});

describe('a converted repository with a hostile file name and </script> in its code', () => {
  let dir: string;
  let changes: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  let findings: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  let w: Watched;

  beforeAll(async () => {
    const src = path.join(tmp, 'hostile-src');
    fs.cpSync(path.join(goldenRoot(), 'classify-imagenet', 'input'), src, { recursive: true });
    fs.writeFileSync(path.join(src, HOSTILE), `import torch\n\nx = torch.randn(3).cuda()\nS = ${SCRIPT_TEXT}\ntorch.cuda.synchronize()\n`);
    const out = path.join(tmp, 'hostile-out');
    const r = await run(['convert', src, '-o', out, '-q']);
    expect(r.stderr).toBe('');
    dir = path.join(out, 'ascendify-report');
    changes = json(path.join(dir, 'changes.json'));
    findings = json(path.join(dir, 'findings.json'));
    expect(changes.changes.some((c: { file: string }) => c.file === HOSTILE)).toBe(true); // the test means something
    w = await open(path.join(dir, 'index.html'));
  });
  afterAll(async () => {
    if (w) await close(w);
  });

  it('shows the overview; screenshot', async () => {
    expect((await stats(w.page)).changes).toBe(String(changes.summary.changes));
    expect(await w.page.textContent('#overview-title')).toBe('Overview');
    expect(await w.page.$$eval('.cmd', (els) => els.map((e) => e.textContent))).toEqual(['git apply -p1 changes.patch', 'ascendify convert <src> --unsafe']);
    await w.page.screenshot({ path: path.join(shots, 'overview.png') });
  });

  it('the hostile name and the </script> line render as text: no dialog, no extra element', async () => {
    expect(await listedPaths(w.page)).toContain(HOSTILE);
    const row = w.page.locator('#file-list .row', { hasText: HOSTILE });
    await row.click();
    await w.page.waitForSelector('#file-title');
    expect(await w.page.textContent('#file-title')).toBe(HOSTILE);
    const code = await w.page.$$eval('table.diff td.c', (tds) => tds.map((td) => td.textContent));
    expect(code).toContain(`S = ${SCRIPT_TEXT}`);
    expect(await w.page.$$eval('img', (e) => e.length)).toBe(0);
    expect(await w.page.$$eval('script', (e) => e.length)).toBe(2); // the data and the page's own script
    expect(w.dialogs).toEqual([]);
    expect(w.errors).toEqual([]);
  });

  it('filters by pass and by level', async () => {
    await w.page.selectOption('select[name=pass]', 'nccl-to-hccl');
    expect(await listedPaths(w.page)).toEqual(filesOfPass(changes, 'nccl-to-hccl'));
    await w.page.selectOption('select[name=pass]', '');
    await w.page.selectOption('select[name=level]', 'unsafe');
    const unsafeFiles = [...new Set(findings.findings.filter((f: { conversion?: string }) => f.conversion === 'unsafe').map((f: { file: string }) => f.file))];
    expect(unsafeFiles.length).toBeGreaterThan(0);
    expect(await listedPaths(w.page)).toEqual(unsafeFiles);
    await w.page.selectOption('select[name=level]', 'warning');
    const warned = [...new Set(findings.findings.filter((f: { level: string }) => f.level === 'warning').map((f: { file: string }) => f.file))].sort();
    expect(await listedPaths(w.page)).toEqual(warned);
    expect(await w.page.textContent('.listhead .count')).toBe(`${warned.length} of ${new Set([...(await allPaths())]).size} files`);
    await w.page.selectOption('select[name=level]', '');
    await w.page.fill('#search', 'utils/meters.py');
    await w.page.waitForFunction(() => document.querySelectorAll('#file-list .row').length === 1);
    expect(await listedPaths(w.page)).toEqual(['utils/meters.py']);
    await w.page.fill('#search', '');
    await w.page.waitForFunction(() => document.querySelectorAll('#file-list .row').length > 1);
  });

  async function allPaths(): Promise<string[]> {
    return [...changes.files.map((f: { file: string }) => f.file), ...changes.changes.map((f: { file: string }) => f.file), ...findings.findings.map((f: { file: string }) => f.file)];
  }

  /** Input line numbers of the code rows before and after an annotation row. */
  async function around(selector: string): Promise<{ before: number[]; after: number[] }> {
    return w.page.locator(selector).evaluate((tr) => {
      const lines = (step: (r: Element) => Element | null) => {
        const out: number[] = [];
        for (let r = step(tr); r; r = step(r)) if ((r as HTMLElement).dataset.old) out.push(Number((r as HTMLElement).dataset.old));
        return out;
      };
      return { before: lines((r) => r.previousElementSibling), after: lines((r) => r.nextElementSibling) };
    });
  }

  it('opens a file and shows its findings inline at their lines, with hint, docs link and the re-run command; screenshot', async () => {
    const manual = findings.findings.find((f: { conversion?: string }) => f.conversion === 'manual');
    const unsafe = findings.findings.find((f: { conversion?: string }) => f.conversion === 'unsafe');
    expect(manual.file).toBe(unsafe.file);
    await w.page.locator('#file-list .row', { hasText: unsafe.file }).first().click();
    // the manual record is on a changed line: right after the change block of its line
    const m = `tr.ann[data-kind=manual][data-line="${manual.startLine}"]`;
    expect(await w.page.locator(m).count()).toBe(1);
    const mAround = await around(m);
    expect(Math.max(...mAround.before)).toBe(manual.startLine);
    expect(Math.min(...mAround.after)).toBeGreaterThan(manual.startLine);
    expect(await w.page.$eval(`tr[data-old="${manual.startLine}"] td.c`, (td) => td.textContent)).toContain('DataParallel');
    // the unsafe record is on a line the diff does not show: between the code rows around it
    const u = `tr.ann[data-kind=unsafe][data-line="${unsafe.startLine}"]`;
    const ann = w.page.locator(u);
    expect(await ann.count()).toBe(1);
    const uAround = await around(u);
    expect(Math.max(...uAround.before)).toBeLessThan(unsafe.startLine);
    expect(Math.min(...uAround.after)).toBeGreaterThan(unsafe.startLine);
    expect(await ann.locator('.msg').textContent()).toBe(unsafe.message);
    expect(await ann.locator('.meta').textContent()).toContain(`line ${unsafe.startLine}`);
    expect(await ann.locator('.hint').textContent()).toBe(`Hint: ${unsafe.hint}`);
    expect(await ann.locator('a.rule').getAttribute('href')).toBe(`docs/passes.md#${unsafe.source}`);
    expect(await ann.locator('.cmd').textContent()).toBe(`ascendify diff <src> --unsafe --only ${unsafe.source}`);
    await w.page.locator(m).scrollIntoViewIfNeeded();
    await w.page.screenshot({ path: path.join(shots, 'file.png') });
  });

  it('the side-by-side view keeps the finding at its line', async () => {
    await w.page.click('button:text-is("Side by side")');
    expect(await w.page.$$eval('table.diff.split', (t) => t.length)).toBe(1);
    const unsafe = findings.findings.find((f: { conversion?: string }) => f.conversion === 'unsafe');
    expect(await w.page.locator(`tr.ann[data-kind=unsafe][data-line="${unsafe.startLine}"]`).count()).toBe(1);
    await w.page.screenshot({ path: path.join(shots, 'file-side-by-side.png') });
    await w.page.click('button:text-is("Unified")');
  });

  it('moves between files (j/k) and records (n/p) with the keyboard', async () => {
    await w.page.keyboard.press('o');
    expect(await w.page.textContent('#overview-title')).toBe('Overview');
    await w.page.keyboard.press('j');
    const paths = await listedPaths(w.page);
    expect(await w.page.textContent('#file-title')).toBe(paths[0]);
    await w.page.keyboard.press('j');
    expect(await w.page.textContent('#file-title')).toBe(paths[1]);
    await w.page.keyboard.press('k');
    expect(await w.page.textContent('#file-title')).toBe(paths[0]);
    await w.page.keyboard.press('ArrowDown');
    expect(await w.page.textContent('#file-title')).toBe(paths[1]);
    await w.page.keyboard.press('n');
    const first = await w.page.evaluate(() => document.activeElement?.closest('tr.ann')?.getAttribute('data-line'));
    expect(first).toBeTruthy();
    await w.page.keyboard.press('n');
    await w.page.keyboard.press('p');
    expect(await w.page.evaluate(() => document.activeElement?.closest('tr.ann')?.getAttribute('data-line'))).toBe(first);
    expect(await w.page.textContent('#keys')).toContain('next/previous file');
    expect(w.errors).toEqual([]);
    expect(w.dialogs).toEqual([]);
  });

  it('made no request but the page itself', () => {
    expect(w.requests).toEqual([pathToFileURL(path.join(dir, 'index.html')).href]);
  });

  it('is the same bytes when rebuilt by `ascendify report`, and holds no absolute path', async () => {
    const page = fs.readFileSync(path.join(dir, 'index.html'));
    fs.rmSync(path.join(dir, 'index.html'));
    const r = await run(['report', dir]);
    expect(r).toEqual({ code: 0, stdout: `ascendify report: wrote ${path.join(fs.realpathSync(dir), 'index.html')}\n`, stderr: '' });
    expect(fs.readFileSync(path.join(dir, 'index.html')).equals(page)).toBe(true);
    expect(page.includes(tmp)).toBe(false);
  });
});

it('an analyze page shows the findings and no diff', async () => {
  const src = path.join(goldenRoot(), 'detect-yolo', 'input');
  const dir = path.join(tmp, 'analyze-report');
  const r = await run(['analyze', src, '--report-dir', dir, '-q']);
  expect(r.stderr).toBe('');
  const findings = json(path.join(dir, 'findings.json'));
  const w = await open(path.join(dir, 'index.html'));
  try {
    const s = await stats(w.page);
    expect(s).toMatchObject({ changed: '\u2014', error: String(findings.summary.byLevel.error), warning: String(findings.summary.byLevel.warning), info: String(findings.summary.byLevel.info) });
    expect(await listedPaths(w.page)).toEqual([...new Set(findings.findings.map((f: { file: string }) => f.file))].sort());
    await w.page.keyboard.press('j');
    expect(await w.page.$$eval('tr.hunk', (e) => e.length)).toBe(0);
    expect(await w.page.$$eval('tr.ann', (e) => e.length)).toBeGreaterThan(0);
    expect(w.errors).toEqual([]);
  } finally {
    await close(w);
  }
});

/** changes.json, findings.json and a patch of `files` files with `perFile` findings each. */
function largeReport(files: number, perFile: number) {
  const paths = Array.from({ length: files }, (_, i) => `pkg${String(i % 40).padStart(2, '0')}/module_${String(i).padStart(4, '0')}.py`).sort();
  const changes = paths.flatMap((file) => [
    { file, startLine: 3, endLine: 3, operation: 'MODIFY', message: 'torch.cuda.synchronize() → torch.npu.synchronize()', pass: 'cuda-api-to-npu', rule: 'cuda-api-to-npu/rename', safety: 'safe' },
    { file, startLine: 1, endLine: 1, operation: 'INSERT', message: 'import torch_npu', pass: 'inject-torch-npu', rule: 'inject-torch-npu/import', safety: 'safe' },
  ]);
  const levels = ['error', 'warning', 'info'] as const;
  const findings = paths.flatMap((file, i) =>
    Array.from({ length: perFile }, (_, k) => ({
      rule: 'advice/fused-optimizer',
      category: 'advice',
      level: levels[(i + k) % 3],
      file,
      startLine: 10 + k * 7,
      endLine: 10 + k * 7,
      subject: 'torch.optim.Adam',
      message: 'torch.optim.Adam → NPU fused optimizer NpuFusedAdam',
      hint: 'torch_npu.optim.NpuFusedAdam fuses the parameter update',
      source: 'analysis',
    })),
  );
  const byLevel = { info: 0, warning: 0, error: 0 };
  for (const f of findings) byLevel[f.level]++;
  const body = (i: number) => Array.from({ length: 60 }, (_, k) => `    value_${k} = compute(${i}, ${k})  # line ${k + 5}\n`).join('');
  const patch = paths
    .map((p, i) => `diff --git a/${p} b/${p}\n--- a/${p}\n+++ b/${p}\n@@ -1,6 +1,7 @@\n import torch\n+import torch_npu\n \n-torch.cuda.synchronize()\n+torch.npu.synchronize()\n def f():\n     pass\n${body(i).split('\n').slice(0, 3).map((l) => ' ' + l).join('\n')}\n`)
    .join('');
  return {
    changes: {
      tool: 'ascendify',
      version: 'test',
      options: { passes: ['cuda-api-to-npu', 'inject-torch-npu'], unsafe: false, transferToNpu: false },
      summary: { scanned: files, changed: files, unchanged: 0, skipped: 0, failed: 0, otherFiles: 0, otherSkipped: 0, notDone: 0, changes: changes.length, changesByPass: { 'cuda-api-to-npu': files, 'inject-torch-npu': files }, manual: 0, unsafe: 0, errors: 0 },
      files: paths.map((file) => ({ file, status: 'changed' })),
      changes,
      manual: [],
      notes: [],
    },
    findings: { tool: 'ascendify', version: 'test', summary: { total: findings.length, byLevel, estimatedMinutes: findings.length * 10 }, rules: [], findings },
    patch: Buffer.from(patch),
  };
}

it('a report of 1,000 changed files and 5,000 findings opens fast and renders only the rows in view', async () => {
  const file = path.join(tmp, 'large', 'index.html');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const sources = largeReport(1000, 5);
  const t0 = Date.now();
  const html = reportPage(sources);
  const buildMs = Date.now() - t0;
  fs.writeFileSync(file, html);
  const started = Date.now();
  const w = await open(file);
  const wall = Date.now() - started;
  try {
    const renderMs = Number(await w.page.evaluate(() => document.body.dataset.renderMs));
    const readyMs = Number(await w.page.evaluate(() => document.body.dataset.readyMs)); // since navigation start
    const nav = await w.page.evaluate(() => {
      const e = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
      return Math.round(e.domContentLoadedEventEnd);
    });
    const size = fs.statSync(file).size;
    process.stdout.write(`large report page (${(size / 1e6).toFixed(1)} MB, 1000 files, 5000 findings): built in ${buildMs} ms; navigation→first render ${readyMs} ms (script ${renderMs} ms), DOMContentLoaded ${nav} ms, new tab + goto→ready ${wall} ms\n`);
    expect(readyMs).toBeLessThan(5000); // generous (a shared CI machine): the measured figure is in docs/performance.md
    expect(wall).toBeLessThan(15000);
    expect((await stats(w.page)).info).toBeDefined();
    expect(await w.page.textContent('.listhead .count')).toBe('1000 of 1000 files');
    expect(await w.page.$$eval('#file-list .row', (r) => r.length)).toBeLessThan(60);
    await w.page.keyboard.press('j');
    expect(await w.page.$$eval('tr.ann', (r) => r.length)).toBe(7);
    await w.page.selectOption('select[name=level]', 'error');
    expect(await w.page.textContent('.listhead .count')).toBe('1000 of 1000 files');
    await w.page.fill('#search', 'module_0999');
    await w.page.waitForFunction(() => document.querySelector('.listhead .count')!.textContent === '1 of 1000 files');
    expect(w.errors).toEqual([]);
  } finally {
    await close(w);
  }
});

afterAll(() => {
  process.stdout.write(`report page screenshots: ${shots}\n`);
});
