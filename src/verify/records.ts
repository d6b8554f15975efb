/**
 * Reads the records the shim wrote (one JSON-lines file per process, see
 * shim/verify/ascendify_verify/__init__.py) and merges them: one entry per
 * site (kind, what, file, line) with its count over all processes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export type SiteKind = 'cuda' | 'probe' | 'npu' | 'npu-api' | 'unknown' | 'unsimulated' | 'transfer';

export interface Site {
  kind: SiteKind;
  what: string;
  /** Relative to the command's folder when inside it, else absolute; null when no Python frame was found. */
  file: string | null;
  line: number | null;
  count: number;
  /** When it was first reached (seconds since the epoch, from the process that reached it first). */
  first: number;
  /** torch_npu version, for unknown / unsimulated names. */
  version?: string;
}

export interface Records {
  /** Processes that loaded the shim, with the mode each ran in. */
  processes: { pid: number; mode: 'simulated' | 'real'; argv: string[]; python: string }[];
  torch?: string;
  torchNpu?: string;
  sites: Site[];
  /** Optimizer steps after which a process was stopped (--steps), the largest. */
  stoppedAfterSteps: number | null;
}

const KINDS = new Set<SiteKind>(['cuda', 'probe', 'npu', 'npu-api', 'unknown', 'unsimulated', 'transfer']);

interface Raw {
  t: string;
  pid: number;
  time?: number;
  what?: string;
  file?: string | null;
  line?: number | null;
  version?: string;
  mode?: 'simulated' | 'real';
  argv?: string[];
  python?: string;
  torch?: string;
  torch_npu?: string;
  steps?: number;
  sites?: { t: string; what: string; file: string | null; line: number | null; count: number }[];
}

export function readRecords(dir: string, cwd: string): Records {
  const out: Records = { processes: [], sites: [], stoppedAfterSteps: null };
  const sites = new Map<string, Site>();
  const key = (t: string, what: string, file: string | null | undefined, line: number | null | undefined) => `${t}\0${what}\0${file ?? ''}\0${line ?? ''}`;
  let files: string[] = [];
  try {
    files = fs.readdirSync(dir).filter((f) => f.endsWith('.jsonl')).sort();
  } catch {
    return out;
  }
  for (const name of files) {
    // per process: first occurrences (count 1 each) unless its final counts say more
    const firsts = new Map<string, Site>();
    const finals = new Map<string, number>();
    for (const text of fs.readFileSync(path.join(dir, name), 'utf8').split('\n')) {
      if (!text.trim()) continue;
      let r: Raw;
      try {
        r = JSON.parse(text) as Raw;
      } catch {
        continue; // a line cut short by a killed process
      }
      if (r.t === 'start') out.processes.push({ pid: r.pid, mode: r.mode ?? 'simulated', argv: r.argv ?? [], python: r.python ?? '' });
      else if (r.t === 'torch') {
        out.torch ??= r.torch;
        out.torchNpu ??= r.torch_npu;
      } else if (r.t === 'step') out.stoppedAfterSteps = Math.max(out.stoppedAfterSteps ?? 0, r.steps ?? 0);
      else if (r.t === 'counts') for (const s of r.sites ?? []) finals.set(key(s.t, s.what, s.file, s.line), s.count);
      else if (KINDS.has(r.t as SiteKind) && r.what !== undefined) {
        const k = key(r.t, r.what, r.file, r.line);
        if (!firsts.has(k)) {
          firsts.set(k, {
            kind: r.t as SiteKind,
            what: r.what,
            file: r.file ?? null,
            line: r.line ?? null,
            count: 1,
            first: r.time ?? 0,
            ...(r.version ? { version: r.version } : {}),
          });
        }
      }
    }
    for (const [k, site] of firsts) {
      const count = finals.get(k) ?? 1;
      const seen = sites.get(k);
      if (seen) {
        seen.count += count;
        seen.first = Math.min(seen.first, site.first);
      } else sites.set(k, { ...site, count });
    }
  }
  out.sites = [...sites.values()]
    .map((s) => ({ ...s, file: s.file === null ? null : shown(s.file, cwd) }))
    .sort((a, b) => a.first - b.first || cmp(a.file ?? '', b.file ?? '') || (a.line ?? 0) - (b.line ?? 0) || cmp(a.what, b.what));
  out.processes.sort((a, b) => a.pid - b.pid);
  return out;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A path relative to the command's folder (POSIX separators) when inside it. */
function shown(file: string, cwd: string): string {
  if (!path.isAbsolute(file)) return file;
  const rel = path.relative(cwd, file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel.split(path.sep).join('/') : file;
}
