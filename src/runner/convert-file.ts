/**
 * One file in, one result out: decode, convert, encode, diff. Pure and
 * serialisable (options name passes by id), so it runs the same in a worker.
 */
import { convertSource, SourceSyntaxError, type ChangeRecord, type EngineNote, type ManualRecord } from '../core/pipeline';
import { unifiedDiff } from '../core/diff';
import type { SupportFile } from '../core/edit';
import { DecodeError, decodeSource, encodeSource } from '../python/source';
import { passesById } from './passes';

export interface EngineOptions {
  /** Enabled pass ids, in registry order. */
  passIds: string[];
  unsafe: boolean;
  transferToNpu: boolean;
  /** Python files larger than this are copied unchanged. */
  maxFileSize: number;
}

export type FileStatus = 'changed' | 'unchanged' | 'skipped' | 'failed';

export interface FileResult {
  rel: string;
  status: FileStatus;
  /** Why a file was skipped or failed. */
  reason?: string;
  /** New bytes, when changed. */
  output?: Uint8Array;
  /** Unified diff of the file ('' when unchanged). */
  diff: string;
  changes: ChangeRecord[];
  manual: ManualRecord[];
  notes: EngineNote[];
  supportFiles: (SupportFile & { passId: string })[];
  /** Was the file parsed (false when no pass could apply)? */
  parsed: boolean;
}

export const DEFAULT_MAX_FILE_SIZE = 10 * 1024 * 1024;

function result(rel: string, status: FileStatus, extra: Partial<FileResult> = {}): FileResult {
  return { rel, status, diff: '', changes: [], manual: [], notes: [], supportFiles: [], parsed: false, ...extra };
}

export function convertFile(rel: string, bytes: Uint8Array, opts: EngineOptions): FileResult {
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
  const passes = passesById(opts.passIds);
  if (!passes.some((p) => p.triggers.test(decoded.text))) return result(rel, 'unchanged');
  try {
    const r = convertSource(decoded.text, {
      passes,
      unsafe: opts.unsafe,
      passOptions: { transferToNpu: opts.transferToNpu },
      path: rel,
    });
    const base = { changes: r.changes, manual: r.manual, notes: r.notes, supportFiles: r.supportFiles, parsed: true };
    if (!r.changed) return result(rel, 'unchanged', base);
    const before = decoded.bom ? '\ufeff' + decoded.text : decoded.text;
    const after = decoded.bom ? '\ufeff' + r.output : r.output;
    return result(rel, 'changed', { ...base, output: encodeSource(r.output, decoded.bom), diff: unifiedDiff(rel, before, after) });
  } catch (e) {
    if (e instanceof SourceSyntaxError) return result(rel, 'failed', { reason: e.message, parsed: true });
    const msg = e instanceof Error ? e.message : String(e);
    return result(rel, 'failed', { reason: `internal error: ${msg}; copied unchanged (please report this file)`, parsed: true });
  }
}
