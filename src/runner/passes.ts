/**
 * Choosing passes: --only / --skip against the registry, by id.
 */
import type { Pass, PassOptions } from '../core/pass';
import type { EngineOptions } from './convert-file';
import { PASSES } from '../../transforms';

export class UsageError extends Error {}

const byId = new Map(PASSES.map((p) => [p.id, p]));

/** Registry order, whatever order the ids come in. */
export function passesById(ids: readonly string[]): Pass[] {
  const wanted = new Set(ids);
  return PASSES.filter((p) => wanted.has(p.id));
}

/** Resolve --only / --skip (comma-separated or repeated) to pass ids; unknown ids are an error. */
export function selectPassIds(only: readonly string[] = [], skip: readonly string[] = []): string[] {
  const split = (xs: readonly string[]) => xs.flatMap((x) => x.split(',')).map((x) => x.trim()).filter(Boolean);
  const o = split(only);
  const s = split(skip);
  if (only.length > 0 && o.length === 0) throw new UsageError('--only: no pass id given');
  if (skip.length > 0 && s.length === 0) throw new UsageError('--skip: no pass id given');
  const unknown = [...o, ...s].filter((id) => !byId.has(id));
  if (unknown.length > 0) {
    throw new UsageError(`unknown pass id: ${unknown.join(', ')} (known: ${PASSES.map((p) => p.id).join(', ')})`);
  }
  const ids = PASSES.filter((p) => (o.length === 0 || o.includes(p.id)) && !s.includes(p.id)).map((p) => p.id);
  if (ids.length === 0) throw new UsageError(`no pass left to run (--only ${o.join(',') || '(all)'} --skip ${s.join(',')})`);
  return ids;
}

/** What the passes are told (src/core/pass.ts PassOptions): for every converter that runs the passes (src/kinds/ too). */
export function passOptionsOf(opts: EngineOptions): PassOptions {
  return { transferToNpu: opts.transferToNpu, ...(opts.mappings ? { mappings: opts.mappings } : {}) };
}

/** The selected passes that have something to do with these options (Pass.enabled), in registry order. */
export function activePasses(opts: EngineOptions): Pass[] {
  const options = passOptionsOf(opts);
  return passesById(opts.passIds).filter((p) => !p.enabled || p.enabled(options));
}
