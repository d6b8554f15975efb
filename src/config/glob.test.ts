import { compileGlob, GlobError, parseGitignore } from './glob';

describe('compileGlob (config include / exclude)', () => {
  const cases: [string, string[], string[]][] = [
    // glob, matches, does not match
    ['third_party/**', ['third_party/a.py', 'third_party/x/y/z.py'], ['third_party', 'src/third_party/a.py', 'third_partyx/a.py']],
    ['*.py', ['a.py', '.py'], ['d/a.py', 'a.pyc', 'a.py/x']],
    ['**/*.py', ['a.py', 'd/a.py', 'd/e/a.py'], ['a.pyc', 'd/a.txt']],
    ['src/**/test_*.py', ['src/test_a.py', 'src/x/y/test_b.py'], ['src/x/a_test.py', 'test_a.py']],
    ['data?.csv', ['data1.csv', 'dataX.csv'], ['data.csv', 'data12.csv', 'data/.csv']],
    ['v[0-9].py', ['v0.py', 'v9.py'], ['va.py', 'v10.py']],
    ['v[!0-9].py', ['va.py'], ['v0.py', 'v/.py']],
    ['v[^ab].py', ['vc.py'], ['va.py', 'vb.py']],
    ['[]x].py', ['].py', 'x.py'], ['y.py']],
    ['a\\*b', ['a*b'], ['axb']],
    ['a+b(c).py', ['a+b(c).py'], ['aab(c).py', 'a+bc.py']],
    ['**', ['a', 'a/b/c'], []],
    ['a/**/b', ['a/b', 'a/x/b', 'a/x/y/b'], ['a/xb', 'b']],
    ['a**b', ['ab', 'axxb'], ['a/b']],
  ];
  it.each(cases)('%s', (glob, yes, no) => {
    const re = compileGlob(glob);
    for (const p of yes) expect({ glob, path: p, matches: re.test(p) }).toEqual({ glob, path: p, matches: true });
    for (const p of no) expect({ glob, path: p, matches: re.test(p) }).toEqual({ glob, path: p, matches: false });
  });

  it('refuses an unclosed character class', () => {
    expect(() => compileGlob('src/[ab.py')).toThrow(GlobError);
    expect(() => compileGlob('src/[ab.py')).toThrow('unclosed "[" at character 5');
  });
});

describe('parseGitignore', () => {
  const match = (text: string, p: string, dir = false) => {
    let last: boolean | undefined;
    for (const r of parseGitignore(text)) if ((!r.dirOnly || dir) && r.re.test(p)) last = !r.negate;
    return last === true;
  };

  it('skips comments and blank lines, keeps escaped # and !', () => {
    const rules = parseGitignore('# comment\n\n\\#hash\n\\!bang\n  \n');
    expect(rules.map((r) => r.pattern)).toEqual(['\\#hash', '\\!bang']);
    expect(match('\\#hash\n', '#hash')).toBe(true);
    expect(match('\\!bang\n', '!bang')).toBe(true);
  });

  it('a pattern without a slash matches at any depth; with one it is anchored', () => {
    expect(match('*.log\n', 'a/b/x.log')).toBe(true);
    expect(match('build\n', 'pkg/build', true)).toBe(true);
    expect(match('/build\n', 'pkg/build', true)).toBe(false);
    expect(match('/build\n', 'build', true)).toBe(true);
    expect(match('doc/out\n', 'x/doc/out')).toBe(false);
    expect(match('doc/out\n', 'doc/out')).toBe(true);
    expect(match('**/cache\n', 'a/b/cache')).toBe(true);
  });

  it('a trailing slash matches folders only', () => {
    expect(match('build/\n', 'build', true)).toBe(true);
    expect(match('build/\n', 'build', false)).toBe(false);
  });

  it('negation: the last matching rule wins', () => {
    const t = '*.log\n!keep.log\n';
    expect(match(t, 'x.log')).toBe(true);
    expect(match(t, 'keep.log')).toBe(false);
  });

  it('trailing spaces are cut unless escaped; CRLF files', () => {
    expect(match('a.txt   \r\n', 'a.txt')).toBe(true);
    expect(match('a\\ \n', 'a ')).toBe(true);
  });
});
