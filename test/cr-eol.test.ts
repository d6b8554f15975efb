/**
 * CR-only line endings (old Mac): valid Python (CPython's tokenizer takes a lone
 * '\r' as a newline) that tree-sitter-python does not split into lines itself.
 * The parser hands it '\n' instead (same offsets); the output keeps every '\r'.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse, reparse, syntaxErrors } from '../src/python/parser';
import { convertSource } from '../src/core/pipeline';
import { PASSES } from '../transforms';
import { DEFAULT_MAX_FILE_SIZE } from '../src/runner/convert-file';
import { selectPassIds } from '../src/runner/passes';
import { run } from '../src/runner/run';
import { releaseTrees } from '../src/python/tree-cache';
import { cpythonParseErrors } from './python';

const INPUT = [
  'import torch',
  '',
  'def f(x):',
  '    y = torch.cuda.current_device()',
  '    return x.to(',
  '        "cuda")',
  '',
  'device = torch.device(',
  '    "cuda" if torch.cuda.is_available() else "cpu")',
  'torch.cuda.synchronize()',
  '',
].join('\r');

const OUTPUT = [
  'import torch',
  'import torch_npu',
  '',
  'def f(x):',
  '    y = torch.npu.current_device()',
  '    return x.to(',
  '        "npu")',
  '',
  'device = torch.device(',
  '    "npu" if torch.npu.is_available() else "cpu")',
  'torch.npu.synchronize()',
  '',
].join('\r');

afterEach(() => releaseTrees());

describe('CR-only line endings', () => {
  it('parse: no syntax error, rows count lone CRs, node texts keep them', () => {
    const text = 'x = (1,\r     2)\rif x:\r    y = 3\r';
    const tree = parse(text);
    expect(syntaxErrors(tree)).toEqual({ count: 0 });
    expect(tree.rootNode.namedChildren.map((n) => n.type)).toEqual(['expression_statement', 'if_statement']);
    expect(tree.rootNode.namedChildren[1].startPosition).toEqual({ row: 2, column: 0 });
    expect(tree.rootNode.namedChildren[0].text).toBe('x = (1,\r     2)');
    expect(tree.rootNode.text).toBe(text);
  });

  it('reparse after an edit: no syntax error, texts keep their CRs', () => {
    const text = 'a = f(1,\r      2)\rb = 3\r';
    const next = 'a = g(1,\r      2)\rb = 3\r';
    const tree = reparse(parse(text), text, [{ start: 4, end: 5, content: 'g' }], next);
    expect(syntaxErrors(tree)).toEqual({ count: 0 });
    expect(tree.rootNode.namedChildren[0].text).toBe('a = g(1,\r      2)');
    expect(tree.rootNode.namedChildren[1].startPosition).toEqual({ row: 2, column: 0 });
  });

  it('converts, keeps \\r endings (the inserted import too), and a second run changes nothing', () => {
    const r = convertSource(INPUT, { passes: PASSES });
    expect(r.output).toBe(OUTPUT);
    expect(r.output).not.toContain('\n');
    expect(r.changes.map((c) => [c.startLine, c.passId])).toEqual([
      [1, 'inject-torch-npu'],
      [4, 'cuda-api-to-npu'],
      [6, 'cuda-device-to-npu'],
      [9, 'cuda-device-to-npu'],
      [9, 'cuda-api-to-npu'],
      [10, 'cuda-api-to-npu'],
    ]);
    expect(syntaxErrors(parse(r.output))).toEqual({ count: 0 });
    expect(convertSource(r.output, { passes: PASSES }).changed).toBe(false);
  });

  it('through the runner: changed, CPython parses the output, and the patch applies with git', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ascendify-cr-'));
    try {
      const src = path.join(tmp, 'repo');
      fs.mkdirSync(src);
      fs.writeFileSync(path.join(src, 'mac.py'), INPUT);
      const engine = { passIds: selectPassIds(), unsafe: false, transferToNpu: false, maxFileSize: DEFAULT_MAX_FILE_SIZE };
      const out = path.join(tmp, 'out');
      const r = await run({ src, out, mode: 'convert', engine });
      expect(r.files).toEqual([{ rel: 'mac.py', status: 'changed' }]);
      expect(fs.readFileSync(path.join(out, 'mac.py'), 'utf8')).toBe(OUTPUT);
      expect(cpythonParseErrors([path.join(src, 'mac.py'), path.join(out, 'mac.py')])).toEqual([]);
      const patch = path.join(tmp, 'p.patch');
      fs.writeFileSync(patch, r.patch);
      const g = spawnSync('git', ['apply', '-p1', patch], { cwd: src, encoding: 'utf8' });
      expect(g.stderr).toBe('');
      expect(fs.readFileSync(path.join(src, 'mac.py'), 'utf8')).toBe(OUTPUT);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
