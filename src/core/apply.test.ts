import { applyEdits, conflicts, editRegions, OffsetMap, selectFixes } from './apply';
import type { Edit, Finding } from './edit';
import { rng } from '../testing/rng';

const finding = (id: string, edits: Edit[]): Finding => ({
  passId: id,
  message: id,
  start: edits[0]?.start ?? 0,
  end: edits[0]?.end ?? 0,
  fix: { edits, safety: 'safe' },
});

describe('conflicts', () => {
  it('separates touching replacements', () => {
    expect(conflicts({ start: 0, end: 3, content: 'x' }, { start: 3, end: 5, content: 'y' })).toBe(false);
    expect(conflicts({ start: 0, end: 4, content: 'x' }, { start: 3, end: 5, content: 'y' })).toBe(true);
  });
  it('treats an insertion on the boundary of a replacement as a conflict', () => {
    expect(conflicts({ start: 3, end: 3, content: 'i' }, { start: 3, end: 5, content: 'y' })).toBe(true);
    expect(conflicts({ start: 5, end: 5, content: 'i' }, { start: 3, end: 5, content: 'y' })).toBe(true);
    expect(conflicts({ start: 6, end: 6, content: 'i' }, { start: 3, end: 5, content: 'y' })).toBe(false);
  });
  it('treats two different insertions at one point as a conflict, identical ones not', () => {
    expect(conflicts({ start: 2, end: 2, content: 'a' }, { start: 2, end: 2, content: 'b' })).toBe(true);
    expect(conflicts({ start: 2, end: 2, content: 'a' }, { start: 2, end: 2, content: 'a' })).toBe(false);
  });
});

describe('selectFixes', () => {
  it('defers an overlapping fix whole, never in half', () => {
    const a = finding('a', [{ start: 0, end: 4, content: 'AAAA' }]);
    const b = finding('b', [
      { start: 2, end: 6, content: 'BB' },
      { start: 10, end: 11, content: 'b' },
    ]);
    const sel = selectFixes([b, a]);
    expect(sel.accepted.map((f) => f.passId)).toEqual(['a']);
    expect(sel.deferred.map((f) => f.passId)).toEqual(['b']);
    expect(sel.edits).toEqual([{ start: 0, end: 4, content: 'AAAA' }]);
  });
  it('applies identical edits from two findings once', () => {
    const e = { start: 1, end: 2, content: 'z' };
    const sel = selectFixes([finding('a', [e]), finding('b', [{ ...e }])]);
    expect(sel.accepted).toHaveLength(2);
    expect(sel.edits).toEqual([e]);
  });
  it('accepts import-only fixes (no edits)', () => {
    const sel = selectFixes([finding('imp', []), finding('a', [{ start: 0, end: 1, content: 'x' }])]);
    expect(sel.accepted.map((f) => f.passId).sort()).toEqual(['a', 'imp']);
  });
});

describe('applyEdits', () => {
  it('applies an insertion right before a replacement and a deletion', () => {
    const text = 'abcdef';
    expect(
      applyEdits(text, [
        { start: 0, end: 0, content: '>' },
        { start: 1, end: 3, content: 'XY' },
        { start: 4, end: 5, content: '' },
      ]),
    ).toBe('>aXYdf');
  });
  it('works in UTF-16 units with non-ASCII text before the edit', () => {
    const text = 'é😀 cuda';
    const i = text.indexOf('cuda');
    expect(applyEdits(text, [{ start: i, end: i + 4, content: 'npu' }])).toBe('é😀 npu');
  });
});

describe('OffsetMap', () => {
  const edits: Edit[] = [
    { start: 2, end: 4, content: 'XYZ' }, // "ab|cd|ef" → "abXYZef"
    { start: 6, end: 6, content: '++' }, // insertion before "g"
  ];
  const map = new OffsetMap(edits);
  it('maps positions before, inside and after edits back', () => {
    // old: a b c d e f g h ; new: a b X Y Z e f + + g h
    expect(map.toOld(0, 'start')).toBe(0);
    expect(map.toOld(3, 'start')).toBe(2); // inside XYZ → start of "cd"
    expect(map.toOld(3, 'end')).toBe(4); // inside XYZ → end of "cd"
    expect(map.toOld(5, 'start')).toBe(4); // "e"
    expect(map.toOld(8, 'start')).toBe(6); // inside "++" → insertion point
    expect(map.toOld(9, 'start')).toBe(6); // "g"
    expect(map.toOld(10, 'start')).toBe(7); // "h"
  });
});

/** The quadratic selection the engine used before; the semantics selectFixes keeps. */
function referenceSelect(findings: Finding[]) {
  const same = (a: Edit, b: Edit) => a.start === b.start && a.end === b.end && a.content === b.content;
  const withFix = findings
    .map((f, i) => ({ f, i, first: f.fix!.edits.length ? Math.min(...f.fix!.edits.map((e) => e.start)) : -1 }))
    .sort((a, b) => a.first - b.first || a.i - b.i);
  const accepted: Finding[] = [];
  const deferred: Finding[] = [];
  const edits: Edit[] = [];
  for (const { f } of withFix) {
    const fe = f.fix!.edits;
    if (fe.some((e) => edits.some((x) => conflicts(e, x)))) {
      deferred.push(f);
      continue;
    }
    accepted.push(f);
    for (const e of fe) if (!edits.some((x) => same(x, e))) edits.push(e);
  }
  edits.sort((a, b) => a.start - b.start || a.end - b.end);
  return { accepted, deferred, edits };
}


describe('selectFixes semantics (pinned)', () => {
  const ids = (fs: Finding[]) => fs.map((f) => f.passId);
  it('defers an insertion on either boundary of an accepted replacement, accepts one just outside', () => {
    const sel = selectFixes([
      finding('r', [{ start: 3, end: 5, content: 'R' }]),
      finding('atStart', [{ start: 3, end: 3, content: 'i' }]),
      finding('atEnd', [{ start: 5, end: 5, content: 'i' }]),
      finding('after', [{ start: 6, end: 6, content: 'i' }]),
      finding('before', [{ start: 2, end: 2, content: 'i' }]),
    ]);
    // sorted by first start, ties by input order: before(2), r(3), atStart(3), atEnd(5), after(6)
    expect(ids(sel.accepted)).toEqual(['before', 'r', 'after']);
    expect(ids(sel.deferred)).toEqual(['atStart', 'atEnd']);
  });
  it('an insertion accepted first defers a replacement starting on it; touching replacements both pass', () => {
    const sel = selectFixes([
      finding('ins', [{ start: 4, end: 4, content: 'i' }]),
      finding('startsOn', [{ start: 4, end: 6, content: 'y' }]),
      finding('endsOnIns', [{ start: 2, end: 4, content: 'x' }]),
      finding('touches', [{ start: 6, end: 7, content: 'z' }]),
    ]);
    // order: endsOnIns(2), ins(4), startsOn(4), touches(6)
    expect(ids(sel.accepted)).toEqual(['endsOnIns', 'startsOn', 'touches']);
    expect(ids(sel.deferred)).toEqual(['ins']);
    const alone = selectFixes([finding('ins', [{ start: 4, end: 4, content: 'i' }]), finding('startsOn', [{ start: 4, end: 6, content: 'y' }])]);
    expect(ids(alone.accepted)).toEqual(['ins']);
    expect(ids(alone.deferred)).toEqual(['startsOn']);
  });
  it('accepts an identical replacement or insertion twice but applies it once; a different one at the same place is deferred', () => {
    const sel = selectFixes([
      finding('a', [{ start: 1, end: 3, content: 'x' }, { start: 8, end: 8, content: 'p' }]),
      finding('b', [{ start: 1, end: 3, content: 'x' }]),
      finding('c', [{ start: 1, end: 3, content: 'y' }]),
      finding('d', [{ start: 8, end: 8, content: 'p' }]),
      finding('e', [{ start: 8, end: 8, content: 'q' }]),
    ]);
    expect(ids(sel.accepted)).toEqual(['a', 'b', 'd']);
    expect(ids(sel.deferred)).toEqual(['c', 'e']);
    expect(sel.edits).toEqual([
      { start: 1, end: 3, content: 'x' },
      { start: 8, end: 8, content: 'p' },
    ]);
  });
  it('an identical twin does not hide another accepted edit that conflicts', () => {
    // one finding brings two overlapping edits (never checked against each other)
    const sel = selectFixes([
      finding('pair', [{ start: 3, end: 8, content: 'A' }, { start: 5, end: 10, content: 'B' }]),
      finding('twin', [{ start: 5, end: 10, content: 'B' }]),
      finding('twin2', [{ start: 3, end: 8, content: 'A' }]),
    ]);
    expect(ids(sel.accepted)).toEqual(['pair']);
    expect(ids(sel.deferred)).toEqual(['twin2', 'twin']);
  });
  it('keeps two different insertions at one point from one finding, in their order', () => {
    const sel = selectFixes([finding('f', [{ start: 2, end: 2, content: 'b' }, { start: 2, end: 2, content: 'a' }, { start: 2, end: 2, content: 'b' }])]);
    expect(ids(sel.accepted)).toEqual(['f']);
    expect(sel.edits).toEqual([
      { start: 2, end: 2, content: 'b' },
      { start: 2, end: 2, content: 'a' },
    ]);
  });
  it('checks a later edit of a finding against edits accepted before it, anywhere in the text', () => {
    const sel = selectFixes([
      finding('late', [{ start: 50, end: 52, content: 'L' }]),
      finding('early', [{ start: 1, end: 2, content: 'e' }, { start: 51, end: 51, content: 'x' }]),
      finding('deletes', [{ start: 2, end: 2, content: '' }, { start: 52, end: 60, content: '' }]),
    ]);
    // order: early(1), deletes(2), late(50): early accepted; deletes' insertion at 2 is on early's end boundary
    expect(ids(sel.accepted)).toEqual(['early']);
    expect(ids(sel.deferred)).toEqual(['deletes', 'late']);
  });
  it('matches the quadratic reference on random findings', () => {
    const rand = rng(20261206);
    for (let round = 0; round < 400; round++) {
      const n = 1 + Math.floor(rand() * 30);
      const span = 5 + Math.floor(rand() * 60);
      const findings: Finding[] = [];
      for (let k = 0; k < n; k++) {
        const m = rand() < 0.15 ? 0 : 1 + Math.floor(rand() * 3);
        const edits: Edit[] = [];
        for (let q = 0; q < m; q++) {
          const s = Math.floor(rand() * span);
          const len = rand() < 0.4 ? 0 : 1 + Math.floor(rand() * 4);
          edits.push({ start: s, end: s + len, content: 'abc'[Math.floor(rand() * 3)].repeat(rand() < 0.2 ? 0 : 1) });
        }
        findings.push(finding(`f${k}`, edits));
      }
      const got = selectFixes(findings);
      const want = referenceSelect(findings);
      expect(ids(got.accepted)).toEqual(ids(want.accepted));
      expect(ids(got.deferred)).toEqual(ids(want.deferred));
      expect(got.edits).toEqual(want.edits);
    }
  });
});

describe('applyEdits order and checks', () => {
  it('applies unsorted edits in (start, end) order, insertions at one point in their given order', () => {
    expect(
      applyEdits('abcdef', [
        { start: 4, end: 4, content: '2' },
        { start: 1, end: 4, content: 'R' },
        { start: 4, end: 4, content: '3' },
        { start: 1, end: 1, content: '1' },
        { start: 6, end: 6, content: '!' },
      ]),
    ).toBe('a1R23ef!');
  });
  it('rejects overlapping edits and edits outside the text', () => {
    expect(() => applyEdits('abcdef', [{ start: 1, end: 4, content: 'x' }, { start: 3, end: 5, content: 'y' }])).toThrow(/overlaps/);
    expect(() => applyEdits('abc', [{ start: 2, end: 5, content: 'x' }])).toThrow(/outside/);
  });
});

describe('editRegions', () => {
  it('gives one region per edit in both texts, skips an edit that changes nothing, and shifts by a prefix', () => {
    const text = 'a = cuda\nb = same\nc = nccl\n';
    const edits = [
      { start: 22, end: 26, content: 'hccl' }, // unsorted on purpose
      { start: 4, end: 8, content: 'npu' },
      { start: 13, end: 17, content: 'same' }, // no change
    ];
    const out = applyEdits(text, edits);
    expect(out).toBe('a = npu\nb = same\nc = hccl\n');
    const regions = editRegions(text, edits);
    expect(regions).toEqual([
      { os: 4, oe: 8, ns: 4, ne: 7 },
      { os: 22, oe: 26, ns: 21, ne: 25 },
    ]);
    // outside the regions the two texts are the same
    expect([text.slice(0, 4), text.slice(8, 22), text.slice(26)]).toEqual([out.slice(0, 4), out.slice(7, 21), out.slice(25)]);
    expect(editRegions(text, edits, 1)).toEqual(regions.map((g) => ({ os: g.os + 1, oe: g.oe + 1, ns: g.ns + 1, ne: g.ne + 1 })));
  });
});
