/**
 * Notebooks (issue 13, item 1): a case table in the style of the passes'
 * (src/testing/pass-tester.ts), plus the JSON layer (byte-exact outside the
 * edited sources, escaping styles), the failures, and Jupyter's own validator.
 *
 * `notebook(cells)` writes a notebook the way nbformat does (json.dumps with
 * indent=1, sorted keys, ensure_ascii=False, a final newline; sources as lists
 * of lines): JSON.stringify with an indent of 1 lays JSON out exactly like
 * Python's json.dumps(indent=1). Expected outputs are written the same way, from
 * the expected cell sources.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { cellEdits, convertNotebook, type CodeCell } from './notebook';
import { LineIndex } from '../python/source';
import type { ChangedRegion } from '../core/apply';
import { neutralizeCell } from './ipython';
import { encodeJsonString, scanJson, stringStyle } from './json-text';
import { PASSES } from '../../transforms';
import type { EngineOptions, FileResult } from '../runner/convert-file';
import { convertFile } from '../runner/convert-file';
import { hasNbformat, nbformatErrors, python } from '../../test/python';

const ALL = PASSES.map((p) => p.id);
const OPTS: EngineOptions = { passIds: ALL, unsafe: false, transferToNpu: false, maxFileSize: 10 * 1024 * 1024 };

/** A cell: code as a string (split into lines like nbformat), `{ md }` for markdown, `{ single }` for a source written as one string. */
type CellSpec = string | { md: string } | { single: string } | { code: string; outputs: unknown[]; count: number };

function lines(s: string): string[] {
  return s.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

function cellJson(c: CellSpec, i: number): object {
  if (typeof c === 'object' && 'md' in c) return { cell_type: 'markdown', id: `c${i}`, metadata: {}, source: lines(c.md) };
  const code = typeof c === 'string' ? c : 'single' in c ? c.single : c.code;
  const source = typeof c === 'object' && 'single' in c ? c.single : lines(code);
  const outputs = typeof c === 'object' && 'outputs' in c ? c.outputs : [];
  const count = typeof c === 'object' && 'count' in c ? c.count : null;
  return { cell_type: 'code', execution_count: count, id: `c${i}`, metadata: {}, outputs, source };
}

const META = {
  kernelspec: { display_name: 'Python 3', language: 'python', name: 'python3' },
  language_info: { name: 'python', version: '3.10.12' },
};

function notebook(cells: CellSpec[], metadata: object = META): string {
  return JSON.stringify({ cells: cells.map(cellJson), metadata, nbformat: 4, nbformat_minor: 5 }, null, 1) + '\n';
}

/** Python's ensure_ascii=True: every non-ASCII character of the JSON text escaped. */
function asciiOnly(json: string): string {
  return json.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function run(text: string | Buffer, opts: Partial<EngineOptions> = {}, rel = 'nb.ipynb'): FileResult {
  return convertNotebook(rel, typeof text === 'string' ? Buffer.from(text, 'utf8') : text, { ...OPTS, ...opts });
}

function outText(r: FileResult, input: string): string {
  return r.output ? Buffer.from(r.output).toString('utf8') : input;
}

/** Outputs the validator reads at the end (one Python process for all). */
const written: { name: string; text: string }[] = [];

interface NbCase {
  name: string;
  cells: CellSpec[];
  /** Expected cells after conversion (absent: unchanged). */
  output?: CellSpec[];
  changes?: string[];
  manual?: (string | RegExp)[];
  transferToNpu?: boolean;
  /** The Python files of the run (a `!python train.py --device cuda` is rewritten only for one of them). */
  sources?: string[];
}

const caseOpts = (c: NbCase): Partial<EngineOptions> => ({
  transferToNpu: c.transferToNpu === true,
  ...(c.sources ? { project: { imported: [], stars: {}, sources: c.sources } } : {}),
});

const matches = (actual: string, want: string | RegExp) => (typeof want === 'string' ? actual.includes(want) : want.test(actual));

function checkCase(c: NbCase, valid: boolean): void {
  const input = notebook(c.cells);
  const r = run(input, caseOpts(c));
  expect(r.notes).toEqual([]);
  expect(r.reason).toBeUndefined();
  const want = c.output ? notebook(c.output) : input;
  const out = outText(r, input);
  expect(out).toBe(want);
  expect(r.status).toBe(want === input ? 'unchanged' : 'changed');
  if (valid) {
    expect(r.changes).toEqual([]);
    expect(r.manual).toEqual([]);
    return;
  }
  if (c.changes) expect(r.changes.map((x) => x.message)).toEqual(c.changes);
  const manual = r.manual.map((m) => `[${m.level}] ${m.message}`);
  const wantManual = c.manual ?? [];
  if (manual.length !== wantManual.length || !manual.every((m, i) => matches(m, wantManual[i]))) {
    throw new Error(`manual records differ.\nexpected: ${JSON.stringify(wantManual.map(String))}\nactual:   ${JSON.stringify(manual)}`);
  }
  if (out === input && r.manual.length === 0) throw new Error('an invalid case must change the notebook or report something');
  // every record points at a line of the .ipynb that holds a string of that cell's source
  const inputLines = input.split('\n');
  for (const rec of [...r.changes, ...r.manual]) {
    expect(rec.startLine).toBeGreaterThanOrEqual(1);
    expect(rec.endLine).toBeGreaterThanOrEqual(rec.startLine);
    expect(inputLines[rec.startLine - 1]).toMatch(/^\s+"|"source": /);
  }
  // the patch agrees with the records: each hunk's changed lines are lines the records name
  if (r.status === 'changed') {
    written.push({ name: c.name, text: out });
    const again = run(out, caseOpts(c));
    expect({ secondRun: again.status, changes: again.changes }).toEqual({ secondRun: 'unchanged', changes: [] });
  }
}

const valid: NbCase[] = [
  { name: 'no torch', cells: ['x = 1\nprint(x)'] },
  { name: 'torch without CUDA', cells: ['import torch', 'x = torch.zeros(3)'] },
  { name: 'markdown about CUDA', cells: [{ md: 'Call `torch.cuda.synchronize()` and set device="cuda".' }, 'import os'] },
  { name: 'CUDA words in outputs only', cells: [{ code: 'x = 1', outputs: [{ name: 'stdout', output_type: 'stream', text: ['torch.cuda.is_available() True\n'] }], count: 1 }] },
  { name: 'line magics and help', cells: ['%matplotlib inline\n%load_ext autoreload\n%autoreload 2\nimport os\nos?\nos.path??\n?os'] },
  { name: 'shell escapes without CUDA', cells: ['!pip install -q einops\nfiles = !ls data\n!!pwd\nprint(files)'] },
  { name: 'html cell magic', cells: ['%%html\n<p>torch.cuda.synchronize()</p>'] },
  { name: 'writefile cell without CUDA', cells: ['%%writefile util.py\ndef f():\n    return 1'] },
  { name: 'cuda in a string and a comment', cells: ['import torch\nmsg = "run torch.cuda.synchronize() first"  # torch.cuda'] },
  { name: 'empty cells', cells: ['', 'import os', ''] },
  { name: '%d at a line start inside a string', cells: ['s = """\n%d items\n!not a shell line\n"""\nprint(s % 3)'] },
  { name: 'a shell message that names CUDA_VISIBLE_DEVICES (echo text)', cells: ['!echo "set CUDA_VISIBLE_DEVICES to pick a GPU"\n!printf \'nccl: %s\\n\' ok'] },
  { name: '%env and %set_env of other variables', cells: ['%env OMP_NUM_THREADS=4\n%set_env TOKENIZERS_PARALLELISM false\n%env'] },
  { name: 'pip install of an NVIDIA package is not a shell setting', cells: ['!pip install nvidia-dali\n!pip install -q nvidia-ml-py'] },
  { name: 'a %%writefile cell of a shell script without CUDA words', cells: ['%%writefile x.sh\nnvidia-smi\n'] },
  { name: 'npu-smi and Ascend variables (a converted notebook)', cells: ['!npu-smi info\n%env ASCEND_RT_VISIBLE_DEVICES=0', '%%bash\nexport HCCL_SOCKET_IFNAME=eth0\npython train.py --device npu'] },
];

const invalid: NbCase[] = [
  {
    name: 'an alias bound in cell 1 is used in cell 3; the import goes after it, in cell 1',
    cells: [{ md: '# Demo' }, 'import torch as th', 'th.cuda.synchronize()'],
    output: [{ md: '# Demo' }, 'import torch as th\nimport torch_npu', 'th.npu.synchronize()'],
    changes: ['cell 2, line 1: import torch_npu', 'cell 3, line 1: torch.cuda.synchronize → torch.npu.synchronize'],
  },
  {
    name: 'the import line goes right after the torch import, as a list element of its own',
    cells: ['import torch\nimport os\n', 'x = torch.randn(2).cuda()\nprint(x)'],
    output: ['import torch\nimport torch_npu\nimport os\n', 'x = torch.randn(2).npu()\nprint(x)'],
    changes: ['cell 1, line 1: import torch_npu', 'cell 2, line 1: torch.randn(2).cuda() → torch.randn(2).npu()'],
  },
  {
    name: 'from-import in one cell, use in a later one',
    cells: ['from torch import cuda', 'cuda.synchronize()'],
    output: ['import torch_npu\nfrom torch import npu as cuda', 'cuda.synchronize()'],
  },
  {
    name: 'magic lines around converted code stay as they are',
    cells: ['%matplotlib inline\nimport torch\n%time y = 1\nx = torch.ones(1).cuda()  # to GPU\n!ls'],
    output: ['%matplotlib inline\nimport torch\nimport torch_npu\n%time y = 1\nx = torch.ones(1).npu()  # to GPU\n!ls'],
    changes: ['cell 1, line 2: import torch_npu', 'cell 1, line 4: torch.ones(1).cuda() → torch.ones(1).npu()'],
  },
  {
    name: 'a shell escape as the only line of a block body: nvidia-smi → npu-smi info',
    cells: ['import torch', 'for i in range(2):\n    !nvidia-smi\n    torch.cuda.empty_cache()'],
    output: ['import torch\nimport torch_npu', 'for i in range(2):\n    !npu-smi info\n    torch.npu.empty_cache()'],
    changes: ['cell 1, line 1: import torch_npu', 'cell 2, line 2: nvidia-smi → npu-smi info', 'cell 2, line 3: torch.cuda.empty_cache → torch.npu.empty_cache'],
  },
  {
    name: '! line: the variable renamed, --device cuda of a script of the run → npu',
    cells: ['!CUDA_VISIBLE_DEVICES=0 python train.py --device cuda'],
    output: ['!ASCEND_RT_VISIBLE_DEVICES=0 python train.py --device npu'],
    changes: ['cell 1, line 1: CUDA_VISIBLE_DEVICES → ASCEND_RT_VISIBLE_DEVICES (environment variable)', 'cell 1, line 1: train.py --device cuda → npu'],
    sources: ['train.py'],
  },
  {
    name: '! line: --device cuda of a script that is not of the run is reported; continuation lines',
    cells: ['!CUDA_VISIBLE_DEVICES=0 \\\n  python other.py --device cuda --dist-backend=nccl'],
    output: ['!ASCEND_RT_VISIBLE_DEVICES=0 \\\n  python other.py --device cuda --dist-backend=nccl'],
    changes: ['cell 1, line 1: CUDA_VISIBLE_DEVICES → ASCEND_RT_VISIBLE_DEVICES (environment variable)'],
    manual: [
      '[manual] cell 1, line 2: argument --device cuda: not rewritten (other.py is not a Python file of this run)',
      '[manual] cell 1, line 2: argument --dist-backend nccl: not rewritten (other.py is not a Python file of this run)',
    ],
    sources: ['train.py'],
  },
  {
    name: '!nvidia-smi is rewritten; its output read by Python (x = !cmd, !!cmd) is reported',
    cells: ['!nvidia-smi', 'gpus = !nvidia-smi\nx = !CUDA_VISIBLE_DEVICES=1 nvidia-smi', '!!nvidia-smi'],
    output: ['!npu-smi info', 'gpus = !nvidia-smi\nx = !ASCEND_RT_VISIBLE_DEVICES=1 nvidia-smi', '!!nvidia-smi'],
    changes: ['cell 1, line 1: nvidia-smi → npu-smi info', 'cell 2, line 2: CUDA_VISIBLE_DEVICES → ASCEND_RT_VISIBLE_DEVICES (environment variable)'],
    manual: [
      '[manual] cell 2, line 1: nvidia-smi: not rewritten (its output is read)',
      '[manual] cell 2, line 2: nvidia-smi: not rewritten (its output is read)',
      '[manual] cell 3, line 1: nvidia-smi: not rewritten (its output is read)',
    ],
  },
  {
    name: '!nvidia-smi with query flags is reported, not rewritten',
    cells: ['!nvidia-smi --query-gpu=name,memory.used --format=csv'],
    manual: ['[manual] cell 1, line 1: nvidia-smi: not rewritten (it has options or arguments)'],
  },
  {
    name: '%env / %set_env: only the variable name is renamed; no twin and a descending list reported',
    cells: ['%env CUDA_VISIBLE_DEVICES=0\n%env NCCL_SOCKET_IFNAME=eth0\n%set_env CUDA_VISIBLE_DEVICES 1,0\n%env NCCL_DEBUG=INFO\nimport os'],
    output: ['%env ASCEND_RT_VISIBLE_DEVICES=0\n%env HCCL_SOCKET_IFNAME=eth0\n%set_env ASCEND_RT_VISIBLE_DEVICES 1,0\n%env NCCL_DEBUG=INFO\nimport os'],
    changes: [
      'cell 1, line 1: CUDA_VISIBLE_DEVICES → ASCEND_RT_VISIBLE_DEVICES (environment variable)',
      'cell 1, line 2: NCCL_SOCKET_IFNAME → HCCL_SOCKET_IFNAME (environment variable)',
      'cell 1, line 3: CUDA_VISIBLE_DEVICES → ASCEND_RT_VISIBLE_DEVICES (environment variable)',
    ],
    manual: ['[manual] cell 1, line 3: ASCEND_RT_VISIBLE_DEVICES=1,0: not an ascending list of device ids', '[manual] cell 1, line 4: NCCL_DEBUG has no HCCL twin'],
  },
  {
    name: '%%bash / %%sh / %%script bash bodies are launch scripts',
    cells: [
      '%%bash\nexport CUDA_VISIBLE_DEVICES=0,1\nnvidia-smi\necho "devices: $CUDA_VISIBLE_DEVICES"',
      '%%sh\nNCCL_SOCKET_IFNAME=eth0 python train.py --dist-backend nccl',
      '%%script bash\nnvidia-smi  # check',
    ],
    output: [
      '%%bash\nexport ASCEND_RT_VISIBLE_DEVICES=0,1\nnpu-smi info\necho "devices: $ASCEND_RT_VISIBLE_DEVICES"',
      '%%sh\nHCCL_SOCKET_IFNAME=eth0 python train.py --dist-backend hccl',
      '%%script bash\nnpu-smi info  # check',
    ],
    changes: [
      'cell 1, line 2: CUDA_VISIBLE_DEVICES → ASCEND_RT_VISIBLE_DEVICES (environment variable)',
      'cell 1, line 3: nvidia-smi → npu-smi info',
      'cell 1, line 4: CUDA_VISIBLE_DEVICES → ASCEND_RT_VISIBLE_DEVICES (environment variable)',
      'cell 2, line 2: NCCL_SOCKET_IFNAME → HCCL_SOCKET_IFNAME (environment variable)',
      'cell 2, line 2: train.py --dist-backend nccl → hccl',
      'cell 3, line 2: nvidia-smi → npu-smi info',
    ],
    sources: ['train.py'],
  },
  {
    name: 'a ! line IPython expands ($name, {expr}) is reported, not rewritten',
    cells: ['!echo $CUDA_VISIBLE_DEVICES', 'lr = 0.1\n!python train.py --device cuda --lr {lr}'],
    manual: [
      '[manual] cell 1, line 1: CUDA_VISIBLE_DEVICES → ASCEND_RT_VISIBLE_DEVICES (environment variable): not rewritten (IPython substitutes $name / {expr} in this line from Python variables first)',
      '[manual] cell 2, line 2: train.py --device cuda → npu: not rewritten (IPython substitutes $name / {expr} in this line from Python variables first)',
    ],
    sources: ['train.py'],
  },
  {
    name: 'a %%bash heredoc body is not rewritten (the analysis reports it)',
    cells: ['%%bash\ncat > run.sh <<EOF\nexport CUDA_VISIBLE_DEVICES=0\nEOF'],
    manual: ['[manual] cell 1, line 3: shell command not converted: CUDA_VISIBLE_DEVICES → ASCEND_RT_VISIBLE_DEVICES'],
  },
  {
    name: 'a %%writefile x.sh cell is not rewritten (reported)',
    cells: ['%%writefile x.sh\nexport CUDA_VISIBLE_DEVICES=0\nnvidia-smi'],
    manual: ['[manual] cell 1: not converted: a %%writefile cell (the file it writes mentions CUDA)'],
  },
  {
    name: 'the ! lines of a cell that does not parse are reported, not rewritten',
    cells: ['def broken:\n    pass\n!nvidia-smi'],
    manual: ['[manual] cell 1: not converted: syntax error at line 1 of the cell', '[manual] cell 1, line 3: shell command not converted: nvidia-smi → npu-smi info'],
  },
  {
    name: '%%time cell: the body is Python and is converted',
    cells: ['import torch', '%%time\ntorch.cuda.synchronize()'],
    output: ['import torch\nimport torch_npu', '%%time\ntorch.npu.synchronize()'],
  },
  {
    name: 'writefile cell mentioning CUDA is reported, not converted',
    cells: ['%%writefile train.py\nimport torch\ntorch.cuda.synchronize()'],
    manual: ['[manual] cell 1: not converted: a %%writefile cell'],
  },
  {
    name: 'a cell with a syntax error is reported; the other cells are converted',
    cells: ['import torch', 'def broken(:\n    torch.cuda.synchronize()', 'torch.cuda.synchronize()'],
    output: ['import torch\nimport torch_npu', 'def broken(:\n    torch.cuda.synchronize()', 'torch.npu.synchronize()'],
    manual: ['[manual] cell 2: not converted: syntax error at line 1 of the cell'],
  },
  {
    name: 'what an unparsable cell binds is not seen later: not converted, never guessed',
    cells: ['import torch as th; def (', 'th.cuda.synchronize()'],
    manual: ['[manual] cell 1: not converted: syntax error'],
  },
  {
    name: 'a cell whose first line is indented is reported (it would join the previous block)',
    cells: ['import torch\nfor i in range(2):\n    pass', '    torch.cuda.synchronize()'],
    output: ['import torch\nimport torch_npu\nfor i in range(2):\n    pass', '    torch.cuda.synchronize()'],
    manual: ['[manual] cell 2: not converted: its first line of code is indented'],
  },
  {
    name: 'device strings and assignments from magics',
    cells: ['import torch\ngpus = !nvidia-smi -L\ndevice = "cuda" if torch.cuda.is_available() else "cpu"'],
    output: ['import torch\nimport torch_npu\ngpus = !nvidia-smi -L\ndevice = "npu" if torch.npu.is_available() else "cpu"'],
    manual: ['[manual] cell 1, line 2: nvidia-smi: not rewritten (its output is read)'],
  },
  {
    name: 'a cell that ends with a newline gets the import before the next line',
    cells: ['import torch\n', 'torch.cuda.synchronize()\n'],
    output: ['import torch\nimport torch_npu\n', 'torch.npu.synchronize()\n'],
  },
  {
    name: '--transfer-to-npu: the notebook is an entry (it runs top to bottom)',
    cells: ['import torch', 'print(torch.ones(1))'],
    output: ['import torch\nimport torch_npu\nfrom torch_npu.contrib import transfer_to_npu', 'print(torch.ones(1))'],
    transferToNpu: true,
  },
  {
    name: 'non-ASCII text in a changed line',
    cells: ['import torch\nx = torch.ones(1).cuda()  # für die GPU ✓'],
    output: ['import torch\nimport torch_npu\nx = torch.ones(1).npu()  # für die GPU ✓'],
  },
];

describe('notebook valid', () => {
  for (const c of valid) it(`valid: ${c.name}`, () => checkCase(c, true));
});

describe('notebook invalid', () => {
  for (const c of invalid) it(`invalid: ${c.name}`, () => checkCase(c, false));
  it('no two cases are the same', () => {
    const keys = [...valid, ...invalid].map((c) => JSON.stringify([c.cells, c.transferToNpu ?? false, c.sources ?? []]));
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe('IPython lines', () => {
  const cases: [string, string][] = [
    ['!nvidia-smi\nx = 1', '0          \nx = 1'],
    ['  %time f()\n', '  0        \n'],
    ['files = !ls -l\n', 'files = 0     \n'],
    ['a, b = %sx echo 1\n', `a, b = 0${' '.repeat(9)}\n`],
    ['torch.cuda?\nx??\n?y', '0          \n0  \n0 '],
    ['!echo a \\\n  b\nx = 1', `0${' '.repeat(8)}\n   \nx = 1`],
    ['s = """\n%d\n"""\n%time 1', 's = """\n%d\n"""\n0      '],
    ["f(1,\n  !x)\n# !comment\nt = '!x'", "f(1,\n  !x)\n# !comment\nt = '!x'"],
    ['x = 1 \\\n!y\n!z', 'x = 1 \\\n!y\n0 '],
    ['x != y\nx == 2', 'x != y\nx == 2'],
    ['\n%%bash\necho $CUDA_VISIBLE_DEVICES', `\n      \n${' '.repeat(26)}`],
    ['%%time\nf()\n%ls', '0     \nf()\n0  '],
    ['!echo é\r\nx = 1\r\n', '0      \r\nx = 1\r\n'],
  ];
  for (const [src, want] of cases) {
    it(JSON.stringify(src), () => {
      const n = neutralizeCell(src);
      expect(n.text).toBe(want);
      expect(n.text.length).toBe(src.length);
    });
  }
  it('gives the shell view line for line', () => {
    expect(neutralizeCell('%env A=1\n%env B 2\nx = 1\n!!ls -l \\\n  /tmp').shell).toEqual(['export A=1', 'export B=2', '', 'ls -l \\', '  /tmp']);
    expect(neutralizeCell('%%script bash\nnvidia-smi\n').shell).toEqual(['', 'nvidia-smi', '']);
    expect(neutralizeCell('%%writefile x.sh\nnvidia-smi').shell).toEqual(['', '']);
  });
});

describe('JSON text', () => {
  it('scans values with their spans and decodes escapes', () => {
    const text = '{"a": [1, -2.5e3, true, null, NaN], "b": "x\\u00e9\\n\\"\\/"}';
    const v = scanJson(text);
    expect(v.kind).toBe('object');
    if (v.kind !== 'object') return;
    const b = v.entries[1].value;
    expect(b.kind === 'string' && b.value).toBe('xé\n"/');
    expect(text.slice(b.start, b.end)).toBe('"x\\u00e9\\n\\"\\/"');
  });
  it.each(['', '{', '{"a" 1}', '[1,]', '{"a": "x\ny"}', '"\\x"', '{} []', '01'])('refuses %j', (t) => {
    expect(() => scanJson(t)).toThrow();
  });
  it('encodes like json.dumps, in the file style', () => {
    const plain = stringStyle('{"a": "é"}');
    expect(plain).toEqual({ asciiOnly: false, upperHex: false, escapeSlash: false });
    expect(encodeJsonString('a"\\\n\r\t\b\f\u0001é/\u{1F600}\u007f', plain)).toBe('"a\\"\\\\\\n\\r\\t\\b\\f\\u0001é/\u{1F600}\u007f"');
    const ascii = stringStyle('{"a": "\\u00E9", "b": "\\/"}');
    expect(ascii).toEqual({ asciiOnly: true, upperHex: true, escapeSlash: true });
    expect(encodeJsonString('é/\u{1F600}\u007f', ascii)).toBe('"\\u00E9\\/\\uD83D\\uDE00\\u007F"');
    // what Python writes, for the same strings
    const py = spawnSync(python(), ['-c', 'import json,sys; print(json.dumps(sys.argv[1], ensure_ascii=False) + json.dumps(sys.argv[1]))', 'a"\\\n\té/\u{1F600}\u007f'], {
      encoding: 'utf8',
    });
    if (py.status === 0) {
      const s = 'a"\\\n\té/\u{1F600}\u007f';
      const lower = { asciiOnly: true, upperHex: false, escapeSlash: false };
      expect(py.stdout.trimEnd()).toBe(encodeJsonString(s, plain) + encodeJsonString(s, lower));
    }
  });
});

describe('notebook JSON layer', () => {
  const cells: CellSpec[] = ['import torch\nx = torch.ones(1).cuda()\nprint("é")'];
  const converted: CellSpec[] = ['import torch\nimport torch_npu\nx = torch.ones(1).npu()\nprint("é")'];

  it('keeps \\u escapes of non-ASCII text (ensure_ascii=True files)', () => {
    const input = asciiOnly(notebook([{ md: 'Café' }, ...cells]));
    expect(input).toContain('print(\\"\\u00e9\\")');
    const r = run(input);
    expect(outText(r, input)).toBe(asciiOnly(notebook([{ md: 'Café' }, ...converted])));
  });

  it('keeps CRLF inside the strings', () => {
    const input = notebook(['import torch\r\nx = torch.ones(1).cuda()\r\n']);
    const r = run(input);
    expect(outText(r, input)).toBe(notebook(['import torch\r\nimport torch_npu\r\nx = torch.ones(1).npu()\r\n']));
  });

  it('writes a source given as one string as one string', () => {
    const input = notebook([{ single: 'import torch\nx = torch.ones(1).cuda()' }, 'y = x.cuda()']);
    const r = run(input);
    expect(outText(r, input)).toBe(notebook([{ single: 'import torch\nimport torch_npu\nx = torch.ones(1).npu()' }, 'y = x.npu()']));
    expect(r.changes.map((c) => c.message)).toEqual([
      'cell 1, line 1: import torch_npu',
      'cell 1, line 2: torch.ones(1).cuda() → torch.ones(1).npu()',
      'cell 2, line 1: x.cuda() → x.npu()',
    ]);
    // both records of cell 1 are on the line of its one string
    expect(r.changes[0].startLine).toBe(r.changes[1].startLine);
  });

  it('keeps other indentation, key order, CRLF between tokens and a missing final newline', () => {
    const input =
      '{\r\n  "nbformat": 4,\r\n  "nbformat_minor": 2,\r\n  "metadata": {"z": 1, "a": [ ]},\r\n  "cells": [\r\n    {\r\n      "source": [\r\n        "import torch\\n",\r\n        "torch.cuda.synchronize()"\r\n      ],\r\n      "cell_type": "code",\r\n      "outputs": [ ],\r\n      "metadata": { },\r\n      "execution_count": 7\r\n    }\r\n  ]\r\n}';
    const r = run(input);
    expect(r.status).toBe('changed');
    expect(outText(r, input)).toBe(
      '{\r\n  "nbformat": 4,\r\n  "nbformat_minor": 2,\r\n  "metadata": {"z": 1, "a": [ ]},\r\n  "cells": [\r\n    {\r\n      "source": [\r\n        "import torch\\n",\r\n        "import torch_npu\\n",\r\n        "torch.npu.synchronize()"\r\n      ],\r\n      "cell_type": "code",\r\n      "outputs": [ ],\r\n      "metadata": { },\r\n      "execution_count": 7\r\n    }\r\n  ]\r\n}',
    );
  });

  it('keeps a BOM', () => {
    const input = '\ufeff' + notebook(cells);
    const r = run(input);
    expect(outText(r, input)).toBe('\ufeff' + notebook(converted));
  });

  it('turns an element that is not a whole line into lines only where it changed', () => {
    const input = notebook([]).replace('"cells": []', '"cells": [\n  {\n   "cell_type": "code",\n   "metadata": {},\n   "outputs": [],\n   "execution_count": null,\n   "source": ["import torch\\nimport os\\n", "x = 1; y = torch.ones(1).", "cuda()\\n", "z = 2"]\n  }\n ]');
    const r = run(input);
    expect(r.status).toBe('changed');
    const out = outText(r, input);
    const src = JSON.parse(out).cells[0].source as string[];
    expect(src.join('')).toBe('import torch\nimport torch_npu\nimport os\nx = 1; y = torch.ones(1).npu()\nz = 2');
    expect(out).toContain('"z = 2"]');
  });

  it('changes nothing outside the source strings (a notebook with outputs, counts, metadata)', () => {
    const input = notebook(
      [
        { md: '## Train ✓' },
        { code: 'import torch\nmodel = torch.nn.Linear(2, 2).cuda()', outputs: [{ data: { 'text/plain': ['Linear(in_features=2)'] }, execution_count: 4, metadata: {}, output_type: 'execute_result' }], count: 4 },
        { code: 'print(torch.cuda.device_count())', outputs: [{ name: 'stdout', output_type: 'stream', text: ['8\n'] }], count: 5 },
      ],
      { ...META, widgets: { state: {} }, custom: ['cuda', 'nccl'] },
    );
    const r = run(input);
    expect(r.status).toBe('changed');
    const out = outText(r, input);
    // strip the source values with a regex of their own (not the scanner under test): the rest is byte-identical
    const strip = (t: string) => t.replace(/"source": (?:\[(?:\s*"(?:[^"\\]|\\.)*",?)*\s*\]|"(?:[^"\\]|\\.)*")/g, '"source": SOURCE');
    expect(strip(out)).toBe(strip(input));
    const parsed = JSON.parse(out);
    expect(parsed.cells.map((c: { source: string[] }) => c.source.join(''))).toEqual([
      '## Train ✓',
      'import torch\nimport torch_npu\nmodel = torch.nn.Linear(2, 2).npu()',
      'print(torch.npu.device_count())',
    ]);
    written.push({ name: 'outputs', text: out });
  });
});

describe('notebooks the engine does not convert', () => {
  it.each([
    ['not JSON', '{"cells": [', /^notebook is not valid JSON \(line 1: unexpected end of text/],
    ['not an object', '[1, 2]\n', /not a notebook/],
    ['nbformat 3', '{"nbformat": 3, "nbformat_minor": 0, "worksheets": [], "metadata": {}}', /nbformat 3 notebook: only nbformat 4/],
    ['no cells', '{"nbformat": 4, "nbformat_minor": 5, "metadata": {}}', /no cells list/],
    ['a source that is a number', notebook(['x = 1']).replace('"source": [\n    "x = 1"\n   ]', '"source": 3'), /cell 1: its source is not a string or a list of strings/],
    ['a cell without a type', '{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{"source": []}]}', /cell 1 is not a cell/],
  ])('%s: failed, copied unchanged', (_name, text, reason) => {
    const r = run(text);
    expect(r.status).toBe('failed');
    expect(r.reason).toMatch(reason);
    expect(r.reason).toMatch(/copied unchanged$/);
    expect(r.output).toBeUndefined();
  });

  it('invalid UTF-8 fails', () => {
    const r = run(Buffer.concat([Buffer.from('{"cells": ["'), Buffer.from([0xff, 0xfe]), Buffer.from('"]}')]));
    expect(r.status).toBe('failed');
    expect(r.reason).toBe('notebook is not valid UTF-8; copied unchanged');
  });

  it('a notebook of another language is skipped', () => {
    const r = run(notebook(['x <- torch.cuda'], { kernelspec: { language: 'R', name: 'ir', display_name: 'R' } }));
    expect(r.status).toBe('skipped');
    expect(r.reason).toBe('a R notebook, not Python; copied unchanged');
  });

  it('convertFile hands .ipynb files to the notebook kind, .py files to the engine', () => {
    const input = notebook(['import torch\ntorch.cuda.synchronize()']);
    expect(convertFile('a/b.ipynb', Buffer.from(input), OPTS).status).toBe('changed');
    expect(convertFile('a/b.py', Buffer.from(input), OPTS).status).toBe('unchanged');
  });
});

describe('analysis on notebook lines', () => {
  it('names .ipynb lines and the cell', () => {
    const input = notebook(['import torch', { md: 'x' }, 'import pycuda.autoinit\ny = torch.cuda.get_device_capability()']);
    const r = run(input);
    const findings = r.analysis?.findings ?? [];
    expect(findings.length).toBeGreaterThan(0);
    const inputLines = input.split('\n');
    for (const f of findings) {
      expect(f.message).toMatch(/^cell 3, line [12]: /);
      expect(inputLines[f.startLine - 1]).toMatch(f.message.startsWith('cell 3, line 1') ? /pycuda/ : /get_device_capability/);
    }
  });
});

describe("Jupyter's validator", () => {
  const required = process.env.CI === '1';
  const available = hasNbformat();
  (available || required ? it : it.skip)('reads and validates every converted notebook (python3-nbformat)', () => {
    expect(written.length).toBeGreaterThan(10);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ascendify-nb-'));
    try {
      const files = written.map((w, i) => {
        const f = path.join(dir, `${i}.ipynb`);
        fs.writeFileSync(f, w.text);
        return f;
      });
      expect(nbformatErrors(files)).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('record lines', () => {
  it('are the .ipynb lines of the strings that hold the code', () => {
    const input = notebook([{ md: 'intro\ntext' }, '!nvidia-smi\nimport torch as th', 'y = 1\nx = th.ones(1).cuda()']);
    const r = run(input);
    const at = (n: number) => input.split('\n')[n - 1].trim();
    expect(r.changes.map((c) => [c.message, at(c.startLine)])).toEqual([
      ['cell 2, line 1: nvidia-smi → npu-smi info', '"!nvidia-smi\\n",'],
      ['cell 2, line 2: import torch_npu', '"import torch as th"'],
      ['cell 3, line 2: th.ones(1).cuda() → th.ones(1).npu()', '"x = th.ones(1).cuda()"'],
    ]);
    expect(r.manual).toEqual([]);
  });
});

describe('notebook shell lines and the pass selection', () => {
  const input = notebook(['%env CUDA_VISIBLE_DEVICES=0\n%env NCCL_SOCKET_IFNAME=eth0\n!nvidia-smi']);
  it('--skip cuda-device-to-npu: only the NCCL variable is renamed; the rest is reported as before', () => {
    const r = run(input, { passIds: ALL.filter((p) => p !== 'cuda-device-to-npu') });
    expect(outText(r, input)).toBe(notebook(['%env CUDA_VISIBLE_DEVICES=0\n%env HCCL_SOCKET_IFNAME=eth0\n!nvidia-smi']));
    expect(r.changes.map((c) => [c.passId, c.message])).toEqual([['nccl-to-hccl', 'cell 1, line 2: NCCL_SOCKET_IFNAME → HCCL_SOCKET_IFNAME (environment variable)']]);
    expect(r.manual.map((m) => [m.ruleId, m.message])).toEqual([
      ['notebook/shell-magic', 'cell 1, line 1: shell command not converted: CUDA_VISIBLE_DEVICES → ASCEND_RT_VISIBLE_DEVICES'],
      ['notebook/shell-magic', 'cell 1, line 3: shell command not converted: nvidia-smi → npu-smi info'],
    ]);
  });
  it('--only cuda-device-to-npu: the NCCL variable is left (and reported)', () => {
    const r = run(input, { passIds: ['cuda-device-to-npu'] });
    expect(outText(r, input)).toBe(notebook(['%env ASCEND_RT_VISIBLE_DEVICES=0\n%env NCCL_SOCKET_IFNAME=eth0\n!npu-smi info']));
    expect(r.changes.map((c) => c.ruleId)).toEqual(['shell/cuda-env', 'shell/nvidia-smi']);
    expect(r.manual.map((m) => m.message)).toEqual([expect.stringMatching(/^cell 1, line 2: shell command not converted: NCCL_SOCKET_IFNAME/)]);
  });
});

describe('engine regions → cell edits', () => {
  // two cells in a virtual module: "import torch" + SEP + "!ls\nx = 1" + SEP
  const mk = (texts: string[], live = texts.map(() => true)): CodeCell[] => {
    let v = 0;
    return texts.map((t, i) => {
      const c: CodeCell = { index: i, source: { kind: 'string', start: 0, end: 0, value: t }, pieces: [], text: t, neutral: neutralizeCell(t), live: live[i], vStart: v, lines: new LineIndex(t) };
      v += t.length + 2;
      return c;
    });
  };
  const edits = (cells: CodeCell[], output: string, regions: ChangedRegion[]) =>
    [...cellEdits(cells, output, regions)].map(([c, list]) => [c.index, list.map((e) => [e.start, e.end, e.content])]);
  const cells = mk(['import torch', '!ls\nx = 1']); // cell 2 starts at 14
  it('maps an edit inside a cell, an insertion after a cell, a deleted last line', () => {
    expect(edits(cells, 'XYimport torch_npu\n', [{ os: 18, oe: 19, ns: 0, ne: 2 }])).toEqual([[1, [[4, 5, 'XY']]]]);
    expect(edits(cells, 'import torch_npu\n', [{ os: 13, oe: 13, ns: 0, ne: 17 }])).toEqual([[0, [[12, 12, '\nimport torch_npu']]]]);
    expect(edits(cells, 'import torch_npu\n', [{ os: 14, oe: 14, ns: 0, ne: 17 }])).toEqual([[1, [[0, 0, 'import torch_npu\n']]]]);
    expect(edits(cells, '', [{ os: 18, oe: 24, ns: 0, ne: 0 }])).toEqual([[1, [[4, 9, '']]]]);
  });
  it('refuses an edit across cells, in a magic line, or in a cell that is not converted', () => {
    expect(() => edits(cells, 'x', [{ os: 10, oe: 16, ns: 0, ne: 1 }])).toThrow('not inside one cell');
    expect(() => edits(cells, 'x', [{ os: 14, oe: 15, ns: 0, ne: 1 }])).toThrow('IPython line');
    expect(() => edits(cells, 'x', [{ os: 15, oe: 15, ns: 0, ne: 1 }])).toThrow('IPython line');
    expect(() => edits(mk(['a = 1', 'b = 2'], [true, false]), 'x', [{ os: 7, oe: 8, ns: 0, ne: 1 }])).toThrow('not converted');
  });
});

describe('the patch', () => {
  it('shows only the lines that changed, also between two changes in one cell', () => {
    const input = notebook(['import torch as th\nimport os\n\nx = th.ones(1).cuda()\nprint(x)']);
    const r = run(input);
    const changed = r.diff.split('\n').filter((l) => /^[-+](?![-+])/.test(l));
    expect(changed).toEqual(['+    "import torch_npu\\n",', '-    "x = th.ones(1).cuda()\\n",', '+    "x = th.ones(1).npu()\\n",']);
  });
});
