/**
 * Unified diffs that `git apply -p1` accepts: `a/` `b/` prefixes, 3 lines of
 * context, exact bytes (CRLF and BOM survive), new files from /dev/null.
 *
 * The hunks come from the regions the engine changed (SourceResult.regions),
 * not from a text diff: linear in the size of the texts. The format is the one
 * the `diff` package's structuredPatch produced before (same hunk grouping, same
 * `@@` starts, same "\ No newline at end of file" marker); where a change could
 * be aligned in several ways the hunks may differ from a minimal diff, but they
 * always turn `before` into `after`.
 */
import type { ChangedRegion } from './apply';

export const DIFF_CONTEXT = 3;

export interface DiffOptions {
  /**
   * Where `before` and `after` differ: sorted, disjoint; outside them the texts
   * are identical. Default: one region between the common prefix and suffix.
   */
  regions?: readonly ChangedRegion[];
  /** Mode of a new file (default 100644). */
  mode?: string;
}

/** A file's diff; `before` null means a new file. Returns '' when nothing differs. */
export function unifiedDiff(path: string, before: string | null, after: string, options: DiffOptions = {}): string {
  if (before === after) return '';
  const a = quotePath(`a/${path}`);
  const b = quotePath(`b/${path}`);
  const header =
    before === null
      ? `diff --git ${a} ${b}\nnew file mode ${options.mode ?? '100644'}\n--- /dev/null\n+++ ${b}\n`
      : `diff --git ${a} ${b}\n--- ${a}\n+++ ${b}\n`;
  const old = before ?? '';
  const regions = before === null ? [{ os: 0, oe: 0, ns: 0, ne: after.length }] : (options.regions ?? [trimmedRegion(old, after)]);
  const out = [header];
  for (const h of hunks(lineRegions(old, after, regions))) out.push(formatHunk(h));
  return out.join('');
}

/** The lines of a text split after each '\n' (a CR stays in its line, like git). */
class Lines {
  /** Offset after each '\n'. */
  private readonly breaks: number[] = [];
  readonly count: number;

  constructor(readonly text: string) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.breaks.push(i + 1);
    this.count = this.breaks.length + (this.start(this.breaks.length) < text.length ? 1 : 0);
  }

  /** Index of the line holding `pos` (the count of '\n' before it). */
  indexOf(pos: number): number {
    let lo = 0;
    let hi = this.breaks.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.breaks[mid] <= pos) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  start(i: number): number {
    return i === 0 ? 0 : this.breaks[i - 1];
  }

  end(i: number): number {
    return i < this.breaks.length ? this.breaks[i] : this.text.length;
  }

  /** Line i with its '\n', if it has one. */
  line(i: number): string {
    return this.text.slice(this.start(i), this.end(i));
  }

  /** Are line i here and line j of `other` the same bytes? */
  same(i: number, other: Lines, j: number): boolean {
    const s = this.start(i);
    const n = this.end(i) - s;
    const t = other.start(j);
    if (other.end(j) - t !== n) return false;
    for (let k = 0; k < n; k++) if (this.text.charCodeAt(s + k) !== other.text.charCodeAt(t + k)) return false;
    return true;
  }
}

/** Changed line ranges: old lines [oa, ob) became new lines [na, nb). */
interface LineRegion {
  oa: number;
  ob: number;
  na: number;
  nb: number;
}

/** One region for the whole change: between the common prefix and the common suffix. */
function trimmedRegion(before: string, after: string): ChangedRegion {
  const max = Math.min(before.length, after.length);
  let p = 0;
  while (p < max && before.charCodeAt(p) === after.charCodeAt(p)) p++;
  let s = 0;
  while (s < max - p && before.charCodeAt(before.length - 1 - s) === after.charCodeAt(after.length - 1 - s)) s++;
  return { os: p, oe: before.length - s, ns: p, ne: after.length - s };
}

/**
 * Regions widened to whole lines, identical leading and trailing lines trimmed
 * (leading first, as a diff that takes the common prefix first would), and
 * merged where their line ranges overlap or touch. Sorted, in one pass.
 */
function lineRegions(before: string, after: string, regions: readonly ChangedRegion[]): { old: Lines; neu: Lines; list: LineRegion[] } {
  const old = new Lines(before);
  const neu = new Lines(after);
  const list: LineRegion[] = [];
  for (const r of regions) {
    // the whole lines around the region; the text before it on its first line and
    // after it on its last line is the same on both sides (or another region's)
    let oa = Math.min(old.indexOf(r.os), old.count);
    let ob = Math.min(old.indexOf(r.oe) + 1, old.count);
    let na = Math.min(neu.indexOf(r.ns), neu.count);
    let nb = Math.min(neu.indexOf(r.ne) + 1, neu.count);
    while (oa < ob && na < nb && old.same(oa, neu, na)) {
      oa++;
      na++;
    }
    while (oa < ob && na < nb && old.same(ob - 1, neu, nb - 1)) {
      ob--;
      nb--;
    }
    if (oa === ob && na === nb) continue;
    const last = list[list.length - 1];
    if (last && oa <= last.ob) {
      if (ob > last.ob) last.ob = ob;
      if (nb > last.nb) last.nb = nb;
    } else list.push({ oa, ob, na, nb });
  }
  return { old, neu, list };
}

interface Hunk {
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  /** ' ', '-' or '+' and the line with its '\n', if it has one. */
  lines: string[];
}

/** Group changed lines into hunks with DIFF_CONTEXT lines of context (joined when 2×context apart or less). */
function* hunks(r: { old: Lines; neu: Lines; list: LineRegion[] }): Generator<Hunk> {
  const { old, neu, list } = r;
  const ctx = DIFF_CONTEXT;
  let i = 0;
  while (i < list.length) {
    const first = list[i];
    const lead = Math.min(ctx, first.oa);
    const h: Hunk = { oldStart: first.oa - lead, oldLines: 0, newStart: first.na - lead, newLines: 0, lines: [] };
    for (let k = first.oa - lead; k < first.oa; k++) h.lines.push(' ' + old.line(k));
    for (;;) {
      const g = list[i];
      for (let k = g.oa; k < g.ob; k++) h.lines.push('-' + old.line(k));
      for (let k = g.na; k < g.nb; k++) h.lines.push('+' + neu.line(k));
      const next = list[i + 1];
      i++;
      if (next && next.oa - g.ob <= 2 * ctx) {
        for (let k = g.ob; k < next.oa; k++) h.lines.push(' ' + old.line(k));
        continue;
      }
      const trail = Math.min(ctx, (next ? next.oa : old.count) - g.ob);
      for (let k = g.ob; k < g.ob + trail; k++) h.lines.push(' ' + old.line(k));
      h.oldLines = g.ob + trail - h.oldStart;
      h.newLines = g.nb + trail - h.newStart;
      break;
    }
    yield h;
  }
}

function formatHunk(h: Hunk): string {
  // a range of no lines starts at the line before it (0 for an empty file), as git writes it
  const oldStart = h.oldLines === 0 ? h.oldStart : h.oldStart + 1;
  const newStart = h.newLines === 0 ? h.newStart : h.newStart + 1;
  const out = [`@@ -${range(oldStart, h.oldLines)} +${range(newStart, h.newLines)} @@\n`];
  for (const line of h.lines) {
    if (line.endsWith('\n')) out.push(line);
    else out.push(line, '\n\\ No newline at end of file\n');
  }
  return out.join('');
}

function range(start: number, count: number): string {
  return count === 1 ? `${start}` : `${start},${count}`;
}

/** Quote a path the way git does when it has special characters. */
export function quotePath(p: string): string {
  if (!/["\\\x00-\x1f\x7f-\uffff]/.test(p)) return p;
  let out = '"';
  for (const byte of Buffer.from(p, 'utf8')) {
    if (byte === 0x22) out += '\\"';
    else if (byte === 0x5c) out += '\\\\';
    else if (byte === 0x09) out += '\\t';
    else if (byte === 0x0a) out += '\\n';
    else if (byte < 0x20 || byte >= 0x7f) out += '\\' + byte.toString(8).padStart(3, '0');
    else out += String.fromCharCode(byte);
  }
  return out + '"';
}

/** ANSI colours for a terminal. */
export function colorize(diff: string): string {
  return diff
    .split('\n')
    .map((l) => {
      if (/^(diff --git|--- |\+\+\+ |new file mode)/.test(l)) return `\x1b[1m${l}\x1b[0m`;
      if (l.startsWith('@@')) return `\x1b[36m${l}\x1b[0m`;
      if (l.startsWith('+')) return `\x1b[32m${l}\x1b[0m`;
      if (l.startsWith('-')) return `\x1b[31m${l}\x1b[0m`;
      return l;
    })
    .join('\n');
}
