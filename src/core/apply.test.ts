import { applyEdits, conflicts, OffsetMap, selectFixes } from './apply';
import type { Edit, Finding } from './edit';

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
