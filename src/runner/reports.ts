/**
 * Report files: what changed (GPU2Ascend's change_list.csv layout), what is left
 * for the user, machine-readable JSON, the unified diff, and the summary.
 * Everything here is a pure function of the run's results: sorted, relative
 * paths, no timestamps.
 */
import type { RunResult } from './run';
import { UNPARSED_REGION_RULE } from '../core/pipeline';
import type { RootedWriter, WriteContent } from './safe-fs';
import { jsonFileChunks } from '../report/json-chunks';
import { chunksText, csvChunks, type CsvRow } from '../report/csv-chunks';

export const REPORT_DIR_NAME = 'ascendify-report';

/** GPU2Ascend's change_list.csv header (ascend-facts.md §1.8), kept exactly. */
export const CHANGE_LIST_HEADER = ['File', 'Start Line', 'End Line', 'Operation Type', 'Message'];
export const MANUAL_HEADER = ['File', 'Start Line', 'End Line', 'Level', 'Rule', 'Message', 'Hint'];
export const FILES_HEADER = ['File', 'Status', 'Reason'];

function* changeRows(run: RunResult): Generator<CsvRow> {
  for (const c of run.changes) yield [c.file, c.startLine, c.endLine, c.operation, c.message];
}

function* manualRows(run: RunResult): Generator<CsvRow> {
  for (const m of run.manual) yield [m.file, m.startLine, m.endLine, m.level, m.ruleId, m.message, m.hint ?? ''];
}

function* fileRows(run: RunResult): Generator<CsvRow> {
  for (const f of run.files) if (f.status === 'skipped' || f.status === 'failed') yield [f.rel, f.status, f.reason ?? ''];
}

export const changeListChunks = (run: RunResult) => csvChunks(CHANGE_LIST_HEADER, changeRows(run));
export const manualChunks = (run: RunResult) => csvChunks(MANUAL_HEADER, manualRows(run));
export const filesChunks = (run: RunResult) => csvChunks(FILES_HEADER, fileRows(run));

export const changeListCsv = (run: RunResult): string => chunksText(changeListChunks(run));
export const manualCsv = (run: RunResult): string => chunksText(manualChunks(run));
export const filesCsv = (run: RunResult): string => chunksText(filesChunks(run));

/** changes.json as a document: what the file holds, and what the report page is made from. */
export function changesDoc(run: RunResult, version: string) {
  return {
    tool: 'ascendify',
    version,
    options: run.options,
    summary: run.counts,
    files: run.files.filter((f) => f.status !== 'unchanged').map((f) => ({ file: f.rel, status: f.status, ...(f.reason ? { reason: f.reason } : {}) })),
    changes: run.changes.map((c) => ({
      file: c.file,
      startLine: c.startLine,
      endLine: c.endLine,
      operation: c.operation,
      message: c.message,
      pass: c.passId,
      rule: c.ruleId,
      safety: c.safety,
    })),
    manual: run.manual.map((m) => ({
      file: m.file,
      startLine: m.startLine,
      endLine: m.endLine,
      level: m.level,
      pass: m.passId,
      rule: m.ruleId,
      message: m.message,
      ...(m.hint ? { hint: m.hint } : {}),
    })),
    notes: run.notes,
  };
}

export type ChangesDoc = ReturnType<typeof changesDoc>;

export const REPORT_FILES = ['change_list.csv', 'manual_changes.csv', 'files.csv', 'changes.json', 'changes.patch', 'summary.txt'];

/** The conversion's report files; `doc` is changesDoc(run, version), which the page is then made from too. */
export function writeReports(dir: RootedWriter, run: RunResult, doc: ChangesDoc, summary: string): void {
  writeReportFiles(dir, {
    'change_list.csv': () => changeListChunks(run),
    'manual_changes.csv': () => manualChunks(run),
    'files.csv': () => filesChunks(run),
    'changes.json': () => jsonFileChunks(doc),
    'changes.patch': () => run.patch,
    'summary.txt': () => summary,
  });
}

/**
 * Make each report file and write it, one at a time and piece by piece: a
 * large repository's reports are tens of MB each, and none is ever held whole.
 */
export function writeReportFiles(dir: RootedWriter, files: Record<string, () => WriteContent>): void {
  for (const [name, make] of Object.entries(files)) dir.writeChunks(name, make(), 0o644);
}

/** `(12 Python, 2 shell, 1 notebook)`: what the scanned files were, when not only Python. */
function kindsNote(run: RunResult): string {
  const byKind = new Map<string, number>();
  for (const f of run.files) if (f.kind) byKind.set(f.kind, (byKind.get(f.kind) ?? 0) + 1);
  if (byKind.size === 0) return '';
  let kinds = 0;
  for (const n of byKind.values()) kinds += n;
  const parts = [`${run.counts.scanned - kinds} Python`, ...[...byKind].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, n]) => `${n} ${k}`)];
  return ` (${parts.join(', ')})`;
}

/** The one-screen summary printed at the end of a run. */
export function summaryText(run: RunResult, title: string, reportDir?: string): string {
  const c = run.counts;
  const lines: string[] = [title];
  if (run.stopped) {
    lines.push(`  STOPPED       ${run.stopped}: ${c.notDone} of ${c.scanned + c.notDone} files not done${run.out ? ' (not in the output)' : ''}; the reports cover what was done`);
  }
  lines.push(
    `  files         ${c.scanned} scanned${kindsNote(run)}: ${c.changed} changed, ${c.unchanged} unchanged, ${c.skipped} skipped, ${c.failed} failed`,
  );
  if (c.otherFiles > 0 || c.otherSkipped > 0) {
    lines.push(`  other files   ${c.otherFiles} copied${c.otherSkipped ? `, ${c.otherSkipped} not copied` : ''}`);
  }
  const byPass = Object.entries(c.changesByPass)
    .map(([id, n]) => `${id} ${n}`)
    .join(', ');
  lines.push(`  changes       ${c.changes}${byPass ? ` (${byPass})` : ''}`);
  lines.push(
    `  for you       ${c.manual} manual, ${c.unsafe} unsafe not applied${c.unsafe ? ' (--unsafe applies them)' : ''}` +
      (c.manual + c.unsafe > 0 ? ' - see manual_changes.csv' : ''),
  );
  const regions = run.manual.filter((m) => m.ruleId === UNPARSED_REGION_RULE);
  if (regions.length > 0) {
    const files = new Set(regions.map((m) => m.file)).size;
    lines.push(
      `  not parsed    ${regions.length} region${regions.length === 1 ? '' : 's'} in ${files} file${files === 1 ? '' : 's'} that tree-sitter cannot parse, left as they are (the rest converted) - see manual_changes.csv`,
    );
  }
  if (run.options.transferToNpu && run.options.passes.includes('inject-torch-npu')) {
    // issue 10, item 13: an entry file is a script no other module imports (src/python/nodes.ts isEntryFile)
    const e = run.entryFiles;
    lines.push(
      e.length === 0
        ? '  entry files   none found (no script with a main guard or module-level work that no other module imports and that imports torch): transfer_to_npu was not added anywhere'
        : `  entry files   ${e.length} with transfer_to_npu: ${e.slice(0, 5).join(', ')}${e.length > 5 ? `, ... and ${e.length - 5} more` : ''}`,
    );
  }
  if (run.findings.length > 0) {
    const n = (level: string) => run.findings.filter((f) => f.level === level).length;
    lines.push(
      `  analysis      ${run.findings.length} finding${run.findings.length === 1 ? '' : 's'}: ${n('error')} error, ${n('warning')} warning, ${n('info')} info - see summary.md`,
    );
  }
  const left = run.files.filter((f) => f.leftOut).length;
  if (left > 0) {
    lines.push(`  left out      ${left} file${left === 1 ? '' : 's'} (project config exclude / include, .gitignore): not converted or analysed, copied as they are`);
  }
  const problems = [
    ...run.files.filter((f) => (f.status === 'failed' || f.status === 'skipped') && !f.leftOut).map((f) => `${f.status} ${f.rel}: ${f.reason}`),
    ...run.notes.filter((n) => n.level === 'error').map((n) => `error  ${n.file}: ${n.message}`),
  ];
  const shown = problems.slice(0, 8);
  for (const p of shown) lines.push(`  ${p}`);
  if (problems.length > shown.length) lines.push(`  ... and ${problems.length - shown.length} more (files.csv, changes.json)`);
  if (reportDir) lines.push(`  report        ${reportDir}`);
  return lines.join('\n') + '\n';
}
