/**
 * The worker pool: same results for any number of jobs, every file once,
 * largest first, failures contained. Workers run the compiled dist/ (the
 * in-process path runs these TypeScript sources), so dist/ is rebuilt first
 * when it is missing or older than the sources.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEFAULT_MAX_FILE_SIZE, type EngineOptions, type FileResult } from './convert-file';
import { selectPassIds } from './passes';
import { EarlyWorkers } from './early-workers';
import { convertFiles, defaultJobs, dispatchOrder, resolveJobs, type FileTask, type PoolOptions } from './pool';
import { workerScriptPath } from './worker-start';
import { buildProjectIndex } from './project-index';

const ROOT = path.join(__dirname, '..', '..');

/** Newest mtime of the .ts sources dist/ is built from (tests excluded). */
function newestSource(): number {
  let newest = 0;
  const visit = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const abs = path.join(dir, e.name);
      if (e.isDirectory()) visit(abs);
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')) newest = Math.max(newest, fs.statSync(abs).mtimeMs);
    }
  };
  visit(path.join(ROOT, 'src'));
  visit(path.join(ROOT, 'transforms'));
  return newest;
}

/** `npm test` builds before jest; a bare `npx jest` after an edit gets a fresh build here. */
function ensureDist(): void {
  const worker = workerScriptPath();
  if (fs.existsSync(worker) && fs.statSync(worker).mtimeMs >= newestSource()) return;
  spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(ROOT, 'tsconfig.build.json')], { stdio: 'ignore' });
  if (!fs.existsSync(worker)) throw new Error(`${worker} is missing and the build did not produce it (npm run build)`);
}

const engine: EngineOptions = { passIds: selectPassIds(), unsafe: false, transferToNpu: false, maxFileSize: DEFAULT_MAX_FILE_SIZE };

const TORCH = [
  'import torch',
  'import torch.nn as nn',
  '',
  '',
  'def train(model, loader):',
  '    model = nn.DataParallel(model).cuda()',
  '    for x, y in loader:',
  '        x = x.to("cuda:0")',
  '        torch.cuda.synchronize()',
  '    return model',
  '',
  '',
  'if __name__ == "__main__":',
  '    train(None, [])',
  '',
].join('\n');

let tmp: string;
let tasks: FileTask[];

beforeAll(() => {
  ensureDist();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ascendify-pool-'));
  const files: Record<string, string | Buffer> = {
    'train.py': TORCH,
    'crlf_bom.py': '\ufeff' + TORCH.replace(/\n/g, '\r\n'),
    'plain.py': 'x = 1  # no torch here\n',
    'empty.py': '',
    'broken.py': 'import torch\ndef f(:\n    torch.cuda.synchronize()\n',
    'latin1.py': Buffer.from('# -*- coding: latin-1 -*-\nimport torch\nname = "caf\xe9"; torch.cuda.synchronize()\n', 'latin1'),
    'undeclared.py': Buffer.from('name = "caf\xe9"\n', 'latin1'),
    'binary.py': Buffer.from([0x69, 0x6d, 0x00, 0x01]),
    // the largest file, so that it is dispatched first
    'pkg/big.py': TORCH + Array.from({ length: 400 }, (_, i) => `def f${i}(x):\n    return x.to("cuda")\n`).join(''),
  };
  for (let i = 0; i < 30; i++) files[`pkg/m${String(i).padStart(2, '0')}.py`] = TORCH.replace('train', `train${i}`);
  for (const [rel, content] of Object.entries(files)) {
    const abs = path.join(tmp, rel);
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, content);
  }
  const golden = path.join(ROOT, 'golden');
  for (const sample of fs.readdirSync(golden).sort()) {
    const input = path.join(golden, sample, 'input');
    if (!fs.existsSync(input)) continue;
    fs.cpSync(input, path.join(tmp, 'golden', sample), { recursive: true });
  }
  tasks = [];
  const walk = (dir: string, rel: string) => {
    for (const name of fs.readdirSync(dir).sort()) {
      const abs = path.join(dir, name);
      const r = rel ? `${rel}/${name}` : name;
      const st = fs.statSync(abs);
      if (st.isDirectory()) walk(abs, r);
      else if (name.endsWith('.py')) tasks.push({ rel: r, abs, size: st.size });
    }
  };
  walk(tmp, '');
  // a file that vanished between the walk and the conversion
  tasks.push({ rel: 'gone.py', abs: path.join(tmp, 'gone.py'), size: 10 });
});

afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** The real worker script, except that the worker exits with `code` on its first read of a file whose path ends with `suffix`. */
function crashingWorker(name: string, suffix: string, code: number): string {
  const script = path.join(tmp, `${name}.js`);
  fs.writeFileSync(
    script,
    [
      "const fs = require('node:fs');",
      'const read = fs.readFileSync;',
      `fs.readFileSync = function (p, ...rest) { if (String(p).endsWith(${JSON.stringify(suffix)})) process.exit(${code}); return read.call(this, p, ...rest); };`,
      `require(${JSON.stringify(workerScriptPath())});`,
    ].join('\n'),
  );
  return script;
}

/** Results by path, outputs as plain byte arrays (workers return Uint8Array, in-process Buffer). */
async function collect(opts: Omit<PoolOptions, 'engine'>, list = tasks, options: EngineOptions = engine) {
  const seen: string[] = [];
  const results: FileResult[] = [];
  const stats = await convertFiles(list, { engine: options, ...opts }, (r, t) => {
    expect(r.rel).toBe(t.rel);
    seen.push(r.rel);
    results.push({ ...r, ...(r.output ? { output: Uint8Array.from(r.output) } : {}) });
  });
  results.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  return { stats, seen, results };
}

describe('convertFiles', () => {
  it('gives the same result for every file with 1 and 4 jobs, each file exactly once', async () => {
    const one = await collect({ jobs: 1 });
    const four = await collect({ jobs: 4, minParallelBytes: 0, batchFiles: 3 });
    expect(one.stats.mode).toBe('in-process');
    expect(four.stats).toMatchObject({ mode: 'workers', workers: 4, files: tasks.length });
    expect(four.stats.batches).toBeGreaterThan(4);
    for (const r of [one, four]) {
      expect([...r.seen].sort()).toEqual(tasks.map((t) => t.rel).sort());
      expect(new Set(r.seen).size).toBe(tasks.length);
    }
    expect(four.results).toEqual(one.results);
    // the tree exercises every status
    const status = (rel: string) => one.results.find((r) => r.rel === rel)!.status;
    expect(['train.py', 'crlf_bom.py', 'plain.py', 'broken.py', 'latin1.py', 'undeclared.py', 'binary.py', 'gone.py'].map(status)).toEqual([
      'changed',
      'changed',
      'unchanged',
      'failed',
      'changed',
      'failed',
      'failed',
      'failed',
    ]);
    expect(one.results.find((r) => r.rel === 'gone.py')!.reason).toBe('cannot read: ENOENT (open)');
    const bom = one.results.find((r) => r.rel === 'crlf_bom.py')!;
    expect(Buffer.from(bom.output!).subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    // written back in latin-1, on a worker too
    const latin1 = Buffer.from('# -*- coding: latin-1 -*-\nimport torch\nimport torch_npu\nname = "caf\xe9"; torch.npu.synchronize()\n', 'latin1');
    expect(Buffer.from(one.results.find((r) => r.rel === 'latin1.py')!.output!)).toEqual(latin1);
    expect(one.results.find((r) => r.rel === 'latin1.py')!.encoding).toBe('latin_1');
  });

  it('stays in-process below minParallelBytes and with one file', async () => {
    expect((await collect({ jobs: 4, minParallelBytes: 1e12 })).stats.mode).toBe('in-process');
    expect((await collect({ jobs: 4, minParallelBytes: 0 }, tasks.slice(0, 1))).stats.mode).toBe('in-process');
    expect((await collect({ jobs: 4, minParallelBytes: 0 }, [])).seen).toEqual([]);
  });

  it('starts no more workers than there are files', async () => {
    const r = await collect({ jobs: 8, minParallelBytes: 0 }, tasks.slice(0, 3));
    expect(r.stats).toMatchObject({ mode: 'workers', workers: 3 });
  });

  it('rejects, after stopping the workers, when the result handler throws', async () => {
    let calls = 0;
    const run = convertFiles(tasks, { engine, jobs: 2, minParallelBytes: 0, batchFiles: 2 }, () => {
      if (++calls === 3) throw new Error('disk full');
    });
    await expect(run).rejects.toThrow('disk full');
  });

  it('fails the files of a worker that dies and carries on with a new one', async () => {
    // the real worker, except that it dies while reading one file: the largest, dispatched first, so that
    // work is left for a replacement whatever the timing (with a small file near the end of the queue the
    // other worker had sometimes taken the rest already, and no replacement was needed)
    const script = crashingWorker('crashing-worker', 'pkg/big.py', 3);
    const r = await collect({ jobs: 2, minParallelBytes: 0, batchFiles: 1, workerScript: script });
    const big = r.results.find((x) => x.rel === 'pkg/big.py')!;
    expect(big.status).toBe('failed');
    expect(big.reason).toMatch(/^internal error: conversion worker stopped \(worker exited with code 3\); copied unchanged/);
    expect(r.stats.workers).toBe(3);
    const reference = (await collect({ jobs: 1 })).results.filter((x) => x.rel !== 'pkg/big.py');
    expect(r.results.filter((x) => x.rel !== 'pkg/big.py')).toEqual(reference);
  });
});

describe('the project index (projectFiles)', () => {
  /** A script imported by another (no entry then) beside the scripts of the tree; the crashing worker's big file among them. */
  const withIndex = () => {
    const dir = path.join(tmp, 'idx');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'model.py'), TORCH);
    fs.writeFileSync(path.join(dir, 'helpers.py'), 'import os\nVERSION = 1\n');
    fs.writeFileSync(path.join(dir, 'run.py'), 'from model import train\n' + TORCH);
    fs.writeFileSync(path.join(dir, 'star.py'), 'from helpers import *\nok = torch.cuda.is_available()\n');
    const extra = ['helpers.py', 'model.py', 'run.py', 'star.py'].map((name) => ({ rel: `idx/${name}`, abs: path.join(dir, name), size: fs.statSync(path.join(dir, name)).size }));
    return [...tasks, ...extra];
  };

  it('is built before any file converts, the same on workers as in-process, and reaches every worker', async () => {
    const list = withIndex();
    const projectFiles = list.filter((t) => t.rel !== 'gone.py');
    const one = await collect({ jobs: 1, projectFiles }, list);
    const three = await collect({ jobs: 3, minParallelBytes: 0, batchFiles: 2, projectFiles }, list);
    expect(three.stats).toMatchObject({ mode: 'workers', workers: 3 });
    expect(one.stats.indexMs).toBeGreaterThanOrEqual(0);
    expect(three.stats.indexMs).toBeGreaterThanOrEqual(0);
    expect(three.results).toEqual(one.results);
    const entry = (r: { results: FileResult[] }, rel: string) => r.results.find((x) => x.rel === rel)!.entry === true;
    // model.py is imported by run.py: no entry with the index, an entry without
    for (const r of [one, three]) expect([entry(r, 'idx/model.py'), entry(r, 'idx/run.py'), entry(r, 'train.py')]).toEqual([false, true, true]);
    const without = await collect({ jobs: 3, minParallelBytes: 0, batchFiles: 2 }, list);
    expect(without.stats.indexMs).toBeUndefined();
    expect(entry(without, 'idx/model.py')).toBe(true);
    // the star import binds no torch (helpers.py exports none): known only with the index, where torch.cuda is left alone
    const star = (r: { results: FileResult[] }) => r.results.find((x) => x.rel === 'idx/star.py')!.status;
    expect([star(one), star(three), star(without)]).toEqual(['unchanged', 'unchanged', 'changed']);
  });

  it('lets the workers convert the files that do not read it (indexFree) while it is resolved; the others wait for it', async () => {
    const list = withIndex();
    const projectFiles = list.filter((t) => t.rel !== 'gone.py');
    // everything outside idx/ counted as not reading the index (their results do not depend on it); idx/ needs it
    const indexFree = (t: FileTask) => !t.rel.startsWith('idx/');
    const one = await collect({ jobs: 1, projectFiles }, list);
    const two = await collect({ jobs: 2, minParallelBytes: 0, batchFiles: 2, projectFiles, indexFree }, list);
    // the tree is one scan chunk (< 64 KB): one worker scans, the other converts index-free files meanwhile
    expect(two.stats.beforeIndex).toBeGreaterThan(0);
    expect(two.results).toEqual(one.results); // idx/model.py no entry, idx/star.py unchanged: converted with the index
    const none = await collect({ jobs: 2, minParallelBytes: 0, batchFiles: 2, projectFiles, indexFree: () => false }, list);
    expect(none.stats.beforeIndex).toBe(0);
    expect(none.results).toEqual(one.results);
  });

  it('is built on the workers from the same scans as buildProjectIndex', async () => {
    const list = withIndex();
    const projectFiles = list.filter((t) => t.rel !== 'gone.py');
    const reference = buildProjectIndex(projectFiles, engine.maxFileSize);
    expect(reference.imported).toEqual(expect.arrayContaining(['idx/model.py']));
    // the workers' index is observable through the results: equal to those with the index built here
    const here = await collect({ jobs: 1 }, list);
    const viaEngine = await collect({ jobs: 1 }, list, { ...engine, project: reference });
    const workers = await collect({ jobs: 2, minParallelBytes: 0, projectFiles }, list);
    expect(workers.results).toEqual(viaEngine.results);
    expect(here.results).not.toEqual(viaEngine.results);
  });

  it('survives a worker that dies while scanning: its files are scanned here, a new worker converts', async () => {
    const list = withIndex();
    const projectFiles = list.filter((t) => t.rel !== 'gone.py');
    // dies on its first read of pkg/big.py, which is in the scan: the scans of that chunk are made on the main thread
    const script = crashingWorker('scan-crashing-worker', 'pkg/big.py', 4);
    const r = await collect({ jobs: 2, minParallelBytes: 0, batchFiles: 1, workerScript: script, projectFiles }, list);
    const reference = await collect({ jobs: 1, projectFiles }, list);
    // pkg/big.py kills every worker that reads it: it fails, the rest is as in-process
    expect(r.results.find((x) => x.rel === 'pkg/big.py')!.reason).toMatch(/^internal error: conversion worker stopped \(worker exited with code 4\)/);
    expect(r.results.filter((x) => x.rel !== 'pkg/big.py')).toEqual(reference.results.filter((x) => x.rel !== 'pkg/big.py'));
    expect(r.stats.workers).toBeGreaterThanOrEqual(3);
  });

  describe('scanned during the walk (EarlyWorkers.prescan)', () => {
    const prescanned = (early: EarlyWorkers, files: readonly FileTask[]) => files.forEach((f) => early.prescan(f));

    it('uses the scans the early workers made, whether they are back or still on their way, and makes the rest', async () => {
      const list = withIndex();
      const projectFiles = list.filter((t) => t.rel !== 'gone.py');
      const reference = await collect({ jobs: 1, projectFiles }, list);
      const half = projectFiles.filter((_, i) => i % 2 === 0);
      // on their way: the pool starts while the workers are still loading the engine
      const onTheWay = new EarlyWorkers(engine, 2);
      prescanned(onTheWay, half);
      const a = await collect({ jobs: 2, minParallelBytes: 0, batchFiles: 2, projectFiles, early: onTheWay }, list);
      // back: the pool starts after every prescan has come
      const back = new EarlyWorkers(engine, 2);
      prescanned(back, half);
      await back.prescans().settled;
      const b = await collect({ jobs: 2, minParallelBytes: 0, batchFiles: 2, projectFiles, early: back }, list);
      for (const r of [a, b]) {
        expect(r.stats).toMatchObject({ mode: 'workers', workers: 2, prescanned: half.length });
        expect(r.results).toEqual(reference.results);
      }
    });

    it('does not use a prescan of a file the run leaves out, nor one made where the file was elsewhere or of another size', async () => {
      const list = withIndex();
      const projectFiles = list.filter((t) => t.rel !== 'gone.py' && t.rel !== 'idx/helpers.py');
      const reference = await collect({ jobs: 1, projectFiles }, list);
      const model = projectFiles.find((t) => t.rel === 'idx/model.py')!;
      const run = projectFiles.find((t) => t.rel === 'idx/run.py')!;
      const early = new EarlyWorkers(engine, 2);
      prescanned(early, [
        list.find((t) => t.rel === 'idx/helpers.py')!, // left out of the index: would make star.py's import known
        { ...model, abs: path.join(tmp, 'plain.py') }, // model.py's path, another file's content: would lose run.py's import of it
        { ...run, size: run.size + 1 },
        list.find((t) => t.rel === 'train.py')!, // the one used
      ]);
      await early.prescans().settled;
      const r = await collect({ jobs: 2, minParallelBytes: 0, batchFiles: 2, projectFiles, early }, list);
      expect(r.stats.prescanned).toBe(1);
      expect(r.results).toEqual(reference.results);
    });

    it('does not use the prescans of workers started for other engine options', async () => {
      const list = withIndex();
      const projectFiles = list.filter((t) => t.rel !== 'gone.py');
      const reference = await collect({ jobs: 1, projectFiles }, list);
      // every file over the early workers' size limit: their scans say "left out of the index" (null)
      const early = new EarlyWorkers({ ...engine, maxFileSize: 1 }, 2);
      prescanned(early, projectFiles);
      await early.prescans().settled;
      const r = await collect({ jobs: 2, minParallelBytes: 0, batchFiles: 2, projectFiles, early }, list);
      expect(r.stats.prescanned).toBeUndefined();
      expect(r.results).toEqual(reference.results);
      early.release();
    });

    it('scans here the files whose prescan was lost with a worker that died', async () => {
      const list = withIndex();
      const projectFiles = list.filter((t) => t.rel !== 'gone.py');
      // every worker dies on its first read of idx/helpers.py: in a prescan, in the pool's scan or when converting it
      const script = crashingWorker('prescan-crashing-worker', 'idx/helpers.py', 5);
      const reference = await collect({ jobs: 1, projectFiles }, list);
      const early = new EarlyWorkers(engine, 2, script);
      // in batches of 64 files sent to the two workers in turn: the one that gets the batch with idx/helpers.py dies, the other's come back
      prescanned(early, projectFiles);
      const r = await collect({ jobs: 2, minParallelBytes: 0, batchFiles: 1, workerScript: script, projectFiles, early }, list);
      expect(projectFiles.length).toBeGreaterThan(64);
      expect(r.stats.prescanned).toBeGreaterThan(0);
      expect(r.stats.prescanned).toBeLessThan(projectFiles.length);
      expect(r.results.find((x) => x.rel === 'idx/helpers.py')!.reason).toMatch(/^internal error: conversion worker stopped \(worker exited with code 5\)/);
      // the index has helpers.py (scanned on this thread): star.py is left alone as in-process
      expect(r.results.filter((x) => x.rel !== 'idx/helpers.py')).toEqual(reference.results.filter((x) => x.rel !== 'idx/helpers.py'));
    });
  });
});

describe('EarlyWorkers', () => {
  it('are taken by the pool instead of new workers', async () => {
    const early = new EarlyWorkers(engine, 2);
    const r = await collect({ jobs: 2, minParallelBytes: 0, early });
    expect(r.stats).toMatchObject({ mode: 'workers', workers: 2 });
    expect(early.waitingCount).toBe(0);
    expect(r.results).toEqual((await collect({ jobs: 1 })).results);
  });

  it('are not taken for other engine options, nor by an in-process run; released, they let the process end', () => {
    // in a process of its own: a worker left waiting would keep it alive (spawnSync would time out)
    const code = [
      `const { EarlyWorkers } = require(${JSON.stringify(path.join(ROOT, 'dist', 'src', 'runner', 'early-workers.js'))});`,
      `const { convertFiles } = require(${JSON.stringify(path.join(ROOT, 'dist', 'src', 'runner', 'pool.js'))});`,
      `const engine = ${JSON.stringify(engine)};`,
      'const early = new EarlyWorkers(engine, 2);',
      'setTimeout(async () => {',
      '  await convertFiles([], { engine, jobs: 2, early });', // in-process: releases them
      '  const other = new EarlyWorkers(engine, 1);',
      '  await convertFiles([{ rel: "a.py", abs: "/nonexistent/a.py", size: 5e6 }, { rel: "b.py", abs: "/nonexistent/b.py", size: 5e6 }], { engine: { ...engine, unsafe: true }, jobs: 2, early: other }, () => {});',
      '  process.stdout.write(`${early.waitingCount} ${other.waitingCount}`);',
      '}, 300);',
    ].join('\n');
    const r = spawnSync(process.execPath, ['-e', code], { encoding: 'utf8', timeout: 60_000 });
    expect(r.signal).toBeNull();
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('0 0');
  });

  it('left waiting (never taken nor released) do not keep the process alive', () => {
    const code = [
      `const { EarlyWorkers } = require(${JSON.stringify(path.join(ROOT, 'dist', 'src', 'runner', 'early-workers.js'))});`,
      `new EarlyWorkers(${JSON.stringify(engine)}, 2);`,
      'setTimeout(() => process.stdout.write("done"), 1500);', // long enough for them to have loaded the engine
    ].join('\n');
    const r = spawnSync(process.execPath, ['-e', code], { encoding: 'utf8', timeout: 60_000 });
    expect(r.signal).toBeNull();
    expect([r.status, r.stdout]).toEqual([0, 'done']);
  });
});

describe('scheduling and options', () => {
  it('dispatches the largest files first, ties in path order', () => {
    const t = (rel: string, size: number) => ({ rel, abs: rel, size });
    const list = [t('b.py', 10), t('huge.py', 5000), t('a.py', 10), t('mid.py', 300)];
    expect(dispatchOrder(list).map((i) => list[i].rel)).toEqual(['huge.py', 'mid.py', 'a.py', 'b.py']);
  });

  it('reads --jobs: 0 or absent is the number of cores, anything else must be a positive integer', () => {
    expect(resolveJobs(undefined)).toBe(defaultJobs());
    expect(resolveJobs(0)).toBe(defaultJobs());
    expect(resolveJobs(3)).toBe(3);
    expect(() => resolveJobs(-1)).toThrow(RangeError);
    expect(() => resolveJobs(1.5)).toThrow(RangeError);
    expect(defaultJobs()).toBeGreaterThanOrEqual(1);
  });

  it('finds the compiled worker beside the module or in dist/', () => {
    expect(workerScriptPath()).toBe(path.join(ROOT, 'dist', 'src', 'runner', 'worker.js'));
  });
});
