/**
 * The diff built from the engine's changed regions (src/core/diff.ts) against
 * the Myers line diff it replaced (the `diff` package's structuredPatch, kept
 * here as the reference): on every golden input and pass fixture, converted and
 * under random edit sets, the two are identical or, where a change can be
 * aligned in more than one way, both turn the input into the output. Every
 * region diff is applied back (a small applier here; `git apply` for a few).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { structuredPatch } from 'diff';
import { applyEdits, composeRegions, type ChangedRegion } from '../src/core/apply';
import { DIFF_CONTEXT, quotePath, unifiedDiff } from '../src/core/diff';
import type { Edit } from '../src/core/edit';
import { convertSource, SourceSyntaxError } from '../src/core/pipeline';
import { convertFile, DEFAULT_MAX_FILE_SIZE } from '../src/runner/convert-file';
import { selectPassIds } from '../src/runner/passes';
import { PASSES } from '../transforms';
import { rng } from '../src/testing/rng';

/** The structuredPatch-based unifiedDiff this module replaced, unchanged. */
function referenceDiff(p: string, before: string | null, after: string, mode = '100644'): string {
  if (before === after) return '';
  const a = quotePath(`a/${p}`);
  const b = quotePath(`b/${p}`);
  const header =
    before === null
      ? `diff --git ${a} ${b}\nnew file mode ${mode}\n--- /dev/null\n+++ ${b}\n`
      : `diff --git ${a} ${b}\n--- ${a}\n+++ ${b}\n`;
  const patch = structuredPatch(p, p, before ?? '', after, '', '', { context: DIFF_CONTEXT });
  let out = header;
  for (const h of patch.hunks) {
    const oldStart = h.oldLines === 0 ? h.oldStart - 1 : h.oldStart;
    const newStart = h.newLines === 0 ? h.newStart - 1 : h.newStart;
    out += `@@ -${range(oldStart, h.oldLines)} +${range(newStart, h.newLines)} @@\n`;
    for (const line of h.lines) out += line + '\n';
  }
  return out;
}

function range(start: number, count: number): string {
  return count === 1 ? `${start}` : `${start},${count}`;
}

/** Lines split after each '\n' (the last may lack one). */
function splitLines(text: string): string[] {
  const out: string[] = [];
  let s = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) {
    out.push(text.slice(s, i + 1));
    s = i + 1;
  }
  if (s < text.length) out.push(text.slice(s));
  return out;
}

/**
 * Apply a one-file unified diff to `before`, strictly: hunks in order, every
 * context and removed line must match, the `@@` counts must match the lines.
 */
function applyPatch(before: string, diff: string): string {
  const old = splitLines(before);
  const lines = diff.split('\n');
  lines.pop(); // the diff ends with '\n'
  let i = 0;
  while (i < lines.length && !lines[i].startsWith('@@')) i++;
  const out: string[] = [];
  let cursor = 0; // next old line to copy
  while (i < lines.length) {
    const m = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@$/.exec(lines[i++]);
    if (!m) throw new Error(`bad hunk header ${lines[i - 1]}`);
    const oldCount = m[2] === undefined ? 1 : Number(m[2]);
    const newCount = m[4] === undefined ? 1 : Number(m[4]);
    const oldStart = oldCount === 0 ? Number(m[1]) : Number(m[1]) - 1;
    const newStart = newCount === 0 ? Number(m[3]) : Number(m[3]) - 1;
    if (oldStart < cursor) throw new Error('hunks out of order');
    while (cursor < oldStart) out.push(old[cursor++]);
    if (out.length !== newStart) throw new Error(`new start ${newStart} but ${out.length} lines written`);
    // each body line with its '\n' unless a "\ No newline" marker follows it
    const body: { kind: string; text: string }[] = [];
    while (i < lines.length && !lines[i].startsWith('@@')) {
      const l = lines[i++];
      if (l === '\\ No newline at end of file') {
        const last = body[body.length - 1];
        last.text = last.text.slice(0, -1);
      } else body.push({ kind: l[0], text: l.slice(1) + '\n' });
    }
    let seenOld = 0;
    let seenNew = 0;
    for (const { kind, text } of body) {
      if (kind === ' ' || kind === '-') {
        if (old[cursor] !== text) throw new Error(`line ${cursor + 1} does not match: ${JSON.stringify(old[cursor])} vs ${JSON.stringify(text)}`);
        cursor++;
        seenOld++;
      }
      if (kind === ' ' || kind === '+') {
        out.push(text);
        seenNew++;
      }
      if (kind !== ' ' && kind !== '-' && kind !== '+') throw new Error(`bad line kind ${kind}`);
    }
    if (seenOld !== oldCount || seenNew !== newCount) throw new Error('hunk counts do not match its lines');
  }
  while (cursor < old.length) out.push(old[cursor++]);
  return out.join('');
}


/**
 * Sorted, non-overlapping random edits. `ambiguous`: biased towards what makes a
 * line diff ambiguous (copies of neighbouring lines, multi-line replacements);
 * otherwise the kinds of edits the passes make (a few characters inside a line,
 * an import at the top, the final newline).
 */
function randomEdits(text: string, rand: () => number, ambiguous: boolean): Edit[] {
  const lines = splitLines(text);
  const starts: number[] = [];
  let off = 0;
  for (const l of lines) {
    starts.push(off);
    off += l.length;
  }
  const n = 1 + Math.floor(rand() * (rand() < 0.2 ? 40 : 6));
  const picks = [...Array(n)].map(() => Math.floor(rand() * (text.length + 1))).sort((a, b) => a - b);
  const edits: Edit[] = [];
  let prevEnd = -1;
  for (const p0 of picks) {
    const kind = rand();
    const lineNo = Math.min(lines.length - 1, Math.max(0, starts.findIndex((s, k) => s <= p0 && (k + 1 === starts.length || starts[k + 1] > p0))));
    const lineText = lines[lineNo] ?? '';
    let start = p0;
    let end = p0;
    let content = '';
    if (!ambiguous) {
      const r = rand();
      if (r < 0.8) {
        // a few characters inside one line that has some (a blank line next
        // to another one, or a line emptied, would be ambiguous)
        const lineStart = starts[lineNo] ?? 0;
        const lineEnd = lineStart + lineText.replace(/\r?\n$/, '').length;
        if (lineText.trim() === '') continue;
        start = Math.min(Math.max(p0, lineStart), lineEnd);
        end = Math.min(lineEnd, start + Math.floor(rand() * 6));
        content = ['npu', '', 'torch_npu.npu', '"npu:0"'][Math.floor(rand() * 4)];
        if (start === lineStart && end === lineEnd && content === '') content = 'npu';
      } else if (r < 0.9) {
        start = end = 0;
        content = 'import torch_npu\n';
      } else {
        start = text.endsWith('\n') ? text.length - 1 : text.length;
        end = text.length;
        content = text.endsWith('\n') ? '' : '\n';
      }
    } else if (kind < 0.25) {
      // a small replacement inside the text
      end = Math.min(text.length, p0 + Math.floor(rand() * 6));
      content = ['npu', 'x', '', 'cuda', '\n', '\r\n', 'a\nb'][Math.floor(rand() * 7)];
    } else if (kind < 0.45 && lines.length) {
      // insert a copy of a nearby line at a line start (ambiguous alignment)
      start = end = starts[lineNo] ?? 0;
      const src = lines[Math.min(lines.length - 1, lineNo + Math.floor(rand() * 3) - 1)] ?? '';
      content = src.endsWith('\n') ? src : src + '\n';
    } else if (kind < 0.6 && lines.length) {
      // delete whole lines
      start = starts[lineNo] ?? 0;
      end = Math.min(text.length, start + lineText.length + (rand() < 0.3 ? (lines[lineNo + 1]?.length ?? 0) : 0));
    } else if (kind < 0.7) {
      // drop or add the final newline
      start = text.endsWith('\n') ? text.length - 1 : text.length;
      end = text.length;
      content = text.endsWith('\n') ? '' : '\n';
    } else if (kind < 0.8) {
      // an import line at the top
      start = end = 0;
      content = 'import torch_npu\n';
    } else {
      // a one-line change replacing a line by a neighbour's text
      start = starts[lineNo] ?? 0;
      end = start + lineText.replace(/\r?\n$/, '').length;
      content = (lines[lineNo + 1] ?? 'pass').replace(/\r?\n$/, '');
    }
    if (start <= prevEnd) continue; // keep edits apart (touching insertions would be ambiguous to apply)
    edits.push({ start, end, content });
    prevEnd = end;
  }
  return edits;
}

function inputs(): { rel: string; text: string }[] {
  const root = path.join(__dirname, '..');
  const out: { rel: string; text: string }[] = [];
  const walk = (dir: string, pick: (name: string) => boolean) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p, pick);
      else if (pick(e.name)) out.push({ rel: path.relative(root, p).split(path.sep).join('/'), text: fs.readFileSync(p, 'utf8') });
    }
  };
  for (const g of fs.readdirSync(path.join(root, 'golden')).sort()) {
    const dir = path.join(root, 'golden', g, 'input');
    if (fs.existsSync(dir)) walk(dir, (n) => n.endsWith('.py'));
  }
  for (const t of fs.readdirSync(path.join(root, 'transforms')).sort()) {
    const dir = path.join(root, 'transforms', t, 'fixtures');
    if (fs.existsSync(dir)) walk(dir, (n) => n.endsWith('.input.py'));
  }
  return out.map((f) => ({ rel: f.rel, text: f.text.replace(/^\ufeff/, '') }));
}

const files = inputs();

it('finds the golden inputs and the pass fixtures', () => {
  expect(files.filter((f) => f.rel.startsWith('golden/')).length).toBeGreaterThanOrEqual(10);
  expect(files.filter((f) => f.rel.startsWith('transforms/')).length).toBeGreaterThanOrEqual(10);
});

describe('the applier used below', () => {
  it('applies a reference diff and rejects a context that does not match', () => {
    const before = 'a\nb\nc\nd\ne\nf\ng\nh\n';
    const after = 'a\nB\nc\nd\ne\nf\ng\nh';
    const d = referenceDiff('f.py', before, after);
    expect(applyPatch(before, d)).toBe(after);
    expect(() => applyPatch(before.replace('c', 'C'), d)).toThrow(/does not match/);
  });
});

describe('engine conversions: the region diff equals the Myers diff', () => {
  it.each(files.map((f) => [f.rel, f.text] as const))('%s', (rel, text) => {
    let r;
    try {
      r = convertSource(text, { passes: PASSES, path: rel, passOptions: { transferToNpu: true } });
    } catch (e) {
      if (e instanceof SourceSyntaxError) return;
      throw e;
    }
    const got = unifiedDiff(rel, text, r.output, { regions: r.regions });
    expect(got).toBe(referenceDiff(rel, text, r.output));
    if (r.changed) expect(applyPatch(text, got)).toBe(r.output);
  });
});

describe('convertFile', () => {
  it('keeps the BOM and CRLF exact in the diff (regions shifted past the BOM)', () => {
    const text = '\ufeffimport torch\r\n\r\nx = y.cuda()\r\ntorch.cuda.synchronize()\r\nz = 1';
    const r = convertFile('m.py', Buffer.from(text, 'utf8'), {
      passIds: selectPassIds(),
      unsafe: false,
      transferToNpu: false,
      maxFileSize: DEFAULT_MAX_FILE_SIZE,
      analysis: false,
    });
    expect(r.status).toBe('changed');
    const after = Buffer.from(r.output!).toString('utf8');
    expect(after.startsWith('\ufeff')).toBe(true);
    expect(after).toContain('\r\n');
    expect(r.diff).toBe(referenceDiff('m.py', text, after));
    expect(applyPatch(text, r.diff)).toBe(after);
  });
});

describe('random edit sets', () => {
  const cases: { rel: string; before: string; after: string; got: string; want: string; ambiguous: boolean }[] = [];
  beforeAll(() => {
    const rand = rng(9_2026);
    for (const f of files) {
      const variants = [f.text, f.text.replace(/\n/g, '\r\n'), f.text.replace(/\n$/, '')];
      for (let k = 0; k < 24; k++) {
        const before = variants[k % variants.length];
        const ambiguous = k % 2 === 1;
        let text = before;
        let regions: ChangedRegion[] = [];
        const rounds = 1 + Math.floor(rand() * 3);
        for (let q = 0; q < rounds; q++) {
          const edits = randomEdits(text, rand, ambiguous);
          regions = composeRegions(regions, edits);
          text = applyEdits(text, edits);
        }
        cases.push({ rel: f.rel, before, after: text, got: unifiedDiff(f.rel, before, text, { regions }), want: referenceDiff(f.rel, before, text), ambiguous });
      }
    }
  });

  it('apply back: the region diff turns the input into the output', () => {
    expect(cases.length).toBeGreaterThan(300);
    for (const c of cases) {
      if (c.before === c.after) expect(c.got).toBe('');
      else expect({ rel: c.rel, out: applyPatch(c.before, c.got) }).toEqual({ rel: c.rel, out: c.after });
    }
  });

  it('is the Myers diff for edits like the passes make (within lines, an import at the top, the final newline)', () => {
    const plain = cases.filter((c) => !c.ambiguous);
    expect(plain.filter((c) => c.before !== c.after).length).toBeGreaterThan(300);
    for (const c of plain) expect({ rel: c.rel, diff: c.got }).toEqual({ rel: c.rel, diff: c.want });
  });

  it('where an edit copies neighbouring lines, differs from the Myers diff only in alignment: both apply', () => {
    const differ = cases.filter((c) => c.got !== c.want);
    expect(differ.length).toBeGreaterThan(0); // the generator does make ambiguous cases
    for (const c of differ) {
      expect(c.ambiguous).toBe(true);
      expect(applyPatch(c.before, c.want)).toBe(c.after);
      // the same lines change: only which copy of a repeated line is kept differs
      const count = (d: string, sign: string) => d.split('\n').filter((l) => l.startsWith(sign) && !l.startsWith(sign.repeat(3))).length;
      expect(count(c.got, '+') - count(c.got, '-')).toBe(count(c.want, '+') - count(c.want, '-'));
    }
  });

  it('is accepted by `git apply` where it differs from the Myers diff (a few cases)', () => {
    const differ = cases.filter((c) => c.got !== c.want && c.before !== c.after).slice(0, 5);
    const plain = cases.filter((c) => c.got === c.want && c.before !== c.after).slice(0, 1);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ascendify-diff-'));
    try {
      for (const [n, c] of [...differ, ...plain].entries()) {
        const repo = path.join(dir, String(n));
        fs.mkdirSync(path.join(repo, path.dirname(c.rel)), { recursive: true });
        fs.writeFileSync(path.join(repo, c.rel), c.before);
        fs.writeFileSync(path.join(repo, 'p.diff'), c.got);
        execFileSync('git', ['init', '-q'], { cwd: repo });
        execFileSync('git', ['apply', '-p1', '--whitespace=nowarn', 'p.diff'], { cwd: repo });
        expect(fs.readFileSync(path.join(repo, c.rel), 'utf8')).toBe(c.after);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    expect(differ.length + plain.length).toBeGreaterThan(0);
  });
});

describe('unifiedDiff without regions', () => {
  it('falls back to one region between the common prefix and suffix, and writes new files as all-added', () => {
    const before = 'a\nb\nc\n';
    const after = 'a\nB\nc\n';
    expect(unifiedDiff('f.py', before, after)).toBe(referenceDiff('f.py', before, after));
    for (const content of ['x\ny\n', 'x\ny', '', 'one']) {
      expect(unifiedDiff('n e w.py', null, content, { mode: '100755' })).toBe(referenceDiff('n e w.py', null, content, '100755'));
    }
  });
  it('writes the markers for a last line without a newline on either side, as the Myers diff does', () => {
    for (const [before, after] of [
      ['a\nb', 'a\nb\n'],
      ['a\nb\n', 'a\nb'],
      ['a\nb', 'a\nc'],
      ['', 'x'],
      ['x', ''],
      ['x\r\ny', 'x\r\nz\r\n'],
    ]) {
      expect(unifiedDiff('f.py', before, after)).toBe(referenceDiff('f.py', before, after));
    }
  });
});
