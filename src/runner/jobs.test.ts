/**
 * `--jobs N`: the CLI's outputs and reports are byte-identical for any number of
 * jobs. The tree is larger than the pool's in-process threshold (1 MiB of
 * Python), so `--jobs 4` really converts in worker threads (asserted below
 * through the run result's pool statistics).
 *
 * `npm test` builds dist/ first, which the CLI and the workers run.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEFAULT_MIN_PARALLEL_BYTES } from './pool';
import { run } from './run';
import { selectPassIds } from './passes';
import { DEFAULT_MAX_FILE_SIZE } from './convert-file';
import { treeHash } from '../../test/tree-hash';

const ROOT = path.join(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'ascendify.js');

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 256 * 1024 * 1024 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('--jobs', () => {
  let tmp: string;
  let src: string;

  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ascendify-jobs-'));
    src = path.join(tmp, 'repo');
    // the golden samples' inputs, several times, plus enough standard library to pass the threshold
    const golden = path.join(ROOT, 'golden');
    for (const sample of fs.readdirSync(golden).sort()) {
      const input = path.join(golden, sample, 'input');
      if (!fs.existsSync(input)) continue;
      for (let r = 0; r < 3; r++) fs.cpSync(input, path.join(src, `r${r}-${sample}`), { recursive: true });
    }
    const python = fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
    const py = spawnSync(python, ['-c', 'import sysconfig; print(sysconfig.get_paths()["stdlib"])'], { encoding: 'utf8' }).stdout.trim();
    const files = fs.existsSync(py) ? fs.readdirSync(py).filter((f) => f.endsWith('.py')).sort() : [];
    let bytes = 0;
    for (const f of files) {
      if (bytes > 1.5 * DEFAULT_MIN_PARALLEL_BYTES) break;
      fs.mkdirSync(path.join(src, 'lib'), { recursive: true });
      fs.copyFileSync(path.join(py, f), path.join(src, 'lib', f));
      bytes += fs.statSync(path.join(py, f)).size;
    }
    // edge cases: BOM + CRLF, not UTF-8, a syntax error, an empty file
    fs.writeFileSync(path.join(src, 'bom.py'), '\ufeffimport torch\r\ntorch.cuda.synchronize()\r\n');
    fs.writeFileSync(path.join(src, 'latin1.py'), Buffer.from('x = "caf\xe9"\n', 'latin1'));
    fs.writeFileSync(path.join(src, 'broken.py'), 'import torch\ndef f(:\n');
    fs.writeFileSync(path.join(src, 'empty.py'), '');
    expect(bytes).toBeGreaterThan(DEFAULT_MIN_PARALLEL_BYTES);
  });

  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('convert writes the same tree and reports with --jobs 1 and --jobs 4', () => {
    const out1 = path.join(tmp, 'out1');
    const out4 = path.join(tmp, 'out4');
    const one = cli(['convert', src, '-o', out1, '--jobs', '1']);
    const four = cli(['convert', src, '-o', out4, '--jobs', '4']);
    expect(one.code).toBe(2); // broken.py and latin1.py fail
    expect(four.code).toBe(one.code);
    expect(four.stderr).toBe(one.stderr);
    expect(four.stdout.split(out4).join('<OUT>')).toBe(one.stdout.split(out1).join('<OUT>'));
    expect(treeHash(out4, out4)).toBe(treeHash(out1, out1));
  });

  it('diff prints the same patch with --jobs 1 and --jobs 4', () => {
    const one = cli(['diff', src, '--jobs', '1']);
    const four = cli(['diff', src, '--jobs', '4']);
    expect(one.stdout).not.toBe('');
    expect(four.stdout).toBe(one.stdout);
    expect(four.stderr).toBe(one.stderr);
    expect(four.code).toBe(one.code);
  });

  it('really converts on worker threads above the threshold, with the same result as in-process', async () => {
    const engine = { passIds: selectPassIds(), unsafe: false, transferToNpu: false, maxFileSize: DEFAULT_MAX_FILE_SIZE };
    const one = await run({ src, mode: 'diff', engine, jobs: 1 });
    const two = await run({ src, mode: 'diff', engine, jobs: 2 });
    expect(one.pool.mode).toBe('in-process');
    expect(two.pool).toMatchObject({ mode: 'workers', workers: 2 });
    expect(two.pool.batches).toBeGreaterThan(2);
    expect(two.patch).toEqual(one.patch);
    expect(two.files).toEqual(one.files);
    expect(two.changes).toEqual(one.changes);
    expect(two.manual).toEqual(one.manual);
  });
});
