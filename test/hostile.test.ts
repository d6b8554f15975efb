/**
 * The user's tree is safe, tried as a hostile but ordinary user would: typo'd
 * flags, conflicting options, symbolic links in the source and in the output,
 * write failures, a second run at the same time, interruptions, a dirty git
 * tree. Each case asserts the exit code, the message, and that nothing outside
 * the output was written (a hash of the surrounding tree before and after).
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { treeHash } from './tree-hash';
import { main, type Io } from '../src/cli';
import { LOCK_NAME } from '../src/runner/lock';
import { BIN, cli as runCli } from './cli-run';

const cli = (args: string[], opts: { cwd?: string } = {}) => runCli(args, opts.cwd);

const TRAIN = 'import torch\n\n\ndef main():\n    torch.cuda.synchronize()\n\n\nif __name__ == "__main__":\n    main()\n';
const CONVERTED = TRAIN.replace('import torch\n', 'import torch\nimport torch_npu\n').replace('torch.cuda', 'torch.npu');

let tmp: string;
beforeEach(() => {
  tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'ascendify-hostile-')));
});
afterEach(() => {
  jest.restoreAllMocks();
  fs.rmSync(tmp, { recursive: true, force: true });
});

function write(rel: string, content: string | Buffer): string {
  const p = path.join(tmp, rel);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, content);
  return p;
}

function repo(name = 'src'): string {
  write(`${name}/train.py`, TRAIN);
  write(`${name}/pkg/model.py`, 'import torch\nm = torch.nn.Linear(2, 2).cuda()\n');
  write(`${name}/README.md`, 'hello\n');
  return path.join(tmp, name);
}

/** Run the CLI in-process (for injected file system errors), capturing its output. */
async function inProcess(args: string[]) {
  let stdout = '';
  let stderr = '';
  const io: Io = { stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s), isTTY: false };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

function csvOf(dir: string, name: string): string {
  return fs.readFileSync(path.join(dir, name), 'utf8');
}

describe('the command line is checked whole before anything runs', () => {
  const cases: [string, (src: string) => string[], RegExp][] = [
    ['a typo in a flag with --in-place', (src) => ['convert', src, '--in-place', '--dry-run'], /Unknown argument: dry-run/],
    ['an unknown flag of diff', (src) => ['diff', src, '--colour'], /Unknown argument: colour/],
    ['an unknown flag of analyze', (src) => ['analyze', src, '--fail-onn', 'error'], /Unknown arguments?: fail-onn/],
    ['an extra positional', (src) => ['convert', src, 'other'], /Unknown argument: other/],
    ['--in-place with --output', (src) => ['convert', src, '--in-place', '-o', path.join(tmp, 'x')], /--in-place and --output exclude each other/],
    ['--in-place with --force', (src) => ['convert', src, '--in-place', '--force'], /--force has no meaning with --in-place/],
    ['--allow-dirty without --in-place', (src) => ['convert', src, '--allow-dirty'], /--allow-dirty applies to --in-place only/],
    ['an empty --only', (src) => ['convert', src, '--only', ''], /--only: no pass id given/],
    ['--only of commas', (src) => ['convert', src, '--only', ',,,'], /--only: no pass id given/],
    ['--only X --skip X', (src) => ['convert', src, '--only', 'cuda-api-to-npu', '--skip', 'cuda-api-to-npu'], /no pass left to run/],
    ['--skip of every pass', (src) => ['diff', src, '--skip', PASS_IDS.join(',')], /no pass left to run/],
    ['too many jobs', (src) => ['convert', src, '-j', String(4 * os.availableParallelism() + 1)], /--jobs \d+: at most \d+ on this machine/],
    ['a fractional --jobs', (src) => ['convert', src, '-j', '1.5'], /--jobs must be a positive integer/],
    ['an empty --report-dir', (src) => ['convert', src, '--report-dir', ''], /--report-dir: empty path/],
    ['an empty --output', (src) => ['convert', src, '-o', ''], /--output: empty path/],
    ['a bad --max-file-size', (src) => ['convert', src, '--max-file-size', 'big'], /--max-file-size: cannot read "big"/],
  ];
  it.each(cases)('%s: exit 3, one line on stderr, nothing written', (_name, args, message) => {
    const src = repo();
    const before = treeHash(tmp);
    const r = cli(args(src));
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stdout).toBe('');
    expect(treeHash(tmp)).toBe(before);
  });
});

const PASS_IDS = spawnSync(process.execPath, [BIN, 'passes'], { encoding: 'utf8' })
  .stdout.trim()
  .split('\n')
  .map((l) => l.split(/\s+/)[0]);

describe('no write follows a symbolic link', () => {
  it('refuses a source whose ascendify-report is a link (to elsewhere, or back to the source)', () => {
    const src = repo();
    fs.mkdirSync(path.join(tmp, 'victim'));
    fs.symlinkSync(path.join(tmp, 'victim'), path.join(src, 'ascendify-report'));
    const before = treeHash(tmp);
    const r = cli(['convert', src, '-o', path.join(tmp, 'out')]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/report folder .*out\/ascendify-report is where the copy of the source writes \(the source has ascendify-report, a symbolic link\)/);
    expect(treeHash(tmp)).toBe(before);

    fs.rmSync(path.join(src, 'ascendify-report'));
    fs.symlinkSync('.', path.join(src, 'ascendify-report'));
    const again = treeHash(tmp);
    expect(cli(['convert', src, '-o', path.join(tmp, 'out')]).code).toBe(3);
    expect(treeHash(tmp)).toBe(again);
    // with a report folder elsewhere the link is copied as a link, and nothing is written through it
    expect(cli(['convert', src, '-o', path.join(tmp, 'out'), '--report-dir', path.join(tmp, 'rep'), '-q']).code).toBe(0);
    expect(fs.readlinkSync(path.join(tmp, 'out/ascendify-report'))).toBe('.');
    expect(fs.readdirSync(path.join(tmp, 'victim'))).toEqual([]);
    expect(fs.readdirSync(src).sort()).toEqual(['README.md', 'ascendify-report', 'pkg', 'train.py']);
  });

  it('--force does not write through links an earlier run left in the output', () => {
    const src = repo();
    const victim = path.join(tmp, 'victim');
    write('victim/keep.txt', 'mine\n');
    fs.chmodSync(victim, 0o750);
    const out = path.join(tmp, 'out');
    fs.mkdirSync(out);
    fs.symlinkSync('../victim', path.join(out, 'pkg')); // where src has a real folder
    fs.symlinkSync('../victim/keep.txt', path.join(out, 'train.py')); // where a converted file goes
    const victimBefore = treeHash(victim);
    const srcBefore = treeHash(src);
    const r = cli(['convert', src, '-o', out, '--force']);
    expect(r.code).toBe(2);
    expect(treeHash(victim)).toBe(victimBefore);
    expect(fs.statSync(victim).mode & 0o777).toBe(0o750);
    expect(treeHash(src)).toBe(srcBefore);
    expect(fs.readlinkSync(path.join(out, 'pkg'))).toBe('../victim');
    expect(fs.readlinkSync(path.join(out, 'train.py'))).toBe('../victim/keep.txt');
    expect(fs.readFileSync(path.join(out, 'README.md'), 'utf8')).toBe('hello\n');
    expect(csvOf(path.join(out, 'ascendify-report'), 'files.csv')).toBe(
      'File,Status,Reason\n' +
        'pkg,failed,a symbolic link is where directory pkg goes; not followed\n' +
        'pkg/model.py,failed,a symbolic link is where directory pkg goes; not followed\n' +
        'train.py,failed,a symbolic link is where train.py goes; not written through\n',
    );
    // nothing it could not write is claimed as changed
    expect(csvOf(path.join(out, 'ascendify-report'), 'change_list.csv')).toBe('File,Start Line,End Line,Operation Type,Message\n');
    expect(r.stdout).toMatch(/2 scanned: 0 changed, 0 unchanged, 0 skipped, 2 failed/);
  });

  it('resolves --report-dir through links before checking it against the source', () => {
    const src = repo();
    fs.symlinkSync(src, path.join(tmp, 'srclink'));
    const before = treeHash(tmp);
    const r = cli(['convert', path.join(tmp, 'srclink'), '-o', path.join(tmp, 'o'), '--report-dir', path.join(tmp, 'srclink/rep')]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/report folder .*srclink\/rep is inside the source/);
    expect(treeHash(tmp)).toBe(before);
  });

  it('refuses, before writing anything, an output it cannot create or that is a dangling link', () => {
    const src = repo();
    write('afile', 'x');
    fs.symlinkSync(path.join(tmp, 'nowhere'), path.join(tmp, 'dangling'));
    fs.symlinkSync(path.join(tmp, 'elsewhere'), path.join(tmp, 'rep-link'));
    fs.mkdirSync(path.join(tmp, 'elsewhere'));
    const before = treeHash(tmp);
    const underFile = cli(['convert', src, '-o', path.join(tmp, 'afile/out')]);
    expect(underFile.code).toBe(3);
    expect(underFile.stderr).toMatch(/cannot create output .*afile\/out: .*afile is not a directory/);
    const dangling = cli(['convert', src, '-o', path.join(tmp, 'dangling')]);
    expect(dangling.code).toBe(3);
    expect(dangling.stderr).toMatch(/output .*dangling is a symbolic link to a missing path/);
    const repLink = cli(['convert', src, '-o', path.join(tmp, 'out'), '--report-dir', path.join(tmp, 'rep-link')]);
    expect(repLink.code).toBe(3);
    expect(repLink.stderr).toMatch(/report folder .*rep-link is a symbolic link/);
    const inSrc = cli(['convert', src, '-o', path.join(tmp, 'out'), '--report-dir', path.join(src, 'pkg/rep')]);
    expect(inSrc.code).toBe(3);
    for (const r of [underFile, dangling, repLink, inSrc]) expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(treeHash(tmp)).toBe(before);
  });

  it('refuses a report folder inside a folder the copy of the source writes', () => {
    const src = repo();
    const before = treeHash(tmp);
    const r = cli(['convert', src, '-o', path.join(tmp, 'out'), '--report-dir', path.join(tmp, 'out/pkg/rep')]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/where the copy of the source writes \(the source has pkg\)/);
    expect(treeHash(tmp)).toBe(before);
  });
});

describe('a file that cannot be written is that file failure, never the end of the run', () => {
  it('a folder where a converted .py goes: the file fails, the rest is written, reports too, exit 2', () => {
    const src = repo();
    const out = path.join(tmp, 'out');
    fs.mkdirSync(path.join(out, 'train.py'), { recursive: true });
    const r = cli(['convert', src, '-o', out, '--force']);
    expect(r.code).toBe(2);
    expect(fs.statSync(path.join(out, 'train.py')).isDirectory()).toBe(true);
    expect(fs.readFileSync(path.join(out, 'pkg/model.py'), 'utf8')).toContain('.npu()');
    expect(csvOf(path.join(out, 'ascendify-report'), 'files.csv')).toBe('File,Status,Reason\ntrain.py,failed,a directory is where train.py goes; not replaced\n');
    expect(r.stdout).toMatch(/2 scanned: 1 changed, 0 unchanged, 0 skipped, 1 failed/);
    expect(csvOf(path.join(out, 'ascendify-report'), 'changes.patch')).not.toContain('train.py');
  });

  it('an OS refusal (EACCES, injected) on one file and one folder', async () => {
    const src = repo();
    write('src/data/a.txt', 'a');
    const out = path.join(tmp, 'out');
    const core = require('node:fs') as typeof fs;
    const realOpen = core.openSync;
    const realMkdir = core.mkdirSync;
    jest.spyOn(core, 'openSync').mockImplementation(((p: fs.PathLike, ...rest: unknown[]) => {
      if (String(p).includes(`${path.sep}.model.py.ascendify-`)) throw Object.assign(new Error('EACCES'), { code: 'EACCES', syscall: 'open' });
      return (realOpen as (...a: unknown[]) => number)(p, ...rest);
    }) as typeof fs.openSync);
    jest.spyOn(core, 'mkdirSync').mockImplementation(((p: fs.PathLike, ...rest: unknown[]) => {
      if (String(p) === path.join(out, 'data')) throw Object.assign(new Error('EACCES'), { code: 'EACCES', syscall: 'mkdir' });
      return (realMkdir as (...a: unknown[]) => unknown)(p, ...rest);
    }) as typeof fs.mkdirSync);
    const r = await inProcess(['convert', src, '-o', out, '-q', '-j', '1']);
    expect(r.code).toBe(2);
    expect(fs.readFileSync(path.join(out, 'train.py'), 'utf8')).toBe(CONVERTED);
    expect(csvOf(path.join(out, 'ascendify-report'), 'files.csv')).toBe(
      'File,Status,Reason\n' +
        'data,failed,cannot create directory data: EACCES (mkdir)\n' +
        'data/a.txt,failed,cannot create directory data: EACCES (mkdir)\n' +
        'pkg/model.py,failed,cannot write pkg/model.py: EACCES (open)\n',
    );
  });

  it('a full disk (ENOSPC, injected) stops the run cleanly: what was done is reported, exit 2', async () => {
    const src = path.join(tmp, 'src');
    for (let i = 0; i < 20; i++) write(`src/m${String(i).padStart(2, '0')}.py`, TRAIN);
    const out = path.join(tmp, 'out');
    const core = require('node:fs') as typeof fs;
    const realWrite = core.writeSync;
    let writes = 0;
    jest.spyOn(core, 'writeSync').mockImplementation(((fd: number, buf: unknown, ...rest: unknown[]) => {
      // converted files are written by writeSync into temporary files; the 6th one hits a full disk
      if (Buffer.isBuffer(buf) || buf instanceof Uint8Array) {
        const s = Buffer.from(buf as Uint8Array).toString('utf8');
        if (s.includes('torch_npu') && !s.includes('File,') && ++writes >= 6) throw Object.assign(new Error('ENOSPC'), { code: 'ENOSPC', syscall: 'write' });
      }
      return (realWrite as (...a: unknown[]) => number)(fd, buf, ...rest);
    }) as typeof fs.writeSync);
    const r = await inProcess(['convert', src, '-o', out, '-j', '1']);
    jest.restoreAllMocks();
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/STOPPED\s+cannot write m05\.py: ENOSPC \(write\): 14 of 20 files not done \(not in the output\)/);
    const files = csvOf(path.join(out, 'ascendify-report'), 'files.csv');
    expect(files).toBe('File,Status,Reason\nm05.py,failed,cannot write m05.py: ENOSPC (write)\n');
    for (let i = 0; i < 5; i++) expect(fs.readFileSync(path.join(out, `m0${i}.py`), 'utf8')).toBe(CONVERTED);
    expect(fs.existsSync(path.join(out, 'm05.py'))).toBe(false);
    expect(fs.readdirSync(out).filter((n) => n.includes('.tmp'))).toEqual([]);
    const journal = csvOf(path.join(out, 'ascendify-report'), 'journal.csv').trim().split('\n');
    expect(journal).toEqual(['File,Status,Reason', 'm00.py,changed,', 'm01.py,changed,', 'm02.py,changed,', 'm03.py,changed,', 'm04.py,changed,', 'm05.py,failed,cannot write m05.py: ENOSPC (write)']);
  });

  it('counts as copied only the files really copied', () => {
    const src = repo();
    const out = path.join(tmp, 'out');
    fs.mkdirSync(path.join(out, 'README.md'), { recursive: true }); // a folder where a copied file goes
    const r = cli(['convert', src, '-o', out, '--force']);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/other files\s+0 copied, 1 not copied/);
  });
});

describe('one run at a time per output', () => {
  it('a live lock refuses the run naming its holder; a stale one is taken over', () => {
    const src = repo();
    const out = path.join(tmp, 'out');
    fs.mkdirSync(out);
    const lock = path.join(out, LOCK_NAME);
    fs.writeFileSync(lock, JSON.stringify({ pid: process.pid, host: os.hostname(), command: 'ascendify convert other' }));
    const before = treeHash(tmp);
    const r = cli(['convert', src, '-o', out, '--force']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(new RegExp(`another ascendify run is writing .*out: held by pid ${process.pid} on .* \\(ascendify convert other\\)`));
    expect(treeHash(tmp)).toBe(before);

    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    fs.writeFileSync(lock, JSON.stringify({ pid: Number(gone.stdout), host: os.hostname(), command: 'killed' }));
    const taken = cli(['convert', src, '-o', out, '--force', '-q']);
    expect(taken.code).toBe(0);
    expect(fs.existsSync(lock)).toBe(false); // released at the end
    expect(fs.readFileSync(path.join(out, 'train.py'), 'utf8')).toBe(CONVERTED);
  });

  it('a run refused after a walk that started the workers early ends cleanly: exit 3, nothing written, no worker left', () => {
    // over 1 MB of Python: the walk starts the pool's workers before the lock is checked (src/runner/pool.ts EarlyWorkers)
    const big = TRAIN + '\n'.repeat(1) + Array.from({ length: 300 }, (_, i) => `def f${i}(x):\n    return x.to("cuda")\n`).join('');
    for (let i = 0; i < 120; i++) write(`big/d${i % 6}/m${i}.py`, big);
    const src = path.join(tmp, 'big');
    const out = path.join(tmp, 'out');
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, LOCK_NAME), JSON.stringify({ pid: process.pid, host: os.hostname(), command: 'ascendify convert other' }));
    const before = treeHash(tmp);
    const started = Date.now();
    const r = cli(['convert', src, '-o', out, '--force', '-j', '2']);
    expect([r.code, r.stderr]).toEqual([3, expect.stringMatching(/another ascendify run is writing .*out: held by pid/)]);
    expect(treeHash(tmp)).toBe(before);
    expect(Date.now() - started).toBeLessThan(30_000); // the workers closed; none waited for CLOSE_TIMEOUT_MS
    // refused by the plan itself, after the walk: a report folder where the copy writes
    fs.rmSync(path.join(out, LOCK_NAME));
    fs.mkdirSync(path.join(src, 'rep'));
    const clash = cli(['convert', src, '-o', out, '--force', '-j', '2', '--report-dir', path.join(out, 'rep')]);
    expect([clash.code, clash.stderr]).toEqual([3, expect.stringMatching(/is where the copy of the source writes/)]);
  });

  it('locks the report folder of analyze, and a single output file by its own name', () => {
    const src = repo();
    const rep = path.join(tmp, 'rep');
    fs.mkdirSync(rep);
    fs.writeFileSync(path.join(rep, LOCK_NAME), JSON.stringify({ pid: process.pid, host: os.hostname(), command: 'ascendify analyze' }));
    const r = cli(['analyze', src, '--report-dir', rep]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/another ascendify run is writing .*rep: held by pid/);
    expect(fs.readdirSync(rep)).toEqual([LOCK_NAME]);

    // two single files converted into one folder at once do not block each other; the same output does
    fs.writeFileSync(path.join(tmp, `.train_npu.py${LOCK_NAME}`), JSON.stringify({ pid: process.pid, host: os.hostname(), command: 'x' }));
    expect(cli(['convert', path.join(src, 'train.py'), '-o', path.join(tmp, 'train_npu.py')]).code).toBe(3);
    expect(cli(['convert', path.join(src, 'train.py'), '-o', path.join(tmp, 'other_npu.py'), '-q']).code).toBe(0);
    expect(fs.readFileSync(path.join(tmp, 'other_npu.py'), 'utf8')).toBe(CONVERTED);
  });

  it('refuses to read a source an in-place run is rewriting', () => {
    const src = repo();
    fs.writeFileSync(path.join(src, LOCK_NAME), JSON.stringify({ pid: process.pid, host: os.hostname(), command: 'ascendify convert --in-place' }));
    const r = cli(['diff', src]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/is being rewritten in place by another run: held by pid/);
  });

  it('three runs of the same source at once: the ones refused say so, the others give clean results', async () => {
    const src = path.join(tmp, 'src');
    for (let i = 0; i < 150; i++) write(`src/d${i % 10}/m${i}.py`, TRAIN);
    const runOne = () =>
      new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        const c = spawn(process.execPath, [BIN, 'convert', src, '--force', '-j', '1'], { env: { ...process.env, NO_COLOR: '1' } });
        let stdout = '';
        let stderr = '';
        c.stdout.on('data', (d) => (stdout += d));
        c.stderr.on('data', (d) => (stderr += d));
        c.on('close', (code) => resolve({ code, stdout, stderr }));
      });
    const runs = await Promise.all([runOne(), runOne(), runOne()]);
    for (const r of runs) {
      expect([0, 3]).toContain(r.code);
      if (r.code === 3) expect(r.stderr).toMatch(/another ascendify run is writing|exists and is not empty/);
      else expect(r.stdout).toMatch(/150 scanned: 150 changed, 0 unchanged, 0 skipped, 0 failed/);
    }
    expect(runs.some((r) => r.code === 0)).toBe(true);
    expect(fs.existsSync(path.join(`${src}_npu`, LOCK_NAME))).toBe(false);
  });
});

describe('--in-place and uncommitted git changes', () => {
  const git = (cwd: string, ...args: string[]) => {
    const r = spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
  };

  it('refuses a file it would rewrite with uncommitted changes, unless --allow-dirty', () => {
    const src = repo();
    write('src/plain.py', 'x = 1\n');
    git(src, 'init', '-q');
    git(src, 'add', '.');
    git(src, 'commit', '-q', '-m', 'init');
    fs.appendFileSync(path.join(src, 'pkg/model.py'), '# my edit\n');
    fs.appendFileSync(path.join(src, 'plain.py'), 'y = 2\n'); // dirty, but nothing to rewrite there
    const rep = path.join(tmp, 'rep');
    const before = treeHash(tmp);
    const r = cli(['convert', src, '--in-place', '--report-dir', rep]);
    expect(r.code).toBe(3);
    expect(r.stderr).toBe(
      'ascendify: --in-place: 1 file it would rewrite has uncommitted changes in git (pkg/model.py); commit or stash them first, or pass --allow-dirty\n',
    );
    expect(treeHash(tmp)).toBe(before);

    write('src/new_train.py', TRAIN); // untracked: git could not give it back either
    const r2 = cli(['convert', src, '--in-place', '--report-dir', rep]);
    expect(r2.code).toBe(3);
    expect(r2.stderr).toMatch(/2 files it would rewrite have uncommitted changes in git \(new_train\.py, pkg\/model\.py\)/);

    const ok = cli(['convert', src, '--in-place', '--report-dir', rep, '--allow-dirty', '-q']);
    expect(ok.code).toBe(0);
    expect(fs.readFileSync(path.join(src, 'pkg/model.py'), 'utf8')).toBe('import torch\nimport torch_npu\nm = torch.nn.Linear(2, 2).npu()\n# my edit\n');
  });

  it('runs on a clean work tree, and journals every file it rewrote', () => {
    const src = repo();
    git(src, 'init', '-q');
    git(src, 'add', '.');
    git(src, 'commit', '-q', '-m', 'init');
    const r = cli(['convert', src, '--in-place', '-q']);
    expect(r.code).toBe(0);
    expect(fs.readFileSync(path.join(src, 'train.py'), 'utf8')).toBe(CONVERTED);
    expect(csvOf(path.join(src, 'ascendify-report'), 'journal.csv')).toBe('File,Status,Reason\npkg/model.py,changed,\ntrain.py,changed,\n');
    expect(fs.existsSync(path.join(src, LOCK_NAME))).toBe(false);
    // once committed, a second run changes nothing; the report folder is left out of it
    git(src, 'add', '.');
    git(src, 'commit', '-q', '-m', 'converted');
    const again = cli(['convert', src, '--in-place', '-q']);
    expect(again.code).toBe(0);
    expect(csvOf(path.join(src, 'ascendify-report'), 'changes.patch')).toBe('');
  });
});

describe('interrupted runs', () => {
  /** Start a conversion of many files, send `sig` once the journal shows a few done, wait for the exit. */
  async function interrupt(args: string[], journalPath: string, sig: NodeJS.Signals) {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    let sent = false;
    const poll = setInterval(() => {
      let rows = 0;
      try {
        rows = fs.readFileSync(journalPath, 'utf8').split('\n').filter((l) => l.includes(',changed,')).length;
      } catch {
        return;
      }
      if (rows >= 5 && !sent) {
        sent = true;
        child.kill(sig);
      }
    }, 5);
    const code = await exited;
    clearInterval(poll);
    return { code, stdout, stderr, sent };
  }

  function bigRepo(n: number): string {
    for (let i = 0; i < n; i++) write(`src/p${String(i).padStart(4, '0')}.py`, TRAIN + `# ${'x'.repeat(2000)}\n`);
    return path.join(tmp, 'src');
  }

  it('SIGINT: the files in flight finish, the reports cover what was done, exit 130, lock released', async () => {
    const src = bigRepo(1500);
    const out = path.join(tmp, 'out');
    const r = await interrupt(['convert', src, '-o', out, '-j', '1'], path.join(out, 'ascendify-report/journal.csv'), 'SIGINT');
    expect(r.sent).toBe(true);
    expect(r.code).toBe(130);
    expect(r.stderr).toMatch(/SIGINT: finishing the files in progress/);
    expect(r.stdout).toMatch(/STOPPED\s+stopped by SIGINT: \d+ of 1500 files not done \(not in the output\)/);
    const rep = path.join(out, 'ascendify-report');
    const journal = csvOf(rep, 'journal.csv').trim().split('\n').slice(1);
    const done = journal.map((l) => l.split(',')[0]);
    expect(done.length).toBeGreaterThanOrEqual(5);
    expect(done.length).toBeLessThan(1500);
    expect([...done].sort()).toEqual(done); // rewritten in path order at the end
    for (const f of done) expect(fs.readFileSync(path.join(out, f), 'utf8')).toContain('torch.npu.synchronize()');
    const written = fs.readdirSync(out).filter((n) => n.endsWith('.py'));
    expect(written.sort()).toEqual(done);
    expect(csvOf(rep, 'change_list.csv').trim().split('\n')).toHaveLength(1 + 2 * done.length);
    expect(fs.existsSync(path.join(out, LOCK_NAME))).toBe(false);
  });

  it('SIGTERM during --in-place: exit 143, the journal names exactly the files rewritten', async () => {
    const src = bigRepo(1500);
    const rep = path.join(tmp, 'rep');
    const r = await interrupt(['convert', src, '--in-place', '--report-dir', rep, '-j', '1', '-q'], path.join(rep, 'journal.csv'), 'SIGTERM');
    expect(r.code).toBe(143);
    const done = new Set(csvOf(rep, 'journal.csv').trim().split('\n').slice(1).map((l) => l.split(',')[0]));
    expect(done.size).toBeGreaterThanOrEqual(5);
    for (const name of fs.readdirSync(src).filter((n) => n.endsWith('.py'))) {
      const converted = fs.readFileSync(path.join(src, name), 'utf8').includes('torch_npu');
      expect([name, converted]).toEqual([name, done.has(name)]);
    }
  });

  it('SIGKILL during --in-place: every row of the journal was flushed; the next run takes the lock over', async () => {
    const src = bigRepo(1500);
    const rep = path.join(tmp, 'rep');
    const r = await interrupt(['convert', src, '--in-place', '--report-dir', rep, '-j', '1', '-q'], path.join(rep, 'journal.csv'), 'SIGKILL');
    expect(r.code).toBe(null); // killed
    expect(fs.existsSync(path.join(src, LOCK_NAME))).toBe(true); // left behind by the killed run
    const rows = csvOf(rep, 'journal.csv').split('\n').slice(1).filter(Boolean);
    const done = new Set(rows.map((l) => l.split(',')[0]));
    const converted = fs.readdirSync(src).filter((n) => n.endsWith('.py') && fs.readFileSync(path.join(src, n), 'utf8').includes('torch_npu'));
    expect(converted.length).toBeGreaterThanOrEqual(5);
    expect(converted.length).toBeLessThan(1500);
    // each file is rewritten before its row is written: at most the file in progress lacks its row
    expect(converted.filter((n) => !done.has(n)).length).toBeLessThanOrEqual(1);
    for (const n of done) expect(converted).toContain(n);
    // a temporary file as a kill during a write leaves it: removed by the next in-place run, never converted
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    write(`src/.p0001.py.ascendify-${gone}-7.tmp`, 'import torch\n');
    const next = cli(['convert', src, '--in-place', '--report-dir', rep, '-q']);
    expect(next.code).toBe(0);
    expect(fs.existsSync(path.join(src, LOCK_NAME))).toBe(false);
    expect(fs.readdirSync(src).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    expect(csvOf(rep, 'journal.csv')).not.toContain('.tmp');
  });
});
