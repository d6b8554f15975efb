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
import { dockerfileKind } from './dockerfile';
import { shellKind } from './shell';

export interface KindConverter {
  /** Short id (`notebook`, `shell`, ...), used in notes and docs. */
  id: string;
  /**
   * Does `convert` read the project index (`opts.project`)? A kind that does
   * not is converted while the index is still being built (the pool's
   * `indexFree`); one that does waits for it.
   */
  readsProjectIndex: boolean;
  /**
   * Does this converter take the file? `rel` is the POSIX path relative to the
   * source root. `'sniff'`: perhaps; `sniff` decides from the file's first bytes
   * (an extensionless script with a shell shebang).
   */
  matches(rel: string): boolean | 'sniff';
  /** The first bytes of a file `matches` answered `'sniff'` for (at least 128 when the file has them): is it this kind? */
  sniff?(head: Uint8Array): boolean;
  convert(rel: string, bytes: Uint8Array, opts: EngineOptions): FileResult;
}

/** Registry, in match order. */
export const KINDS: readonly KindConverter[] = [
  notebookKind,
  requirementsKind, // before config: it takes setup.cfg and pyproject.toml
  configKind,
  dockerfileKind,
  shellKind,
];

/**
 * Does converting this file need the project index? Python files do; a file of
 * a kind says so itself; a file whose kind is only known from its first bytes
 * (`sniff`) is counted as needing it.
 */
export function needsProjectIndex(rel: string): boolean {
  if (rel.endsWith('.py')) return true;
  let sniffs = false; // a kind asked for the first bytes: which kind takes it depends on them
  const kind = converterFor(rel, () => {
    sniffs = true;
    return undefined;
  });
  return sniffs || kind === undefined || kind.readsProjectIndex;
}

/** Directories whose files are never converted (version control, our own report folders, vendored node modules). */
const NEVER_DIRS = new Set(['.git', '.hg', '.svn', 'node_modules', 'ascendify-report']);

/**
 * The converter for a non-Python file, if one takes it. `head` gives the file's
 * first bytes (read only when a kind asks to sniff); without it, a sniffing kind
 * does not take the file.
 */
export function converterFor(rel: string, head?: () => Uint8Array | undefined): KindConverter | undefined {
  if (KINDS.length === 0) return undefined;
  const parts = rel.split('/');
  if (parts.slice(0, -1).some((p) => NEVER_DIRS.has(p))) return undefined;
  let bytes: Uint8Array | undefined;
  return KINDS.find((k) => {
    const m = k.matches(rel);
    if (m !== 'sniff') return m;
    bytes ??= head?.();
    return bytes !== undefined && k.sniff !== undefined && k.sniff(bytes);
  });
}
