/**
 * RootedWriter's replacement of existing files: an output tree or report
 * folder removes the old file just before the rename (a rename over a file is
 * slow on ext4); the user's source (--in-place) is replaced by the rename
 * itself, so it is never missing. Both never write through a link.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RootedWriter, WriteError } from './safe-fs';

let root: string;
beforeEach(() => {
  root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'ascendify-safe-fs-')));
});
afterEach(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

const names = (dir: string) => fs.readdirSync(dir).sort();

describe.each([
  ['an output tree (old file removed, then renamed)', false],
  ['the source with --in-place (renamed over the old file)', true],
])('RootedWriter over existing files: %s', (_label, atomic) => {
  it('replaces a file with new content and mode, leaving no temporary file', () => {
    fs.mkdirSync(path.join(root, 'pkg'));
    fs.writeFileSync(path.join(root, 'pkg', 'a.py'), 'old\n', { mode: 0o600 });
    const w = new RootedWriter(root, atomic);
    w.writeFile('pkg/a.py', 'new\n', 0o755);
    expect(fs.readFileSync(path.join(root, 'pkg', 'a.py'), 'utf8')).toBe('new\n');
    expect(fs.statSync(path.join(root, 'pkg', 'a.py')).mode & 0o777).toBe(0o755);
    expect(names(path.join(root, 'pkg'))).toEqual(['a.py']);
  });

  it('copies over an existing file', () => {
    const from = path.join(root, 'from.bin');
    fs.writeFileSync(from, Buffer.from([0, 1, 2, 255]));
    fs.writeFileSync(path.join(root, 'b.bin'), 'old');
    new RootedWriter(root, atomic).copyFile('b.bin', from, 0o644);
    expect([...fs.readFileSync(path.join(root, 'b.bin'))]).toEqual([0, 1, 2, 255]);
  });

  it('replaces a link by a link, and refuses to write a file where a link or directory is', () => {
    const victim = path.join(root, 'victim.txt');
    fs.writeFileSync(victim, 'keep\n');
    fs.symlinkSync('victim.txt', path.join(root, 'l'));
    const w = new RootedWriter(root, atomic);
    expect(() => w.writeFile('l', 'x', 0o644)).toThrow(WriteError);
    w.symlink('l', 'elsewhere.txt');
    expect(fs.readlinkSync(path.join(root, 'l'))).toBe('elsewhere.txt');
    fs.mkdirSync(path.join(root, 'd'));
    expect(() => w.writeFile('d', 'x', 0o644)).toThrow('a directory is where d goes; not replaced');
    expect(fs.readFileSync(victim, 'utf8')).toBe('keep\n');
  });
});

describe('RootedWriter in folders it creates (no lstat before a write there)', () => {
  it('gives every file its mode, whatever the umask leaves, set-id bits included', () => {
    const w = new RootedWriter(root);
    const modes = [0o644, 0o755, 0o600, 0o444, 0o666, 0o777, 0o4755, 0o2750];
    for (const m of modes) w.writeFile(`new/f${m.toString(8)}`, 'x\n', m);
    for (const m of modes) expect((fs.statSync(path.join(root, 'new', `f${m.toString(8)}`)).mode & 0o7777).toString(8)).toBe(m.toString(8));
    expect(w.finish()).toEqual([]);
  });

  it('replaces its own earlier file or link there, leaving no temporary file, never following the link', () => {
    const victim = path.join(root, 'victim.txt');
    fs.writeFileSync(victim, 'keep\n');
    const w = new RootedWriter(root);
    w.writeFile('new/a.py', 'one\n', 0o644);
    w.writeFile('new/a.py', 'two\n', 0o644);
    w.symlink('new/l', victim);
    w.writeFile('new/l', 'not through the link\n', 0o644);
    expect(fs.readFileSync(path.join(root, 'new', 'a.py'), 'utf8')).toBe('two\n');
    expect(fs.lstatSync(path.join(root, 'new', 'l')).isSymbolicLink()).toBe(false);
    expect(fs.readFileSync(path.join(root, 'new', 'l'), 'utf8')).toBe('not through the link\n');
    expect(fs.readFileSync(victim, 'utf8')).toBe('keep\n');
    expect(names(path.join(root, 'new'))).toEqual(['a.py', 'l']);
  });

  it('fails a file where a directory appeared (the rename refuses), with the reason', () => {
    const w = new RootedWriter(root);
    w.dir('new');
    fs.mkdirSync(path.join(root, 'new', 'd'));
    fs.writeFileSync(path.join(root, 'new', 'd', 'inner.txt'), 'keep\n');
    expect(() => w.writeFile('new/d', 'x', 0o644)).toThrow(WriteError);
    expect(fs.readFileSync(path.join(root, 'new', 'd', 'inner.txt'), 'utf8')).toBe('keep\n');
    expect(names(path.join(root, 'new'))).toEqual(['d']);
  });
});

describe('RootedWriter: the modes of folders it creates', () => {
  it('creates a folder only its owner writes with its mode; one others may write (or read-only) is 0700 until finish()', () => {
    const w = new RootedWriter(root);
    const mode = (rel: string) => (fs.statSync(path.join(root, rel)).mode & 0o7777).toString(8);
    w.dir('a', 0o755);
    w.dir('a/shared', 0o775);
    w.dir('a/ro', 0o555);
    w.dir('a/private', 0o700);
    w.writeFile('a/ro/f.txt', 'x\n', 0o644); // still writable while the run writes
    expect(['a', 'a/shared', 'a/ro', 'a/private'].map(mode)).toEqual(['755', '700', '700', '700']);
    expect(w.finish()).toEqual([]);
    expect(['a', 'a/shared', 'a/ro', 'a/private'].map(mode)).toEqual(['755', '775', '555', '700']);
    expect(fs.readFileSync(path.join(root, 'a', 'ro', 'f.txt'), 'utf8')).toBe('x\n');
    fs.chmodSync(path.join(root, 'a', 'ro'), 0o755); // for the cleanup
  });
});
