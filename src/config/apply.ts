/**
 * The project config in a run: found and checked before the plan (a problem is
 * a UsageError: one line, exit 3, nothing written), then turned into the
 * runner's file selection, the engine options and the severities
 * of the analysis findings.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PASSES } from '../../transforms';
import { RULES } from '../analysis/rules';
import type { RunResult } from '../runner/run';
import { selectPassIds, UsageError } from '../runner/passes';
import type { EngineOptions } from '../runner/convert-file';
import { ConfigError, findProjectConfig, type ConfigChecks, type ProjectConfig } from './project-config';
import type { Selection } from './select';

const RULE_IDS = new Set(RULES.map((r) => r.id));
const PASS_IDS = PASSES.map((p) => p.id);

export const CHECKS: ConfigChecks = {
  passIds: PASS_IDS,
  // a catalogue rule, or a record of a pass (`cuda-api-to-npu/no-npu-twin`, `custom-mappings`)
  knownRule: (id) => RULE_IDS.has(id) || PASS_IDS.includes(id.split('/')[0]),
};

/**
 * The config of the source named on the command line: --config FILE, else
 * `ascendify.toml` / pyproject.toml `[tool.ascendify]` in the source folder (the
 * file's folder for a single file); --no-config: none. A source that cannot be
 * read has none (the plan reports it).
 */
export function loadConfig(src: string, args: { config?: string | false }): ProjectConfig | undefined {
  let dir: string;
  try {
    const real = fs.realpathSync(src);
    dir = fs.statSync(real).isDirectory() ? real : path.dirname(real);
  } catch {
    if (typeof args.config !== 'string') return undefined;
    dir = '.';
  }
  try {
    return findProjectConfig(dir, CHECKS, { explicit: typeof args.config === 'string' ? args.config : undefined, disabled: args.config === false });
  } catch (e) {
    if (e instanceof ConfigError) throw new UsageError(e.message);
    throw e;
  }
}

/** The runner's selection: the config's globs, .gitignore unless the config or --no-gitignore says not (the option wins). */
export function selectionOf(cfg: ProjectConfig | undefined, gitignoreOption: boolean | undefined): Selection {
  return {
    include: cfg?.include ?? [],
    exclude: cfg?.exclude ?? [],
    gitignore: gitignoreOption ?? cfg?.gitignore ?? true,
    configName: cfg?.name ?? '(no config)',
  };
}

/** The config's `[severity]` applied to the run's findings (reports and --fail-on read these). */
export function withSeverities(result: RunResult, cfg: ProjectConfig | undefined): RunResult {
  const table = cfg?.severity ?? {};
  if (Object.keys(table).length === 0) return result;
  return { ...result, findings: result.findings.map((f) => (Object.hasOwn(table, f.ruleId) ? { ...f, level: table[f.ruleId] } : f)) };
}

/** The command-line options the engine options read (src/cli.ts). */
export interface EngineArgs {
  only?: string[];
  skip?: string[];
  unsafe?: boolean;
  'transfer-to-npu'?: boolean;
}

/**
 * The engine options of a converting command, from its arguments and the
 * project config: a command-line option wins over the config. Shared by the
 * CLI and the golden samples (scripts/golden.ts), so a sample's
 * ascendify.toml is read as the CLI reads it.
 */
export function engineOptions(args: EngineArgs, analysis: boolean, cfg: ProjectConfig | undefined, maxFileSize: number): EngineOptions {
  const cliPasses = args.only !== undefined || args.skip !== undefined;
  const passIds = cliPasses ? selectPassIds(args.only, args.skip) : selectPassIds(cfg?.passes.only, cfg?.passes.skip);
  const mappings = cfg && Object.keys(cfg.mappings).length > 0 ? cfg.mappings : undefined;
  // custom-mappings runs only with mappings to apply (its trigger is any import)
  const ids = mappings ? passIds : passIds.filter((id) => id !== 'custom-mappings');
  if (ids.length === 0) throw new UsageError('no pass left to run: custom-mappings needs a [mappings] table in the project config (docs/config.md)');
  return {
    passIds: ids,
    unsafe: args.unsafe ?? cfg?.unsafe ?? false,
    transferToNpu: args['transfer-to-npu'] ?? cfg?.transferToNpu ?? false,
    maxFileSize,
    analysis,
    ...(mappings ? { mappings } : {}),
    ...(cfg && cfg.thirdParty.length > 0 ? { thirdParty: cfg.thirdParty } : {}),
  };
}
