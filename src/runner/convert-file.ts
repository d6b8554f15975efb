/**
 * One file in, one result out: decode, convert, encode, diff. Pure and
 * serialisable (options name passes by id), so it runs the same in a worker.
 */
import { acceptedRegions, convertSource, regionRecords, SourceSyntaxError, type ChangeRecord, type EngineNote, type ManualRecord } from '../core/pipeline';
import { unifiedDiff } from '../core/diff';
import type { SupportFile } from '../core/edit';
import type { Pass, PassOptions } from '../core/pass';
import type { ExtraPackage } from '../config/project-config';
import { DecodeError, decodeSource, EncodeError, encodeSource, UTF8 } from '../python/source';
import { activePasses, passOptionsOf } from './passes';
export { activePasses, passOptionsOf } from './passes';
import { analyzePython, PYTHON_TRIGGERS } from '../analysis/python';
import { releaseTrees } from '../python/tree-cache';
import { knownClean, parse } from '../python/parser';
import type { FileAnalysis } from '../analysis/types';
import { fileFacts, type ProjectFacts } from './project-index';
import { converterFor } from '../kinds';
import { useExtraPackages } from '../analysis/facts/third-party';

export interface EngineOptions {
  /** Enabled pass ids, in registry order. */
  passIds: string[];
  unsafe: boolean;
  transferToNpu: boolean;
  /** Python files larger than this are copied unchanged. */
  maxFileSize: number;
  /** Run the migration analysis on each file too (default true; `diff` turns it off). */
  analysis?: boolean;
  /** The project config's `[mappings]` (transforms/custom-mappings), when it has any. */
  mappings?: Readonly<Record<string, string>>;
  /** The project config's `[third_party]` packages, added to the analysis table (src/analysis/facts/third-party.ts). */
  thirdParty?: readonly ExtraPackage[];
  /** Repository-wide facts (import graph, star imports), computed before dispatch (src/runner/project-index.ts). */
  project?: ProjectFacts;
}

export type FileStatus = 'changed' | 'unchanged' | 'skipped' | 'failed';

export interface FileResult {
  rel: string;
  status: FileStatus;
  /** Why a file was skipped or failed. */
  reason?: string;
  /** New bytes, when changed. */
  output?: Uint8Array;
  /**
   * Unified diff of the file ('' when unchanged), as text. Its bytes in the
   * patch are in `encoding` (see encodeText in python/source.ts).
   */
  diff: string;
  /** Python's name of the file's codec when it is not UTF-8 (a PEP 263 declaration). */
  encoding?: string;
  changes: ChangeRecord[];
  manual: ManualRecord[];
  notes: EngineNote[];
  supportFiles: (SupportFile & { passId: string })[];
  /** The src/kinds/ converter that took the file (`notebook`, `shell`, ...); absent for a Python source. */
  kind?: string;
  /** Was the file parsed (false when it was skipped or could not be read or decoded)? */
  parsed: boolean;
  /** Migration analysis of the input (src/analysis), when enabled. */
  analysis?: FileAnalysis;
  /** An entry file that imports torch (src/python/nodes.ts isEntryFile): what --transfer-to-npu patches. */
  entry?: boolean;
}

export const DEFAULT_MAX_FILE_SIZE = 10 * 1024 * 1024;

function result(rel: string, status: FileStatus, extra: Partial<FileResult> = {}): FileResult {
  return { rel, status, diff: '', changes: [], manual: [], notes: [], supportFiles: [], parsed: false, ...extra };
}

/** A file that failed outside the engine (unreadable, a worker that stopped, a result that cannot be sent): copied unchanged. */
export function failedResult(rel: string, reason: string, parsed = false): FileResult {
  return result(rel, 'failed', { reason, parsed });
}

/**
 * Convert one file: a file one of src/kinds/ takes (notebook, launch script,
 * config, ...), else a Python source (the runner hands over only these two: a
 * single file named on the command line that no kind takes is Python).
 */
export function convertFile(rel: string, bytes: Uint8Array, opts: EngineOptions): FileResult {
  useExtraPackages(opts.thirdParty);
  try {
    const kind = rel.endsWith('.py') ? undefined : converterFor(rel, () => bytes);
    if (kind) {
      if (bytes.length > opts.maxFileSize) {
        return result(rel, 'skipped', { kind: kind.id, reason: `larger than ${opts.maxFileSize} bytes (--max-file-size); copied unchanged` });
      }
      return { ...kind.convert(rel, bytes, opts), kind: kind.id };
    }
    return convertBytes(rel, bytes, opts);
  } finally {
    releaseTrees(); // the file is done: drop what the engine cached about its trees
  }
}

/** Does a selected pass's trigger match? If not, the file takes the cheap path: syntax check (and analysis) only. */
function passTriggered(passes: readonly Pass[], text: string, options: PassOptions): boolean {
  return passes.some((p) => (p.triggersFor ? p.triggersFor(options) : p.triggers).test(text));
}

/**
 * Does the engine read this text beyond the cheap path (a pass trigger, or the
 * analysis trigger when the analysis runs)? For work done before dispatch
 * (src/runner/project-index.ts). Triggers are ASCII words, so a latin1 reading
 * of the bytes answers the same.
 */
export function engineReads(opts: EngineOptions): (text: string) => boolean {
  const passes = activePasses(opts);
  const options = passOptionsOf(opts);
  return (text) => passTriggered(passes, text, options) || (opts.analysis !== false && PYTHON_TRIGGERS.test(text));
}

function convertBytes(rel: string, bytes: Uint8Array, opts: EngineOptions): FileResult {
  if (bytes.length > opts.maxFileSize) {
    return result(rel, 'skipped', { reason: `larger than ${opts.maxFileSize} bytes (--max-file-size); copied unchanged` });
  }
  let decoded;
  try {
    decoded = decodeSource(bytes);
  } catch (e) {
    if (e instanceof DecodeError) return result(rel, 'failed', { reason: `${e.message}; copied unchanged` });
    throw e;
  }
  const project = opts.project ? fileFacts(opts.project, rel) : undefined;
  // The analysis reads the same decoded input as the conversion, in the same call.
  let analysis: FileAnalysis | undefined;
  const analysisNotes: EngineNote[] = [];
  if (opts.analysis !== false) {
    try {
      analysis = analyzePython(decoded.text, project?.stars);
    } catch (e) {
      analysisNotes.push({ level: 'error', message: `analysis: internal error: ${e instanceof Error ? e.message : String(e)} (please report this file)` });
    }
  }
  const withAnalysis = (r: FileResult): FileResult =>
    analysis || analysisNotes.length ? { ...r, ...(analysis ? { analysis } : {}), notes: [...r.notes, ...analysisNotes] } : r;
  const passes = activePasses(opts);
  if (!passTriggered(passes, decoded.text, passOptionsOf(opts))) {
    // No pass applies, but a file that does not parse is still reported as
    // such. parse() answers from its cache when the analysis parsed this text.
    // A file with regions tree-sitter cannot parse that the engine would
    // convert around (nothing to convert here) is unchanged, with its records.
    // Most such files parse cleanly, which the native helper can tell from the
    // bytes without a tree (src/python/parser.ts, knownClean).
    if (decoded.encoding === UTF8 && knownClean(decoded.text, decoded.bom ? bytes.subarray(3) : bytes)) {
      return withAnalysis(result(rel, 'unchanged', { manual: [], parsed: true }));
    }
    try {
      const regions = acceptedRegions(decoded.text, parse(decoded.text));
      return withAnalysis(result(rel, 'unchanged', { manual: regionRecords(regions), parsed: true }));
    } catch (e) {
      if (e instanceof SourceSyntaxError) return withAnalysis(result(rel, 'failed', { reason: e.message, parsed: true }));
      throw e;
    }
  }
  try {
    const r = convertSource(decoded.text, {
      passes,
      unsafe: opts.unsafe,
      passOptions: passOptionsOf(opts),
      path: rel,
      ...(project ? { project } : {}),
    });
    const base = { changes: r.changes, manual: r.manual, notes: r.notes, supportFiles: r.supportFiles, parsed: true, ...(r.entry ? { entry: true } : {}) };
    if (!r.changed) return withAnalysis(result(rel, 'unchanged', base));
    const output = encodeSource(r.output, decoded); // EncodeError when an edit is not encodable in the file's codec
    const before = decoded.bom ? '\ufeff' + decoded.text : decoded.text;
    const after = decoded.bom ? '\ufeff' + r.output : r.output;
    const bom = decoded.bom ? 1 : 0; // the regions are in the decoded texts' coordinates
    const regions = bom ? r.regions.map((g) => ({ os: g.os + bom, oe: g.oe + bom, ns: g.ns + bom, ne: g.ne + bom })) : r.regions;
    const encoding = decoded.encoding === UTF8 ? {} : { encoding: decoded.encoding };
    return withAnalysis(result(rel, 'changed', { ...base, ...encoding, output, diff: unifiedDiff(rel, before, after, { regions }) }));
  } catch (e) {
    if (e instanceof SourceSyntaxError) return result(rel, 'failed', { reason: e.message, parsed: true });
    if (e instanceof EncodeError) return result(rel, 'failed', { reason: `${e.message}; copied unchanged`, parsed: true });
    const msg = e instanceof Error ? e.message : String(e);
    return result(rel, 'failed', { reason: `internal error: ${msg}; copied unchanged (please report this file)`, parsed: true });
  }
}
