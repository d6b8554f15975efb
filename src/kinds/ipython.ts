/**
 * IPython syntax in a notebook's code cell, made neutral for the Python engine.
 *
 * `neutralizeCell` returns a text of the same length and the same line breaks
 * in which every IPython line (a line magic `%time f()`, a shell escape
 * `!nvidia-smi`, `!!ls`, a help line `torch.cuda?`, the right side of
 * `files = !ls` / `x = %env HOME`) has its IPython part replaced by `0` and
 * spaces: a Python expression statement (or value), so a magic line that is the
 * only statement of a block keeps the block valid, and no pass has anything to
 * change there. A cell magic (`%%bash`, `%%html`, `%%writefile f.py`, ...)
 * makes the whole cell blank, except `%%time` / `%%timeit` / `%%capture` /
 * `%%prun`, whose body is Python (only their first line is neutralized).
 *
 * Like IPython (inputtransformer2: escapes are found at the start of logical
 * lines), a line is IPython syntax only where a statement can start: not inside
 * a string (`"""\n%d items\n"""`), brackets or a `\` continuation.
 *
 * It also gives the shell view of the cell: for each line, the shell command it
 * runs (`!cmd`, `%sx cmd`, `%system cmd`, `%env K=V` as `export K=V`, the body of
 * a `%%bash` / `%%sh` / `%%script bash` cell), '' elsewhere, so the shell
 * analysis (src/analysis/scripts.ts) can read it line for line.
 */
import { lineAt, lineStarts } from './value-edits';

export interface Magic {
  /** Offsets in the cell's text: [start, end) was replaced. */
  start: number;
  end: number;
}

export interface NeutralCell {
  /** Same length and line breaks as the input. */
  text: string;
  magics: Magic[];
  /** The shell command of each line of the cell ('' when none). */
  shell: string[];
  /** The cell magic (`bash`, `writefile`, ...) when the whole cell is not Python. */
  cellMagic?: string;
  /** The shell code of the cell and its `%env` settings, with offsets in the cell's text (shell.ts converts them). */
  commands: ShellSpan[];
}

/**
 * Shell code in a cell: `shell` is [start, end) of a shell text (the command of
 * `!cmd`, `!!cmd`, `x = !cmd`, `%sx cmd`, `%system cmd`, continuation lines
 * included; the body of a `%%bash` / `%%sh` / `%%script bash` cell). `expands`:
 * IPython substitutes `$name` / `{expr}` from Python variables before the shell
 * runs it (line magics and `!`; not cell magic bodies). `captured`: Python
 * gets the output (`x = !cmd`, `!!cmd`, `%sx cmd`, `x = %system cmd`). `env` is a `%env` /
 * `%set_env` setting: not shell syntax, only its variable name [start, end) is
 * shell-like; `value` is its text (trimmed), as IPython sets it.
 */
export type ShellSpan =
  | { kind: 'shell'; start: number; end: number; expands: boolean; captured: boolean }
  | { kind: 'env'; start: number; end: number; name: string; value: string };

/** Cell magics whose body is Python that IPython runs in the kernel. */
const PYTHON_CELL_MAGICS = new Set(['time', 'timeit', 'capture', 'prun']);
const SHELL_CELL_MAGICS = new Set(['bash', 'sh']);


/** End of the line content that starts at or contains `i` (before its line break). */
function lineEnd(text: string, i: number): number {
  let j = i;
  while (j < text.length && text[j] !== '\n' && text[j] !== '\r') j++;
  return j;
}

function afterBreak(text: string, end: number): number {
  if (text[end] === '\r' && text[end + 1] === '\n') return end + 2;
  return end < text.length ? end + 1 : end;
}

/** Replace [start, end) by `0` and spaces (line breaks kept). */
function blank(chars: string[], start: number, end: number, zero: boolean): void {
  for (let k = start; k < end; k++) if (chars[k] !== '\n' && chars[k] !== '\r') chars[k] = ' ';
  if (zero && start < end) chars[start] = '0';
}

/** Where an IPython escape starts on a line (and its shell command), or undefined for Python. */
function escapeOn(line: string): { at: number; shell?: string; cmdAt?: number; captured?: boolean; env?: { at: number; name: string; value: string } } | undefined {
  const assign = /^[ \t]*[A-Za-z_][\w.]*(?:[ \t]*,[ \t]*[A-Za-z_][\w.]*)*[ \t]*=[ \t]*(?=[!%])/.exec(line);
  const lead = /^[ \t]*/.exec(line)![0].length;
  const at = assign ? assign[0].length : lead;
  const rest = line.slice(at);
  if (rest.startsWith('!')) {
    const bang = /^!!?/.exec(rest)![0].length;
    return { at, shell: rest.slice(bang), cmdAt: at + bang, captured: !!assign || bang === 2 };
  }
  if (rest.startsWith('%')) {
    const m = /^%(\w+)[ \t]*(.*)$/.exec(rest);
    if (m && (m[1] === 'sx' || m[1] === 'system')) return { at, shell: m[2], cmdAt: line.length - m[2].length, captured: !!assign || m[1] === 'sx' };
    if (m && (m[1] === 'env' || m[1] === 'set_env')) {
      const kv = /^([A-Za-z_]\w*)(?:[ \t]*=[ \t]*|[ \t]+)(.*)$/.exec(m[2]);
      if (kv) return { at, shell: `export ${kv[1]}=${kv[2]}`, env: { at: line.length - m[2].length, name: kv[1], value: kv[2].trim() } };
    }
    return { at };
  }
  if (assign) return undefined;
  if (rest.startsWith('?')) return { at };
  if (/^[A-Za-z_][\w.]*\?\??[ \t]*$/.test(rest)) return { at };
  return undefined;
}

export function neutralizeCell(src: string): NeutralCell {
  const chars = src.split(''); // UTF-16 code units: offsets stay the text's
  const starts = lineStarts(src);
  const shell = starts.map(() => '');
  const lineOf = (offset: number) => lineAt(starts, offset) - 1; // 0-based
  const magics: Magic[] = [];
  const commands: ShellSpan[] = [];

  // a cell magic is the first line that is not blank (IPython drops leading blank lines)
  let first = 0;
  while (first < starts.length && src.slice(starts[first], lineEnd(src, starts[first])).trim() === '') first++;
  let from = 0;
  if (first < starts.length && src.startsWith('%%', starts[first])) {
    const s = starts[first];
    const e = lineEnd(src, s);
    const header = src.slice(s, e);
    const name = /^%%(\w*)/.exec(header)![1];
    if (!PYTHON_CELL_MAGICS.has(name)) {
      blank(chars, 0, src.length, false);
      magics.push({ start: s, end: src.length });
      const interpreter = name === 'script' ? /^%%script[ \t]+(?:\S*\/)?(\w+)/.exec(header)?.[1] : name;
      if (interpreter && SHELL_CELL_MAGICS.has(interpreter)) {
        for (let k = first + 1; k < starts.length; k++) shell[k] = src.slice(starts[k], lineEnd(src, starts[k]));
        if (first + 1 < starts.length) commands.push({ kind: 'shell', start: starts[first + 1], end: src.length, expands: false, captured: false });
      }
      return { text: chars.join(''), magics, shell, cellMagic: name, commands };
    }
    blank(chars, s, e, true);
    magics.push({ start: s, end: e });
    from = afterBreak(src, e);
  }

  let i = from;
  let depth = 0;
  let cont = false;
  let atLineStart = true;
  while (i < src.length) {
    if (atLineStart) {
      atLineStart = false;
      if (depth === 0 && !cont) {
        let e = lineEnd(src, i);
        const esc = escapeOn(src.slice(i, e));
        if (esc) {
          const s = i + esc.at;
          const row = lineOf(i);
          const parts = [src.slice(s, e)];
          // a trailing backslash continues the magic on the next line
          while (src[e - 1] === '\\' && afterBreak(src, e) < src.length) {
            const next = afterBreak(src, e);
            e = lineEnd(src, next);
            parts.push(src.slice(next, e));
          }
          blank(chars, s, e, true);
          magics.push({ start: s, end: e });
          if (esc.shell !== undefined) {
            shell[row] = esc.shell;
            for (let k = 1; k < parts.length; k++) shell[row + k] = parts[k];
          }
          if (esc.cmdAt !== undefined) commands.push({ kind: 'shell', start: i + esc.cmdAt, end: e, expands: true, captured: esc.captured === true });
          if (esc.env) commands.push({ kind: 'env', start: i + esc.env.at, end: i + esc.env.at + esc.env.name.length, name: esc.env.name, value: esc.env.value });
          i = afterBreak(src, e);
          atLineStart = true;
          continue;
        }
      }
      cont = false;
    }
    const c = src[i];
    if (c === '#') {
      i = lineEnd(src, i);
      continue;
    }
    if (c === '"' || c === "'") {
      const triple = src.startsWith(c + c + c, i);
      let j = i + (triple ? 3 : 1);
      while (j < src.length) {
        if (src[j] === '\\') j += 2;
        else if (triple ? src.startsWith(c + c + c, j) : src[j] === c) {
          j += triple ? 3 : 1;
          break;
        } else if (!triple && (src[j] === '\n' || src[j] === '\r')) break; // unterminated: the line ends it
        else j++;
      }
      i = Math.min(j, src.length);
      continue;
    }
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth = Math.max(0, depth - 1);
    else if (c === '\\' && (src[i + 1] === '\n' || src[i + 1] === '\r')) cont = true;
    else if (c === '\n' || c === '\r') {
      i = afterBreak(src, i);
      atLineStart = true;
      continue;
    }
    i++;
  }
  return { text: chars.join(''), magics, shell, commands };
}
