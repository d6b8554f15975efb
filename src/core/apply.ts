/**
 * Applying fixes: choose a non-overlapping set, apply it in one pass, and
 * map offsets of the new text back to the old one (for the change log).
 */
import type { Edit, Finding } from './edit';

export interface Selection {
  /** Findings whose fixes are applied this round, in source order. */
  accepted: Finding[];
  /** Findings whose fixes overlap an accepted one; retried next round. */
  deferred: Finding[];
  /** The accepted edits, sorted, identical edits merged. */
  edits: Edit[];
}

function sameEdit(a: Edit, b: Edit): boolean {
  return a.start === b.start && a.end === b.end && a.content === b.content;
}

/**
 * Two edits conflict when their ranges share a character, when an insertion
 * falls inside or on the boundary of a replaced range, or when two different
 * insertions target the same point (their order would be arbitrary).
 */
export function conflicts(a: Edit, b: Edit): boolean {
  if (sameEdit(a, b)) return false;
  const aIns = a.start === a.end;
  const bIns = b.start === b.end;
  if (aIns && bIns) return a.start === b.start;
  if (aIns) return a.start >= b.start && a.start <= b.end;
  if (bIns) return b.start >= a.start && b.start <= a.end;
  return a.start < b.end && b.start < a.end;
}

/**
 * Pick fixes greedily in source order; a fix that conflicts with one already
 * picked is deferred whole (never applied in half). Identical edits from
 * different findings are applied once. O(n log n) in the number of edits: the
 * picked edits live in Fenwick trees over the edits' compressed offsets, and
 * each `conflicts` case is one or two queries (see AcceptedEdits).
 */
export function selectFixes(findings: Finding[]): Selection {
  const withFix = findings
    .map((f, i) => ({ f, i, first: firstStart(f.fix!.edits) }))
    .sort((a, b) => a.first - b.first || a.i - b.i);
  const accepted: Finding[] = [];
  const deferred: Finding[] = [];
  const edits: Edit[] = [];
  const picked = new AcceptedEdits(findings);
  for (const { f } of withFix) {
    const fe = f.fix!.edits;
    if (fe.some((e) => picked.conflicts(e))) {
      deferred.push(f);
      continue;
    }
    accepted.push(f);
    for (const e of fe) if (picked.add(e)) edits.push(e);
  }
  edits.sort((a, b) => a.start - b.start || a.end - b.end);
  return { accepted, deferred, edits };
}

function firstStart(edits: readonly Edit[]): number {
  if (edits.length === 0) return -1;
  let m = edits[0].start;
  for (const e of edits) if (e.start < m) m = e.start;
  return m;
}

/**
 * The edits picked so far, answering "does this edit conflict with one of
 * them?" exactly as `conflicts` against each would, in O(log n):
 * - insertion vs insertion: a different content at the same point (a map);
 * - replacement vs insertion at p: s <= p <= t (count of insertion points);
 * - insertion at p vs replacement [a, b): max{b : a <= p} >= p (prefix max);
 * - replacement [s, t) vs [a, b): max{b : a < s} > s, or a replacement other
 *   than an identical one starting in [s, t) (it ends after s).
 */
class AcceptedEdits {
  /** Sorted distinct offsets of all the edits that may be asked about. */
  private readonly coords: number[];
  private readonly insCount: Int32Array;
  private readonly repCount: Int32Array;
  /** Prefix maximum of replacement ends by start; -1 for none. */
  private readonly repMaxEnd: Float64Array;
  /** Contents picked per `start:end`. */
  private readonly contents = new Map<string, Set<string>>();

  constructor(findings: readonly Finding[]) {
    const all: number[] = [];
    for (const f of findings) for (const e of f.fix!.edits) all.push(e.start, e.end);
    all.sort((a, b) => a - b);
    const coords: number[] = [];
    for (const x of all) if (coords.length === 0 || coords[coords.length - 1] !== x) coords.push(x);
    this.coords = coords;
    this.insCount = new Int32Array(coords.length + 1);
    this.repCount = new Int32Array(coords.length + 1);
    this.repMaxEnd = new Float64Array(coords.length + 1).fill(-1);
  }

  /** 1-based Fenwick index of an offset among the coordinates. */
  private idx(x: number): number {
    let lo = 0;
    let hi = this.coords.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.coords[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return lo + 1;
  }

  private static count(tree: Int32Array, i: number): number {
    let n = 0;
    for (; i > 0; i -= i & -i) n += tree[i];
    return n;
  }

  private maxEnd(i: number): number {
    let m = -1;
    for (; i > 0; i -= i & -i) if (this.repMaxEnd[i] > m) m = this.repMaxEnd[i];
    return m;
  }

  private has(e: Edit): boolean {
    return this.contents.get(`${e.start}:${e.end}`)?.has(e.content) ?? false;
  }

  conflicts(e: Edit): boolean {
    const s = this.idx(e.start);
    if (e.start === e.end) {
      const here = this.contents.get(`${e.start}:${e.end}`);
      if (here && here.size > (here.has(e.content) ? 1 : 0)) return true;
      return this.maxEnd(s) >= e.start;
    }
    const t = this.idx(e.end);
    if (AcceptedEdits.count(this.insCount, t) - AcceptedEdits.count(this.insCount, s - 1) > 0) return true;
    if (this.maxEnd(s - 1) > e.start) return true;
    const starting = AcceptedEdits.count(this.repCount, t - 1) - AcceptedEdits.count(this.repCount, s - 1);
    return starting - (this.has(e) ? 1 : 0) > 0;
  }

  /** Record a picked edit; false when an identical one was picked before. */
  add(e: Edit): boolean {
    const key = `${e.start}:${e.end}`;
    let set = this.contents.get(key);
    if (set?.has(e.content)) return false;
    if (!set) this.contents.set(key, (set = new Set()));
    set.add(e.content);
    const n = this.coords.length;
    const s = this.idx(e.start);
    if (e.start === e.end) {
      for (let i = s; i <= n; i += i & -i) this.insCount[i]++;
    } else {
      for (let i = s; i <= n; i += i & -i) {
        this.repCount[i]++;
        if (this.repMaxEnd[i] < e.end) this.repMaxEnd[i] = e.end;
      }
    }
    return true;
  }
}

/**
 * Apply non-overlapping edits in one pass over the text (linear: one slice per
 * gap, one join). Edits are taken in (start, end) order, stably: insertions at
 * one point keep their order and come before a replacement starting there, and
 * after one ending there (for sorted edits, what magic-string did before).
 */
export function applyEdits(text: string, edits: readonly Edit[]): string {
  if (edits.length === 0) return text;
  let sorted = edits;
  for (let i = 1; i < edits.length; i++) {
    const a = edits[i - 1];
    const b = edits[i];
    if (a.start > b.start || (a.start === b.start && a.end > b.end)) {
      sorted = [...edits].sort((x, y) => x.start - y.start || x.end - y.end);
      break;
    }
  }
  const parts: string[] = [];
  let pos = 0;
  for (const e of sorted) {
    if (e.start < pos || e.end < e.start || e.end > text.length) {
      throw new Error(`edit [${e.start}, ${e.end}) overlaps another or is outside the text (length ${text.length})`);
    }
    if (e.start > pos) parts.push(text.slice(pos, e.start));
    if (e.content) parts.push(e.content);
    pos = e.end;
  }
  if (pos < text.length) parts.push(text.slice(pos));
  return parts.join('');
}

/**
 * Maps offsets in the text after `edits` back to the text before them. An
 * offset inside replaced text maps to the start (or, for an end offset, the end)
 * of the range it replaced.
 */
export class OffsetMap {
  /** [newStart, newEnd, oldStart, oldEnd] per edit, sorted. */
  private readonly spans: [number, number, number, number][] = [];

  constructor(edits: Edit[]) {
    let delta = 0;
    for (const e of edits) {
      const ns = e.start + delta;
      this.spans.push([ns, ns + e.content.length, e.start, e.end]);
      delta += e.content.length - (e.end - e.start);
    }
  }

  toOld(pos: number, side: 'start' | 'end'): number {
    let lo = 0;
    let hi = this.spans.length - 1;
    let idx = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.spans[mid][0] <= pos) {
        idx = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (idx === -1) return pos;
    const [ns, ne, os, oe] = this.spans[idx];
    if (pos < ne || (pos === ne && side === 'end' && ne > ns)) return side === 'start' ? os : oe;
    return pos - ne + oe;
  }
}

/**
 * A changed region of a whole conversion: the original text's [os, oe) became
 * the output's [ns, ne). Outside the regions the two texts are identical.
 */
export interface ChangedRegion {
  os: number;
  oe: number;
  ns: number;
  ne: number;
}

/**
 * One region per edit of a single round (edits non-overlapping; sorted here),
 * for a diff that marks only the edited lines: an edit whose content equals
 * the text it replaces changes nothing and gets none. `shift` moves every
 * region (a BOM kept outside the edited text).
 */
export function editRegions(text: string, edits: readonly Edit[], shift = 0): ChangedRegion[] {
  const regions: ChangedRegion[] = [];
  let delta = shift;
  for (const e of [...edits].sort((a, b) => a.start - b.start || a.end - b.end)) {
    if (text.slice(e.start, e.end) === e.content) continue;
    regions.push({ os: e.start + shift, oe: e.end + shift, ns: e.start + delta, ne: e.start + delta + e.content.length });
    delta += e.content.length - (e.end - e.start);
  }
  return regions;
}

/**
 * Compose the regions changed so far (original ↔ current text) with one more
 * round of sorted, non-overlapping edits in the current text's coordinates:
 * the result maps the original to the text after the edits. One linear merge
 * of the two sorted lists on the current text's axis; intervals that overlap or
 * touch there become one region.
 */
export function composeRegions(prev: readonly ChangedRegion[], edits: readonly Edit[]): ChangedRegion[] {
  const out: ChangedRegion[] = [];
  let i = 0;
  let j = 0;
  let dPrev = 0; // current text minus original, over the regions consumed
  let dEdit = 0; // next text minus current text, over the edits consumed
  while (i < prev.length || j < edits.length) {
    const a = j >= edits.length || (i < prev.length && prev[i].ns <= edits[j].start) ? prev[i].ns : edits[j].start;
    const os = a - dPrev;
    const ns = a + dEdit;
    let b = a;
    for (;;) {
      if (i < prev.length && prev[i].ns <= b) {
        const r = prev[i++];
        if (r.ne > b) b = r.ne;
        dPrev += r.ne - r.ns - (r.oe - r.os);
      } else if (j < edits.length && edits[j].start <= b) {
        const e = edits[j++];
        if (e.end > b) b = e.end;
        dEdit += e.content.length - (e.end - e.start);
      } else break;
    }
    out.push({ os, oe: b - dPrev, ns, ne: b + dEdit });
  }
  return out;
}
