/**
 * CSV text in pieces (RFC 4180, GPU2Ascend's quoting): the report CSVs are
 * made row by row as they are written, in pieces of about CHUNK_CHARS
 * characters, never held whole.
 */
import { CHUNK_CHARS } from './json-chunks';

/**
 * One CSV field: quoted when needed (RFC 4180); a value starting with = + - @
 * gets a leading space, as GPU2Ascend does, so spreadsheets do not run it.
 */
export function csvField(value: string | number): string {
  if (typeof value === 'number') return String(value); // never guarded, never quoted
  let s = value;
  if (/^[=+\-@\t\r]/.test(s)) s = ' ' + s;
  return /[",\r\n]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export type CsvRow = readonly (string | number)[];

/** A CSV file in pieces of about CHUNK_CHARS characters (whole lines), rows read as they are needed. */
export function* csvChunks(header: CsvRow, rows: Iterable<CsvRow>): Generator<string, void, undefined> {
  let piece = header.map(csvField).join(',') + '\n';
  for (const row of rows) {
    piece += row.map(csvField).join(',') + '\n';
    if (piece.length >= CHUNK_CHARS) {
      yield piece;
      piece = '';
    }
  }
  if (piece) yield piece;
}

/** The text of report content made in pieces. */
export function chunksText(content: string | Iterable<string>): string {
  return typeof content === 'string' ? content : [...content].join('');
}
