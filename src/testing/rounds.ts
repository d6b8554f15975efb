/**
 * The engine's round shortcut against its reference: after a round that
 * applied fixes, the engine runs again only the passes `Pass.rounds` names
 * (src/core/pipeline.ts); the reference runs every pass in every round. A pass
 * that reads what fixes produced without saying so makes the two differ.
 * Used by src/core/rounds.test.ts (fixtures, golden samples) and
 * scripts/check-rounds.ts (any tree).
 */
import { isDeepStrictEqual } from 'node:util';
import { convertSource, SourceSyntaxError, type ConvertOptions, type SourceResult } from '../core/pipeline';
import { releaseTrees } from '../python/tree-cache';
import { DEFAULT_MAX_FILE_SIZE, type EngineOptions } from '../runner/convert-file';
import { isPythonSource, walkTree } from '../runner/files';
import { activePasses, passOptionsOf, selectPassIds } from '../runner/passes';

export interface RoundsCase {
  unsafe: boolean;
  transferToNpu: boolean;
  mappings?: Record<string, string>;
}

/** The option sets every file is converted with: --unsafe and --transfer-to-npu, on and off. */
export function roundsCases(mappings?: Record<string, string>): RoundsCase[] {
  const out: RoundsCase[] = [];
  for (const unsafe of [false, true]) for (const transferToNpu of [false, true]) out.push({ unsafe, transferToNpu, ...(mappings ? { mappings } : {}) });
  return out;
}

/** Time spent converting both ways (ms), for scripts/check-rounds.ts. */
export const roundsTime = { shortcut: 0, everyPassEveryRound: 0 };
let calls = 0;

export interface RoundsDifference {
  path: string;
  options: RoundsCase;
  /** The fields of the result that differ (`output`, `manual`, ...). */
  fields: string[];
}

/**
 * Convert `text` with every registered pass, both ways; undefined when the
 * results are equal (a file the engine refuses is refused both ways).
 */
export function compareRounds(text: string, rel: string, c: RoundsCase): RoundsDifference | undefined {
  // every registered pass, as the CLI picks and configures them
  const engine: EngineOptions = { passIds: selectPassIds(), unsafe: c.unsafe, transferToNpu: c.transferToNpu, maxFileSize: DEFAULT_MAX_FILE_SIZE, ...(c.mappings ? { mappings: c.mappings } : {}) };
  const options: ConvertOptions = { passes: activePasses(engine), unsafe: c.unsafe, passOptions: passOptionsOf(engine), path: rel };
  const run = (everyPassEveryRound: boolean): SourceResult | 'refused' => {
    releaseTrees(); // each way parses the text itself
    const t = performance.now();
    try {
      return convertSource(text, { ...options, everyPassEveryRound });
    } catch (e) {
      if (e instanceof SourceSyntaxError) return 'refused';
      throw e;
    } finally {
      roundsTime[everyPassEveryRound ? 'everyPassEveryRound' : 'shortcut'] += performance.now() - t;
    }
  };
  // the two ways in turn first, so that neither always runs on a warmer JIT
  const first = calls++ % 2 === 0;
  const a = run(!first);
  const b = run(first);
  const [shortcut, reference] = first ? [b, a] : [a, b];
  releaseTrees(); // as the runner does after each file: frees the trees now
  if (shortcut === 'refused' || reference === 'refused') {
    return shortcut === reference ? undefined : { path: rel, options: c, fields: ['refused'] };
  }
  const fields = (Object.keys(reference) as (keyof SourceResult)[]).filter((k) => !isDeepStrictEqual(shortcut[k], reference[k]));
  return fields.length === 0 ? undefined : { path: rel, options: c, fields };
}

/** The Python files under `dir` that the CLI would convert (its walk: symbolic links not followed), POSIX paths relative to it, sorted. */
export function pythonFiles(dir: string): string[] {
  return walkTree(dir)
    .entries.filter((e) => e.kind === 'file' && isPythonSource(e.rel))
    .map((e) => e.rel);
}
