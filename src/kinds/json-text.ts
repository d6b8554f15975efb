/**
 * A small JSON scanner that keeps where every value is in the text, and a
 * string encoder that writes the way the file already does. The notebook kind
 * (notebook.ts) rewrites only the `source` values it changes, so everything
 * else in the file stays byte for byte as it was (no JSON.parse + stringify).
 *
 * The grammar is RFC 8259's plus what Python's `json.loads` accepts by default
 * (`NaN`, `Infinity`, `-Infinity`: nbformat writes them with json.dumps);
 * raw control characters in strings are refused, as Python does (strict=True).
 */

export type JsonValue =
  | { kind: 'object'; start: number; end: number; entries: { key: string; value: JsonValue }[] }
  | { kind: 'array'; start: number; end: number; items: JsonValue[] }
  | { kind: 'string'; start: number; end: number; value: string }
  | { kind: 'number' | 'literal'; start: number; end: number; raw: string };

export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

const WS = new Set([' ', '\t', '\n', '\r']);
const SHORT_ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
const NUMBER_RE = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const LITERAL_RE = /true|false|null|NaN|Infinity|-Infinity/y;

/** Parse a whole JSON text (a leading U+FEFF is skipped); JsonSyntaxError when it is not JSON. */
export function scanJson(text: string): JsonValue {
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const skip = () => {
    while (i < text.length && WS.has(text[i])) i++;
  };
  const fail = (what: string): never => {
    throw new JsonSyntaxError(i >= text.length ? `unexpected end of text (${what})` : `${what} at offset ${i}`, i);
  };
  const str = (): JsonValue & { kind: 'string' } => {
    const start = i++;
    let value = '';
    let run = i;
    for (;;) {
      if (i >= text.length) fail('unterminated string');
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        value += text.slice(run, i++);
        return { kind: 'string', start, end: i, value };
      }
      if (c < 0x20) fail('control character in a string');
      if (c !== 0x5c) {
        i++;
        continue;
      }
      value += text.slice(run, i);
      const e = text[i + 1];
      if (e === 'u') {
        const hex = text.slice(i + 2, i + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('bad \\u escape');
        value += String.fromCharCode(parseInt(hex, 16));
        i += 6;
      } else if (e !== undefined && e in SHORT_ESCAPES) {
        value += SHORT_ESCAPES[e];
        i += 2;
      } else fail('bad escape');
      run = i;
    }
  };
  const value = (depth: number): JsonValue => {
    if (depth > 1000) fail('nesting too deep');
    skip();
    const start = i;
    const c = text[i];
    if (c === '{') {
      i++;
      const entries: { key: string; value: JsonValue }[] = [];
      skip();
      if (text[i] === '}') return { kind: 'object', start, end: ++i, entries };
      for (;;) {
        skip();
        if (text[i] !== '"') fail('expected a key');
        const key = str().value;
        skip();
        if (text[i] !== ':') fail("expected ':'");
        i++;
        entries.push({ key, value: value(depth + 1) });
        skip();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') return { kind: 'object', start, end: ++i, entries };
        fail("expected ',' or '}'");
      }
    }
    if (c === '[') {
      i++;
      const items: JsonValue[] = [];
      skip();
      if (text[i] === ']') return { kind: 'array', start, end: ++i, items };
      for (;;) {
        items.push(value(depth + 1));
        skip();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') return { kind: 'array', start, end: ++i, items };
        fail("expected ',' or ']'");
      }
    }
    if (c === '"') return str();
    LITERAL_RE.lastIndex = i;
    const lit = LITERAL_RE.exec(text);
    if (lit) {
      i += lit[0].length;
      return { kind: 'literal', start, end: i, raw: lit[0] };
    }
    NUMBER_RE.lastIndex = i;
    const num = NUMBER_RE.exec(text);
    if (num) {
      i += num[0].length;
      return { kind: 'number', start, end: i, raw: num[0] };
    }
    return fail('expected a value');
  };
  const root = value(0);
  skip();
  if (i < text.length) fail('text after the JSON value');
  return root;
}

/** An object's member (the last one, like Python's json, when a key repeats). */
export function member(obj: JsonValue, key: string): JsonValue | undefined {
  if (obj.kind !== 'object') return undefined;
  for (let k = obj.entries.length - 1; k >= 0; k--) if (obj.entries[k].key === key) return obj.entries[k].value;
  return undefined;
}

/** How a file writes its strings: what the encoder copies. */
export interface JsonStringStyle {
  /** Non-ASCII characters as `\uXXXX` (Python's ensure_ascii=True); nbformat writes them raw. */
  asciiOnly: boolean;
  /** Hex digits of `\u` escapes in upper case (Python writes lower case). */
  upperHex: boolean;
  /** `/` written as `\/`. */
  escapeSlash: boolean;
}

/**
 * The style of a file's strings: ASCII-only when some string escapes a
 * non-ASCII character and no string holds one raw; the case of the hex digits
 * of the first `\u` escape; `\/` when the file writes one.
 */
export function stringStyle(text: string): JsonStringStyle {
  let rawNonAscii = false;
  let escapedNonAscii = false;
  let upperHex = false;
  let hexSeen = false;
  let escapeSlash = false;
  let inString = false;
  for (let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (!inString) {
      if (c === 0x22) inString = true;
      continue;
    }
    if (c === 0x22) inString = false;
    else if (c === 0x5c) {
      const e = text[i + 1];
      if (e === 'u') {
        const hex = text.slice(i + 2, i + 6);
        if (!hexSeen && /[a-fA-F]/.test(hex)) {
          hexSeen = true;
          upperHex = /[A-F]/.test(hex);
        }
        if (parseInt(hex, 16) >= 0x80) escapedNonAscii = true;
        i += 5;
      } else {
        if (e === '/') escapeSlash = true;
        i++;
      }
    } else if (c >= 0x80) rawNonAscii = true;
  }
  return { asciiOnly: escapedNonAscii && !rawNonAscii, upperHex, escapeSlash };
}

const SHORT_OUT: Record<number, string> = { 0x22: '\\"', 0x5c: '\\\\', 0x08: '\\b', 0x0c: '\\f', 0x0a: '\\n', 0x0d: '\\r', 0x09: '\\t' };

/** A JSON string literal for `s`, the way Python's json.dumps writes it (in the file's style). */
export function encodeJsonString(s: string, style: JsonStringStyle): string {
  const u = (c: number) => {
    const h = c.toString(16).padStart(4, '0');
    return `\\u${style.upperHex ? h.toUpperCase() : h}`;
  };
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const short = SHORT_OUT[c];
    if (short) out += short;
    else if (c < 0x20) out += u(c);
    else if (c === 0x2f && style.escapeSlash) out += '\\/';
    else if (c >= 0xd800 && c <= 0xdfff) {
      // a well-formed pair is written raw unless ASCII-only; a lone surrogate is always escaped
      const pair = c <= 0xdbff && i + 1 < s.length && s.charCodeAt(i + 1) >= 0xdc00 && s.charCodeAt(i + 1) <= 0xdfff;
      if (pair && !style.asciiOnly) out += s.slice(i, i + 2);
      else if (pair) out += u(c) + u(s.charCodeAt(i + 1));
      else out += u(c);
      if (pair) i++;
    } else if (c >= 0x7f && style.asciiOnly) out += u(c);
    else out += s[i];
  }
  return out + '"';
}
