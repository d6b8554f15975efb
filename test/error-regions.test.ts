/**
 * Files tree-sitter-python cannot parse in places but CPython can: converted
 * everywhere else, the regions left as they are and reported; genuine syntax
 * errors stay failed. CPython (python3's compile) is the oracle for every case:
 * the test checks that each case is what it says with both parsers.
 */
import { convertFile, DEFAULT_MAX_FILE_SIZE, type EngineOptions, type FileResult } from '../src/runner/convert-file';
import { selectPassIds } from '../src/runner/passes';
import { parse } from '../src/python/parser';
import { errorRegions } from '../src/python/error-regions';
import { releaseTrees } from '../src/python/tree-cache';
import { cpythonCompileErrors, pythonVersion } from './python';

const engine: EngineOptions = { passIds: selectPassIds(), unsafe: false, transferToNpu: false, maxFileSize: DEFAULT_MAX_FILE_SIZE };

/** CUDA code before and after the case, which the passes convert. */
const BEFORE = 'import torch\n\n\ndef setup(model):\n    torch.cuda.synchronize()\n    return model.cuda(), torch.device("cuda:0")\n\n\n';
const AFTER = '\n\ndef teardown():\n    return torch.cuda.is_available()\n';
const CONVERTED_BEFORE = 'import torch\nimport torch_npu\n\n\ndef setup(model):\n    torch.npu.synchronize()\n    return model.npu(), torch.device("npu:0")\n\n\n';
const CONVERTED_AFTER = '\n\ndef teardown():\n    return torch.npu.is_available()\n';

const file = (middle: string) => BEFORE + middle + AFTER;
const bytes = (s: string) => Buffer.from(s, 'utf8');
const convert = (text: string): FileResult => {
  try {
    return convertFile('case.py', bytes(text), engine);
  } finally {
    releaseTrees();
  }
};
const hasTreeSitterError = (text: string) => parse(text).rootNode.hasError;

/** tree-sitter-python 0.25 rejects these, CPython 3 compiles them: a star on an operand it does not take. */
const GAP: [string, string][] = [
  ['the issue: star on a bracketed product in return', 'def f(xs):\n    return None, *(None,) * len(xs)\n'],
  ['star on a parenthesised name', 'def f(a):\n    return 1, *(a)\n'],
  ['star on a parenthesised sum', 'def f(b, c):\n    return 1, *(b) + c\n'],
  ['star on a call of a parenthesised callee', 'def f(b):\n    return 1, *(b)()\n'],
  ['star on a list product', 'def f(b):\n    return 1, *[b] * 2\n'],
  ['star on a negation', 'def f(b):\n    return 1, *-b\n'],
  ['star on a parenthesised not', 'def f(b):\n    return 1, *(not b)\n'],
  ['star on a parenthesised conditional', 'def f(a, b, c):\n    return 1, *(a if c else b)\n'],
  ['star on a tuple literal', 'def f(a, b):\n    return 1, *(a, b)\n'],
  ['star on a generator', 'def f(y):\n    return 1, *(x for x in y)\n'],
  ['star on await', 'async def f(b):\n    return 1, *await b\n'],
  ['star first in an assigned tuple, last in its block', 'def f(a):\n    x = *(a,) * 2, 1\n'],
  ['star on a list literal in an assignment followed by a call', 'def f(a, b):\n    x = 1, *[a, b]\n    print(x)\n'],
  ['star on a string', 'x = *"ab", 1\n'],
  ['star on a power', 'def f(a):\n    x = *(a) ** 2,\n'],
  ['star in an augmented assignment', 'def f(x, a):\n    x += 1, *(a)\n'],
  ['star in yield', 'def f(a, b):\n    yield 1, *(a, b)\n'],
  ['star alone in a subscript', 'def f(x, a):\n    return x[*(a,) * 2]\n'],
  ['star after an index in a subscript', 'def f(x, b, c):\n    return x[1, *(b, c)]\n'],
  ['star in a for iterable', 'def f(a, b):\n    for i in *(a,) * 2, b:\n        print(i)\n'],
  ['two regions in one function', 'def f(a, b):\n    print(1, *(a))\n    return 2, *[b]\n'],
  ['a region followed by more code', 'def f(a):\n    return 1, *(a)\n    print(a)\n'],
];

/** Newer syntax tree-sitter-python 0.25 does take: such files are converted as usual. */
const TREE_SITTER_TAKES: [string, string][] = [
  ['match with a class pattern and a guard', 'def f(p):\n    match p:\n        case Point(x=0, y=0) if p:\n            return 0\n        case [1, *rest]:\n            return rest\n        case {"a": 1, **kw}:\n            return kw\n        case _:\n            return None\n'],
  ['match and case as names', 'match = 1\ncase = match[0] if False else 2\n'],
  ['except*', 'def f():\n    try:\n        pass\n    except* (ValueError, TypeError) as eg:\n        raise eg\n'],
  ['PEP 646 *args: *Ts', 'def f(*args: *Ts) -> Tuple[*Ts]:\n    return args\n'],
  ['parenthesised context managers', 'def f():\n    with (\n        open("a") as a,\n        open("b") as b,\n    ):\n        return a, b\n'],
  ['star on a name times a number', 'def f(a):\n    return 1, *a * 2\n'],
  ['star in a subscript (3.11)', 'def f(x, b):\n    return x[*b]\n'],
];

/** Genuine syntax errors (CPython rejects them): the file fails, copied unchanged. */
const BROKEN: [string, string][] = [
  ['unclosed bracket', 'def f():\n    x = (1,\n    y = 2\n'],
  ['unclosed call at the end of a statement', 'def f():\n    x = foo(1,\n\n\ndef g():\n    pass\n'],
  ['missing colon', 'def f(x):\n    if x\n        pass\n'],
  ['def with a bad parameter list', 'def f(:\n    pass\n'],
  ['double equals sign', 'def f():\n    x = = 1\n'],
  ['dangling operator', 'def f():\n    x = 1 +\n'],
  ['juxtaposed names', 'def f():\n    a b c\n'],
  ['merge conflict markers', '<<<<<<< HEAD\nx = 1\n=======\nx = 2\n>>>>>>> branch\n'],
  ['a Jinja template block', '{% if cuda %}\nx = 1\n{% endif %}\n'],
  ['unterminated string', 'def f():\n    x = \'abc\n'],
  ['stray closing bracket', 'def f():\n    x = 1)\n'],
  ['starred expression alone in return', 'def f(a):\n    return *(a)\n'],
  ['starred expression alone assigned', 'def f(a, b):\n    x = *(a, b)\n'],
  ['starred list alone assigned', 'def f(a, b):\n    x = *[a, b]\n'],
  ['starred comparison', 'def f(a):\n    return 1, *(a) < 2\n'],
  ['double star in a tuple', 'def f(a):\n    return 1, **(a)\n'],
  ['star on a bad sum in a subscript', 'def f(a, b):\n    a[*(b) + ]\n'],
  ['dangling star product', 'def f(a):\n    return 1, *(a) *\n'],
  ['deleting a starred expression', 'def f(a, b):\n    del *(a), b\n'],
  ['starred parenthesised for target', 'def f(b):\n    for *(a) in b:\n        pass\n'],
  ['starred dict key', 'def f(a):\n    x = {*(a): 1}\n'],
  ['walrus on a starred expression', 'def f(a):\n    (y := *(a), 1)\n'],
  ['keyword as a name', 'def f():\n    class = 1\n'],
  ['star import in a function', 'def f():\n    import *(a)\n'],
];

/** CPython compiles these, but the rule is conservative: they stay failed (documented limits). */
const CONSERVATIVE: [string, string][] = [
  ['two statements on one line', 'def f(a, b):\n    x = 1, *(a); y = *(b), 2\n'],
  ['a lambda in the region', 'def f():\n    return 1, *(lambda: 1)()\n'],
  ['an imported name assigned in the region', 'def f(a):\n    torch, y = 1, *(a,)\n'],
  ['a region spanning a compound statement', 'def f(a):\n    for x in *(a) * 2,:\n        pass\n'],
  // tree-sitter's recovery takes the next statement (or its first word) into the region
  ['an assignment followed by a return', 'def f(a):\n    x = *(a,) * 2, 1\n    return x\n'],
  ['an augmented assignment followed by a return', 'def f(x, a):\n    x += 1, *(a)\n    return x\n'],
  ['an assignment followed by an assignment', 'def f(a):\n    x = *(a,) * 2, 1\n    y = 2\n'],
];

const verdicts = cpythonCompileErrors([...GAP, ...TREE_SITTER_TAKES, ...BROKEN, ...CONSERVATIVE].map(([, m]) => file(m)));
const verdict = (middle: string) => verdicts[[...GAP, ...TREE_SITTER_TAKES, ...BROKEN, ...CONSERVATIVE].findIndex(([, m]) => m === middle)];

describe('files with regions tree-sitter cannot parse, CPython can', () => {
  it.each(GAP)('%s: converted around the region, which is left as it is', (_name, middle) => {
    const input = file(middle);
    expect(verdict(middle)).toBeNull(); // CPython compiles it
    expect(hasTreeSitterError(input)).toBe(true); // tree-sitter does not
    const r = convert(input);
    expect(r.status).toBe('changed');
    const output = Buffer.from(r.output!).toString('utf8');
    // everything outside converted, the case byte for byte as it was
    expect(output).toBe(CONVERTED_BEFORE + middle + CONVERTED_AFTER);
    expect(cpythonCompileErrors([output])).toEqual([null]);
    // one manual record per region, on the case's lines of the input
    const regions = r.manual.filter((m) => m.ruleId === 'engine/unparsed-region');
    const inputRegions = errorRegions(parse(input));
    expect(regions.length).toBe(inputRegions.length);
    const first = BEFORE.split('\n').length; // 1-based line of the case's first line
    const last = first + middle.split('\n').length - 2;
    for (const m of regions) {
      expect(m.level).toBe('manual');
      expect(m.message).toBe('not converted: tree-sitter cannot parse this region');
      expect(m.startLine).toBeGreaterThanOrEqual(first);
      expect(m.endLine).toBeLessThanOrEqual(last);
    }
    // no more, no larger error regions in the output (the same texts)
    const text = (t: string) => errorRegions(parse(t)).map((g) => t.slice(g.start, g.end));
    expect(text(output)).toEqual(text(input));
    // no engine error: exit 0
    expect(r.notes.filter((n) => n.level === 'error')).toEqual([]);
    // a second run changes nothing
    expect(convert(output).status).toBe('unchanged');
  });

  it.each(TREE_SITTER_TAKES)('%s: tree-sitter and CPython take it, converted as usual', (_name, middle) => {
    const input = file(middle);
    expect(verdict(middle)).toBeNull();
    expect(hasTreeSitterError(input)).toBe(false);
    const r = convert(input);
    expect(r.status).toBe('changed');
    expect(Buffer.from(r.output!).toString('utf8')).toBe(CONVERTED_BEFORE + middle + CONVERTED_AFTER);
    expect(r.manual.filter((m) => m.ruleId === 'engine/unparsed-region')).toEqual([]);
  });

  it.each(BROKEN)('genuine syntax error, %s: failed, copied unchanged', (_name, middle) => {
    const input = file(middle);
    expect(verdict(middle)).not.toBeNull(); // CPython rejects it
    expect(hasTreeSitterError(input)).toBe(true);
    const r = convert(input);
    expect(r.status).toBe('failed');
    expect(r.reason).toMatch(/^syntax error at line \d+ \(file left unchanged(: tree-sitter cannot parse it and .+)?\)$/);
    expect(r.output).toBeUndefined();
    expect(r.changes).toEqual([]);
  });

  it.each(CONSERVATIVE)('CPython takes it but the rule does not, %s: failed', (_name, middle) => {
    const input = file(middle);
    expect(verdict(middle)).toBeNull();
    expect(hasTreeSitterError(input)).toBe(true);
    expect(convert(input).status).toBe('failed');
  });

  it('a file with a region and nothing to convert is unchanged, with the region reported', () => {
    const input = 'def f(xs):\n    return None, *(None,) * len(xs)\n';
    const r = convert(input);
    expect(r.status).toBe('unchanged');
    expect(r.manual.map((m) => [m.startLine, m.endLine, m.ruleId])).toEqual([[2, 2, 'engine/unparsed-region']]);
  });

  it('the analysis reports nothing inside a region, and what is outside', () => {
    const input = 'import torch\n\n\ndef f(xs):\n    torch.cuda.nvtx.range_push("a")\n    return None, *(torch.cuda.nvtx.range_pop(),) * len(xs)\n';
    const r = convert(input);
    const lines = (r.analysis?.findings ?? []).filter((f) => f.ruleId === 'unsupported-api/torch-cuda').map((f) => f.startLine);
    expect(lines).toEqual([5]);
  });

  it('Python 3.12 f-strings (nested quotes) parse with tree-sitter; python3 here says which CPython this is', () => {
    // tree-sitter-python 0.25 takes PEP 701 f-strings; CPython before 3.12 rejects them,
    // so they are no gap: such a file is converted as usual.
    const middle = 'def f(x):\n    return f"{x["a"]}"\n';
    expect(hasTreeSitterError(file(middle))).toBe(false);
    const [major, minor] = pythonVersion();
    expect(cpythonCompileErrors([file(middle)])[0] === null).toBe(major > 3 || minor >= 12);
  });
});
