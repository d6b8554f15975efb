/**
 * Files beyond `.py` that the engine converts (issue 13): each kind is one
 * module in this folder with a `KindConverter`, and one line in `KINDS` below.
 *
 * A converter is pure like `convertFile` (relative path + bytes in, a
 * serialisable `FileResult` out), so it runs in a worker the same way, and its
 * records, diff and analysis flow through the runner's reports like a Python
 * file's: change_list.csv / changes.patch / files.csv / findings, `diff`,
 * `--in-place`, the journal and the lock need nothing kind-specific.
 *
 * The first converter whose `matches` answers true takes the file; a file no
 * converter takes (and that is not Python) is copied byte for byte, and its
 * analysis (src/analysis/analyze-file.ts) runs on the main thread as before.
 * A converter attaches its own analysis (`FileResult.analysis`), usually
 * `analyzeOtherFile(rel, bytes)` minus what it converted.
 */
import type { EngineOptions, FileResult } from '../runner/convert-file';
import { notebookKind } from './notebook';
import { configKind } from './config';
import { requirementsKind } from './requirements';

export interface KindConverter {
  /** Short id (`notebook`, `shell`, ...), used in notes and docs. */
  id: string;
  /** Does this converter take the file? `rel` is the POSIX path relative to the source root. */
  matches(rel: string): boolean;
  convert(rel: string, bytes: Uint8Array, opts: EngineOptions): FileResult;
}

/** Registry, in match order. */
export const KINDS: readonly KindConverter[] = [
  notebookKind,
  requirementsKind, // before config: it takes setup.cfg and pyproject.toml
  configKind,
];

/** Directories whose files are never converted (version control, our own report folders, vendored node modules). */
const NEVER_DIRS = new Set(['.git', '.hg', '.svn', 'node_modules', 'ascendify-report']);

/** The converter for a non-Python file, if one takes it. */
export function converterFor(rel: string): KindConverter | undefined {
  if (KINDS.length === 0) return undefined;
  const parts = rel.split('/');
  if (parts.slice(0, -1).some((p) => NEVER_DIRS.has(p))) return undefined;
  return KINDS.find((k) => k.matches(rel));
}
