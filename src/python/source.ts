/**
 * Bytes ⇄ text for Python source files, and offset ⇄ line mapping.
 *
 * The engine works on JS strings (UTF-16 offsets, the unit tree-sitter's node
 * bindings use, and applyEdits). A UTF-8 byte-order mark is removed before
 * parsing and put back on output; line endings are left exactly as they are, and
 * the dominant one is recorded so that inserted lines match the file.
 *
 * Encodings: what CPython accepts. A file is UTF-8 unless line 1 or 2 declares
 * another encoding (PEP 263); such a file is decoded with that codec and written
 * back in it. This module is the one place that knows codecs; iconv-lite decodes
 * and encodes them. (Node's ICU TextDecoder was the first choice and is not
 * used: with `fatal` it still decodes windows-1252 0x80 as U+0080 instead of
 * the euro sign and GBK ff 41 as U+F8F5 'A' where CPython raises.) A file is
 * converted only when encoding its decoded text gives back exactly its bytes
 * (lossless round trip: iconv-lite decodes a malformed sequence as U+FFFD,
 * which never encodes back to it), and its output is written only when it
 * decodes back to the converted text. The codecs supported are stateless and
 * ASCII-compatible, so a line's bytes do not depend on the lines around it
 * (which the patch relies on, see `encodeText`).
 */
import * as iconv from 'iconv-lite';

export type Eol = '\n' | '\r\n' | '\r';

export interface DecodedSource {
  /** Source text without the BOM. */
  text: string;
  /** The file started with a UTF-8 byte-order mark. */
  bom: boolean;
  /** The file's first line ending, used for inserted lines ('\n' when the file has none). */
  eol: Eol;
  /** Python's name of the file's codec: 'utf_8', or what its PEP 263 declaration names ('gbk', 'latin_1', ...). */
  encoding: string;
}

export class DecodeError extends Error {
  constructor(
    message: string,
    readonly reason: 'binary' | 'encoding',
  ) {
    super(message);
  }
}

/** The converted text cannot be written in the file's codec. */
export class EncodeError extends Error {}

export const UTF8 = 'utf_8';

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** PEP 263 coding declaration on line 1 or 2, e.g. `# -*- coding: latin-1 -*-`. */
const CODING_RE = /^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)/;

interface Codec {
  /** iconv-lite's name. */
  iconv: string;
  /** Python's aliases (encodings/aliases.py), normalised as Python does. */
  aliases?: string[];
}

/**
 * The codecs ascendify converts, by Python's codec name. All are ASCII-compatible
 * and stateless. Python's ISO-2022 and HZ codecs (stateful), and UTF-16/32, UTF-7
 * and EBCDIC code pages (not ASCII-compatible) are left out: files that declare
 * them are reported failed with the codec named.
 */
const CODECS: Record<string, Codec> = {
  latin_1: { iconv: 'latin1', aliases: ['8859', 'cp819', 'csisolatin1', 'ibm819', 'iso8859', 'iso8859_1', 'iso_8859_1', 'iso_8859_1_1987', 'iso_ir_100', 'l1', 'latin', 'latin1'] },
  gbk: { iconv: 'gbk', aliases: ['936', 'cp936', 'ms936'] },
  gb2312: { iconv: 'gb2312', aliases: ['chinese', 'csiso58gb231280', 'euc_cn', 'euccn', 'eucgb2312_cn', 'gb2312_1980', 'gb2312_80', 'iso_ir_58', 'x_mac_simp_chinese'] },
  gb18030: { iconv: 'gb18030', aliases: ['gb18030_2000'] },
  big5: { iconv: 'big5', aliases: ['big5_tw', 'csbig5', 'x_mac_trad_chinese'] },
  cp950: { iconv: 'cp950', aliases: ['950', 'ms950'] },
  big5hkscs: { iconv: 'big5hkscs', aliases: ['big5_hkscs', 'hkscs'] },
  shift_jis: { iconv: 'shift_jis', aliases: ['csshiftjis', 's_jis', 'shiftjis', 'sjis', 'x_mac_japanese'] },
  cp932: { iconv: 'cp932', aliases: ['932', 'ms932', 'ms_kanji', 'mskanji'] },
  euc_jp: { iconv: 'euc-jp', aliases: ['eucjp', 'u_jis', 'ujis'] },
  euc_kr: { iconv: 'euc-kr', aliases: ['euckr', 'korean', 'ks_c_5601', 'ks_c_5601_1987', 'ks_x_1001', 'ksc5601', 'ksx1001', 'x_mac_korean'] },
  cp949: { iconv: 'cp949', aliases: ['949', 'ms949', 'uhc'] },
  koi8_r: { iconv: 'koi8-r', aliases: ['cskoi8r'] },
  koi8_u: { iconv: 'koi8-u' },
  cp437: { iconv: 'cp437', aliases: ['437', 'cspc8codepage437', 'ibm437'] },
  cp850: { iconv: 'cp850', aliases: ['850', 'cspc850multilingual', 'ibm850'] },
  cp866: { iconv: 'cp866', aliases: ['866', 'csibm866', 'ibm866'] },
  cp874: { iconv: 'cp874' },
  mac_roman: { iconv: 'macroman', aliases: ['macintosh', 'macroman'] },
  cp1250: { iconv: 'cp1250', aliases: ['1250', 'windows_1250'] },
  cp1251: { iconv: 'cp1251', aliases: ['1251', 'windows_1251'] },
  cp1252: { iconv: 'cp1252', aliases: ['1252', 'windows_1252'] },
  cp1253: { iconv: 'cp1253', aliases: ['1253', 'windows_1253'] },
  cp1254: { iconv: 'cp1254', aliases: ['1254', 'windows_1254'] },
  cp1255: { iconv: 'cp1255', aliases: ['1255', 'windows_1255'] },
  cp1256: { iconv: 'cp1256', aliases: ['1256', 'windows_1256'] },
  cp1257: { iconv: 'cp1257', aliases: ['1257', 'windows_1257'] },
  cp1258: { iconv: 'cp1258', aliases: ['1258', 'windows_1258'] },
  iso8859_2: { iconv: 'iso-8859-2', aliases: ['csisolatin2', 'iso_8859_2', 'iso_8859_2_1987', 'iso_ir_101', 'l2', 'latin2'] },
  iso8859_5: { iconv: 'iso-8859-5', aliases: ['csisolatincyrillic', 'cyrillic', 'iso_8859_5', 'iso_8859_5_1988', 'iso_ir_144'] },
  iso8859_7: { iconv: 'iso-8859-7', aliases: ['csisolatingreek', 'ecma_118', 'elot_928', 'greek', 'greek8', 'iso_8859_7', 'iso_8859_7_1987', 'iso_ir_126'] },
  iso8859_9: { iconv: 'iso-8859-9', aliases: ['csisolatin5', 'iso_8859_9', 'iso_8859_9_1989', 'iso_ir_148', 'l5', 'latin5'] },
  iso8859_15: { iconv: 'iso-8859-15', aliases: ['iso_8859_15', 'l9', 'latin9'] },
};

/** Python's codec names that exist but that ascendify does not convert (see CODECS). */
const UNSUPPORTED = /^(utf_(16|32|7)(_[lb]e)?|u(16|32|7)|utf(16|32|7)|unicode_1_1_utf_7|utf_8_sig|iso2022.*|iso_2022.*|csiso2022.*|hz.*|cp(037|273|424|500|875|1026|1140)|ibm(037|039|273|424|500|1026|1140)|ebcdic.*)$/;

const aliasIndex = new Map<string, string>();
for (const [name, c] of Object.entries(CODECS)) {
  aliasIndex.set(name, name);
  for (const a of c.aliases ?? []) aliasIndex.set(a, name);
}
aliasIndex.set('utf_8', UTF8);
for (const a of ['cp65001', 'u8', 'utf', 'utf8', 'utf8_ucs2', 'utf8_ucs4']) aliasIndex.set(a, UTF8);

/**
 * Python's codec name for a declared encoding, or undefined when ascendify does
 * not know it. Follows CPython: the tokenizer's get_normal_name (utf-8,
 * latin-1 and their `-suffix` forms), then codecs.lookup's normalisation
 * (lower case, runs of other characters than letters, digits and '.' to '_') and
 * the alias table.
 */
export function pythonCodecName(declared: string): string | undefined {
  const head = declared.slice(0, 12).toLowerCase().replace(/_/g, '-');
  if (head === 'utf-8' || head.startsWith('utf-8-')) return UTF8;
  if (/^(latin-1|iso-8859-1|iso-latin-1)(-|$)/.test(head)) return 'latin_1';
  const norm = declared
    .toLowerCase()
    .replace(/[^a-z0-9.]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return aliasIndex.get(norm) ?? aliasIndex.get(norm.replace(/\./g, '_'));
}

function isUnsupportedKnown(declared: string): boolean {
  return UNSUPPORTED.test(declared.toLowerCase().replace(/[^a-z0-9.]+/g, '_'));
}

/** Decode a Python source file as CPython would read it, refusing binary data and what cannot be converted losslessly. */
export function decodeSource(bytes: Uint8Array): DecodedSource {
  const wide = wideEncoding(bytes);
  if (wide) {
    throw new DecodeError(
      `${wide} encoded; Python reads source as UTF-8 or a PEP 263 ASCII-compatible encoding`,
      'encoding',
    );
  }
  if (bytes.indexOf(0) !== -1) {
    throw new DecodeError('binary file (contains NUL bytes)', 'binary');
  }
  const bom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  const body = bom ? bytes.subarray(3) : bytes;
  const declared = declaredEncoding(body);
  const name = declared === undefined ? UTF8 : pythonCodecName(declared);
  const said = `declares PEP 263 encoding "${declared}"`;
  if (name === undefined) {
    throw new DecodeError(
      isUnsupportedKnown(declared!)
        ? `${said}, which is not a stateless ASCII-compatible codec ascendify converts`
        : `${said}, which ascendify does not know (Python would reject an unknown encoding too)`,
      'encoding',
    );
  }
  if (bom && name !== UTF8) {
    // CPython: "encoding problem: <name> with BOM"
    throw new DecodeError(`${said} after a UTF-8 byte-order mark (Python rejects this: encoding problem)`, 'encoding');
  }
  let text: string;
  if (name === UTF8) {
    try {
      text = utf8.decode(body);
    } catch {
      throw new DecodeError(declared === undefined ? 'not valid UTF-8' : `${said} but is not valid UTF-8`, 'encoding');
    }
  } else {
    const codec = CODECS[name];
    const original = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    text = iconv.decode(original, codec.iconv, { stripBOM: false });
    const back = iconv.encode(text, codec.iconv, { addBOM: false });
    if (!back.equals(original)) {
      const line = byteLine(original, firstDifference(original, back));
      throw new DecodeError(`${said} but is not lossless ${name} (line ${line} is not valid ${name} or does not encode back to the same bytes)`, 'encoding');
    }
  }
  return { text, bom, eol: detectEol(text), encoding: name };
}

/** Encode converted text back to bytes in the file's codec, restoring the BOM; EncodeError when the codec cannot hold the text. */
export function encodeSource(text: string, source: { bom: boolean; encoding: string }): Buffer {
  if (source.encoding === UTF8) return Buffer.from(source.bom ? '\ufeff' + text : text, 'utf8');
  const codec = CODECS[source.encoding];
  const out = iconv.encode(text, codec.iconv, { addBOM: false });
  const back = iconv.decode(out, codec.iconv, { stripBOM: false });
  if (back !== text) {
    const i = firstDifference(text, back);
    const line = new LineIndex(text).lineOf(i);
    throw new EncodeError(`the converted text cannot be written in ${source.encoding} (line ${line} of the output: ${JSON.stringify(text.slice(i, i + 1))})`);
  }
  return out;
}

/**
 * Text in a file's codec, for its diff: the patch of a file that is not UTF-8
 * is in the file's own bytes, as `git diff` writes it, so that `git apply`
 * matches its lines against the file. The diff's own lines (headers with
 * git-quoted paths, `@@`, `\ No newline at end of file`) are ASCII, which
 * every supported codec writes as ASCII, and a stateless codec writes a
 * line as the same bytes wherever it stands.
 */
export function encodeText(text: string, encoding: string): Buffer {
  if (encoding === UTF8) return Buffer.from(text, 'utf8');
  return iconv.encode(text, CODECS[encoding].iconv, { addBOM: false });
}

/** The reverse of encodeText (a report reading a diff back); a codec ascendify does not know is read as latin-1. */
export function decodeText(bytes: Uint8Array, encoding: string): string {
  if (encoding === UTF8) return Buffer.from(bytes).toString('utf8');
  const codec = CODECS[encoding];
  return codec ? iconv.decode(Buffer.from(bytes), codec.iconv, { stripBOM: false }) : Buffer.from(bytes).toString('latin1');
}

function firstDifference(a: ArrayLike<unknown>, b: ArrayLike<unknown>): number {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return i;
}

/** 1-based line of a byte offset in ASCII-compatible bytes. */
function byteLine(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < bytes.length; i++) {
    if (bytes[i] === 0x0a || (bytes[i] === 0x0d && bytes[i + 1] !== 0x0a)) line++;
  }
  return line;
}

/**
 * UTF-16 or UTF-32 text, by its byte-order mark or, without one, by the NUL
 * byte of every other byte that ASCII text in UTF-16 has.
 */
function wideEncoding(bytes: Uint8Array): string | undefined {
  const b = bytes;
  if (b.length >= 4 && b[0] === 0xff && b[1] === 0xfe && b[2] === 0 && b[3] === 0) return 'UTF-32';
  if (b.length >= 4 && b[0] === 0 && b[1] === 0 && b[2] === 0xfe && b[3] === 0xff) return 'UTF-32';
  if (b.length >= 2 && ((b[0] === 0xff && b[1] === 0xfe) || (b[0] === 0xfe && b[1] === 0xff))) return 'UTF-16';
  if (b.length < 4) return undefined;
  // No BOM: look at the first 512 code units. UTF-16 text that is mostly ASCII
  // has a NUL as the high byte of nearly every unit, and none as the low byte.
  const n = Math.min(b.length >> 1, 512);
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < n; i++) {
    if (b[2 * i] === 0) evenNul++;
    if (b[2 * i + 1] === 0) oddNul++;
  }
  const most = n * 0.9;
  if ((oddNul >= most && evenNul === 0) || (evenNul >= most && oddNul === 0)) return 'UTF-16';
  return undefined;
}

/**
 * Does the text hold a lone '\r' (an old Mac line ending, not followed by '\n')?
 * Asked of every text the engine parses: most have no '\r' at all, which
 * `indexOf` tells far faster than the regular expression.
 */
export function hasLoneCr(text: string): boolean {
  return text.indexOf('\r') !== -1 && LONE_CR.test(text);
}
/** The text with each lone '\r' as '\n' (same length, so offsets hold); the text itself when it has none. */
export function loneCrAsLf(text: string): string {
  return hasLoneCr(text) ? text.replace(LONE_CR_G, '\n') : text;
}
const LONE_CR = /\r(?!\n)/;
const LONE_CR_G = /\r(?!\n)/g;

export function detectEol(text: string): Eol {
  const i = text.search(/\r\n|\r|\n/);
  if (i === -1) return '\n';
  if (text[i] === '\n') return '\n';
  return text[i + 1] === '\n' ? '\r\n' : '\r';
}

/**
 * The encoding a PEP 263 declaration names, as CPython's tokenizer finds it:
 * on line 1, or on line 2 when line 1 holds nothing but a comment or blanks.
 */
function declaredEncoding(bytes: Uint8Array): string | undefined {
  // the first two lines only (every file comes through here)
  let end = 0;
  for (let n = 0; n < 2 && end < bytes.length; end++) {
    const b = bytes[end];
    if (b === 0x0a || (b === 0x0d && bytes[end + 1] !== 0x0a)) n++;
  }
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, end).toString('latin1').split(/\r\n|\r|\n/, 2);
  for (const line of head) {
    const m = CODING_RE.exec(line);
    if (m) return m[1];
    if (!/^[ \t\f]*(#.*)?$/.test(line)) return undefined;
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
