/**
 * Fixes are plain data. A pass never touches text: it reports findings, and a
 * finding may carry a fix (edits + safety + import requests). A finding without
 * a fix is a manual follow-up for the user.
 *
 * Offsets are UTF-16 indices into the text the pass was given.
 */
import type { SyntaxNode } from '../python/parser';
import type { ImportRequest } from '../imports/request';

/** Replace `[start, end)` with `content` (start === end: insertion; content '': deletion). */
export interface Edit {
  start: number;
  end: number;
  content: string;
}

/**
 * - safe: applied by default; the meaning on NPU is the meaning on CUDA.
 * - unsafe: applied only with --unsafe; always listed for review.
 */
export type FixSafety = 'safe' | 'unsafe';

/** Levels a finding can have, as shown in reports and `ascendify passes`. */
export type Level = FixSafety | 'manual';

export type Operation = 'INSERT' | 'MODIFY' | 'DELETE';

export interface SupportFile {
  /** POSIX path relative to the repository root. */
  path: string;
  content: string;
}

export interface Fix {
  edits: Edit[];
  safety: FixSafety;
  /** Imports the fixed code needs; the importer adds each once. */
  imports?: ImportRequest[];
  /** Files the fixed code needs, added once per repository (e.g. a helper module). */
  supportFiles?: SupportFile[];
  /** Change-log operation; derived from the edits when absent. */
  operation?: Operation;
}

export interface Finding {
  /** Set by the engine. */
  passId: string;
  /** Stable id of the finding kind, e.g. `cuda-api-to-npu/no-npu-twin`. Defaults to the pass id. */
  ruleId?: string;
  message: string;
  /** What the finding is about, in the pass's text. */
  start: number;
  end: number;
  fix?: Fix;
  /** For manual / unsafe findings: what the user should do. */
  hint?: string;
}

export type FindingInput = Omit<Finding, 'passId'>;

export function replaceNode(node: SyntaxNode, content: string): Edit {
  return { start: node.startIndex, end: node.endIndex, content };
}

export function insertAt(offset: number, content: string): Edit {
  return { start: offset, end: offset, content };
}

export function deleteRange(start: number, end: number): Edit {
  return { start, end, content: '' };
}

export function operationOf(fix: Fix): Operation {
  if (fix.operation) return fix.operation;
  if (fix.edits.length > 0 && fix.edits.every((e) => e.start === e.end)) return 'INSERT';
  if (fix.edits.length > 0 && fix.edits.every((e) => e.content === '')) return 'DELETE';
  if (fix.edits.length === 0 && (fix.imports?.length || fix.supportFiles?.length)) return 'INSERT';
  return 'MODIFY';
}
