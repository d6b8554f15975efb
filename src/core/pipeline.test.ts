import { convertSource, SourceSyntaxError, UNPARSED_REGION_RULE } from './pipeline';
import type { Pass, PassContext } from './pass';
import type { FixSafety } from './edit';
import { TORCH_NPU } from '../imports/request';

/** A synthetic pass: every regex match becomes one finding with a fix (or none). */
function regexPass(
  id: string,
  re: RegExp,
  replace: (m: RegExpExecArray) => string | null,
  opts: { safety?: FixSafety; when?: (ctx: PassContext) => boolean; manual?: boolean; rounds?: Pass['rounds']; runs?: string[] } = {},
): Pass {
  return {
    id,
    summary: id,
    levels: ['safe'],
    triggers: /[\s\S]/,
    rounds: opts.rounds,
    run(ctx) {
      opts.runs?.push(ctx.source);
      if (opts.when && !opts.when(ctx)) return;
      const g = new RegExp(re.source, re.flags.includes('g') ? re.flags : re.flags + 'g');
      for (let m = g.exec(ctx.source); m; m = g.exec(ctx.source)) {
        if (m[0] === '') g.lastIndex++;
        const start = m.index;
        const end = m.index + m[0].length;
        const content = replace(m);
        if (content === null || opts.manual) {
          ctx.report({ message: `${id}: ${m[0]}`, start, end, hint: 'do it by hand' });
        } else {
          ctx.report({ message: `${id}: ${m[0]} → ${content}`, start, end, fix: { edits: [{ start, end, content }], safety: opts.safety ?? 'safe' } });
        }
      }
    },
  };
}

describe('convertSource', () => {
  it('keeps every record of a file with more records than a call can take as arguments', () => {
    // 140k manual records and 140k changes: records were once added with push(...all),
    // which overflows the stack above ~120k and failed the file as an internal error
    const n = 140_000;
    const text = 'a = old\nb = keep\n'.repeat(n);
    const r = convertSource(text, {
      passes: [regexPass('fix', /old/, () => 'new'), regexPass('hand', /keep/, () => null, { manual: true })],
    });
    expect(r.changes).toHaveLength(n);
    expect(r.manual).toHaveLength(n);
    expect(r.manual[n - 1]).toEqual({ startLine: 2 * n, endLine: 2 * n, passId: 'hand', ruleId: 'hand', level: 'manual', message: 'hand: keep', hint: 'do it by hand' });
    expect(r.changes[n - 1]).toMatchObject({ startLine: 2 * n - 1, endLine: 2 * n - 1, operation: 'MODIFY', passId: 'fix' });
    expect(r.output).toBe('a = new\nb = keep\n'.repeat(n));
  });

  it('applies non-overlapping fixes and records lines of the input', () => {
    const p = regexPass('p', /foo/, () => 'bar');
    const r = convertSource('a = foo\nb = 1\nc = foo(foo)\n', { passes: [p] });
    expect(r.output).toBe('a = bar\nb = 1\nc = bar(bar)\n');
    expect(r.changes.map((c) => [c.startLine, c.endLine, c.operation, c.passId])).toEqual([
      [1, 1, 'MODIFY', 'p'],
      [3, 3, 'MODIFY', 'p'],
      [3, 3, 'MODIFY', 'p'],
    ]);
    expect(r.rounds).toBe(1);
  });

  it('defers an overlapping fix whole to the next round', () => {
    const p1 = regexPass('p1', /x =/, () => 'y =');
    const p2 = regexPass('p2', /= 1/, () => '= 2');
    const r = convertSource('x = 1\n', { passes: [p1, p2] });
    expect(r.output).toBe('y = 2\n');
    expect(r.rounds).toBe(2);
    expect(r.changes.map((c) => c.passId)).toEqual(['p1', 'p2']);
  });

  it('maps later-round records back to input lines across inserted lines', () => {
    const header = regexPass('header', /^(?!# header)/, () => '# header\n# more\n');
    const late = regexPass('late', /old/, () => 'new', { when: (ctx) => ctx.source.startsWith('# header'), rounds: 'reacts' });
    const r = convertSource('a = 1\nb = 2\nc = old\n', { passes: [header, late] });
    expect(r.output).toBe('# header\n# more\na = 1\nb = 2\nc = new\n');
    expect(r.changes.map((c) => [c.passId, c.startLine, c.operation])).toEqual([
      ['header', 1, 'INSERT'],
      ['late', 3, 'MODIFY'],
    ]);
  });

  it('reverts a round that breaks the syntax and names the pass', () => {
    const breaker = regexPass('breaker', /\)$/m, () => '');
    const good = regexPass('good', /foo/, () => 'bar');
    const r = convertSource('x = f(foo)\n', { passes: [breaker, good] });
    expect(r.output).toBe('x = f(bar)\n');
    expect(r.notes).toHaveLength(1);
    expect(r.notes[0]).toMatchObject({ level: 'error', passId: 'breaker' });
    expect(r.changes.map((c) => c.passId)).toEqual(['good']);
  });

  it('stops after the round bound and says so', () => {
    const grow = regexPass('grow', /x+\b/, (m) => m[0] + 'x', { rounds: 'reacts' });
    const r = convertSource('x = 1\n', { passes: [grow], maxRounds: 3 });
    expect(r.output).toBe('xxxx = 1\n');
    expect(r.rounds).toBe(3);
    expect(r.notes.map((n) => n.level)).toEqual(['warning']);
    expect(r.notes[0].message).toMatch(/no fixpoint after 3 rounds/);
  });

  describe('rounds after the first (Pass.rounds)', () => {
    it('runs a pass again only if it reacts to fixes or had one deferred, and keeps the findings of the others', () => {
      const runs = { a: [] as string[], todo: [] as string[], reacts: [] as string[], p2: [] as string[] };
      const a = regexPass('a', /foo/, () => 'bar\n\n', { runs: runs.a });
      const todo = regexPass('todo', /nvtx/, () => null, { manual: true, runs: runs.todo });
      const reacts = regexPass('reacts', /bar/, () => null, { manual: true, rounds: 'reacts', runs: runs.reacts });
      const p1 = regexPass('p1', /x =/, () => 'y =');
      const p2 = regexPass('p2', /= 1/, () => '= 2', { runs: runs.p2 });
      const input = 'v = foo\nw = nvtx\nx = 1\n';
      const r = convertSource(input, { passes: [a, todo, reacts, p1, p2] });
      expect(r.output).toBe('v = bar\n\n\nw = nvtx\ny = 2\n');
      expect(r.rounds).toBe(2);
      expect(runs.a).toEqual([input]); // round 1 only
      expect(runs.todo).toEqual([input]);
      expect(runs.reacts).toHaveLength(3); // every round: 1, 2 (p2's fix), 3 (nothing left)
      expect(runs.p2).toHaveLength(2); // round 1 (deferred) and round 2 (applied)
      // todo's record from round 1 and reacts' from the last round, in the input's lines, in pass order
      expect(r.manual.map((m) => [m.passId, m.startLine, m.message])).toEqual([
        ['reacts', 1, 'reacts: bar'],
        ['todo', 2, 'todo: nvtx'],
      ]);
      // the reference (every pass every round) gives the same result here
      const all = convertSource(input, { passes: [a, todo, reacts, p1, p2], everyPassEveryRound: true });
      expect(all).toEqual(r);
      expect(runs.a).toHaveLength(1 + 3);
    });

    it('runs every pass again after a fix of a feeding pass, which replaces what was kept for them', () => {
      const runs: string[] = [];
      // round 1: the feeder writes cuda_sync() and the converter has a record on `legacy`; round 2: both run
      const feeder = regexPass('feeder', /my_sync/, () => 'cuda_sync', { rounds: 'feeds' });
      const converter = regexPass('converter', /cuda_sync/, () => 'npu_sync', { runs });
      const hand = regexPass('hand', /legacy/, () => null, { manual: true });
      const r = convertSource('my_sync()\nlegacy()\n', { passes: [feeder, converter, hand] });
      expect(r.output).toBe('npu_sync()\nlegacy()\n');
      expect(runs).toEqual(['my_sync()\nlegacy()\n', 'cuda_sync()\nlegacy()\n']); // not after its own fix (round 3)
      expect(r.changes.map((c) => c.passId)).toEqual(['feeder', 'converter']);
      expect(r.manual.map((m) => [m.passId, m.startLine])).toEqual([['hand', 2]]); // once, though kept and then found again
    });
  });

  it('applies unsafe fixes only when asked, and lists them otherwise', () => {
    const p = regexPass('p', /risky/, () => 'done', { safety: 'unsafe' });
    const off = convertSource('v = risky\n', { passes: [p] });
    expect(off.output).toBe('v = risky\n');
    expect(off.manual.map((m) => [m.level, m.startLine])).toEqual([['unsafe', 1]]);
    const on = convertSource('v = risky\n', { passes: [p], unsafe: true });
    expect(on.output).toBe('v = done\n');
    expect(on.manual).toEqual([]);
    expect(on.changes.map((c) => c.safety)).toEqual(['unsafe']);
  });

  it('reports manual findings once, at their input lines', () => {
    const shift = regexPass('shift', /^a = 1\n/, () => 'a = 1\n\n\n', { when: (ctx) => !ctx.source.includes('\n\n') });
    const todo = regexPass('todo', /nvtx/, () => null, { manual: true });
    const r = convertSource('a = 1\nb = nvtx\n', { passes: [shift, todo] });
    expect(r.output).toBe('a = 1\n\n\nb = nvtx\n');
    expect(r.manual.map((m) => [m.passId, m.level, m.startLine, m.hint])).toEqual([['todo', 'manual', 2, 'do it by hand']]);
  });

  it('keeps CRLF line endings and inserts imports with them', () => {
    const p: Pass = {
      id: 'needs-npu',
      summary: '',
      levels: ['safe'],
      triggers: /cuda/,
      run(ctx) {
        const i = ctx.source.indexOf('cuda');
        if (i >= 0) ctx.report({ message: 'm', start: i, end: i + 4, fix: { edits: [{ start: i, end: i + 4, content: 'npu' }], safety: 'safe', imports: [TORCH_NPU] } });
      },
    };
    const r = convertSource('import torch\r\nx.cuda()\r\n', { passes: [p] });
    expect(r.output).toBe('import torch\r\nimport torch_npu\r\nx.npu()\r\n');
    expect(r.changes.map((c) => [c.operation, c.message, c.startLine])).toEqual([
      ['INSERT', 'import torch_npu', 1],
      ['MODIFY', 'm', 2],
    ]);
    expect(convertSource(r.output, { passes: [p] }).output).toBe(r.output);
  });

  it('judges an entry file on the output: a torch import the importer adds makes it one', () => {
    const script = 'import numpy\nx = old()\nif __name__ == "__main__":\n    x.run()\n';
    const asking = (module: string): Pass => ({
      id: 'asks',
      summary: '',
      levels: ['safe'],
      triggers: /old/,
      run(ctx) {
        const i = ctx.source.indexOf('old(');
        if (i >= 0) ctx.report({ message: 'm', start: i, end: i + 3, fix: { edits: [{ start: i, end: i + 3, content: 'new' }], safety: 'safe', imports: [{ module, placement: 'top' }] } });
      },
    });
    const withTorch = convertSource(script, { passes: [asking('torch.nn')], path: 'train.py' });
    expect(withTorch.output).toBe('import numpy\nimport torch.nn\nx = new()\nif __name__ == "__main__":\n    x.run()\n');
    expect(withTorch.entry).toBe(true);
    const without = convertSource(script, { passes: [asking('numpy.linalg')], path: 'train.py' });
    expect(without.output).toContain('import numpy.linalg\n');
    expect(without.entry).toBe(false);
    // a module others import is no entry, whatever it imports
    expect(convertSource(script, { passes: [asking('torch.nn')], path: 'train.py', project: { importedByOthers: true } }).entry).toBe(false);
    // and one that imports torch already is one without any import added
    expect(convertSource('import torch\n' + script, { passes: [asking('numpy')], path: 'train.py' }).entry).toBe(true);
  });

  it('handles files larger than 32 KiB', () => {
    const filler = '# filler line to make the file large\nvalue = [1, 2, 3]\n'.repeat(2000);
    const src = `${filler}y = foo\n`;
    expect(src.length).toBeGreaterThan(64 * 1024);
    const r = convertSource(src, { passes: [regexPass('p', /foo/, () => 'bar')] });
    expect(r.output).toBe(`${filler}y = bar\n`);
    expect(r.changes[0].startLine).toBe(4001);
  });

  it('refuses input that does not parse', () => {
    expect(() => convertSource('def f(:\n  pass\n', { passes: [] })).toThrow(SourceSyntaxError);
    try {
      convertSource('x = 1\ndef f(:\n', { passes: [] });
    } catch (e) {
      expect((e as SourceSyntaxError).line).toBe(2);
    }
  });

  it('collects support files once', () => {
    const p: Pass = {
      id: 'helper',
      summary: '',
      levels: ['safe'],
      triggers: /use/,
      run(ctx) {
        for (const m of ctx.source.matchAll(/use/g)) {
          ctx.report({
            message: 'm',
            start: m.index!,
            end: m.index! + 3,
            fix: { edits: [{ start: m.index!, end: m.index! + 3, content: 'used' }], safety: 'safe', supportFiles: [{ path: 'h.py', content: 'X = 1\n' }] },
          });
        }
      },
    };
    const r = convertSource('a = use\nb = use\n', { passes: [p] });
    expect(r.supportFiles).toEqual([{ path: 'h.py', content: 'X = 1\n', passId: 'helper' }]);
  });
});

describe('convertSource on a file with a region tree-sitter cannot parse', () => {
  // line 3 is valid Python (CPython compiles it) that tree-sitter-python 0.25 rejects
  const input = 'a = foo\ndef f(xs):\n    return foo, *(foo,) * 2\nb = foo\n';
  const regionStart = input.indexOf('return');
  const regionEnd = input.indexOf(' * 2') + 4;

  it('edits outside the region only, and reports the region', () => {
    const r = convertSource(input, { passes: [regexPass('p', /foo/, () => 'bar')] });
    expect(r.output).toBe('a = bar\ndef f(xs):\n    return foo, *(foo,) * 2\nb = bar\n');
    expect(r.changes.map((c) => c.startLine)).toEqual([1, 4]);
    // the findings inside the region are covered by the region's record
    expect(r.manual).toEqual([
      expect.objectContaining({ startLine: 3, endLine: 3, ruleId: UNPARSED_REGION_RULE, level: 'manual', message: 'not converted: tree-sitter cannot parse this region' }),
    ]);
    expect(r.notes).toEqual([]);
  });

  it('drops a fix that touches the region, and lists its finding', () => {
    expect(input.slice(regionEnd, regionEnd + 2)).toBe('\nb');
    const touch = regexPass('touch', /(?<=\* 2)\nb/, () => '\nc');
    const apart = regexPass('apart', /^a/, () => 'z');
    const r = convertSource(input, { passes: [touch, apart] });
    expect(r.output).toBe('z' + input.slice(1));
    expect(r.manual.map((m) => [m.startLine, m.ruleId, m.level])).toEqual([
      [3, UNPARSED_REGION_RULE, 'manual'],
      [3, 'touch', 'manual'],
    ]);
    expect(r.manual[1].hint).toMatch(/^not converted: the change would touch code tree-sitter cannot parse/);
    // an insertion at the region's start touches it too
    const ins = regexPass('ins', /(?=return foo)/, () => 'x = 1; ');
    const r2 = convertSource(input, { passes: [ins] });
    expect(r2.output).toBe(input);
    expect(r2.manual.map((m) => [m.startLine, m.ruleId])).toEqual([[3, UNPARSED_REGION_RULE]]); // a finding at the region's edge is the region's
    expect(regionStart).toBe(input.indexOf('return foo'));
  });

  it('reverts a round that adds an error region elsewhere', () => {
    const breaker = regexPass('breaker', /b = foo/, () => 'b = = foo');
    const fine = regexPass('fine', /^a = foo/, () => 'a = 1');
    const r = convertSource(input, { passes: [breaker, fine] });
    expect(r.output).toBe('a = 1\ndef f(xs):\n    return foo, *(foo,) * 2\nb = foo\n');
    expect(r.notes).toEqual([expect.objectContaining({ level: 'error', passId: 'breaker' })]);
  });

  it('reverts a round that grows the region', () => {
    // an unclosed bracket after the region: tree-sitter's error now starts in the region and goes on
    const grow = regexPass('grow', /^b = foo$/m, () => 'b = (foo');
    const r = convertSource(input, { passes: [grow] });
    expect(r.output).toBe(input);
    expect(r.notes).toEqual([expect.objectContaining({ level: 'error', passId: 'grow' })]);
  });

  it('still refuses a genuine syntax error', () => {
    expect(() => convertSource('a = foo\nif a\n    b = foo\n', { passes: [regexPass('p', /foo/, () => 'bar')] })).toThrow(SourceSyntaxError);
    expect(() => convertSource('def f(a):\n    return *(a)\n', { passes: [] })).toThrow(/starred expression where CPython does not take one/);
  });
});
