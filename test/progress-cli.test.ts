/**
 * The CLI draws its progress bar on the progress stream only when that stream is
 * a terminal and the run is not --quiet, and erases it before the summary.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main, type Io } from '../src/cli';

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ascendify-progress-cli-'));
  for (let i = 0; i < 3; i++) {
    fs.mkdirSync(path.join(tmp, 'repo'), { recursive: true });
    fs.writeFileSync(path.join(tmp, 'repo', `m${i}.py`), 'import torch\ntorch.cuda.synchronize()\n');
  }
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

function io(isTTY: boolean) {
  const bar: string[] = [];
  const out: string[] = [];
  const value: Io = {
    stdout: (s) => out.push(typeof s === 'string' ? s : Buffer.from(s).toString()),
    stderr: (s) => out.push(s),
    isTTY: false,
    progress: { stream: { write: (s: string) => bar.push(s), isTTY, columns: 120 }, delayMs: 0, intervalMs: 0, env: {} },
  };
  return { value, bar, out };
}

it('draws the bar on a terminal, reaches every file, and erases it before the summary', async () => {
  const t = io(true);
  const code = await main(['convert', path.join(tmp, 'repo'), '-o', path.join(tmp, 'out'), '--jobs', '1'], t.value);
  expect(code).toBe(0);
  expect(t.bar.length).toBeGreaterThanOrEqual(2);
  expect(t.bar.some((s) => /^\r\[#{20}\] 3\/3 files  100%/.test(s))).toBe(true);
  expect(t.bar[t.bar.length - 1]).toMatch(/^\r +\r$/); // erased
  expect(t.out.join('')).toContain('3 scanned');
});

it('draws nothing when the stream is not a terminal, or with --quiet', async () => {
  const pipe = io(false);
  await main(['diff', path.join(tmp, 'repo'), '--jobs', '1'], pipe.value);
  expect(pipe.bar).toEqual([]);
  const quiet = io(true);
  await main(['analyze', path.join(tmp, 'repo'), '--report-dir', path.join(tmp, 'rep'), '--quiet'], quiet.value);
  expect(quiet.bar).toEqual([]);
  expect(quiet.out).toEqual([]);
});

it('refuses a --jobs that is not a positive integer', async () => {
  const t = io(false);
  expect(await main(['diff', path.join(tmp, 'repo'), '--jobs', '-2'], t.value)).toBe(3);
  expect(t.out.join('')).toMatch(/--jobs must be a positive integer/);
});
