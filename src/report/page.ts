/**
 * index.html: the report as one self-contained page (issue 12).
 *
 * The page is a pure function of report files the run already writes:
 * changes.json, findings.json, changes.patch, files.csv and summary.md. After
 * a run it is made from the documents those files are written from (the
 * objects, not their text: nothing is serialised twice or parsed back);
 * `ascendify report <dir>` parses the files back into the same documents and
 * rebuilds it, byte for byte the same. What they hold is turned into one
 * compact model (`pageModel`), embedded as JSON (written in pieces, never as
 * one string) in a `<script type="application/json">` with every `<` written `\u003c`,
 * so no text from the repository (a path, a code line holding `</script>`) can
 * end the element. The script (client.ts) builds the page from the model with
 * textContent only, and a Content-Security-Policy allows nothing but that
 * script and that style (by hash): no request can leave the page, and an
 * injected handler would not run.
 *
 * No timestamps, no absolute paths: the same run gives the same bytes.
 */
import { createHash } from 'node:crypto';
import { anchor } from '../analysis/reports';
import { ruleFor } from '../analysis/rules';
import { decodeText, pythonCodecName, UTF8 } from '../python/source';
import { PASSES } from '../../transforms';
import { CLIENT_CSS, CLIENT_JS } from './client';
import { jsonChunks } from './json-chunks';

export const PAGE_NAME = 'index.html';

/**
 * What the page is made from (any may be missing): the documents of
 * changes.json and findings.json (as the run made them, or as JSON.parse reads
 * the files back: the page is the same), and three files as they are.
 */
export interface PageSources {
  /** changes.json's document (convert and in-place only). */
  changes?: ChangesDoc;
  /** findings.json's document. */
  findings?: FindingsDoc;
  /** changes.patch, as bytes (each file's diff in that file's codec). */
  patch?: Uint8Array;
  /** files.csv: skipped and failed files (used when there is no changes.json, i.e. analyze). */
  filesCsv?: string;
  /** summary.md: the name of the source and the analyzed file counts. */
  summaryMd?: string;
}

export type Level = 'manual' | 'unsafe' | 'error' | 'warning' | 'info';

export interface PageFile {
  path: string;
  /** changed, unchanged, skipped, failed, new (a support file the run added). */
  status: string;
  reason?: string;
  /** This file's part of changes.patch, decoded; absent when nothing changed. */
  diff?: string;
}

export interface PageChange {
  file: number;
  start: number;
  end: number;
  op: string;
  message: string;
  pass: string;
  rule: string;
  safety: string;
}

export interface PageFinding {
  file: number;
  start: number;
  end: number;
  /** info / warning / error. */
  level: string;
  /** manual / unsafe: a record a conversion pass left. */
  conversion?: string;
  rule: string;
  category: string;
  subject: string;
  message: string;
  hint: string;
  /** `analysis` or the pass id. */
  source: string;
}

export interface PageModel {
  version: 1;
  name: string;
  tool: string;
  mode: 'convert' | 'analyze';
  overview: {
    /** Python files scanned; changed is null for analyze (nothing converted). */
    scanned: number;
    changed: number | null;
    unchanged: number | null;
    skipped: number;
    failed: number;
    otherAnalysed: number | null;
    changes: number;
    byPass: [string, number][];
    manual: number;
    unsafe: number;
    levels: { error: number; warning: number; info: number };
    findings: number;
    minutes: number;
  };
  options: { passes: string[]; unsafe: boolean; transferToNpu: boolean } | null;
  commands: { label: string; command: string; note: string }[];
  /** Rule id → title and docs link (docs/passes.md#<pass> or docs/analysis.md#<rule>). */
  rules: Record<string, { title: string; doc: string }>;
  files: PageFile[];
  changes: PageChange[];
  findings: PageFinding[];
  notes: { file: string; level: string; pass?: string; message: string }[];
}

/** What the page reads of changes.json (src/runner/reports.ts changesDoc makes it). */
export interface ChangesDoc {
  version: string;
  options: { passes: string[]; unsafe: boolean; transferToNpu: boolean };
  summary: { scanned: number; changed: number; unchanged: number; skipped: number; failed: number; changes: number; changesByPass: Record<string, number>; manual: number; unsafe: number };
  files: { file: string; status: string; reason?: string }[];
  changes: { file: string; startLine: number; endLine: number; operation: string; message: string; pass: string; rule: string; safety: string }[];
  manual: { file: string; startLine: number; endLine: number; level: 'manual' | 'unsafe'; pass: string; rule: string; message: string; hint?: string }[];
  notes: { file: string; level: string; passId?: string; message: string }[];
}

/** What the page reads of findings.json (src/analysis/reports.ts findingsDoc makes it). */
export interface FindingsDoc {
  version: string;
  summary: { total: number; byLevel: { error: number; warning: number; info: number }; estimatedMinutes: number };
  rules: { id: string; title: string }[];
  findings: {
    rule: string;
    category: string;
    level: string;
    file: string;
    startLine: number;
    endLine: number;
    subject: string;
    message: string;
    hint: string;
    source: string;
    conversion?: string;
  }[];
}

/** Docs link of a rule: a pass's record → its pass section, an analysis rule → its own heading. */
export function ruleDoc(rule: string, source: string | undefined): string {
  const pass = source && source !== 'analysis' ? source : PASSES.some((p) => p.id === rule.split('/')[0]) ? rule.split('/')[0] : undefined;
  return pass ? `docs/passes.md#${anchor(pass)}` : `docs/analysis.md#${anchor(rule)}`;
}

/** What summary.md says about the run: the source's name and the analysed file counts (our own wording, see summaryMd). */
export function summaryFacts(md: string | undefined): { name?: string; python?: number; other?: number } {
  if (!md) return {};
  const name = /^# Migration analysis: (.*)$/m.exec(md)?.[1];
  const counts = /^Analysed (\d+) Python files? and (\d+) other files?/m.exec(md);
  return { ...(name !== undefined ? { name } : {}), ...(counts ? { python: Number(counts[1]), other: Number(counts[2]) } : {}) };
}

/** Rows of one of our CSVs (RFC 4180, csvField's leading space before = + - @ undone). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    let value = '';
    let quoted = false;
    if (text[i] === '"') {
      quoted = true;
      i++;
      for (;;) {
        const q = text.indexOf('"', i);
        if (q === -1) {
          value += text.slice(i);
          i = n;
          break;
        }
        value += text.slice(i, q);
        if (text[q + 1] === '"') {
          value += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
    }
    let j = i;
    while (j < n && text[j] !== ',' && text[j] !== '\n') j++;
    value += text.slice(i, j);
    if (quoted && /^ [=+\-@\t\r]/.test(value)) value = value.slice(1);
    row.push(value);
    i = j + 1;
    if (j >= n || text[j] === '\n') {
      rows.push(row);
      row = [];
    }
  }
  return rows;
}

/** Git's C-style quoted path (`"a/\303\251.py"`) back to the path. */
export function unquoteGitPath(p: string): string {
  if (!p.startsWith('"')) return p;
  const bytes: number[] = [];
  const esc: Record<string, number> = { n: 10, t: 9, '"': 34, '\\': 92, a: 7, b: 8, f: 12, r: 13, v: 11 };
  for (let i = 1; i < p.length - 1; i++) {
    const c = p[i];
    if (c !== '\\') {
      for (const b of Buffer.from(c, 'utf8')) bytes.push(b);
      continue;
    }
    const next = p[i + 1];
    if (/[0-7]/.test(next)) {
      bytes.push(parseInt(p.slice(i + 1, i + 4), 8));
      i += 3;
    } else {
      bytes.push(esc[next] ?? next.charCodeAt(0));
      i += 1;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** One file's diff bytes as text: UTF-8, else the PEP 263 codec it shows, else latin-1 (never fails). */
function decodeDiff(bytes: Buffer): string {
  try {
    return utf8.decode(bytes);
  } catch {
    const declared = /^[+\- ][ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)/m.exec(bytes.toString('latin1'))?.[1];
    const codec = declared ? pythonCodecName(declared) : undefined;
    return decodeText(bytes, codec && codec !== UTF8 ? codec : 'latin_1');
  }
}

/** changes.patch split per file: path → its diff text. */
export function splitPatch(patch: Uint8Array | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!patch || patch.length === 0) return out;
  const buf = Buffer.from(patch.buffer, patch.byteOffset, patch.byteLength);
  const starts: number[] = [];
  const marker = Buffer.from('diff --git ', 'latin1');
  for (let i = buf.indexOf(marker); i !== -1; i = buf.indexOf(marker, i + 1)) if (i === 0 || buf[i - 1] === 0x0a) starts.push(i);
  for (let k = 0; k < starts.length; k++) {
    const chunk = buf.subarray(starts[k], k + 1 < starts.length ? starts[k + 1] : buf.length);
    const head = chunk.subarray(0, Math.min(chunk.length, 4096)).toString('latin1');
    const plus = /^\+\+\+ (.*)$/m.exec(head)?.[1];
    if (!plus) continue;
    const rel = unquoteGitPath(Buffer.from(plus, 'latin1').toString('utf8'));
    out.set(rel.replace(/^b\//, ''), decodeDiff(chunk));
  }
  return out;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The page's model: everything it shows, in a deterministic order. */
export function pageModel(src: PageSources): PageModel {
  const changesDoc = src.changes;
  const findingsDoc = src.findings;
  if (!changesDoc && !findingsDoc) throw new Error('neither changes.json nor findings.json: not an ascendify report folder');
  const facts = summaryFacts(src.summaryMd);
  const diffs = splitPatch(src.patch);

  // every file anything is said about
  const files = new Map<string, PageFile>();
  const fileOf = (path: string, status = changesDoc ? 'unchanged' : 'analysed'): PageFile => {
    let f = files.get(path);
    if (!f) files.set(path, (f = { path, status }));
    return f;
  };
  if (changesDoc) {
    for (const f of changesDoc.files) Object.assign(fileOf(f.file), { status: f.status, ...(f.reason ? { reason: f.reason } : {}) });
  } else if (src.filesCsv) {
    for (const [file, status, reason] of parseCsv(src.filesCsv).slice(1)) {
      if (file === undefined || status === undefined) continue;
      Object.assign(fileOf(file), { status, ...(reason ? { reason } : {}) });
    }
  }
  const changesIn = changesDoc?.changes ?? [];
  for (const c of changesIn) fileOf(c.file, 'new');
  type RawFinding = FindingsDoc['findings'][number];
  const rawFindings: RawFinding[] =
    findingsDoc?.findings ??
    (changesDoc?.manual ?? []).map((m) => {
      const r = ruleFor(m.rule, m.level);
      return { rule: m.rule, category: r.category, level: r.level, file: m.file, startLine: m.startLine, endLine: m.endLine, subject: m.message, message: m.message, hint: m.hint ?? '', source: m.pass, conversion: m.level };
    });
  for (const f of rawFindings) fileOf(f.file);
  for (const [path, diff] of diffs) {
    const f = fileOf(path, 'new');
    f.diff = diff;
  }
  const ordered = [...files.values()].sort((a, b) => cmp(a.path, b.path));
  const index = new Map(ordered.map((f, i) => [f.path, i]));

  const rules: PageModel['rules'] = {};
  const titles = new Map((findingsDoc?.rules ?? []).map((r) => [r.id, r.title]));
  const addRule = (id: string, source: string | undefined, title?: string) => {
    if (!rules[id]) rules[id] = { title: title ?? titles.get(id) ?? '', doc: ruleDoc(id, source) };
  };
  const changes: PageChange[] = changesIn.map((c) => {
    addRule(c.rule, c.pass, PASSES.find((p) => p.id === c.pass)?.summary);
    return { file: index.get(c.file)!, start: c.startLine, end: c.endLine, op: c.operation, message: c.message, pass: c.pass, rule: c.rule, safety: c.safety };
  });
  const findings: PageFinding[] = rawFindings.map((f) => {
    addRule(f.rule, f.source, ruleFor(f.rule, f.conversion as 'manual' | 'unsafe' | undefined).title);
    return {
      file: index.get(f.file)!,
      start: f.startLine,
      end: f.endLine,
      level: f.level,
      ...(f.conversion ? { conversion: f.conversion } : {}),
      rule: f.rule,
      category: f.category,
      subject: f.subject,
      message: f.message,
      hint: f.hint,
      source: f.source,
    };
  });
  const sortedRules = Object.fromEntries(Object.entries(rules).sort(([a], [b]) => cmp(a, b)));

  const count = (status: string) => ordered.filter((f) => f.status === status).length;
  const levels = findingsDoc?.summary.byLevel ?? {
    error: findings.filter((f) => f.level === 'error').length,
    warning: findings.filter((f) => f.level === 'warning').length,
    info: findings.filter((f) => f.level === 'info').length,
  };
  const s = changesDoc?.summary;
  const overview: PageModel['overview'] = {
    scanned: s?.scanned ?? facts.python ?? 0,
    changed: s ? s.changed : null,
    unchanged: s ? s.unchanged : null,
    skipped: s?.skipped ?? count('skipped'),
    failed: s?.failed ?? count('failed'),
    otherAnalysed: facts.other ?? null,
    changes: s?.changes ?? 0,
    byPass: Object.entries(s?.changesByPass ?? {}),
    manual: s?.manual ?? findings.filter((f) => f.conversion === 'manual').length,
    unsafe: s?.unsafe ?? findings.filter((f) => f.conversion === 'unsafe').length,
    levels: { error: levels.error, warning: levels.warning, info: levels.info },
    findings: findingsDoc?.summary.total ?? findings.length,
    minutes: findingsDoc?.summary.estimatedMinutes ?? 0,
  };

  return {
    version: 1,
    name: facts.name ?? 'repository',
    tool: `ascendify ${changesDoc?.version ?? findingsDoc?.version ?? ''}`.trim(),
    mode: changesDoc ? 'convert' : 'analyze',
    overview,
    options: changesDoc?.options ?? null,
    commands: commands(changesDoc, overview, diffs.size > 0),
    rules: sortedRules,
    files: ordered,
    changes,
    findings,
    notes: (changesDoc?.notes ?? []).map((n) => ({ file: n.file, level: n.level, ...(n.passId ? { pass: n.passId } : {}), message: n.message })),
  };
}

/** The options of a re-run: the run's own pass selection and --transfer-to-npu. */
function rerunOptions(changesDoc: ChangesDoc | undefined): string {
  if (!changesDoc) return '';
  const passes = changesDoc.options.passes;
  // custom-mappings runs when the project config has mappings, not because of --only
  const all = PASSES.map((p) => p.id).filter((id) => id !== 'custom-mappings' || passes.includes(id));
  const only = passes.length === all.length && passes.every((p, i) => p === all[i]) ? '' : ` --only ${passes.join(',')}`;
  return `${only}${changesDoc.options.transferToNpu ? ' --transfer-to-npu' : ''}`;
}

function commands(changesDoc: ChangesDoc | undefined, overview: PageModel['overview'], hasPatch: boolean): PageModel['commands'] {
  const out: PageModel['commands'] = [];
  if (hasPatch) {
    out.push({
      label: 'Apply the changes to a copy of the source',
      command: 'git apply -p1 changes.patch',
      note: 'run it in the root of a copy of the source; changes.patch is in the folder of this page',
    });
  }
  if (overview.unsafe > 0 && !changesDoc?.options.unsafe) {
    out.push({
      label: `Also apply the ${overview.unsafe} unsafe fix${overview.unsafe === 1 ? '' : 'es'}`,
      command: `ascendify convert <src> --unsafe${rerunOptions(changesDoc)}`,
      note: '<src> is the repository; read each unsafe record first (ascendify diff <src> --unsafe previews them)',
    });
  }
  return out;
}

/** JSON that is safe inside a <script> element: no `<` (so no `</script>` or `<!--`), no line separators. */
export function* scriptJsonChunks(value: unknown): Generator<string, void, undefined> {
  // each escaped character is one UTF-16 unit: escaping piece by piece is escaping the whole
  for (const piece of jsonChunks(value)) yield piece.replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

export function scriptJson(value: unknown): string {
  return [...scriptJsonChunks(value)].join('');
}

function sha256(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/** The page, as one string (the writers write pageChunks). */
export function reportPage(src: PageSources): string {
  return [...pageChunks(pageModel(src))].join('');
}

/** The page in pieces: the head, the model's JSON piece by piece, the script. */
export function* pageChunks(model: PageModel): Generator<string, void, undefined> {
  const csp = `default-src 'none'; script-src ${sha256(CLIENT_JS)}; style-src ${sha256(CLIENT_CSS)}; img-src data:; base-uri 'none'; form-action 'none'`;
  yield [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${csp}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="referrer" content="no-referrer">',
    '<title>ascendify report</title>',
    `<style>${CLIENT_CSS}</style>`,
    '</head>',
    '<body>',
    '<noscript><p>This page is drawn by its script. The same data is in changes.json, findings.json and changes.patch beside it.</p></noscript>',
    '<div id="app"></div>',
    '<script type="application/json" id="report-data">',
  ].join('\n');
  yield* scriptJsonChunks(model);
  yield ['</script>', `<script>${CLIENT_JS}</script>`, '</body>', '</html>', ''].join('\n');
}
