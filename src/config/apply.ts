/**
 * The project config in a run: found and checked before the plan (a problem is
 * a UsageError: one line, exit 3, nothing written), then turned into the
 * runner's file selection, the engine options (src/cli.ts) and the severities
 * of the analysis findings.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PASSES } from '../../transforms';
import { RULES } from '../analysis/rules';
import type { RunResult } from '../runner/run';
import { UsageError } from '../runner/passes';
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
