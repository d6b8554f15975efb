/**
 * Config files (issue 13 item 3): device / backend values converted in place
 * when the key names the role and code reads the file; everything else left
 * byte for byte. Outputs are parsed by Python's yaml (python3-yaml) and tomllib.
 */
import { spawnSync } from 'node:child_process';
import { PASSES } from '../../transforms';
import { convertFile, type EngineOptions } from '../runner/convert-file';
import { scanConfigRefs } from '../runner/project-index';
import { applyEdits } from '../core/apply';
import { configFormat, convertConfigText, isBackendKey, isDeviceKey, MAX_YAML_CHARS, readByCode, refMatches, type ConfigFormat } from './config';

const ALL = PASSES.map((p) => p.id);

/** `read`: does code read the file (undefined: no repository facts); true unless given. */
function convert(text: string, format: ConfigFormat, ...[read, passIds]: [read?: boolean | undefined, passIds?: readonly string[]]) {
  const r = convertConfigText(text, format, passIds ?? ALL, arguments.length > 2 ? read : true);
  return { output: r ? applyEdits(text, r.edits) : text, changes: r?.changes ?? [], manual: r?.manual ?? [] };
}

/** [name, format, input]: must come out byte for byte, with no change record. */
const VALID: [string, ConfigFormat, string][] = [
  ['YAML comment', 'yaml', '# device: cuda\n# backend: nccl\nx: 1\n'],
  ['YAML device_map: auto', 'yaml', 'device_map: auto\n'],
  ['YAML cuda_graphs: true', 'yaml', 'cuda_graphs: true\nuse_cuda: true\n'],
  ['YAML literal block scalar', 'yaml', 'note: |\n  device: cuda\n  backend: nccl\n'],
  ['YAML folded block scalar', 'yaml', 'script: >\n  device: cuda\n'],
  ['YAML device: cpu', 'yaml', 'device: cpu\n'],
  ['YAML value that only starts with cuda', 'yaml', 'device: cuda_graph\ndevice2: cuda:0:1\n'],
  ['YAML key whose role is unclear', 'yaml', 'foo: cuda\ndevices: cuda\nmode: nccl\n'],
  ['YAML backend that is not nccl', 'yaml', 'backend: inductor\ndist_backend: gloo\n'],
  ['YAML alias of a value defined elsewhere', 'yaml', 'x: &dev cpu\ndevice: *dev\n'],
  ['YAML list of devices', 'yaml', 'device: [cuda:0, cuda:1]\n'],
  ['YAML escaped double-quoted string', 'yaml', 'device: "cu\\x64a"\n'],
  ['YAML multi-line plain scalar', 'yaml', 'device: cuda\n  more words\n'],
  ['YAML upper-case CUDA', 'yaml', 'device: CUDA\n'],
  ['YAML that does not parse', 'yaml', 'device: cuda\n  - [unclosed\n'],
  ['YAML device inside a sequence of strings', 'yaml', 'args:\n  - --device\n  - cuda\n'],
  ['JSON string value mentioning device', 'json', '{"note": "device: cuda", "b": "backend nccl"}\n'],
  ['JSON array of arguments', 'json', '{"args": ["--device", "cuda", "device", "cuda"]}\n'],
  ['JSON comment', 'json', '{\n  // "device": "cuda",\n  /* "backend": "nccl" */\n  "x": 1\n}\n'],
  ['JSON key with an escape', 'json', '{"dev\\u0069ce": "cuda"}\n'],
  ['TOML comment', 'toml', '# device = "cuda"\nx = 1\n'],
  ['TOML multi-line string', 'toml', 'note = """\ndevice = "cuda"\n"""\n'],
  ['TOML array value', 'toml', 'device = ["cuda"]\n'],
  ['TOML table header', 'toml', '[device]\nname = "cuda"\n'],
  ['TOML bare (invalid) value', 'toml', 'device = cuda\n'],
  ['INI comment lines', 'ini', '[a]\n; device = cuda\n# backend = nccl\n'],
  ['INI continuation line', 'ini', '[a]\nargs =\n  device = cuda\n'],
  ['INI value that is not a device', 'ini', '[a]\ndevice = cuda,cpu\n'],
];

/** [name, format, input, output]. */
const INVALID: [string, ConfigFormat, string, string][] = [
  ['YAML plain value, comment kept', 'yaml', 'trainer:\n  device: cuda  # the GPU\n', 'trainer:\n  device: npu  # the GPU\n'],
  ['YAML quoted values keep their quotes', 'yaml', 'device: "cuda:0"\nbackend: \'nccl\'\n', 'device: "npu:0"\nbackend: \'hccl\'\n'],
  ['YAML flow map', 'yaml', 'trainer: {device: cuda, dist_backend: nccl, x: 1}\n', 'trainer: {device: npu, dist_backend: hccl, x: 1}\n'],
  ['YAML anchor and alias', 'yaml', 'default_device: &d cuda\neval:\n  device: *d\n', 'default_device: &d npu\neval:\n  device: *d\n'],
  ['YAML multi-document', 'yaml', '---\ndevice: cuda\n---\nbackend: nccl\n...\n', '---\ndevice: npu\n---\nbackend: hccl\n...\n'],
  ['YAML sequence of mappings', 'yaml', 'runs:\n  - device: cuda:1\n  - device: cpu\n', 'runs:\n  - device: npu:1\n  - device: cpu\n'],
  ['YAML CRLF', 'yaml', 'a: 1\r\ndevice: cuda\r\nddp_backend: nccl\r\n', 'a: 1\r\ndevice: npu\r\nddp_backend: hccl\r\n'],
  ['YAML role keys', 'yaml', 'map_location: cuda\ntrain_device: cuda:1\nDEVICE: cuda\nprocess-group-backend: nccl\n', 'map_location: npu\ntrain_device: npu:1\nDEVICE: npu\nprocess-group-backend: hccl\n'],
  ['YAML block scalar next to a value', 'yaml', 'note: |\n  device: cuda\ndevice: cuda\n', 'note: |\n  device: cuda\ndevice: npu\n'],
  ['JSON', 'json', '{\n  "device": "cuda:0",\n  "dist_backend": "nccl"\n}\n', '{\n  "device": "npu:0",\n  "dist_backend": "hccl"\n}\n'],
  ['JSON with comments, compact', 'json', '// cfg\n{"t":{"device":"cuda"},"n":[1,2]}', '// cfg\n{"t":{"device":"npu"},"n":[1,2]}'],
  ['TOML', 'toml', '[model]\ndevice = "cuda"  # GPU\n[dist]\nbackend = \'nccl\'\n', '[model]\ndevice = "npu"  # GPU\n[dist]\nbackend = \'hccl\'\n'],
  ['TOML inline table and dotted key', 'toml', 't = {device = "cuda", x = 1}\ntrainer.device = "cuda:1"\n', 't = {device = "npu", x = 1}\ntrainer.device = "npu:1"\n'],
  ['TOML array of inline tables', 'toml', 'runs = [{backend = "nccl"}, {backend = "gloo"}]\n', 'runs = [{backend = "hccl"}, {backend = "gloo"}]\n'],
  ['INI', 'ini', '[train]\ndevice = cuda\ndist_backend: nccl ; x\n', '[train]\ndevice = npu\ndist_backend: hccl ; x\n'],
  ['INI quoted value', 'ini', '[train]\ndevice = "cuda:1"\n', '[train]\ndevice = "npu:1"\n'],
];

describe('config values', () => {
  it.each(VALID)('leaves %s alone', (_name, format, input) => {
    const r = convert(input, format);
    expect(r.output).toBe(input);
    expect(r.changes).toEqual([]);
  });

  it.each(INVALID)('converts %s', (_name, format, input, expected) => {
    const r = convert(input, format);
    expect(r.output).toBe(expected);
    expect(r.changes.length).toBeGreaterThan(0);
    expect(r.manual).toEqual([]);
    // a second run changes nothing
    const again = convert(expected, format);
    expect(again.output).toBe(expected);
    expect(again.changes).toEqual([]);
  });

  it('records each change on its line, with the pass that owns the meaning', () => {
    const r = convert('a: 1\ndevice: cuda\nbackend: nccl\n', 'yaml');
    expect(r.changes.map((c) => [c.startLine, c.passId, c.ruleId, c.operation, c.message])).toEqual([
      [2, 'cuda-device-to-npu', 'cuda-device-to-npu/config-device', 'MODIFY', 'device: cuda → npu'],
      [3, 'nccl-to-hccl', 'nccl-to-hccl/config-backend', 'MODIFY', 'backend: nccl → hccl'],
    ]);
  });

  it('reports, not converts, a file no code reads (and a single-file run)', () => {
    for (const read of [false, undefined]) {
      const input = 'device: cuda\nbackend: nccl\n';
      const r = convert(input, 'yaml', read);
      expect(r.output).toBe(input);
      expect(r.changes).toEqual([]);
      expect(r.manual.map((m) => [m.startLine, m.ruleId, m.level])).toEqual([
        [1, 'cuda-device-to-npu/config-device', 'manual'],
        [2, 'nccl-to-hccl/config-backend', 'manual'],
      ]);
      expect(r.manual[0].message).toMatch(read === false ? /no Python code of the repository names this file/ : /single-file run/);
    }
  });

  it('reports, never edits, a device or backend that a YAML alias takes from an anchor', () => {
    const input = 'base: &dev cuda\ncomm: &c nccl\ndevice: *dev\nbackend: *c\nother: *dev\n';
    const r = convert(input, 'yaml');
    expect(r.output).toBe(input);
    expect(r.changes).toEqual([]);
    expect(r.manual.map((m) => [m.startLine, m.ruleId, m.message])).toEqual([
      [3, 'cuda-device-to-npu/config-device', 'device: *dev (= cuda) not converted: the value comes from a YAML anchor'],
      [4, 'nccl-to-hccl/config-backend', 'backend: *c (= nccl) not converted: the value comes from a YAML anchor'],
    ]);
  });

  it('reports the GPU settings of accelerate / Lightning configs without rewriting them', () => {
    const input = 'distributed_type: MULTI_GPU\ngpu_ids: all\naccelerator: gpu\nmixed_precision: bf16\n';
    const r = convert(input, 'yaml');
    expect(r.output).toBe(input);
    expect(r.manual.map((m) => [m.startLine, m.ruleId, m.message.split(':').slice(0, 2).join(':')])).toEqual([
      [1, 'cuda-device-to-npu/config-gpu-setting', 'distributed_type: MULTI_GPU'],
      [2, 'cuda-device-to-npu/config-gpu-setting', 'gpu_ids: all'],
      [3, 'cuda-device-to-npu/config-gpu-setting', 'accelerator: gpu'],
    ]);
  });

  it('does not parse YAML larger than MAX_YAML_CHARS (data, not a config)', () => {
    const big = `device: cuda\n${'# padding\n'.repeat(MAX_YAML_CHARS / 10)}`;
    expect(convert(big, 'yaml').output).toBe(big);
    expect(convert(big.slice(0, MAX_YAML_CHARS - 16), 'yaml').output.startsWith('device: npu\n')).toBe(true);
  });

  it('honours the pass selection (--only / --skip)', () => {
    const input = 'device: cuda\nbackend: nccl\n';
    expect(convert(input, 'yaml', true, ['nccl-to-hccl']).output).toBe('device: cuda\nbackend: hccl\n');
    expect(convert(input, 'yaml', true, ['cuda-device-to-npu']).output).toBe('device: npu\nbackend: nccl\n');
    const none = convert(input, 'yaml', false, ['inject-torch-npu']);
    expect([none.output, none.changes, none.manual]).toEqual([input, [], []]);
  });
});

describe('key roles', () => {
  it.each([
    ['device', true],
    ['device_type', true],
    ['map_location', true],
    ['eval_device', true],
    ['Device', true],
    ['devices', false],
    ['device_map', false],
    ['accelerator', false],
    ['cuda_device_id', false],
  ])('%s is a device key: %s', (key, yes) => expect(isDeviceKey(key as string)).toBe(yes));

  it.each([
    ['backend', true],
    ['dist_backend', true],
    ['dist-backend', true],
    ['ddp_backend', true],
    ['distributed_backend', true],
    ['process_group_backend', true],
    ['compile_backend', false],
    ['comm', false],
  ])('%s is a backend key: %s', (key, yes) => expect(isBackendKey(key as string)).toBe(yes));
});

describe('which files are configs', () => {
  it.each([
    ['configs/train.yaml', 'yaml'],
    ['a.yml', 'yaml'],
    ['cfg/model.json', 'json'],
    ['train.toml', 'toml'],
    ['conf/run.ini', 'ini'],
    ['conf/run.cfg', 'ini'],
    ['setup.cfg', undefined],
    ['pyproject.toml', undefined],
    ['environment.yml', undefined],
    ['docker/docker-compose.yml', undefined],
    ['.github/workflows/ci.yml', undefined],
    ['package.json', undefined],
    ['notebook.ipynb', undefined],
    ['train.py', undefined],
  ])('%s → %s', (rel, format) => expect(configFormat(rel as string)).toBe(format));
});

describe('is the file read by code', () => {
  const facts = (configRefs: string[], configDirs: string[] = []) => ({ imported: [], stars: {}, configRefs, configDirs });
  it.each([
    ['configs/train.yaml', ['configs/train.yaml'], true],
    ['configs/train.yaml', ['train.yaml'], true],
    ['configs/train.yaml', ['../configs/train.yaml'], true],
    ['configs/train.yaml', ['configs/*.yaml'], true],
    ['configs/sub/train.yaml', ['configs/*.yaml'], false],
    ['configs/train.yaml', ['other/train.yaml'], false],
    ['configs/train.yaml', ['rain.yaml'], false],
    ['configs/train.yaml', ['configs/train.yml'], false],
    ['configs/train.yaml', [], false],
  ])('%s named by %j: %s', (rel, refs, yes) => expect(readByCode(rel as string, facts(refs as string[]))).toBe(yes));

  it('takes Hydra config folders, and answers undefined without repository facts', () => {
    expect(readByCode('conf/db/mysql.yaml', facts([], ['conf']))).toBe(true);
    expect(readByCode('config/db.yaml', facts([], ['conf']))).toBe(false);
    expect(readByCode('a.yaml', undefined)).toBeUndefined();
    expect(refMatches('*.json', 'x/y/a.json')).toBe(true);
  });

  it('collects config names from Python string literals and config_path folders', () => {
    const refs = new Set<string>();
    const dirs = new Set<string>();
    const py = [
      'cfg = yaml.safe_load(open("./configs/train.yaml"))',
      "p = f'configs/{args.name}.json'",
      'q = os.path.join("cfg", r"model.toml")',
      'x = "not a config.txt"',
      '@hydra.main(config_path="../conf", config_name="config")',
      'paths = glob.glob("exp\\\\*.ini")',
    ].join('\n');
    scanConfigRefs(py, 'tools/train.py', refs, dirs);
    expect([...refs].sort()).toEqual(['configs/*.json', 'configs/train.yaml', 'exp/*.ini', 'model.toml']);
    expect([...dirs]).toEqual(['conf']);
  });
});

/** Parse texts with Python (python3-yaml, tomllib, json, configparser) and return their data as JSON. */
function pythonLoad(format: ConfigFormat, texts: string[]): unknown[] {
  const script = `
import json, sys, configparser
texts = json.load(sys.stdin)
fmt = sys.argv[1]
out = []
for t in texts:
    if fmt == 'yaml':
        import yaml
        out.append(list(yaml.safe_load_all(t)))
    elif fmt == 'toml':
        import tomllib
        out.append(tomllib.loads(t))
    elif fmt == 'json':
        out.append(json.loads('\\n'.join(l for l in t.splitlines() if not l.lstrip().startswith('//'))))
    else:
        c = configparser.ConfigParser(interpolation=None)
        c.read_string(t)
        out.append({s: dict(c[s]) for s in c.sections()})
print(json.dumps(out))
`;
  const r = spawnSync('/usr/bin/python3', ['-c', script, format], { input: JSON.stringify(texts), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as unknown[];
}

describe('outputs parse, with only the converted values changed', () => {
  for (const format of ['yaml', 'toml', 'ini'] as ConfigFormat[]) {
    it(`${format} (Python's parser)`, () => {
      const cases = INVALID.filter((c) => c[1] === format);
      const before = pythonLoad(format, cases.map((c) => c[2]));
      const after = pythonLoad(format, cases.map((c) => c[3]));
      // whole string values change (configparser keeps quotes and `;` comments in its values: there, the word)
      const [cuda, nccl] = format === 'ini' ? [/\bcuda\b/g, /\bnccl\b/g] : [/"cuda(?=(:\d+)?")/g, /"nccl"/g];
      const expected = before.map((b) => JSON.parse(JSON.stringify(b).replace(cuda, (m) => m.replace('cuda', 'npu')).replace(nccl, (m) => m.replace('nccl', 'hccl'))));
      expect(after).toEqual(expected);
    });
  }
  it('json (Python\'s parser)', () => {
    const c = INVALID.find((x) => x[0] === 'JSON')!;
    expect(pythonLoad('json', [c[3]])).toEqual([{ device: 'npu:0', dist_backend: 'hccl' }]);
  });
});

describe('through convertFile', () => {
  const opts = (configRefs: string[]): EngineOptions => ({
    passIds: ALL,
    unsafe: false,
    transferToNpu: false,
    maxFileSize: 1 << 20,
    project: { imported: [], stars: {}, configRefs, configDirs: [] },
  });
  const enc = (s: string) => new TextEncoder().encode(s);

  it('keeps a BOM, diffs only the edited line, and drops the analysis finding it handled', () => {
    const input = '\ufeff# run nvidia-smi first\ndevice: cuda\nx: 1\ny: 2\nz: 3\nw: 4\nbackend: gloo\n';
    const r = convertFile('configs/train.yaml', enc(input), opts(['configs/train.yaml']));
    expect(r.status).toBe('changed');
    expect(Buffer.from(r.output!).toString('utf8')).toBe(input.replace('device: cuda', 'device: npu'));
    expect(r.diff).toContain('-device: cuda\n+device: npu\n');
    expect(r.diff).not.toContain('-backend');
    // nvidia-smi (in a comment) is not a finding; the device finding is handled by the change record
    expect(r.analysis!.findings).toEqual([]);
  });

  it('keeps the analysis findings of what it does not convert', () => {
    const input = 'env:\n  CUDA_VISIBLE_DEVICES: "0,1"\ndevice: cuda\n';
    const r = convertFile('configs/unread.yaml', enc(input), opts([]));
    expect(r.status).toBe('unchanged');
    expect(r.manual.map((m) => m.ruleId)).toEqual(['cuda-device-to-npu/config-device']);
    expect(r.analysis!.findings.map((f) => `${f.startLine} ${f.ruleId}`)).toEqual(['2 scripts/cuda-env']);
  });

  it('leaves a file that is not UTF-8 as it is', () => {
    const bytes = Uint8Array.from([0x64, 0x65, 0x76, 0x3a, 0x20, 0xff, 0x0a]);
    expect(convertFile('a.yaml', bytes, opts(['a.yaml'])).status).toBe('unchanged');
  });
});
