/**
 * Bytes ⇄ text for Python source files, and offset ⇄ line mapping.
 *
 * The engine works on JS strings (UTF-16 offsets, the unit tree-sitter's node
 * bindings and magic-string both use). A UTF-8 byte-order mark is removed before
 * parsing and put back on output; line endings are left exactly as they are, and
 * the dominant one is recorded so that inserted lines match the file.
 */

export type Eol = '\n' | '\r\n' | '\r';

export interface DecodedSource {
  /** Source text without the BOM. */
  text: string;
  /** The file started with a UTF-8 byte-order mark. */
  bom: boolean;
  /** The file's first line ending, used for inserted lines ('\n' when the file has none). */
  eol: Eol;
}

export class DecodeError extends Error {
  constructor(
    message: string,
    readonly reason: 'binary' | 'encoding',
  ) {
    super(message);
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** PEP 263 coding declaration on line 1 or 2, e.g. `# -*- coding: latin-1 -*-`. */
const CODING_RE = /^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)/;

/** Decode a Python source file, refusing binary data and anything that is not UTF-8. */
export function decodeSource(bytes: Uint8Array): DecodedSource {
  if (bytes.indexOf(0) !== -1) {
    throw new DecodeError('binary file (contains NUL bytes)', 'binary');
  }
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    const declared = declaredEncoding(bytes);
    throw new DecodeError(
      declared
        ? `not valid UTF-8 (declares PEP 263 encoding "${declared}", which ascendify does not rewrite)`
        : 'not valid UTF-8',
      'encoding',
    );
  }
  const bom = text.charCodeAt(0) === 0xfeff;
  if (bom) text = text.slice(1);
  return { text, bom, eol: detectEol(text) };
}

/** Encode converted text back to bytes, restoring the BOM. */
export function encodeSource(text: string, bom: boolean): Buffer {
  return Buffer.from(bom ? '\ufeff' + text : text, 'utf8');
}

export function detectEol(text: string): Eol {
  const i = text.search(/\r\n|\r|\n/);
  if (i === -1) return '\n';
  if (text[i] === '\n') return '\n';
  return text[i + 1] === '\n' ? '\r\n' : '\r';
}

function declaredEncoding(bytes: Uint8Array): string | undefined {
  const head = Buffer.from(bytes.subarray(0, 400)).toString('latin1').split(/\r\n|\r|\n/, 2);
  for (const line of head) {
    const m = CODING_RE.exec(line);
    if (m) return m[1];
  }
  return undefined;
}

/** Offset → 1-based line number, for one text. */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10 /* \n */) this.starts.push(i + 1);
      else if (c === 13 /* \r */) {
        if (text.charCodeAt(i + 1) === 10) i++;
        this.starts.push(i + 1);
      }
    }
  }

  /** 1-based line of a UTF-16 offset. */
  lineOf(offset: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }

  /** Offset of the start of a 1-based line. */
  lineStart(line: number): number {
    return this.starts[Math.min(Math.max(line, 1), this.starts.length) - 1];
  }

  get lineCount(): number {
    return this.starts.length;
  }
}
