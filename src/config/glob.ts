/**
 * Globs for the project config (include / exclude) and `.gitignore` rules,
 * compiled to regular expressions over POSIX paths relative to a base folder.
 *
 * Glob syntax (both): `*` any run of characters but `/`; `?` one character but
 * `/`; `[abc]`, `[a-z]`, `[!a-z]` / `[^a-z]` one character of (not of) a class,
 * never `/`; `**` as a whole path segment any number of folders (`**​/x`, `a/**​/b`,
 * `a/**`); `\` escapes the next character. Everything else is literal.
 *
 * `.gitignore` lines follow git's rules (gitignore(5)): blank lines and `#`
 * comments are skipped, `!` negates, a trailing `/` matches folders only, a
 * pattern with a `/` before its end is anchored to the `.gitignore`'s folder,
 * one without matches a name at any depth below it. Trailing spaces are cut
 * unless escaped.
 */

/** An unclosed `[` (no `]` after it): in git a literal `[`; the config refuses it. */
export class GlobError extends Error {}

/**
 * The regular expression source of a glob (no anchors). `strict`: an unclosed
 * `[` is an error (config), else a literal `[` (git).
 */
export function globSource(glob: string, strict = false): string {
  let out = '';
  let i = 0;
  const n = glob.length;
  while (i < n) {
    const c = glob[i];
    if (c === '*') {
      if (glob[i + 1] === '*') {
        const atStart = i === 0 || glob[i - 1] === '/';
        let j = i;
        while (glob[j] === '*') j++;
        const atEnd = j === n || glob[j] === '/';
        if (atStart && atEnd) {
          if (j === n) {
            // `a/**`: everything inside a (at the start: everything)
            out += '.*';
            i = j;
          } else {
            // `**/x`, `a/**/x`: zero or more folders
            out += '(?:[^/]*/)*';
            i = j + 1;
          }
          continue;
        }
        // `a**b`: two stars inside a segment are one star (git's rule)
        out += '[^/]*';
        i = j;
        continue;
      }
      out += '[^/]*';
      i++;
      continue;
    }
    if (c === '?') {
      out += '[^/]';
      i++;
      continue;
    }
    if (c === '\\') {
      if (i + 1 < n) out += escapeRe(glob[i + 1]);
      i += 2;
      continue;
    }
    if (c === '[') {
      const cls = charClass(glob, i);
      if (cls) {
        out += cls.source;
        i = cls.end;
        continue;
      }
      if (strict) throw new GlobError(`unclosed "[" at character ${i + 1}`);
      out += '\\[';
      i++;
      continue;
    }
    out += escapeRe(c);
    i++;
  }
  return out;
}

/** `[...]` starting at `i`: its regular expression and the index after it, or null when it is not closed. */
function charClass(glob: string, i: number): { source: string; end: number } | null {
  let j = i + 1;
  let negate = false;
  if (glob[j] === '!' || glob[j] === '^') {
    negate = true;
    j++;
  }
  let body = '';
  let first = true;
  while (j < glob.length) {
    const c = glob[j];
    if (c === ']' && !first) {
      return { source: negate ? `(?![/])[^${body}]` : `(?![/])[${body}]`, end: j + 1 };
    }
    first = false;
    if (c === '\\' && j + 1 < glob.length) {
      body += escapeClass(glob[j + 1]);
      j += 2;
      continue;
    }
    if (c === '-' && body !== '' && glob[j + 1] !== undefined && glob[j + 1] !== ']') {
      body += '-';
      j++;
      continue;
    }
    body += escapeClass(c);
    j++;
  }
  return null;
}

function escapeRe(c: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(c) ? `\\${c}` : c;
}

function escapeClass(c: string): string {
  return /[\\\]^[-]/.test(c) ? `\\${c}` : c;
}

/** A glob of the config as a whole-path matcher (`a/*.py` matches `a/x.py`, not `a/b/x.py`). */
export function compileGlob(glob: string): RegExp {
  return new RegExp(`^${globSource(glob, true)}$`, 'u');
}

/** One `.gitignore` rule. */
export interface IgnoreRule {
  /** The line as written (for reasons). */
  pattern: string;
  negate: boolean;
  dirOnly: boolean;
  /** Matches a path relative to the `.gitignore`'s folder. */
  re: RegExp;
}

/** The rules of one `.gitignore` text, in order. */
export function parseGitignore(text: string): IgnoreRule[] {
  const rules: IgnoreRule[] = [];
  for (const raw of text.split(/\r?\n/)) {
    let line = raw;
    if (line === '' || line.startsWith('#')) continue;
    // trailing spaces are cut, unless escaped with a backslash
    line = line.replace(/(?<!\\)[ \t]+$/, '');
    if (line === '') continue;
    let negate = false;
    if (line.startsWith('!')) {
      negate = true;
      line = line.slice(1);
    }
    let dirOnly = false;
    if (line.endsWith('/') && !line.endsWith('\\/')) {
      dirOnly = true;
      line = line.replace(/\/+$/, '');
    }
    if (line === '') continue;
    const anchored = line.includes('/');
    if (line.startsWith('/')) line = line.slice(1);
    let source: string;
    try {
      source = globSource(line);
    } catch {
      continue;
    }
    const prefix = anchored || line.startsWith('**/') ? '' : '(?:[^/]*/)*';
    rules.push({ pattern: raw.trim(), negate, dirOnly, re: new RegExp(`^${prefix}${source}$`, 'u') });
  }
  return rules;
}
