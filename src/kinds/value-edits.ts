/**
 * What the config and requirements converters share: read a text file (UTF-8,
 * BOM kept aside), edit it at exact offsets (nothing else in the file moves:
 * no reformatting, line endings and BOM as they were), and build the
 * FileResult with its diff, records and analysis.
 */
import { unifiedDiff } from '../core/diff';
import { applyEdits, editRegions } from '../core/apply';
import type { Edit } from '../core/edit';
import type { ChangeRecord, ManualRecord } from '../core/pipeline';
import type { AnalysisFinding, FileAnalysis } from '../analysis/types';
import { analyzeOtherFile } from '../analysis/analyze-file';
import type { EngineOptions, FileResult } from '../runner/convert-file';

export interface DecodedText {
  text: string;
  bom: boolean;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The file's text, or null when it is not UTF-8 (or is binary): such a file is left alone. */
export function decodeUtf8(bytes: Uint8Array): DecodedText | null {
  if (bytes.subarray(0, 8192).indexOf(0) !== -1) return null;
  let text: string;
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    return null;
  }
  return text.startsWith('\ufeff') ? { text: text.slice(1), bom: true } : { text, bom: false };
}

/** Offsets where each line starts (a line ends at `\n`, `\r\n` or a lone `\r`, as the analysis splits lines). */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) starts.push(i + 1);
    else if (c === 13) {
      if (text.charCodeAt(i + 1) === 10) i++;
      starts.push(i + 1);
    }
  }
  return starts;
}

/** 1-based line of an offset. */
export function lineAt(starts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

/** The file's line ending (the first one; `\n` when it has none). */
export function eolOf(text: string): string {
  const m = /\r\n|\r|\n/.exec(text);
  return m ? m[0] : '\n';
}

/**
 * The analysis of the file (analyzeOtherFile, when the run analyses), minus
 * the findings that one of our records says better: `drop` answers for each.
 */
export function otherAnalysis(rel: string, bytes: Uint8Array, opts: EngineOptions, drop: (f: AnalysisFinding) => boolean): FileAnalysis | undefined {
  if (opts.analysis === false) return undefined;
  const a = analyzeOtherFile(rel, bytes);
  return { ...a, findings: a.findings.filter((f) => !drop(f)) };
}

/** The FileResult of a text file and the edits made to it (offsets in the decoded text, without the BOM). */
export function textResult(
  rel: string,
  decoded: DecodedText,
  edits: readonly Edit[],
  records: { changes: ChangeRecord[]; manual: ManualRecord[] },
  analysis: FileAnalysis | undefined,
): FileResult {
  const byLine = (a: { startLine: number }, b: { startLine: number }) => a.startLine - b.startLine;
  const base = {
    rel,
    changes: [...records.changes].sort(byLine),
    manual: [...records.manual].sort(byLine),
    notes: [],
    supportFiles: [],
    parsed: true,
    ...(analysis ? { analysis } : {}),
  };
  const output = applyEdits(decoded.text, edits);
  if (edits.length === 0 || output === decoded.text) return { ...base, status: 'unchanged', diff: '' };
  const bom = decoded.bom ? '\ufeff' : '';
  // one region per edit, in the texts with the BOM: the diff shows only the edited lines as changed
  const regions = editRegions(decoded.text, edits, bom.length);
  return {
    ...base,
    status: 'changed',
    output: new TextEncoder().encode(bom + output),
    diff: unifiedDiff(rel, bom + decoded.text, bom + output, { regions }),
  };
}
