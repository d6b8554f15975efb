/**
 * Where each word of a text occurs, a word being a maximal run of letters,
 * digits and underscores (`[\p{L}\p{N}_]`, by code point). Built in one pass;
 * a lookup costs the word's occurrences (hashed chains in typed arrays: no
 * string per occurrence is kept).
 *
 * A word's occurrences are exactly the matches of
 * `(?<![\p{L}\p{N}_])word(?![\p{L}\p{N}_])` (flag u), so asking for many
 * different names costs one pass over the text instead of one each.
 */
const RUN = /[\p{L}\p{N}_]+/gu;

/** Is `s` one word (a lookup answers only for those)? */
export function isWord(s: string): boolean {
  return /^[\p{L}\p{N}_]+$/u.test(s);
}

function hash(text: string, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export class WordIndex {
  private readonly starts: Int32Array;
  private readonly lengths: Int32Array;
  /** Next occurrence in the same bucket, -1 at the end; chains run in text order. */
  private readonly next: Int32Array;
  private readonly heads: Int32Array;
  private readonly mask: number;

  constructor(private readonly text: string) {
    const starts: number[] = [];
    const lengths: number[] = [];
    RUN.lastIndex = 0;
    for (let m = RUN.exec(text); m; m = RUN.exec(text)) {
      starts.push(m.index);
      lengths.push(m[0].length);
    }
    const n = starts.length;
    let size = 1024;
    while (size < n) size *= 2;
    this.mask = size - 1;
    this.starts = Int32Array.from(starts);
    this.lengths = Int32Array.from(lengths);
    this.next = new Int32Array(n).fill(-1);
    this.heads = new Int32Array(size).fill(-1);
    // fill backwards so that each chain runs forwards
    for (let i = n - 1; i >= 0; i--) {
      const b = hash(text, this.starts[i], this.starts[i] + this.lengths[i]) & this.mask;
      this.next[i] = this.heads[b];
      this.heads[b] = i;
    }
  }

  /** Start offsets of the occurrences of `word` (one word: see isWord), ascending. */
  occurrences(word: string): number[] {
    const out: number[] = [];
    for (let i = this.heads[hash(word, 0, word.length) & this.mask]; i !== -1; i = this.next[i]) {
      if (this.lengths[i] === word.length && this.text.startsWith(word, this.starts[i])) out.push(this.starts[i]);
    }
    return out;
  }
}
