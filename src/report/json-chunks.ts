/**
 * JSON text in pieces (issue 11): `jsonChunks(value, indent)` yields exactly
 * the text of `JSON.stringify(value, null, indent)`, cut into pieces of about
 * CHUNK_CHARS characters, so that a report of tens of MB is written to its file
 * piece by piece and never held as one string (nor as one Buffer).
 *
 * The walk descends into arrays and objects only as far as it must: a
 * container that holds no container (a change record, a list of pass ids) is
 * handed to JSON.stringify whole, and its lines are indented to where it
 * stands. That is safe because JSON.stringify never writes a raw line break
 * inside a string (it writes `\n`), so every line break of its text is one of
 * its own indentation breaks. Strings, numbers and keys are always written by
 * JSON.stringify, so escapes (lone surrogates included), number forms,
 * `toJSON`, undefined values and functions behave exactly as there.
 */

/** About how many characters a piece holds (64K: big enough that writing a piece costs one system call, small enough to be nothing in memory). */
export const CHUNK_CHARS = 1 << 16;

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

  /**
   * Write `v` (resolved, not skipped) when it needs no walk: a primitive, or a
   * container of primitives without a toJSON of its own (JSON.stringify would
   * call it a second time). False: `container` must walk it.
   */
  leaf(v: unknown, pad: string): boolean {
    if (!isContainer(v)) {
      this.push(JSON.stringify(v));
      return true;
    }
    if (typeof (v as { toJSON?: unknown }).toJSON === 'function' || this.open.has(v)) return false;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) if (typeof v[i] === 'object' && v[i] !== null) return false;
    } else {
      for (const k of Object.keys(v)) {
        const x = (v as Record<string, unknown>)[k];
        if (typeof x === 'object' && x !== null) return false;
      }
    }
    const text = JSON.stringify(v, null, this.gap);
    this.push(this.gap && pad ? text.replace(/\n/g, '\n' + pad) : text);
    return true;
  }

  /** Walk an array or object at indentation `pad`, handing out full pieces as they fill. */
  *container(v: object, pad: string): Generator<string, void, undefined> {
    if (this.open.has(v)) throw new TypeError('Converting circular structure to JSON');
    this.open.add(v);
    const inner = pad + this.gap;
    const array = Array.isArray(v);
    const keys = array ? undefined : Object.keys(v);
    const n = array ? v.length : keys!.length;
    let written = 0;
    this.push(array ? '[' : '{');
    for (let i = 0; i < n; i++) {
      const key = array ? String(i) : keys![i];
      let x = this.resolve((v as Record<string, unknown>)[key], key);
      if (skipped(x)) {
        if (!array) continue;
        x = null;
      }
      if (written++ > 0) this.push(',');
      if (this.gap) this.push('\n' + inner);
      if (!array) this.push(JSON.stringify(key) + (this.gap ? ': ' : ':'));
      if (!this.leaf(x, inner)) yield* this.container(x as object, inner);
      if (this.size >= CHUNK_CHARS) yield this.take();
    }
    if (written > 0 && this.gap) this.push('\n' + pad);
    this.push(array ? ']' : '}');
    this.open.delete(v);
  }
}
