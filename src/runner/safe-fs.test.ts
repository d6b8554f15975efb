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
