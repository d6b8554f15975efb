/**
 * The progress bar: drawn on a terminal for runs longer than the delay,
 * throttled, erased at the end; silent on pipes, in CI, with TERM=dumb and
 * with --quiet. A fake stream and clock for the logic, a real pseudo-terminal
 * (util-linux `script`) for the TTY detection.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ts from 'typescript';
import { Progress, progressEnabled, type ProgressOptions } from './progress';

function fake(opts: Partial<ProgressOptions> & { isTTY?: boolean; columns?: number } = {}) {
  let t = 0;
  const out: string[] = [];
  const stream = { write: (s: string) => out.push(s), isTTY: opts.isTTY ?? true, columns: opts.columns };
  const bar = new Progress({ env: {}, ...opts, stream, now: () => t });
  return {
    bar,
    out,
    at(ms: number) {
      t = ms;
      return this;
    },
  };
}

describe('Progress', () => {
  it('draws nothing during the first second, then the counts, the share and the rate', () => {
    const p = fake();
    p.at(0).bar.update(0, 400);
    p.at(500).bar.update(100, 400);
    expect(p.out).toEqual([]);
    p.at(1000).bar.update(200, 400);
    // 200 files in the 1000 ms since the first sample
    expect(p.out).toEqual(['\r[##########..........] 200/400 files   50%  200 files/s']);
  });

  it('redraws at most every 100 ms, but always at the end', () => {
    const p = fake();
    p.at(0).bar.update(0, 10);
    p.at(1000).bar.update(1, 10);
    p.at(1050).bar.update(2, 10);
    p.at(1099).bar.update(3, 10);
    expect(p.out).toHaveLength(1);
    p.at(1100).bar.update(4, 10);
    expect(p.out).toHaveLength(2);
    p.at(1101).bar.update(10, 10);
    expect(p.out).toHaveLength(3);
    expect(p.out[2]).toMatch(/^\r\[#{20}\] 10\/10 files  100%  \d+ files\/s$/);
  });

  it('pads a shorter line over a longer one and erases itself on finish', () => {
    const p = fake({ delayMs: 0, intervalMs: 0 });
    p.at(0).bar.update(0, 100000);
    p.at(1).bar.update(99000, 100000);
    p.at(2000).bar.update(99001, 100000);
    const [, long, short] = p.out;
    expect(short.length).toBe(long.length);
    expect(short.endsWith('/s   ')).toBe(true);
    p.bar.finish();
    const last = p.out[p.out.length - 1];
    expect(last).toBe(`\r${' '.repeat(short.trimEnd().length - 1)}\r`);
    p.bar.finish(); // nothing more to erase
    expect(p.out[p.out.length - 1]).toBe(last);
  });

  it('never writes when not needed: short runs, pipes, --quiet, CI, TERM=dumb', () => {
    const short = fake();
    short.at(0).bar.update(0, 5);
    short.at(900).bar.update(5, 5);
    short.bar.finish();
    expect(short.out).toEqual([]);
    for (const opts of [{ isTTY: false }, { quiet: true }, { env: { CI: 'true' } }, { env: { TERM: 'dumb' } }]) {
      const p = fake(opts);
      expect(p.bar.enabled).toBe(false);
      p.at(0).bar.update(0, 5);
      p.at(5000).bar.update(5, 5);
      p.bar.finish();
      expect(p.out).toEqual([]);
    }
    expect(fake({ env: { CI: 'false' } }).bar.enabled).toBe(true);
  });

  it('lets a caller override the stream’s isTTY', () => {
    expect(progressEnabled({ stream: { write: () => true, isTTY: false }, isTTY: true, env: {} })).toBe(true);
    expect(progressEnabled({ stream: { write: () => true, isTTY: true }, isTTY: false, env: {} })).toBe(false);
  });

  it('never wraps: the line is cut to the terminal width', () => {
    const p = fake({ delayMs: 0, columns: 30 });
    p.at(0).bar.update(1, 10);
    expect(p.out[0]).toBe('\r' + '[##..................]  1/10 ');
    expect(p.out[0].length - 1).toBe(29);
  });
});

describe('Progress on a real terminal', () => {
  // `script` (util-linux, in Debian's essential bsdutils) gives the child a pseudo-terminal
  it('draws on a pseudo-terminal and nothing on a pipe', () => {
    // this module, compiled on the spot (it imports nothing), driven on process.stderr as the CLI drives it
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ascendify-progress-'));
    try {
      const source = fs.readFileSync(path.join(__dirname, 'progress.ts'), 'utf8');
      const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
      fs.writeFileSync(path.join(dir, 'progress.js'), js);
      const main = path.join(dir, 'main.js');
      fs.writeFileSync(
        main,
        [
          "const { Progress } = require('./progress.js');",
          'const p = new Progress({ stream: process.stderr, delayMs: 0 });',
          'p.update(3, 4);',
          'p.finish();',
          "process.stdout.write('tty=' + String(process.stderr.isTTY === true));",
        ].join('\n'),
      );
      const env: NodeJS.ProcessEnv = { ...process.env, TERM: 'xterm' };
      delete env.CI;
      const pty = spawnSync('script', ['-qec', `'${process.execPath}' '${main}'`, '/dev/null'], { encoding: 'utf8', env });
      expect(pty.stdout).toContain('tty=true');
      expect(pty.stdout).toContain('3/4 files');
      const pipe = spawnSync(process.execPath, [main], { encoding: 'utf8', env });
      expect(pipe.stdout).toBe('tty=false');
      expect(pipe.stderr).toBe('');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
