/**
 * The findings of a run: the analysis findings of every file, and the records that
 * conversion passes left as manual or unsafe (category 6), merged without
 * duplicates and sorted. A pure function of per-file results.
 *
 * - An analysis finding that a pass handles (rules.ts HANDLED_BY_PASS) is dropped
 *   when that pass left a record on overlapping lines of the same file: the pass's
 *   own record says it better (e.g. cuda-api-to-npu/no-npu-twin for torch.cuda.nvtx),
 *   or the pass converted it.
 * - `advice/compile-mode` is dropped when any file calls set_compile_mode.
 * - Identical findings (same rule, file, lines, subject and message) are kept once.
 */
import type { ChangeRecord, ManualRecord } from '../core/pipeline';
import { comparePaths } from '../runner/files';
import { CONVERSION_TO_UNSUPPORTED, HANDLED_BY_PASS, ruleFor } from './rules';
import type { FileAnalysis, ProjectFinding } from './types';

export interface FileFindings {
  rel: string;
  analysis?: FileAnalysis;
}

type Located = { file: string; startLine: number; endLine: number; passId: string };

export function collectFindings(
  files: readonly FileFindings[],
  changes: readonly (ChangeRecord & { file: string })[],
  manual: readonly (ManualRecord & { file: string })[],
): ProjectFinding[] {
  const compileModeSet = files.some((f) => f.analysis?.setsCompileMode);
  // the pass records by file: a finding is compared with its own file's only
  // (against every record of the run: 0.40 s for the bench corpus's 21k findings and 45k records, growing as their product)
  const byFile = new Map<string, Located[]>();
  for (const list of [changes, manual]) {
    for (const r of list) {
      const mine = byFile.get(r.file);
      if (mine) mine.push(r);
      else byFile.set(r.file, [r]);
    }
  }
  const handled = (file: string, ruleId: string, subject: string, startLine: number, endLine: number) =>
    HANDLED_BY_PASS.some(
      (h) =>
        h.ruleId === ruleId &&
        h.subject.test(subject) &&
        (byFile.get(file) ?? []).some((r) => r.passId === h.passId && r.startLine <= endLine && startLine <= r.endLine),
    );

  const out: ProjectFinding[] = [];
  for (const f of files) {
    for (const a of f.analysis?.findings ?? []) {
      if (a.ruleId === 'advice/compile-mode' && compileModeSet) continue;
      if (handled(f.rel, a.ruleId, a.subject, a.startLine, a.endLine)) continue;
      const rule = ruleFor(a.ruleId);
      out.push({
        ruleId: a.ruleId,
        category: rule.category,
        level: a.level ?? rule.level,
        file: f.rel,
        startLine: a.startLine,
        endLine: a.endLine,
        subject: a.subject,
        message: a.message,
        hint: a.hint,
        ...(a.equivalent ? { equivalent: a.equivalent } : {}),
        source: 'analysis',
      });
    }
  }
  for (const m of manual) {
    const rule = ruleFor(m.ruleId, m.level);
    out.push({
      ruleId: m.ruleId,
      category: rule.category,
      level: rule.level,
      file: m.file,
      startLine: m.startLine,
      endLine: m.endLine,
      subject: recordSubject(m.ruleId, m.message),
      message: m.message,
      hint: m.hint ?? '',
      source: m.passId,
      conversion: m.level,
    });
  }
  return dedupe(out.sort(compareFindings));
}

/**
 * The subject of a pass record: the API its message starts with for the records
 * listed in unsupported_api.csv (`torch.cuda.nvtx.range_push has no NPU twin`,
 * `import torch.cuda.nvtx: ...`, `from torch.cuda import *: ...`), else the message.
 */
export function recordSubject(ruleId: string, message: string): string {
  if (!CONVERSION_TO_UNSUPPORTED.has(ruleId)) return message;
  const m = /^(?:import |from )?([A-Za-z_][\w.]*)/.exec(message);
  return m ? m[1] : message;
}

export function compareFindings(a: ProjectFinding, b: ProjectFinding): number {
  return (
    comparePaths(a.file, b.file) ||
    a.startLine - b.startLine ||
    a.endLine - b.endLine ||
    comparePaths(a.ruleId, b.ruleId) ||
    comparePaths(a.subject, b.subject) ||
    comparePaths(a.message, b.message)
  );
}

function dedupe(sorted: ProjectFinding[]): ProjectFinding[] {
  const out: ProjectFinding[] = [];
  for (const f of sorted) {
    const prev = out[out.length - 1];
    if (
      prev &&
      prev.file === f.file &&
      prev.startLine === f.startLine &&
      prev.endLine === f.endLine &&
      prev.ruleId === f.ruleId &&
      prev.subject === f.subject &&
      prev.message === f.message
    ) {
      continue;
    }
    out.push(f);
  }
  return out;
}
