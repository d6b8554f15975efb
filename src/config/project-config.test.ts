import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConfigError, findProjectConfig, parseProjectConfig } from './project-config';
import { CHECKS } from './apply';
import { leftOut } from './select';

const parse = (text: string) => parseProjectConfig(text, 'ascendify.toml', CHECKS);
const error = (text: string): string => {
  try {
    parse(text);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('no error');
};

describe('parseProjectConfig', () => {
  it('the issue example', () => {
    const cfg = parse('exclude = ["third_party/**"]\n[mappings]\n"mylib.cuda_sync" = "mylib.npu_sync"\n');
    expect(cfg.exclude).toEqual(['third_party/**']);
    expect(cfg.include).toEqual([]);
    expect(cfg.gitignore).toBe(true);
    expect(cfg.mappings).toEqual({ 'mylib.cuda_sync': 'mylib.npu_sync' });
    expect(cfg.unsafe).toBeUndefined();
    expect(cfg.transferToNpu).toBeUndefined();
  });

  it('every key', () => {
    const cfg = parse(
      [
        'include = ["src/**", "train.py"]',
        'exclude = ["third_party/", "**/*_pb2.py"]',
        'gitignore = false',
        'unsafe = true',
        'transfer_to_npu = true',
        '[passes]',
        'only = ["cuda-api-to-npu", "custom-mappings"]',
        'skip = ["inject-torch-npu"]',
        '[mappings]',
        '"mylib.cuda" = "mylib.npu"',
        '[third_party]',
        '"mylib-cuda" = "install mylib-npu"',
        '"fastops" = { hint = "no NPU build", level = "error", modules = ["fastops", "fastops_ext"] }',
        '[severity]',
        '"advice/fused-flag" = "error"',
        '"cuda-api-to-npu/no-npu-twin" = "warning"',
      ].join('\n'),
    );
    expect(cfg).toEqual({
      name: 'ascendify.toml',
      include: ['src/**', 'train.py'],
      exclude: ['third_party', '**/*_pb2.py'],
      gitignore: false,
      unsafe: true,
      transferToNpu: true,
      passes: { only: ['cuda-api-to-npu', 'custom-mappings'], skip: ['inject-torch-npu'] },
      mappings: { 'mylib.cuda': 'mylib.npu' },
      thirdParty: [
        { name: 'mylib-cuda', hint: 'install mylib-npu', level: 'warning', modules: ['mylib_cuda'] },
        { name: 'fastops', hint: 'no NPU build', level: 'error', modules: ['fastops', 'fastops_ext'] },
      ],
      severity: { 'advice/fused-flag': 'error', 'cuda-api-to-npu/no-npu-twin': 'warning' },
    });
  });

  it.each([
    ['a TOML syntax error', 'exclude = [\n', /^ascendify\.toml: not valid TOML: .*\(line \d+, column \d+\)$/],
    ['an unknown key', 'exlude = ["a"]\n', /^ascendify\.toml: unknown key "exlude" \(known: include, exclude, /],
    ['an unknown key in a table', '[passes]\nonly = []\nkeep = []\n', /unknown key "passes\.keep"/],
    ['exclude not an array', 'exclude = "third_party/**"\n', 'ascendify.toml: exclude: must be an array of glob strings, not a string'],
    ['a glob that is not a string', 'exclude = ["a", 3]\n', 'ascendify.toml: exclude[1]: must be a glob string, not a number'],
    ['an empty glob', 'include = [""]\n', 'include[0]: empty glob'],
    ['an absolute glob', 'exclude = ["/abs/**"]\n', 'globs are relative to the source root (write "abs/**")'],
    ['a glob going up', 'exclude = ["../x"]\n', 'globs are relative to the source root'],
    ['an unclosed class', 'exclude = ["a[bc"]\n', 'exclude[0]: "a[bc": unclosed "[" at character 2'],
    ['gitignore not a boolean', 'gitignore = "no"\n', 'gitignore: must be true or false, not a string'],
    ['unsafe not a boolean', 'unsafe = 1\n', 'unsafe: must be true or false, not a number'],
    ['passes not a table', 'passes = ["x"]\n', 'passes: must be a table'],
    ['an unknown pass', '[passes]\nskip = ["cuda-to-npu"]\n', 'passes.skip: unknown pass id "cuda-to-npu" (known: custom-mappings, '],
    ['mappings not a table', 'mappings = ["a.b"]\n', 'mappings: must be a table'],
    ['a target that is not a dotted name', '[mappings]\n"mylib.a" = "mylib.npu-sync"\n', 'mappings."mylib.a": the target "mylib.npu-sync" is not a dotted Python name'],
    ['a target that is not a string', '[mappings]\n"mylib.a" = 1\n', 'mappings."mylib.a": the target must be a dotted name string, not a number'],
    ['a source that is not a dotted name', '[mappings]\n"mylib..a" = "b.c"\n', '"mylib..a" is not a dotted Python name'],
    ['a mapping to itself', '[mappings]\n"a.b" = "a.b"\n', 'maps a name to itself'],
    ['a chain of mappings', '[mappings]\n"a.b" = "c.d"\n"c" = "e"\n', 'the target "c.d" is itself changed by mappings."c"'],
    ['a source inside a target', '[mappings]\n"a.x" = "b"\n"b.y" = "c.y"\n', 'the target "b" is itself changed by'],
    ['a third-party table without a hint', '[third_party]\nfoo = { level = "error" }\n', 'third_party."foo".hint: a non-empty hint string is required'],
    ['a third-party level', '[third_party]\nfoo = { hint = "x", level = "fatal" }\n', 'third_party."foo".level: must be one of info, warning, error'],
    ['a third-party name', '[third_party]\n"foo bar" = "x"\n', '"foo bar" is not a package (distribution) name'],
    ['an unknown rule', '[severity]\n"advice/nope-nope" = "error"\n', 'severity."advice/nope-nope": unknown rule id'],
    ['a severity value', '[severity]\n"advice/fused-flag" = "fatal"\n', 'must be one of "info", "warning", "error"'],
  ])('refuses %s', (_name, text, want) => {
    const msg = error(text);
    if (typeof want === 'string') expect(msg).toContain(want);
    else expect(msg).toMatch(want);
    expect(msg).not.toContain('\n');
  });
});

describe('findProjectConfig', () => {
  let tmp: string;
  beforeEach(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ascendify-config-'))));
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const write = (rel: string, text: string) => fs.writeFileSync(path.join(tmp, rel), text);

  it('none: undefined', () => {
    expect(findProjectConfig(tmp, CHECKS)).toBeUndefined();
  });

  it('a pyproject.toml without [tool.ascendify], even a broken one, is not ours', () => {
    write('pyproject.toml', '[project]\nname = "x"\n');
    expect(findProjectConfig(tmp, CHECKS)).toBeUndefined();
    write('pyproject.toml', '[project\nname = \n');
    expect(findProjectConfig(tmp, CHECKS)).toBeUndefined();
  });

  it('[tool.ascendify] in pyproject.toml', () => {
    write('pyproject.toml', '[project]\nname = "x"\n\n[tool.ascendify]\nexclude = ["vendor/**"]\n\n[tool.ascendify.mappings]\n"a.b" = "a.c"\n');
    const cfg = findProjectConfig(tmp, CHECKS)!;
    expect(cfg.name).toBe('pyproject.toml [tool.ascendify]');
    expect(cfg.exclude).toEqual(['vendor/**']);
    expect(cfg.mappings).toEqual({ 'a.b': 'a.c' });
  });

  it('errors in [tool.ascendify] name the table', () => {
    write('pyproject.toml', '[tool.ascendify]\nexclude = "vendor"\n');
    expect(() => findProjectConfig(tmp, CHECKS)).toThrow('pyproject.toml [tool.ascendify]: exclude: must be an array');
  });

  it('both files: refused', () => {
    write('ascendify.toml', 'exclude = []\n');
    write('pyproject.toml', '[tool.ascendify]\nexclude = []\n');
    expect(() => findProjectConfig(tmp, CHECKS)).toThrow('both ascendify.toml and [tool.ascendify] in pyproject.toml: keep one of them');
  });

  it('ascendify.toml beside a pyproject.toml without the table', () => {
    write('ascendify.toml', 'gitignore = false\n');
    write('pyproject.toml', '[project]\nname = "x"\n');
    expect(findProjectConfig(tmp, CHECKS)!.gitignore).toBe(false);
  });

  it('--config FILE and --no-config', () => {
    write('ascendify.toml', 'gitignore = false\n');
    const other = path.join(tmp, 'team.toml');
    fs.writeFileSync(other, 'unsafe = true\n');
    expect(findProjectConfig(tmp, CHECKS, { explicit: other })!.unsafe).toBe(true);
    expect(findProjectConfig(tmp, CHECKS, { disabled: true })).toBeUndefined();
    expect(() => findProjectConfig(tmp, CHECKS, { explicit: path.join(tmp, 'missing.toml') })).toThrow(/missing\.toml: cannot read it \(ENOENT\)/);
    write('pyproject.toml', '[project]\nname = "x"\n');
    expect(() => findProjectConfig(tmp, CHECKS, { explicit: path.join(tmp, 'pyproject.toml') })).toThrow('no [tool.ascendify] table in it');
  });
});

describe('leftOut (include / exclude / .gitignore)', () => {
  let tmp: string;
  beforeEach(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ascendify-select-'))));
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  /** Entries for a list of paths (a trailing `/` makes a folder); `.gitignore` texts from `ignores`. */
  function entries(paths: string[], ignores: Record<string, string> = {}) {
    const out = paths.map((p) => {
      const rel = p.replace(/\/$/, '');
      return { rel, abs: path.join(tmp, rel), kind: (p.endsWith('/') ? 'dir' : 'file') as 'dir' | 'file' };
    });
    for (const [rel, text] of Object.entries(ignores)) {
      fs.mkdirSync(path.dirname(path.join(tmp, rel)), { recursive: true });
      fs.writeFileSync(path.join(tmp, rel), text);
      out.push({ rel, abs: path.join(tmp, rel), kind: 'file' });
    }
    return out;
  }
  const sel = (over: Partial<Parameters<typeof leftOut>[1]> = {}) => ({ include: [], exclude: [], gitignore: true, configName: 'ascendify.toml', ...over });

  it('exclude: a folder glob leaves out everything in it', () => {
    const e = entries(['a.py', 'third_party/', 'third_party/x.py', 'third_party/d/', 'third_party/d/y.py', 'third_party.py']);
    const out = leftOut(e, sel({ exclude: ['third_party'] }));
    expect([...out.keys()].sort()).toEqual(['third_party', 'third_party/d', 'third_party/d/y.py', 'third_party/x.py']);
    expect(out.get('third_party/d/y.py')).toBe('excluded by ascendify.toml (exclude "third_party")');
  });

  it('include: files outside it are left out, folders never by themselves', () => {
    const e = entries(['a.py', 'src/', 'src/m.py', 'src/sub/', 'src/sub/n.py', 'tools/', 'tools/t.py', 'train.py']);
    const out = leftOut(e, sel({ include: ['src', 'train.py'] }));
    expect([...out.keys()].sort()).toEqual(['a.py', 'tools/t.py']);
    expect(out.get('a.py')).toBe('not included by ascendify.toml (include "src", "train.py")');
  });

  it('exclude wins over include', () => {
    const e = entries(['src/', 'src/m.py', 'src/gen/', 'src/gen/g.py']);
    expect([...leftOut(e, sel({ include: ['src/**'], exclude: ['src/gen/**'] })).keys()]).toEqual(['src/gen/g.py']);
  });

  it('.gitignore: root and nested files, negation, folders, the switch', () => {
    const e = entries(['build/', 'build/x.py', 'a.log', 'keep.log', 'pkg/', 'pkg/gen.py', 'pkg/hand.py', 'pkg/out/', 'pkg/out/o.py', 'src.py'], {
      '.gitignore': 'build/\n*.log\n!keep.log\n',
      'pkg/.gitignore': 'gen.py\n/out\n',
    });
    const out = leftOut(e, sel());
    expect([...out.keys()].sort()).toEqual(['a.log', 'build', 'build/x.py', 'pkg/gen.py', 'pkg/out', 'pkg/out/o.py']);
    expect(out.get('build/x.py')).toBe('ignored by .gitignore ("build/")');
    expect(out.get('pkg/gen.py')).toBe('ignored by pkg/.gitignore ("gen.py")');
    expect(leftOut(e, sel({ gitignore: false })).size).toBe(0);
  });

  it('a deeper .gitignore can bring back a file a shallower one ignores', () => {
    const e = entries(['pkg/', 'pkg/a.py', 'pkg/b.py'], { '.gitignore': '*.py\n', 'pkg/.gitignore': '!a.py\n' });
    expect([...leftOut(e, sel()).keys()]).toEqual(['pkg/b.py']);
  });
});
