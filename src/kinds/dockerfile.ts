/**
 * Dockerfiles (issue 13): `Dockerfile`, `Dockerfile.*`, `*.Dockerfile`,
 * `Containerfile` (src/analysis/scripts.ts configKind). The shell form of RUN,
 * CMD and ENTRYPOINT is a shell command (`/bin/sh -c`), converted like a launch
 * script (shell.ts); ENV keys and `$VAR` reads in ENV values are renamed like
 * shell variables.
 *
 * Reported, not rewritten: FROM of a CUDA base image (ascend-facts.md §3.10
 * names no Ascend image, so no image is guessed; the analysis finding stays),
 * exec forms (`RUN ["python", ...]`), instructions with heredocs, and files with
 * an `# escape=` directive (left to the analysis).
 */
import { configKind } from '../analysis/scripts';
import type { KindConverter } from './index';
import { convertScript, scanNote, scriptFindings, type ScriptContext, type ScriptFinding } from './shell';
import { scanShell } from './shell-lexer';
import type { EngineNote } from '../core/pipeline';

export const dockerfileKind: KindConverter = {
  id: 'dockerfile',
  readsProjectIndex: false,
  matches: (rel) => configKind(rel.slice(rel.lastIndexOf('/') + 1)) === 'dockerfile',
  convert: (rel, bytes, opts) => convertScript(rel, bytes, opts, 'dockerfile', dockerfileFindings),
};

interface Instruction {
  keyword: string;
  /** Body span: after the keyword and its blanks, to the end of the last continued line (newline excluded). */
  start: number;
  end: number;
  heredoc: boolean;
}

/** The instructions of a Dockerfile (comment lines and heredoc bodies skipped). */
export function instructions(text: string): Instruction[] | undefined {
  const out: Instruction[] = [];
  const lineEnd = (p: number) => {
    const nl = text.indexOf('\n', p);
    return nl === -1 ? text.length : nl;
  };
  const next = (p: number) => Math.min(text.length, lineEnd(p) + 1);
  const content = (p: number) => text.slice(p, lineEnd(p)).replace(/\r$/, '');
  let pos = 0;
  let leading = true;
  while (pos < text.length) {
    const line = content(pos);
    if (/^\s*(#|$)/.test(line)) {
      if (leading && /^\s*#\s*escape\s*=/i.test(line)) return undefined; // another escape character: not read here
      pos = next(pos);
      continue;
    }
    leading = false;
    const m = /^\s*([A-Za-z]+)[ \t]*/.exec(line);
    if (!m) {
      pos = next(pos);
      continue;
    }
    const start = pos + m[0].length;
    let end = pos + line.length;
    let p = pos;
    let body = line;
    // continuation lines (comment lines inside are dropped by docker; they carry no `\`)
    while (/\\[ \t]*$/.test(content(p)) && next(p) < text.length && next(p) > p) {
      p = next(p);
      while (p < text.length && /^\s*#/.test(content(p))) p = next(p);
      end = p + content(p).length;
      body += '\n' + content(p);
    }
    const docs = [...body.matchAll(/<<(-?)[ \t]*(["']?)([A-Za-z_][\w.-]*)\2/g)];
    pos = next(p);
    for (const d of docs) {
      while (pos < text.length) {
        const l = d[1] ? content(pos).replace(/^\t+/, '') : content(pos);
        pos = next(pos);
        if (l === d[3]) break;
      }
    }
    out.push({ keyword: m[1].toUpperCase(), start, end, heredoc: docs.length > 0 });
  }
  return out;
}

function dockerfileFindings(text: string, ctx: ScriptContext): { findings: ScriptFinding[]; notes: EngineNote[] } {
  const findings: ScriptFinding[] = [];
  const notes: EngineNote[] = [];
  for (const ins of instructions(text) ?? []) {
    if (ins.heredoc) continue;
    let start = ins.start;
    if (ins.keyword === 'RUN') {
      const flags = /^(?:--\S+[ \t]+)*/.exec(text.slice(start, ins.end))![0]; // --mount=..., --network=...
      start += flags.length;
    }
    if (ins.keyword !== 'RUN' && ins.keyword !== 'CMD' && ins.keyword !== 'ENTRYPOINT' && ins.keyword !== 'ENV') continue;
    if (text[start] === '[') continue; // exec form (JSON)
    const scan = scanShell(text, start, ins.end);
    if (scan.error) {
      notes.push(scanNote(text, scan));
      continue;
    }
    if (ins.keyword === 'ENV') {
      const words = scan.commands.flatMap((c) => c.words);
      // `ENV KEY value...` (legacy form): one variable, the rest is its value
      if (words.length > 0 && /^[A-Za-z_]\w*$/.test(words[0].raw)) {
        const rest = words.slice(1);
        const value = rest.every((w) => w.value !== undefined) ? rest.map((w) => w.value).join(' ') : undefined;
        const key = words[0].raw;
        const as = `${key}=${value ?? '$x'}`;
        const legacy = scriptFindings({ commands: [{ words: [{ start: words[0].start, end: words[0].end, raw: as, ...(value !== undefined ? { value: as } : {}) }], redirects: [], captured: false, piped: false }], expansions: [], heredocs: [] }, ctx);
        findings.push(...legacy, ...scriptFindings({ commands: [], expansions: scan.expansions, heredocs: [] }, ctx));
        continue;
      }
    }
    findings.push(...scriptFindings(scan, ctx));
  }
  return { findings: findings.sort((a, b) => a.start - b.start || a.end - b.end), notes };
}
