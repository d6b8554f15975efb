/**
 * JSON text in pieces (issue 11): `jsonChunks(value, indent)` yields exactly
 * the text of `JSON.stringify(value, null, indent)`, cut into pieces of about
 * CHUNK_CHARS characters, so that a report of tens of MB is written to its file
 * piece by piece and never held as one string (nor as one Buffer).
 *
 * The walk descends into arrays and objects only as far as it must: a small
 * container (a change record, a SARIF result, a list of pass ids), or a run of
 * them in an array, is handed to JSON.stringify whole, and its lines are
 * indented to where it stands. That is safe because JSON.stringify never
 * writes a raw line break inside a string (it writes `\n`), so every line
 * break of its text is one of its own indentation breaks. Strings, numbers
 * and keys are always written by JSON.stringify, so escapes (lone surrogates
 * included), number forms, `toJSON`, undefined values and functions behave
 * exactly as there. Pieces are cut between values, never inside a string.
 */

/**
 * About how many characters a piece holds: 16K, so that a piece (two bytes a
 * character when it holds any non-Latin-1 character) stays a regular heap
 * object. V8 puts a string over 128 KB in its large-object space, one mapping
 * each: 64K-character pieces made changes.json of the dense file 2.3 times
 * slower to write than 16K ones.
 */
export const CHUNK_CHARS = 1 << 14;

/** `JSON.stringify(value, null, indent)` in pieces; yields nothing where JSON.stringify returns undefined. */
export function* jsonChunks(value: unknown, indent = 0): Generator<string, void, undefined> {
  const w = new JsonPieces(gapOf(indent));
  const v = w.resolve(value, '');
  if (skipped(v)) return;
  if (!w.leaf(v, '')) yield* w.container(v as object, '');
  if (w.size > 0) yield w.take();
}

/** A report file: the JSON with two-space indentation and a final newline (as `JSON.stringify(value, null, 2) + '\n'`). */
export function* jsonFileChunks(value: unknown): Generator<string, void, undefined> {
  yield* jsonChunks(value, 2);
  yield '\n';
}

/** JSON.stringify's gap for a number: that many spaces, at most 10. */
function gapOf(indent: number): string {
  return ' '.repeat(Math.max(0, Math.min(10, Math.floor(indent))));
}

/** Values JSON.stringify leaves out of an object (and writes as null in an array). */
function skipped(v: unknown): boolean {
  return v === undefined || typeof v === 'function' || typeof v === 'symbol';
}

/**
 * Written by JSON.stringify the same wherever it stands, and small: a
 * primitive, or a container of at most SMALL values in all without a toJSON
 * of its own (JSON.stringify would call that with its key, and again on what
 * it returns; a toJSON further down gets the same key anywhere).
 */
function plain(v: unknown): boolean {
  if (typeof v === 'bigint') return false;
  if (typeof v !== 'object' || v === null) return true;
  if (typeof (v as { toJSON?: unknown }).toJSON === 'function') return false;
  return budgetLeft(v, SMALL) >= 0;
}

/** At most this many values below a container that JSON.stringify writes whole (a change record has 8, a SARIF result about 20). */
const SMALL = 512;

/** `budget` less the number of values in `v` and below it; negative once it runs out (a cycle runs it out too). */
function budgetLeft(v: object, budget: number): number {
  if (Array.isArray(v)) {
    budget -= v.length;
    for (let i = 0; i < v.length && budget >= 0; i++) {
      const x: unknown = v[i];
      if (typeof x === 'object' && x !== null) budget = budgetLeft(x, budget);
    }
    return budget;
  }
  for (const k in v) {
    if (--budget < 0) break;
    const x = (v as Record<string, unknown>)[k];
    if (typeof x === 'object' && x !== null) budget = budgetLeft(x, budget);
  }
  return budget;
}

function isContainer(v: unknown): v is object {
  return typeof v === 'object' && v !== null && !(v instanceof Number || v instanceof String || v instanceof Boolean);
}

class JsonPieces {
  private parts: string[] = [];
  size = 0;
  /** Containers being written (a cycle is the same TypeError as JSON.stringify's). */
  private readonly open = new Set<object>();

  constructor(private readonly gap: string) {}

  push(s: string): void {
    this.parts.push(s);
    this.size += s.length;
  }

  take(): string {
    const s = this.parts.join('');
    this.parts = [];
    this.size = 0;
    return s;
  }

  /** The value JSON.stringify writes for `value` under `key`: its toJSON(key) when it has one. */
  resolve(value: unknown, key: string): unknown {
    if ((typeof value === 'object' && value !== null) || typeof value === 'bigint') {
      const toJSON = (value as { toJSON?: unknown }).toJSON;
      if (typeof toJSON === 'function') return (toJSON as (k: string) => unknown).call(value, key);
    }
    return value;
  }

  /** Write `v` (resolved, not skipped) when it needs no walk (`plain`); false: `container` must walk it. */
  leaf(v: unknown, pad: string): boolean {
    if (!isContainer(v)) {
      this.push(JSON.stringify(v));
      return true;
    }
    if (!plain(v)) return false;
    this.push(this.indented(v, pad));
    return true;
  }

  /**
   * `JSON.stringify(v, null, gap)` with every line after the first indented
   * by `pad` (a whole number of gaps) more. JSON.stringify indents it there
   * itself when `v` is wrapped in as many one-element arrays as `pad` has
   * gaps; the wrappers' brackets and breaks are cut off again. Re-indenting
   * its text with a regular expression instead took ~80 % of the time of
   * findings.sarif on the bench corpus (185 against 41 ms for its results).
   */
  private indented(v: unknown, pad: string): string {
    if (!this.gap || !pad) return JSON.stringify(v, null, this.gap);
    const depth = pad.length / this.gap.length;
    let wrapped: unknown = v;
    for (let k = 0; k < depth; k++) wrapped = [wrapped];
    const text = JSON.stringify(wrapped, null, this.gap);
    // before v: per wrapper k = 1..depth, '[' '\n' and k gaps; after it: per wrapper k = depth-1..0, '\n', k gaps, ']'
    const g = this.gap.length;
    const head = 2 * depth + (g * depth * (depth + 1)) / 2;
    const tail = 2 * depth + (g * (depth - 1) * depth) / 2;
    return text.slice(head, text.length - tail);
  }

  /** Walk an array or object at indentation `pad`, handing out full pieces as they fill. */
  *container(v: object, pad: string): Generator<string, void, undefined> {
    if (this.open.has(v)) throw new TypeError('Converting circular structure to JSON');
    this.open.add(v);
    if (Array.isArray(v)) yield* this.array(v, pad);
    else yield* this.object(v as Record<string, unknown>, pad);
    this.open.delete(v);
  }

  private *object(v: Record<string, unknown>, pad: string): Generator<string, void, undefined> {
    const inner = pad + this.gap;
    let written = 0;
    this.push('{');
    for (const key of Object.keys(v)) {
      const x = this.resolve(v[key], key);
      if (skipped(x)) continue;
      if (written++ > 0) this.push(',');
      this.push(`${this.gap ? '\n' + inner : ''}${JSON.stringify(key)}${this.gap ? ': ' : ':'}`);
      if (!this.leaf(x, inner)) yield* this.container(x as object, inner);
      if (this.size >= CHUNK_CHARS) yield this.take();
    }
    if (written > 0 && this.gap) this.push('\n' + pad);
    this.push('}');
  }

  /**
   * An array: runs of plain elements (nothing in them depends on their index)
   * are written by one JSON.stringify of the run, re-indented and without its
   * brackets; the others are walked one by one.
   */
  private *array(v: unknown[], pad: string): Generator<string, void, undefined> {
    const inner = pad + this.gap;
    this.push('[');
    for (let i = 0; i < v.length; ) {
      let j = i;
      while (j < v.length && j - i < this.runLength && plain(v[j])) j++;
      if (j > i) {
        if (i > 0) this.push(',');
        this.run(v.slice(i, j), pad);
        i = j;
      } else {
        const x = this.resolve(v[i], String(i));
        if (i > 0) this.push(',');
        if (this.gap) this.push('\n' + inner);
        if (!this.leaf(skipped(x) ? null : x, inner)) yield* this.container(x as object, inner);
        i++;
      }
      if (this.size >= CHUNK_CHARS) yield this.take();
    }
    if (v.length > 0 && this.gap) this.push('\n' + pad);
    this.push(']');
  }

  /** Elements per run: adapted so that a run's text stays about a piece (speed only; any length gives the same text). */
  private runLength = 16;

  private run(elements: unknown[], pad: string): void {
    const text = this.indented(elements, pad);
    // '[' elements '\n' pad ']' (indented), '[' elements ']' (compact)
    this.push(text.slice(1, text.length - (this.gap ? pad.length + 2 : 1)));
    if (text.length < CHUNK_CHARS / 4 && this.runLength < 1024) this.runLength *= 2;
    else if (text.length > CHUNK_CHARS && this.runLength > 1) this.runLength >>= 1;
  }
}
