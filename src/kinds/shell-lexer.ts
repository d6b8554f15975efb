/**
 * A shell (POSIX sh / bash) scanner for launch scripts: enough structure to tell
 * commands, their words and redirections, and variable expansions apart from
 * comments, heredoc bodies and quoted text. It does not execute or expand
 * anything; it reads.
 *
 * Why not an npm parser (issue 13 asked to check): `bash-parser` is unmaintained
 * and fails on arrays (`a=(x "y z")`); `mvdan-sh` (GopherJS build of mvdan/sh) is
 * deprecated by its author (mvdan/sh#1145) and takes ~150 ms to load; its
 * successor `sh-syntax` (mvdan/sh in Go wasm) is maintained and correct but only
 * async (a fresh Go runtime per call, ~55 ms a parse), while converters run
 * synchronously in the workers. See docs/kinds.md.
 *
 * Handled: single / double / `$'...'` quotes, backslash escapes, `\`-newline
 * continuations (also inside words), comments (`#` at a word start), heredocs
 * (`<<`, `<<-`, quoted delimiters; several on one line; bodies are skipped),
 * `$(...)`, backticks, `<(...)` / `>(...)` (nested, with `captured` set on their
 * commands), `${...}` (nested), `$((...))` / `((...))`, arrays (`a=(...)`),
 * `case ... in pat) ...;; esac` (pattern parens do not close a `$(`), pipelines,
 * `&&` / `||` / `;` / `&`, reserved words, function definitions. CRLF line ends.
 */

export interface ShWord {
  start: number;
  end: number;
  raw: string;
  /** The word after quote removal, when it is static (no expansion or substitution). */
  value?: string;
}

export interface ShRedirect {
  op: string;
  start: number;
  target?: ShWord;
}

export interface ShCommand {
  /** Assignments, name and arguments, in order (redirections apart). */
  words: ShWord[];
  redirects: ShRedirect[];
  /** Inside `$(...)`, backticks or a process substitution: its output is read by the script. */
  captured: boolean;
  /** Part of a pipeline (`a | b`): its output is read, or it reads another command's. */
  piped: boolean;
}

/** `$NAME` / `${NAME...}`: the span of NAME. Not in single quotes, comments or heredoc bodies. */
export interface ShExpansion {
  name: string;
  start: number;
  end: number;
}

export interface ShScan {
  commands: ShCommand[];
  expansions: ShExpansion[];
  /** Heredoc bodies (delimiter line excluded). */
  heredocs: { start: number; end: number }[];
  /** Why the script could not be read to the end (unterminated quote, ...). */
  error?: { offset: number; message: string };
}

const RESERVED = new Set(['if', 'then', 'else', 'elif', 'fi', 'do', 'done', 'while', 'until', '!', '{', '}', 'time', 'coproc']);

class ScanError extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

/** Scan `text[from, to)` (default: all of it). Offsets are in `text`. */
export function scanShell(text: string, from = 0, to = text.length): ShScan {
  const out: ShScan = { commands: [], expansions: [], heredocs: [] };
  const lexer = new Lexer(text, from, to, out);
  try {
    lexer.list(undefined, false);
  } catch (e) {
    if (!(e instanceof ScanError)) throw e;
    out.error = { offset: e.offset, message: e.message };
  }
  return out;
}

interface PendingHeredoc {
  delim: string;
  strip: boolean;
}

class Lexer {
  pos: number;
  private pending: PendingHeredoc[] = [];

  constructor(
    private readonly text: string,
    from: number,
    private readonly end: number,
    private readonly out: ShScan,
  ) {
    this.pos = from;
  }

  private at(k = 0): string {
    const i = this.pos + k;
    return i < this.end ? this.text[i] : '';
  }

  private isNewline(): boolean {
    const c = this.at();
    return c === '\n' || (c === '\r' && this.at(1) === '\n');
  }

  /** Skip spaces, tabs and `\`-newline continuations. */
  private blanks(): void {
    for (;;) {
      const c = this.at();
      if (c === ' ' || c === '\t') this.pos++;
      else if (c === '\\' && this.at(1) === '\n') this.pos += 2;
      else if (c === '\\' && this.at(1) === '\r' && this.at(2) === '\n') this.pos += 3;
      else return;
    }
  }

  private newline(): void {
    this.pos += this.at() === '\r' ? 2 : 1;
    this.heredocBodies();
  }

  private heredocBodies(): void {
    const docs = this.pending;
    this.pending = [];
    for (const doc of docs) {
      const start = this.pos;
      let bodyEnd = this.end;
      while (this.pos < this.end) {
        const nl = this.text.indexOf('\n', this.pos);
        const lineEnd = nl === -1 || nl >= this.end ? this.end : nl;
        let line = this.text.slice(this.pos, lineEnd).replace(/\r$/, '');
        if (doc.strip) line = line.replace(/^\t+/, '');
        const lineStart = this.pos;
        this.pos = lineEnd < this.end ? lineEnd + 1 : this.end;
        if (line === doc.delim) {
          bodyEnd = lineStart;
          break;
        }
      }
      this.out.heredocs.push({ start, end: Math.min(bodyEnd, this.pos) });
    }
  }

  /**
   * A command list up to `term` (`)` closing a `$(`, a subshell or a process
   * substitution), or to the end. `captured`: the commands' output is read.
   */
  list(term: ')' | undefined, captured: boolean): void {
    let cmd: ShCommand | null = null;
    let nextPiped = false;
    /** Open `case` statements of this list: reading patterns, or commands of a branch. */
    const cases: ('pattern' | 'body')[] = [];
    const finish = () => {
      if (cmd && (cmd.words.length > 0 || cmd.redirects.length > 0)) this.out.commands.push(cmd);
      cmd = null;
    };
    const current = (): ShCommand => (cmd ??= { words: [], redirects: [], captured, piped: nextPiped });
    for (;;) {
      this.blanks();
      if (this.pos >= this.end) {
        finish();
        if (term) throw new ScanError(this.pos, `unterminated ${term === ')' ? '$( or (' : term}`);
        return;
      }
      const c = this.at();
      if (this.isNewline()) {
        if (cmd) {
          finish();
          nextPiped = false;
        }
        this.newline();
        continue;
      }
      if (c === '#') {
        while (this.pos < this.end && !this.isNewline()) this.pos++;
        continue;
      }
      if (cases.length > 0 && cases[cases.length - 1] === 'pattern' && !cmd) {
        if (this.patterns()) cases.pop();
        else cases[cases.length - 1] = 'body';
        continue;
      }
      if (c === ')' && term === ')') {
        finish();
        this.pos++;
        return;
      }
      if (c === '|') {
        if (this.at(1) === '|') {
          this.pos += 2;
          finish();
          nextPiped = false;
        } else {
          this.pos += this.at(1) === '&' ? 2 : 1;
          if (cmd) (cmd as ShCommand).piped = true;
          finish();
          nextPiped = true;
        }
        continue;
      }
      if (c === ';') {
        if (this.at(1) === ';') {
          this.pos += this.at(2) === '&' ? 3 : 2;
          if (cases.length > 0) cases[cases.length - 1] = 'pattern';
        } else if (this.at(1) === '&' && cases.length > 0) {
          this.pos += 2;
          cases[cases.length - 1] = 'pattern';
        } else {
          this.pos++;
        }
        finish();
        nextPiped = false;
        continue;
      }
      if (c === '&' && this.at(1) !== '>') {
        this.pos += this.at(1) === '&' ? 2 : 1;
        finish();
        nextPiped = false;
        continue;
      }
      if (c === '(') {
        if (cmd && (cmd as ShCommand).words.length > 0) {
          // `name() { ...; }`: a function definition, not a command
          this.pos++;
          this.blanks();
          if (this.at() !== ')') throw new ScanError(this.pos, 'unexpected (');
          this.pos++;
          cmd = null;
          continue;
        }
        if (this.at(1) === '(') {
          this.arithmetic();
          continue;
        }
        this.pos++;
        this.list(')', captured);
        continue;
      }
      if (c === ')') throw new ScanError(this.pos, 'unexpected )');
      if (c === '<' || c === '>' || (c === '&' && this.at(1) === '>')) {
        if ((c === '<' || c === '>') && this.at(1) === '(') {
          current().words.push(this.word());
          continue;
        }
        current().redirects.push(this.redirect());
        continue;
      }
      const w = this.word();
      // fd number of a redirection: `2>file`, `2>&1`
      if (/^\d+$/.test(w.raw) && (this.at() === '<' || this.at() === '>')) {
        current().redirects.push(this.redirect());
        continue;
      }
      const start = !cmd || (cmd as ShCommand).words.length === 0;
      if (start && w.value !== undefined) {
        if (w.value === 'esac' && cases.length > 0) {
          cases.pop();
          continue;
        }
        if (RESERVED.has(w.value)) continue;
        if (w.value === 'case') {
          this.caseHead();
          cases.push('pattern');
          continue;
        }
        if (w.value === '[[') {
          this.conditional();
          continue;
        }
        if (w.value === 'for' || w.value === 'select') {
          this.forHead();
          continue;
        }
        if (w.value === 'function') {
          this.blanks();
          this.word();
          this.blanks();
          if (this.at() === '(' && this.at(1) !== '(') {
            this.pos++;
            this.blanks();
            if (this.at() === ')') this.pos++;
          }
          continue;
        }
      }
      current().words.push(w);
    }
  }

  /** Case patterns up to their `)`; true when `esac` came instead. */
  private patterns(): boolean {
    if (this.at() === '(') this.pos++;
    for (;;) {
      this.blanks();
      if (this.pos >= this.end) throw new ScanError(this.pos, 'unterminated case');
      const c = this.at();
      if (this.isNewline()) {
        this.newline();
        continue;
      }
      if (c === '#') {
        while (this.pos < this.end && !this.isNewline()) this.pos++;
        continue;
      }
      if (c === ')') {
        this.pos++;
        return false;
      }
      if (c === '|') {
        this.pos++;
        continue;
      }
      const w = this.word();
      if (w.raw === '') throw new ScanError(this.pos, `unexpected ${c} in a case pattern`);
      if (w.value === 'esac') return true;
    }
  }

  /** `[[ ... ]]` after its `[[`: words (read for their expansions) and operators, `( ) < > && ||` and `=~` regexes included. */
  private conditional(): void {
    const open = this.pos;
    for (;;) {
      this.blanks();
      if (this.pos >= this.end) throw new ScanError(open, 'unterminated [[');
      if (this.isNewline()) {
        this.newline();
        continue;
      }
      const w = this.word();
      if (w.value === ']]') return;
      if (w.raw === '') this.pos++; // an operator character
    }
  }

  /** `case WORD in` (the word is read; it may be an expansion). */
  private caseHead(): void {
    this.blanks();
    this.word();
    for (;;) {
      this.blanks();
      if (this.isNewline()) {
        this.newline();
        continue;
      }
      break;
    }
    const w = this.word();
    if (w.value !== 'in') throw new ScanError(w.start, 'expected in after case WORD');
  }

  /** `for NAME in WORDS` / `for ((...))` up to `;` or a newline (words are read for their expansions). */
  private forHead(): void {
    this.blanks();
    if (this.at() === '(' && this.at(1) === '(') {
      this.arithmetic();
      return;
    }
    for (;;) {
      this.blanks();
      const c = this.at();
      if (this.pos >= this.end || c === ';' || this.isNewline() || c === '#') return;
      if (c === '&' || c === '|' || c === '<' || c === '>' || c === '(' || c === ')') throw new ScanError(this.pos, `unexpected ${c} in for`);
      this.word();
    }
  }

  /** `((...))` / `$((...))`: from the first `(` to the matching `)`. */
  private arithmetic(): void {
    let depth = 0;
    const open = this.pos;
    while (this.pos < this.end) {
      const c = this.at();
      if (c === '\\') {
        this.pos += 2;
        continue;
      }
      if (c === '$' && this.at(1) === '{') {
        this.dollar(false);
        continue;
      }
      if (c === '$' && (/[A-Za-z_]/.test(this.at(1)) || (this.at(1) === '(' && this.at(2) !== '('))) {
        this.dollar(false);
        continue;
      }
      if (c === '"' || c === "'") {
        this.word(); // a quoted part; rare in arithmetic
        continue;
      }
      this.pos++;
      if (c === '(') depth++;
      else if (c === ')' && --depth === 0) return;
    }
    throw new ScanError(open, 'unterminated ((');
  }

  private redirect(): ShRedirect {
    const start = this.pos;
    const m = /^(?:&>>|&>|<<<|<<-|<<|<>|<&|>&|>>|>\||<|>)/.exec(this.text.slice(this.pos, Math.min(this.end, this.pos + 3)));
    if (!m) throw new ScanError(this.pos, 'bad redirection');
    const op = m[0];
    this.pos += op.length;
    this.blanks();
    const target = this.word();
    if (target.raw === '') throw new ScanError(this.pos, `missing target of ${op}`);
    if (op === '<<' || op === '<<-') {
      const delim = target.raw.replace(/\\(.)|["']/g, '$1');
      this.pending.push({ delim, strip: op === '<<-' });
    }
    return { op, start, target };
  }

  /** One word from the current position (empty when at an operator). */
  word(): ShWord {
    const start = this.pos;
    let value = '';
    let dynamic = false;
    while (this.pos < this.end) {
      const c = this.at();
      if (c === ' ' || c === '\t' || c === '\n' || (c === '\r' && this.at(1) === '\n')) break;
      if (c === '(' && /^[A-Za-z_]\w*(\[.*\])?\+?=$/.test(this.text.slice(start, this.pos))) {
        this.array();
        dynamic = true;
        continue;
      }
      if ((c === '<' || c === '>') && this.at(1) === '(') {
        this.pos += 2;
        this.list(')', true);
        dynamic = true;
        continue;
      }
      if (c === ';' || c === '&' || c === '|' || c === '<' || c === '>' || c === '(' || c === ')') break;
      if (c === '\\') {
        const n = this.at(1);
        if (n === '\n') this.pos += 2;
        else if (n === '\r' && this.at(2) === '\n') this.pos += 3;
        else {
          value += n;
          this.pos += 2;
        }
        continue;
      }
      if (c === "'") {
        const close = this.text.indexOf("'", this.pos + 1);
        if (close === -1 || close >= this.end) throw new ScanError(this.pos, "unterminated '");
        value += this.text.slice(this.pos + 1, close);
        this.pos = close + 1;
        continue;
      }
      if (c === '"') {
        const v = this.doubleQuoted();
        if (v === undefined) dynamic = true;
        else value += v;
        continue;
      }
      if (c === '$' && this.at(1) === "'") {
        this.ansiQuoted();
        dynamic = true;
        continue;
      }
      if (c === '$' && this.at(1) === '"') {
        this.pos++;
        continue;
      }
      if (c === '$' || c === '`') {
        if (this.dollarOrBacktick(false)) dynamic = true;
        else {
          value += c;
          this.pos++;
        }
        continue;
      }
      value += c;
      this.pos++;
    }
    return { start, end: this.pos, raw: this.text.slice(start, this.pos), ...(dynamic ? {} : { value }) };
  }

  /** `name=(...)`: the elements, read as words. */
  private array(): void {
    const open = this.pos;
    this.pos++;
    for (;;) {
      this.blanks();
      if (this.pos >= this.end) throw new ScanError(open, 'unterminated (');
      if (this.isNewline()) {
        this.newline();
        continue;
      }
      const c = this.at();
      if (c === '#') {
        while (this.pos < this.end && !this.isNewline()) this.pos++;
        continue;
      }
      if (c === ')') {
        this.pos++;
        return;
      }
      const w = this.word();
      if (w.raw === '') throw new ScanError(this.pos, `unexpected ${c} in an array`);
    }
  }

  /** `"..."` from its opening quote; the value, or undefined when it expands something. */
  private doubleQuoted(): string | undefined {
    const open = this.pos;
    this.pos++;
    let value = '';
    let dynamic = false;
    for (;;) {
      if (this.pos >= this.end) throw new ScanError(open, 'unterminated "');
      const c = this.at();
      if (c === '"') {
        this.pos++;
        return dynamic ? undefined : value;
      }
      if (c === '\\') {
        const n = this.at(1);
        if (n === '\n') this.pos += 2;
        else if (n === '\r' && this.at(2) === '\n') this.pos += 3;
        else {
          value += n === '$' || n === '`' || n === '"' || n === '\\' ? n : c + n;
          this.pos += 2;
        }
        continue;
      }
      if (c === '$' || c === '`') {
        if (this.dollarOrBacktick(true)) dynamic = true;
        else {
          value += c;
          this.pos++;
        }
        continue;
      }
      value += c;
      this.pos++;
    }
  }

  private ansiQuoted(): void {
    const open = this.pos;
    this.pos += 2;
    while (this.pos < this.end) {
      const c = this.at();
      if (c === '\\') this.pos += 2;
      else if (c === "'") {
        this.pos++;
        return;
      } else this.pos++;
    }
    throw new ScanError(open, "unterminated $'");
  }

  /** At `$` or a backtick: an expansion or substitution (true), or a literal `$` (false, not consumed). */
  private dollarOrBacktick(inDouble: boolean): boolean {
    if (this.at() === '`') {
      this.backtick();
      return true;
    }
    return this.dollar(inDouble);
  }

  private backtick(): void {
    const open = this.pos;
    let i = this.pos + 1;
    while (i < this.end && this.text[i] !== '`') i += this.text[i] === '\\' ? 2 : 1;
    if (i >= this.end) throw new ScanError(open, 'unterminated `');
    const inner = new Lexer(this.text, open + 1, i, this.out);
    inner.list(undefined, true);
    this.pos = i + 1;
  }

  private dollar(inDouble: boolean): boolean {
    const n = this.at(1);
    if (n === '(') {
      if (this.at(2) === '(') {
        this.pos++;
        this.arithmetic();
        return true;
      }
      this.pos += 2;
      this.list(')', true);
      return true;
    }
    if (n === '{') {
      const open = this.pos;
      this.pos += 2;
      const m = /^[#!]?([A-Za-z_]\w*)/.exec(this.text.slice(this.pos, Math.min(this.end, this.pos + 256)));
      if (m) {
        const nameStart = this.pos + m[0].length - m[1].length;
        this.out.expansions.push({ name: m[1], start: nameStart, end: nameStart + m[1].length });
        this.pos += m[0].length;
      }
      // the rest of ${...}: operators and words, with nested quotes and expansions
      for (;;) {
        if (this.pos >= this.end) throw new ScanError(open, 'unterminated ${');
        const c = this.at();
        if (c === '}') {
          this.pos++;
          return true;
        }
        if (c === '\\') this.pos += 2;
        else if (c === '"') this.doubleQuoted();
        else if (c === "'" && !inDouble) {
          const close = this.text.indexOf("'", this.pos + 1);
          if (close === -1 || close >= this.end) throw new ScanError(this.pos, "unterminated '");
          this.pos = close + 1;
        } else if (c === '$' || c === '`') {
          if (!this.dollarOrBacktick(inDouble)) this.pos++;
        } else this.pos++;
      }
    }
    const m = /^[A-Za-z_]\w*/.exec(this.text.slice(this.pos + 1, Math.min(this.end, this.pos + 257)));
    if (m) {
      this.out.expansions.push({ name: m[0], start: this.pos + 1, end: this.pos + 1 + m[0].length });
      this.pos += 1 + m[0].length;
      return true;
    }
    if (n && /[0-9@*#?$!-]/.test(n)) {
      this.pos += 2;
      return true;
    }
    return false;
  }
}
