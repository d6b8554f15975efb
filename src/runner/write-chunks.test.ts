import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isFatalWriteError, RootedWriter, TEMP_FILE_RE, WriteError } from './safe-fs';

let root: string;
let w: RootedWriter;
beforeEach(() => {
  root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'ascendify-chunks-')));
  w = new RootedWriter(root);
});
afterEach(() => {
  jest.restoreAllMocks();
  fs.rmSync(root, { recursive: true, force: true });
});

const temps = (dir = root) => fs.readdirSync(dir).filter((n) => TEMP_FILE_RE.test(n));
const read = (rel: string) => fs.readFileSync(path.join(root, rel));

describe('RootedWriter.writeChunks', () => {
  it('writes the pieces in order, strings as UTF-8, with the mode, creating the folders', () => {
    w.writeChunks('a/b/out.txt', ['héllo ', Buffer.from([0xe4, 0xb8, 0xad]), '', new Uint8Array([0x0a]), '→ 😀\n'], 0o640);
    expect(read('a/b/out.txt').toString('utf8')).toBe('héllo 中\n→ 😀\n');
    expect(fs.statSync(path.join(root, 'a/b/out.txt')).mode & 0o777).toBe(0o640);
    expect(temps(path.join(root, 'a/b'))).toEqual([]);
  });

  it('takes a generator, and gives the same bytes as writeFile of the joined text', () => {
    const text = Array.from({ length: 2000 }, (_, i) => `line ${i} é\n`);
    function* pieces() {
      for (let i = 0; i < text.length; i += 100) yield text.slice(i, i + 100).join('');
    }
    w.writeChunks('gen.txt', pieces(), 0o644);
    w.writeFile('whole.txt', text.join(''), 0o644);
    expect(read('gen.txt').equals(read('whole.txt'))).toBe(true);
  });

  it('a string passed whole is one piece, not its characters; no pieces make an empty file', () => {
    w.writeChunks('s.txt', 'abc' as unknown as Iterable<string>, 0o644);
    expect(read('s.txt').toString()).toBe('abc');
    w.writeChunks('empty.txt', [], 0o644);
    expect(read('empty.txt').length).toBe(0);
  });

  it('replaces the file atomically: until the last piece the old file is there, whole', () => {
    fs.writeFileSync(path.join(root, 'r.csv'), 'old\n');
    const seen: string[] = [];
    function* pieces() {
      yield 'new 1\n';
      seen.push(read('r.csv').toString(), String(temps().length));
      yield 'new 2\n';
    }
    w.writeChunks('r.csv', pieces(), 0o644);
    expect(seen).toEqual(['old\n', '1']);
    expect(read('r.csv').toString()).toBe('new 1\nnew 2\n');
    expect(temps()).toEqual([]);
  });

  it('never writes through a symbolic link: at the target, or on the way to it', () => {
    const victim = path.join(root, 'victim.txt');
    fs.writeFileSync(victim, 'keep');
    fs.symlinkSync(victim, path.join(root, 'link.txt'));
    expect(() => w.writeChunks('link.txt', ['x'], 0o644)).toThrow(new WriteError('a symbolic link is where link.txt goes; not written through'));
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'ascendify-chunks-outside-'));
    try {
      fs.symlinkSync(outside, path.join(root, 'sub'));
      expect(() => w.writeChunks('sub/f.txt', ['x'], 0o644)).toThrow(new WriteError('a symbolic link is where directory sub goes; not followed'));
      expect(fs.readdirSync(outside)).toEqual([]);
    } finally {
      fs.rmSync(outside, { recursive: true, force: true });
    }
    expect(fs.readFileSync(victim, 'utf8')).toBe('keep');
    expect(temps()).toEqual([]);
  });

  it('refuses a directory where the file goes, and a file where a folder goes', () => {
    fs.mkdirSync(path.join(root, 'd'));
    expect(() => w.writeChunks('d', ['x'], 0o644)).toThrow(new WriteError('a directory is where d goes; not replaced'));
    fs.writeFileSync(path.join(root, 'f'), '');
    expect(() => w.writeChunks('f/x.txt', ['x'], 0o644)).toThrow(new WriteError('a file is where directory f goes; not replaced'));
  });

  it('an error of the pieces is thrown as it is; the old file stays and no temporary file is left', () => {
    fs.writeFileSync(path.join(root, 'r.json'), 'old');
    const bug = new RangeError('the generator broke');
    function* pieces() {
      yield 'partial';
      throw bug;
    }
    let thrown: unknown;
    try {
      w.writeChunks('r.json', pieces(), 0o644);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBe(bug);
    expect(read('r.json').toString()).toBe('old');
    expect(temps()).toEqual([]);
  });

  it('what the OS refuses is a WriteError with its code (a full disk is fatal), as with writeFile; no temporary file is left', () => {
    fs.writeFileSync(path.join(root, 'r.csv'), 'old');
    const full = Object.assign(new Error('ENOSPC'), { code: 'ENOSPC', syscall: 'write' });
    const core = require('node:fs') as typeof fs; // the module object itself: its functions can be replaced
    jest.spyOn(core, 'writeSync').mockImplementation(() => {
      throw full;
    });
    for (const write of [() => w.writeChunks('r.csv', ['a', 'b'], 0o644), () => w.writeFile('r.csv', 'ab', 0o644)]) {
      let thrown: unknown;
      try {
        write();
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(WriteError);
      expect(thrown).toMatchObject({ code: 'ENOSPC', reason: 'cannot write r.csv: ENOSPC (write)' });
      expect(isFatalWriteError(thrown)).toBe(true);
    }
    jest.restoreAllMocks();
    expect(read('r.csv').toString()).toBe('old');
    expect(temps()).toEqual([]);
  });
});
