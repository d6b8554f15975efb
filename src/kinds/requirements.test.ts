/**
 * Dependency files (issue 13 item 4): a torch-npu hint comment after a pinned
 * torch, a manual record when torch is not pinned to a release with a
 * torch_npu; the files still parse (tomllib, configparser, pip when present)
 * to the same requirements.
 */
import { spawnSync } from 'node:child_process';
import { PASSES } from '../../transforms';
import { convertFile } from '../runner/convert-file';
import { applyEdits } from '../core/apply';
import { convertRequirementsText, TORCH_NPU_RELEASES, torchNpuFor, torchSpecifier } from './requirements';

const ALL = PASSES.map((p) => p.id);
type Format = 'requirements' | 'setup-cfg' | 'pyproject';

function convert(text: string, format: Format, passIds: readonly string[] = ALL) {
  const r = convertRequirementsText(text, format, passIds);
  return { output: applyEdits(text, r.edits), changes: r.changes, manual: r.manual };
}

const hint = (v: string) => `# ascendify: on Ascend also install torch-npu==${v}.* (the torch_npu release for torch ${v}; see Ascend/pytorch)`;

describe('the torch_npu release of a torch specifier', () => {
  it.each([
    ['==2.1.0', '2.1.0'],
    ['>=2.1,<2.2', '2.1.0'],
    ['>=2.1.0, <2.2.0', '2.1.0'],
    ['~=2.1.0', '2.1.0'],
    ['==2.1.*', '2.1.0'],
    ['==2.7.1', '2.7.1'],
    ['===2.6.0', '2.6.0'],
    ['==2.1.0+cu118', '2.1.0'],
    ['<=2.3.1,>=2.3', '2.3.1'],
  ])('%s → torch-npu %s', (spec, v) => expect(torchNpuFor(spec)).toEqual({ version: v }));

  it.each([
    ['', /not pinned/],
    ['>=2.1', /not pinned to one release/],
    ['<2.2', /not pinned to one release/],
    ['~=2.1', /not pinned to one release/],
    ['>=2.1,<=2.2.0', /not pinned to one release/],
    ['==2.1.2', /no torch_npu release/],
    ['==1.13.1', /no torch_npu release/],
    ['>=2.1,!=2.1.0,<2.2', /no torch_npu release/],
    ['==latest', /cannot read/],
  ])('%j: %s', (spec, problem) => {
    const r = torchNpuFor(spec);
    expect('problem' in r && r.problem).toMatch(problem);
  });

  it('keeps one release per minor series (the comment names one)', () => {
    const series = TORCH_NPU_RELEASES.map((v) => v.split('.').slice(0, 2).join('.'));
    expect(new Set(series).size).toBe(series.length);
  });

  it.each([
    ['torch==2.1.0', '==2.1.0'],
    ['torch[opt] >= 2.1, < 2.2 ; python_version >= "3.8"', '>= 2.1, < 2.2'],
    ['torch==2.1.0 --hash=sha256:abc', '==2.1.0'],
    ['torch (==2.1.0)', '==2.1.0'],
    ['torch', ''],
    ['torch @ https://example.org/torch-2.1.0.whl', null],
  ])('specifier of %j is %j', (req, spec) => expect(torchSpecifier(req)).toBe(spec));
});

/** [name, format, input]: unchanged, no INSERT. */
const VALID: [string, Format, string][] = [
  ['unpinned torch', 'requirements', 'torch>=2.1\ntorchvision\n'],
  ['a comment naming torch', 'requirements', '# torch==2.1.0\nnumpy\n'],
  ['torchvision pinned', 'requirements', 'torchvision==0.16.0\ntorchaudio==2.1.0\n'],
  ['torch-npu already declared', 'requirements', 'torch==2.1.0\ntorch-npu==2.1.0.post3\n'],
  ['torch_npu already declared (underscore)', 'requirements', 'torch_npu==2.1.0\ntorch==2.1.0\n'],
  ['our comment already there (second run)', 'requirements', `torch==2.1.0\n${hint('2.1.0')}\n`],
  ['a wheel index only', 'requirements', '--extra-index-url https://download.pytorch.org/whl/cu118\n'],
  ['setup.cfg setup_requires (build time)', 'setup-cfg', '[options]\nsetup_requires =\n    torch==2.1.0\n'],
  ['setup.cfg outside [options]', 'setup-cfg', '[metadata]\nname = torch==2.1.0\n'],
  ['pyproject build-system requires', 'pyproject', '[build-system]\nrequires = ["setuptools", "torch==2.1.0"]\n'],
  ['pyproject commented dependency', 'pyproject', '[project]\ndependencies = [\n  # "torch==2.1.0",\n  "numpy",\n]\n'],
  ['pyproject Poetry table', 'pyproject', '[tool.poetry.dependencies]\ntorch = "2.1.0"\n'],
];

/** [name, format, input, output]. */
const INVALID: [string, Format, string, string][] = [
  ['requirements.txt', 'requirements', 'numpy\ntorch==2.1.0\ntqdm\n', `numpy\ntorch==2.1.0\n${hint('2.1.0')}\ntqdm\n`],
  ['CRLF, a trailing comment kept', 'requirements', 'torch==2.6.0  # CPU build on Ascend\r\nnumpy\r\n', `torch==2.6.0  # CPU build on Ascend\r\n${hint('2.6.0')}\r\nnumpy\r\n`],
  ['last line without a newline', 'requirements', 'numpy\ntorch~=2.7.1', `numpy\ntorch~=2.7.1\n${hint('2.7.1')}`],
  ['continued line', 'requirements', 'torch==2.1.0 \\\n    --hash=sha256:abc\nnumpy\n', `torch==2.1.0 \\\n    --hash=sha256:abc\n${hint('2.1.0')}\nnumpy\n`],
  ['setup.cfg install_requires list', 'setup-cfg', '[options]\ninstall_requires =\n    numpy\n    torch>=2.1,<2.2\npython_requires = >=3.8\n', `[options]\ninstall_requires =\n    numpy\n    torch>=2.1,<2.2\n    ${hint('2.1.0')}\npython_requires = >=3.8\n`],
  ['setup.cfg first-line value and extras', 'setup-cfg', '[options]\ninstall_requires = torch==2.1.0\n[options.extras_require]\nnpu =\n    torch==2.1.*\n', `[options]\ninstall_requires = torch==2.1.0\n${hint('2.1.0')}\n[options.extras_require]\nnpu =\n    torch==2.1.*\n    ${hint('2.1.0')}\n`],
  ['pyproject multi-line array', 'pyproject', '[project]\nname = "x"\ndependencies = [\n    "torch==2.1.0",\n    "numpy",\n]\n', `[project]\nname = "x"\ndependencies = [\n    "torch==2.1.0",\n    ${hint('2.1.0')}\n    "numpy",\n]\n`],
  ['pyproject one-line array', 'pyproject', '[project]\ndependencies = ["numpy", "torch==2.3.1"]\nname = "x"\n', `[project]\ndependencies = ["numpy", "torch==2.3.1"]\n${hint('2.3.1')}\nname = "x"\n`],
  ['pyproject optional dependencies', 'pyproject', '[project.optional-dependencies]\ntrain = ["torch==2.1.0"]\n', `[project.optional-dependencies]\ntrain = ["torch==2.1.0"]\n${hint('2.1.0')}\n`],
];

describe('torch-npu hints', () => {
  it.each(VALID)('adds nothing for %s', (_n, format, input) => {
    const r = convert(input, format);
    expect(r.output).toBe(input);
    expect(r.changes).toEqual([]);
  });

  it.each(INVALID)('adds the hint in %s', (_n, format, input, expected) => {
    const r = convert(input, format);
    expect(r.output).toBe(expected);
    expect(r.changes.every((c) => c.operation === 'INSERT' && c.passId === 'inject-torch-npu' && c.ruleId === 'inject-torch-npu/torch-npu-requirement')).toBe(true);
    const again = convert(expected, format);
    expect([again.output, again.changes, again.manual]).toEqual([expected, [], []]);
  });

  it('records the INSERT on the torch line, and a manual record where torch is not pinned', () => {
    const r = convert('torch==2.1.0\ntorch>=2.1\ntorch @ https://x/torch.whl\ntorch==2.1.2\n', 'requirements');
    expect(r.changes.map((c) => [c.startLine, c.operation])).toEqual([[1, 'INSERT']]);
    expect(r.manual.map((m) => [m.startLine, m.level, m.message])).toEqual([
      [2, 'manual', 'torch>=2.1: torch is not pinned to one release; no torch-npu hint added'],
      [3, 'manual', 'torch @ https://x/torch.whl: torch is installed from a direct reference; no torch-npu hint added'],
      [4, 'manual', "torch==2.1.2: no torch_npu release for torch ==2.1.2 in ascendify's table; no torch-npu hint added"],
    ]);
    expect(r.manual[0].hint).toContain('2.1.0, 2.2.0');
  });

  it('honours the pass selection', () => {
    const r = convert('torch==2.1.0\ntorch>=2\n', 'requirements', ['cuda-device-to-npu']);
    expect([r.output, r.changes, r.manual]).toEqual(['torch==2.1.0\ntorch>=2\n', [], []]);
  });
});

function python(script: string, input: unknown): unknown {
  const r = spawnSync('/usr/bin/python3', ['-c', script], { input: JSON.stringify(input), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as unknown;
}

describe('the files mean what they meant', () => {
  const pairs = (format: Format) => INVALID.filter((c) => c[1] === format).map((c) => [c[2], c[3]]);

  it('pyproject.toml: tomllib reads the same data', () => {
    const out = python('import json,sys,tomllib\nprint(json.dumps([[tomllib.loads(a), tomllib.loads(b)] for a, b in json.load(sys.stdin)]))', pairs('pyproject'));
    for (const [a, b] of out as unknown[][]) expect(b).toEqual(a);
  });

  it('setup.cfg: configparser reads the same values', () => {
    const script = `import json,sys,configparser
def load(t):
    c = configparser.RawConfigParser(); c.read_string(t)
    return {s: dict(c[s]) for s in c.sections()}
print(json.dumps([[load(a), load(b)] for a, b in json.load(sys.stdin)]))`;
    const out = python(script, pairs('setup-cfg'));
    for (const [a, b] of out as unknown[][]) expect(b).toEqual(a);
  });

  const hasPip = spawnSync('/usr/bin/python3', ['-c', 'import pip._internal.req.req_file']).status === 0;
  (hasPip ? it : it.skip)('requirements.txt: pip reads the same requirements (when pip is installed)', () => {
    const script = `import json,sys,tempfile,os
from pip._internal.req.req_file import parse_requirements
from pip._internal.network.session import PipSession
def load(t):
    with tempfile.NamedTemporaryFile('w', suffix='.txt', delete=False, newline='') as f:
        f.write(t)
    try:
        return [r.requirement for r in parse_requirements(f.name, session=PipSession())]
    finally:
        os.unlink(f.name)
print(json.dumps([[load(a), load(b)] for a, b in json.load(sys.stdin)]))`;
    const out = python(script, pairs('requirements'));
    for (const [a, b] of out as unknown[][]) expect(b).toEqual(a);
  });
});

describe('through convertFile', () => {
  it('attaches the analysis findings (CUDA-only packages) and adds the hint', () => {
    const input = 'torch==2.1.0\nflash-attn>=2.3\n';
    const r = convertFile('requirements/train.txt', new TextEncoder().encode(input), { passIds: ALL, unsafe: false, transferToNpu: false, maxFileSize: 1 << 20 });
    expect(r.status).toBe('changed');
    expect(Buffer.from(r.output!).toString()).toBe(`torch==2.1.0\n${hint('2.1.0')}\nflash-attn>=2.3\n`);
    expect(r.analysis!.findings.map((f) => `${f.startLine} ${f.ruleId} ${f.subject}`)).toEqual(['2 third-party/requirement flash_attn']);
    expect(r.diff).toContain(`+${hint('2.1.0')}\n`);
  });
});
