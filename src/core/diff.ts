/**
 * Unified diffs that `git apply -p1` accepts: `a/` `b/` prefixes, 3 lines of
 * context, exact bytes (CRLF and BOM survive), new files from /dev/null.
 */
import { structuredPatch } from 'diff';

export const DIFF_CONTEXT = 3;

/** A file's diff; `before` null means a new file. Returns '' when nothing differs. */
export function unifiedDiff(path: string, before: string | null, after: string, mode = '100644'): string {
  if (before === after) return '';
  const a = quotePath(`a/${path}`);
  const b = quotePath(`b/${path}`);
  const header =
    before === null
      ? `diff --git ${a} ${b}\nnew file mode ${mode}\n--- /dev/null\n+++ ${b}\n`
      : `diff --git ${a} ${b}\n--- ${a}\n+++ ${b}\n`;
  const patch = structuredPatch(path, path, before ?? '', after, '', '', { context: DIFF_CONTEXT });
  let out = header;
  for (const h of patch.hunks) {
    const oldStart = h.oldLines === 0 ? h.oldStart - 1 : h.oldStart;
    const newStart = h.newLines === 0 ? h.newStart - 1 : h.newStart;
    out += `@@ -${range(oldStart, h.oldLines)} +${range(newStart, h.newLines)} @@\n`;
    for (const line of h.lines) out += line + '\n';
  }
  return out;
}

function range(start: number, count: number): string {
  return count === 1 ? `${start}` : `${start},${count}`;
}

/** Quote a path the way git does when it has special characters. */
export function quotePath(p: string): string {
  if (!/["\\\x00-\x1f\x7f-\uffff]/.test(p)) return p;
  let out = '"';
  for (const byte of Buffer.from(p, 'utf8')) {
    if (byte === 0x22) out += '\\"';
    else if (byte === 0x5c) out += '\\\\';
    else if (byte === 0x09) out += '\\t';
    else if (byte === 0x0a) out += '\\n';
    else if (byte < 0x20 || byte >= 0x7f) out += '\\' + byte.toString(8).padStart(3, '0');
    else out += String.fromCharCode(byte);
  }
  return out + '"';
}

/** ANSI colours for a terminal. */
export function colorize(diff: string): string {
  return diff
    .split('\n')
    .map((l) => {
      if (/^(diff --git|--- |\+\+\+ |new file mode)/.test(l)) return `\x1b[1m${l}\x1b[0m`;
      if (l.startsWith('@@')) return `\x1b[36m${l}\x1b[0m`;
      if (l.startsWith('+')) return `\x1b[32m${l}\x1b[0m`;
      if (l.startsWith('-')) return `\x1b[31m${l}\x1b[0m`;
      return l;
    })
    .join('\n');
}
