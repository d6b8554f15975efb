/**
 * Analysis reports, pure functions of the findings: GPU2Ascend-style CSVs
 * (ascend-facts.md §1.8), findings.json, findings.sarif (SARIF 2.1.0), summary.md,
 * and the one-screen summary of `ascendify analyze`. Sorted, POSIX relative paths,
 * no timestamps and no absolute paths.
 *
 * Which CSV a finding goes to is the rule's `csv` (rules.ts); records left by
 * conversion passes go to manual_changes.csv (written by the conversion reports),
 * and `cuda-api-to-npu/no-npu-twin` records to unsupported_api.csv as well.
 */
import { chunksText, csvChunks, type CsvRow } from '../report/csv-chunks';
import { jsonFileChunks } from '../report/json-chunks';
import { CONVERSION_TO_UNSUPPORTED, ruleFor, type AnalysisCsv, type Rule } from './rules';
import { CATEGORIES, CATEGORY_TITLES, SEVERITIES, severityRank, type Category, type ProjectFinding, type Severity } from './types';

/** GPU2Ascend's headers, exactly (§1.8). */
export const API_HEADER = ['File', 'Start Line', 'End Line', 'OP', 'Tips'];
export const CUDA_OP_HEADER = ['File', 'Api'];
/** ascendify's own CSVs, in the same style. */
export const THIRD_PARTY_HEADER = ['File', 'Start Line', 'End Line', 'Package', 'Tips'];
export const SCRIPTS_HEADER = ['File', 'Start Line', 'End Line', 'Setting', 'Ascend Equivalent', 'Tips'];

export const ANALYSIS_CSVS: readonly Exclude<AnalysisCsv, 'manual_changes.csv'>[] = [
  'unsupported_api.csv',
  'cuda_op_list.csv',
  'api_performance_advice.csv',
  'api_precision_advice.csv',
  'third_party.csv',
  'scripts_and_configs.csv',
];

export const ANALYSIS_FILES = [...ANALYSIS_CSVS, 'findings.json', 'findings.sarif', 'summary.md'];

export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';

/** Does the finding go to this CSV? */
export function inCsv(f: ProjectFinding, name: AnalysisCsv): boolean {
  if (name === 'unsupported_api.csv' && CONVERSION_TO_UNSUPPORTED.has(f.ruleId)) return true;
  return ruleFor(f.ruleId, f.conversion).csv === name;
}

/** One analysis CSV in pieces (rows made as they are written). */
export function analysisCsvChunks(name: (typeof ANALYSIS_CSVS)[number], findings: readonly ProjectFinding[]): Iterable<string> {
  const rows = findings.filter((f) => inCsv(f, name));
  switch (name) {
    case 'cuda_op_list.csv': {
      // File,Api has no line columns: an op declared and given a CUDA kernel in one file is one row
      const seen = new Set<string>();
      const ops = rows.filter((f) => !seen.has(`${f.file}\u0000${f.subject}`) && seen.add(`${f.file}\u0000${f.subject}`));
      return csvChunks(CUDA_OP_HEADER, mapRows(ops, (f) => [f.file, f.subject]));
    }
    case 'third_party.csv':
      return csvChunks(THIRD_PARTY_HEADER, mapRows(rows, (f) => [f.file, f.startLine, f.endLine, f.subject, f.hint]));
    case 'scripts_and_configs.csv':
      return csvChunks(SCRIPTS_HEADER, mapRows(rows, (f) => [f.file, f.startLine, f.endLine, f.subject, f.equivalent ?? '', f.hint]));
    default:
      return csvChunks(API_HEADER, mapRows(rows, (f) => [f.file, f.startLine, f.endLine, f.subject, f.hint || f.message]));
  }
}

function* mapRows(findings: readonly ProjectFinding[], row: (f: ProjectFinding) => CsvRow): Generator<CsvRow> {
  for (const f of findings) yield row(f);
}

export function analysisCsv(name: (typeof ANALYSIS_CSVS)[number], findings: readonly ProjectFinding[]): string {
  return chunksText(analysisCsvChunks(name, findings));
}

/** The catalogue entries of the rules that occur, sorted by id. */
export function rulesUsed(findings: readonly ProjectFinding[]): Rule[] {
  const byId = new Map<string, Rule>();
  for (const f of findings) if (!byId.has(f.ruleId)) byId.set(f.ruleId, ruleFor(f.ruleId, f.conversion));
  return [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export interface Effort {
  /** Minutes per rule, for the rules that occur. */
  byRule: { ruleId: string; count: number; minutesEach: number; minutes: number }[];
  minutes: number;
}

/** The effort model: minutes per finding kind (rules.ts), summed. An estimate, not a measurement. */
export function effort(findings: readonly ProjectFinding[]): Effort {
  const perRule = new Map<string, number>();
  for (const f of findings) perRule.set(f.ruleId, (perRule.get(f.ruleId) ?? 0) + 1);
  const byRule = rulesUsed(findings).map((r) => {
    const count = perRule.get(r.id)!;
    return { ruleId: r.id, count, minutesEach: r.minutes, minutes: count * r.minutes };
  });
  return { byRule, minutes: byRule.reduce((s, r) => s + r.minutes, 0) };
}

export interface Counts {
  total: number;
  byLevel: Record<Severity, number>;
  byCategory: Record<Category, number>;
}

export function counts(findings: readonly ProjectFinding[]): Counts {
  const byLevel = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  const byCategory = Object.fromEntries(CATEGORIES.map((c) => [c, 0])) as Record<Category, number>;
  for (const f of findings) {
    byLevel[f.level]++;
    byCategory[f.category]++;
  }
  return { total: findings.length, byLevel, byCategory };
}

/** `--fail-on <level>`: is there a finding at or above the level? */
export function failsOn(findings: readonly ProjectFinding[], level: Severity): boolean {
  return findings.some((f) => severityRank(f.level) >= severityRank(level));
}

/** findings.json as a document: what the file holds, and what the report page is made from. */
export function findingsDoc(findings: readonly ProjectFinding[], version: string) {
  return {
    tool: 'ascendify',
    version,
    levels: SEVERITIES,
    summary: { ...counts(findings), estimatedMinutes: effort(findings).minutes },
    rules: rulesUsed(findings).map((r) => ({ id: r.id, category: r.category, level: r.level, csv: r.csv, minutes: r.minutes, title: r.title })),
    findings: findings.map((f) => ({
      rule: f.ruleId,
      category: f.category,
      level: f.level,
      file: f.file,
      startLine: f.startLine,
      endLine: f.endLine,
      subject: f.subject,
      message: f.message,
      hint: f.hint,
      ...(f.equivalent ? { equivalent: f.equivalent } : {}),
      source: f.source,
      ...(f.conversion ? { conversion: f.conversion } : {}),
    })),
  };
}

export type FindingsDoc = ReturnType<typeof findingsDoc>;

export function findingsJson(findings: readonly ProjectFinding[], version: string): string {
  return chunksText(jsonFileChunks(findingsDoc(findings, version)));
}

const SARIF_LEVEL: Readonly<Record<Severity, 'note' | 'warning' | 'error'>> = { info: 'note', warning: 'warning', error: 'error' };

/** A relative POSIX path as a URI reference: each segment percent-encoded. */
export function relativeUri(rel: string): string {
  return rel.split('/').map(encodeURIComponent).join('/');
}

/** SARIF 2.1.0: one run, one rule per finding kind, results with relative URIs against %SRCROOT%. */
export function sarifLog(findings: readonly ProjectFinding[], version: string) {
  const rules = rulesUsed(findings);
  const index = new Map(rules.map((r, i) => [r.id, i]));
  return {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'ascendify',
            version,
            rules: rules.map((r) => ({
              id: r.id,
              name: r.id.replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : '')).replace(/^./, (c) => c.toUpperCase()),
              shortDescription: { text: r.title },
              fullDescription: { text: `${CATEGORY_TITLES[r.category]}: ${r.title}. See docs/analysis.md#${anchor(r.id)}.` },
              defaultConfiguration: { level: SARIF_LEVEL[r.level] },
              properties: { category: r.category, tags: ['ascend', 'npu-migration', r.category] },
            })),
          },
        },
        originalUriBaseIds: { SRCROOT: { description: { text: 'The root of the analysed repository.' } } },
        columnKind: 'utf16CodeUnits',
        results: findings.map((f) => ({
          ruleId: f.ruleId,
          ruleIndex: index.get(f.ruleId)!,
          level: SARIF_LEVEL[f.level],
          message: { text: f.hint ? `${f.message}. Hint: ${f.hint}` : f.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: relativeUri(f.file), uriBaseId: 'SRCROOT' },
                region: { startLine: f.startLine, endLine: f.endLine },
              },
            },
          ],
          properties: {
            subject: f.subject,
            source: f.source,
            ...(f.equivalent ? { ascendEquivalent: f.equivalent } : {}),
            ...(f.conversion ? { conversion: f.conversion } : {}),
          },
        })),
      },
    ],
  };
}

export function findingsSarif(findings: readonly ProjectFinding[], version: string): string {
  return chunksText(jsonFileChunks(sarifLog(findings, version)));
}

/** GitHub-style heading anchor of a rule id in docs/analysis.md (`### unsupported-api/torch-api`). */
export function anchor(id: string): string {
  return id.toLowerCase().replace(/[^a-z0-9 -]/g, '').replace(/ /g, '-');
}

function hours(minutes: number): string {
  const h = Math.round((minutes / 60) * 2) / 2;
  return `${h} h`;
}

function mdCell(s: string | number): string {
  return String(s).replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** The most frequent subjects (what to look at first): errors first, then by count. */
export function topItems(findings: readonly ProjectFinding[], n: number) {
  const groups = new Map<string, { ruleId: string; subject: string; level: Severity; count: number; files: Set<string> }>();
  for (const f of findings) {
    const key = `${f.ruleId}\u0000${f.subject}`;
    const g = groups.get(key) ?? { ruleId: f.ruleId, subject: f.subject, level: f.level, count: 0, files: new Set<string>() };
    if (severityRank(f.level) > severityRank(g.level)) g.level = f.level;
    g.count++;
    g.files.add(f.file);
    groups.set(key, g);
  }
  return [...groups.values()]
    .sort(
      (a, b) =>
        severityRank(b.level) - severityRank(a.level) ||
        b.count - a.count ||
        (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0) ||
        (a.subject < b.subject ? -1 : a.subject > b.subject ? 1 : 0),
    )
    .slice(0, n);
}

export interface AnalysisMeta {
  /** Display name of the analysed source (its base name, never an absolute path). */
  name: string;
  version: string;
  /** Python files analysed, other files analysed, files that failed. */
  pythonFiles: number;
  otherFiles: number;
  failedFiles: number;
}

/**
 * Per category: its findings per level, and the report files they go to, in
 * the order the findings first name them (each finding: its analysis CSVs in
 * ANALYSIS_CSVS order, then manual_changes.csv for a conversion record). One
 * pass; which CSVs a finding goes to depends on its rule and conversion only.
 */
function categoryRows(findings: readonly ProjectFinding[]): Map<Category, { levels: Record<Severity, number>; csvs: Set<string> }> {
  const rows = new Map(CATEGORIES.map((c) => [c, { levels: Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>, csvs: new Set<string>() }]));
  const csvsOf = new Map<string, string[]>();
  for (const f of findings) {
    const row = rows.get(f.category)!;
    row.levels[f.level]++;
    const key = `${f.ruleId}\u0000${f.conversion ?? ''}\u0000${f.category}`;
    let csvs = csvsOf.get(key);
    if (!csvs) {
      csvs = [...ANALYSIS_CSVS.filter((n) => inCsv(f, n)), ...(f.category === 'conversion' ? ['manual_changes.csv'] : [])];
      csvsOf.set(key, csvs);
    }
    for (const c of csvs) row.csvs.add(c);
  }
  return rows;
}

export function summaryMd(findings: readonly ProjectFinding[], meta: AnalysisMeta): string {
  const c = counts(findings);
  const e = effort(findings);
  const out: string[] = [];
  out.push(`# Migration analysis: ${meta.name}`, '');
  out.push(
    `Analysed ${meta.pythonFiles} Python file${meta.pythonFiles === 1 ? '' : 's'} and ${meta.otherFiles} other file${meta.otherFiles === 1 ? '' : 's'} (ascendify ${meta.version})` +
      (meta.failedFiles ? ` (${meta.failedFiles} could not be read or parsed: see files.csv)` : '') +
      `: ${c.total} finding${c.total === 1 ? '' : 's'}, ${c.byLevel.error} error, ${c.byLevel.warning} warning, ${c.byLevel.info} info.`,
    '',
  );
  out.push('Levels: **error** the code does not run (correctly) on Ascend until it is changed; **warning** it may not work or may behave differently; **info** advice.', '');
  out.push('## Findings per category', '', '| category | error | warning | info | total | report |', '|---|---:|---:|---:|---:|---|');
  const perCategory = categoryRows(findings);
  for (const cat of CATEGORIES) {
    const { levels: lv, csvs } = perCategory.get(cat)!;
    const total = lv.error + lv.warning + lv.info;
    out.push(`| ${CATEGORY_TITLES[cat]} | ${lv.error} | ${lv.warning} | ${lv.info} | ${total} | ${[...csvs].map((x) => `\`${x}\``).join(', ') || '-'} |`);
  }
  out.push('');
  const top = topItems(findings, 10);
  out.push('## Top items', '');
  if (top.length === 0) out.push('Nothing to do by hand: no findings.', '');
  else {
    out.push('| level | rule | subject | findings | files |', '|---|---|---|---:|---:|');
    for (const t of top) out.push(`| ${t.level} | \`${t.ruleId}\` | ${mdCell(t.subject)} | ${t.count} | ${t.files.size} |`);
    out.push('');
  }
  const byFile = new Map<string, number>();
  for (const f of findings) byFile.set(f.file, (byFile.get(f.file) ?? 0) + 1);
  const files = [...byFile.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).slice(0, 10);
  if (files.length > 0) {
    out.push('## Files with the most findings', '', '| file | findings |', '|---|---:|');
    for (const [file, n] of files) out.push(`| ${mdCell(file)} | ${n} |`);
    out.push('');
  }
  out.push('## Estimated manual effort', '');
  out.push(
    `About **${hours(e.minutes)}** (${e.minutes} minutes). This is an estimate from a fixed model, not a measurement: ` +
      'each finding kind is given a number of minutes of manual work (below), multiplied by the number of findings. ' +
      'Porting custom kernels usually dominates, and varies the most.',
    '',
  );
  if (e.byRule.length > 0) {
    out.push('| rule | findings | minutes each | minutes |', '|---|---:|---:|---:|');
    for (const r of e.byRule) out.push(`| \`${r.ruleId}\` | ${r.count} | ${r.minutesEach} | ${r.minutes} |`);
    out.push('');
  }
  out.push(
    '## Report files',
    '',
    '- `unsupported_api.csv`, `cuda_op_list.csv`, `api_performance_advice.csv`, `api_precision_advice.csv`: GPU2Ascend\'s files and columns',
    '- `third_party.csv`, `scripts_and_configs.csv`: dependencies, launch scripts and configs',
    '- `manual_changes.csv`: what the conversion passes leave for you',
    '- `findings.json` (every finding), `findings.sarif` (SARIF 2.1.0, for code-scanning UIs and editors)',
    '- rule ids, examples and hints: docs/analysis.md',
    '',
  );
  return out.join('\n');
}

/** Every analysis report file, by name, as text. */
export function analysisReportFiles(findings: readonly ProjectFinding[], meta: AnalysisMeta): Record<string, string> {
  return Object.fromEntries(Object.entries(analysisReportMakers(findings, meta)).map(([name, make]) => [name, chunksText(make())]));
}

/** The analysis documents the report page is made from too: made once, for the files and the page. */
export interface AnalysisDocs {
  findings: FindingsDoc;
  summaryMd: string;
}

export function analysisDocs(findings: readonly ProjectFinding[], meta: AnalysisMeta): AnalysisDocs {
  return { findings: findingsDoc(findings, meta.version), summaryMd: summaryMd(findings, meta) };
}

/**
 * The same files, each made when asked and written in pieces: a writer that
 * makes, writes and drops them one at a time never holds a report of a large
 * repository whole (findings.json and the SARIF log run to tens of MB there).
 * findings.json and summary.md are made from `docs`, which the page then reads too.
 */
export function analysisReportMakers(findings: readonly ProjectFinding[], meta: AnalysisMeta, docs = analysisDocs(findings, meta)): Record<string, () => string | Iterable<string>> {
  const makers: Record<string, () => string | Iterable<string>> = {};
  for (const name of ANALYSIS_CSVS) makers[name] = () => analysisCsvChunks(name, findings);
  makers['findings.json'] = () => jsonFileChunks(docs.findings);
  makers['findings.sarif'] = () => jsonFileChunks(sarifLog(findings, meta.version));
  makers['summary.md'] = () => docs.summaryMd;
  return makers;
}

/** The one-screen summary printed by `ascendify analyze`. */
export function analysisSummaryText(findings: readonly ProjectFinding[], meta: AnalysisMeta, title: string, reportDir?: string): string {
  const c = counts(findings);
  const lines: string[] = [title];
  lines.push(
    `  files         ${meta.pythonFiles} python, ${meta.otherFiles} other analysed${meta.failedFiles ? `, ${meta.failedFiles} failed (files.csv)` : ''}`,
  );
  lines.push(`  findings      ${c.total}: ${c.byLevel.error} error, ${c.byLevel.warning} warning, ${c.byLevel.info} info`);
  for (const cat of CATEGORIES) {
    if (c.byCategory[cat] === 0) continue;
    lines.push(`    ${CATEGORY_TITLES[cat].padEnd(44)} ${String(c.byCategory[cat]).padStart(4)}`);
  }
  const top = topItems(findings, 5);
  if (top.length > 0) {
    lines.push('  top');
    for (const t of top) lines.push(`    ${t.level.padEnd(7)} ${t.subject} (${t.ruleId}, ${t.count}x)`);
  }
  if (c.total > 0) lines.push(`  effort        about ${hours(effort(findings).minutes)} of manual work (estimate; model in summary.md)`);
  if (reportDir) lines.push(`  report        ${reportDir}`);
  return lines.join('\n') + '\n';
}
