/**
 * The project config: `ascendify.toml` at the root of the source, or the
 * `[tool.ascendify]` table of its `pyproject.toml` (same keys). docs/config.md
 * describes every key; this file reads and checks them.
 *
 * Every problem (a TOML syntax error, an unknown key, a value of the wrong
 * type, a mapping whose target is not a dotted name, a glob that does not
 * compile, an unknown pass or rule id) is a ConfigError: the CLI prints it as
 * one line and exits 3 before anything is written.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { compileGlob, GlobError } from './glob';
import type { Severity } from '../analysis/types';

export const CONFIG_FILE = 'ascendify.toml';
export const PYPROJECT = 'pyproject.toml';

export class ConfigError extends Error {}

/** An extra third-party package of the config (analysis findings, like src/analysis/facts/third-party.ts). */
export interface ExtraPackage {
  /** Distribution name as written (also the import name, `-` → `_`, unless `modules` says otherwise). */
  name: string;
  hint: string;
  level: Severity;
  /** Importable module names. */
  modules: string[];
}

export interface ProjectConfig {
  /** How messages name the config: `ascendify.toml`, `pyproject.toml [tool.ascendify]`, or the --config path. */
  name: string;
  include: string[];
  exclude: string[];
  gitignore: boolean;
  passes: { only?: string[]; skip?: string[] };
  unsafe?: boolean;
  transferToNpu?: boolean;
  /** Qualified name → qualified name (transforms/custom-mappings). */
  mappings: Record<string, string>;
  thirdParty: ExtraPackage[];
  /** Rule id → severity for the analysis reports and --fail-on. */
  severity: Record<string, Severity>;
}

export const EMPTY_CONFIG: ProjectConfig = {
  name: '(none)',
  include: [],
  exclude: [],
  gitignore: true,
  passes: {},
  mappings: {},
  thirdParty: [],
  severity: {},
};

export interface ConfigChecks {
  /** Known pass ids (passes.only / passes.skip are checked against them). */
  passIds: readonly string[];
  /** Is this a rule id the analysis or a pass can report? */
  knownRule: (id: string) => boolean;
}

const TOP_KEYS = ['include', 'exclude', 'gitignore', 'unsafe', 'transfer_to_npu', 'passes', 'mappings', 'third_party', 'severity'] as const;
const SEVERITY_VALUES: readonly Severity[] = ['info', 'warning', 'error'];
const DOTTED = /^[\p{L}_][\p{L}\p{N}_]*(\.[\p{L}_][\p{L}\p{N}_]*)*$/u;
const DIST = /^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$/;

/**
 * Find and read the config of a source (a directory, or the folder of a single
 * file): `explicit` is --config (a path, relative to the working directory),
 * `disabled` is --no-config. Undefined when there is none.
 */
export function findProjectConfig(srcDir: string, checks: ConfigChecks, opts: { explicit?: string; disabled?: boolean } = {}): ProjectConfig | undefined {
  if (opts.explicit !== undefined) {
    if (opts.explicit === '') throw new ConfigError('--config: empty path');
    let text: string;
    try {
      text = fs.readFileSync(opts.explicit, 'utf8');
    } catch (e) {
      throw new ConfigError(`--config ${opts.explicit}: cannot read it (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
    }
    if (path.basename(opts.explicit) === PYPROJECT) {
      const cfg = fromPyproject(text, opts.explicit, checks);
      if (!cfg) throw new ConfigError(`--config ${opts.explicit}: no [tool.ascendify] table in it`);
      return cfg;
    }
    return parseProjectConfig(text, opts.explicit, checks);
  }
  if (opts.disabled) return undefined;
  const own = readIfFile(path.join(srcDir, CONFIG_FILE));
  const py = readIfFile(path.join(srcDir, PYPROJECT));
  const fromPy = py === undefined ? undefined : fromPyproject(py, `${PYPROJECT} [tool.ascendify]`, checks, true);
  if (own !== undefined) {
    if (fromPy) throw new ConfigError(`both ${CONFIG_FILE} and [tool.ascendify] in ${PYPROJECT}: keep one of them`);
    return parseProjectConfig(own, CONFIG_FILE, checks);
  }
  return fromPy;
}

function readIfFile(p: string): string | undefined {
  try {
    if (!fs.statSync(p).isFile()) return undefined;
    return fs.readFileSync(p, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * The `[tool.ascendify]` table of a pyproject.toml, or undefined when it has
 * none. `lenient`: a pyproject.toml that does not parse is an error only when
 * it mentions ascendify (else it is not ours to judge).
 */
function fromPyproject(text: string, name: string, checks: ConfigChecks, lenient = false): ProjectConfig | undefined {
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(text);
  } catch (e) {
    if (lenient && !/ascendify/.test(text)) return undefined;
    throw new ConfigError(`${name}: ${tomlErrorText(e)}`);
  }
  const tool = doc.tool;
  if (!isTable(tool) || !('ascendify' in tool)) return undefined;
  const table = tool.ascendify;
  if (!isTable(table)) throw new ConfigError(`${name}: tool.ascendify must be a table`);
  return checkConfig(table, name, checks);
}

/** Read the text of an `ascendify.toml` (`name` is how errors name it). */
export function parseProjectConfig(text: string, name: string, checks: ConfigChecks): ProjectConfig {
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(text);
  } catch (e) {
    throw new ConfigError(`${name}: ${tomlErrorText(e)}`);
  }
  return checkConfig(doc, name, checks);
}

function parseToml(text: string): Record<string, unknown> {
  // loaded on first use: runs without a config never load the parser
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const toml = require('smol-toml') as typeof import('smol-toml');
  return toml.parse(text) as Record<string, unknown>;
}

function tomlErrorText(e: unknown): string {
  const err = e as { message?: string; line?: number; column?: number };
  const first = String(err.message ?? e).split('\n')[0].replace(/^Invalid TOML document: /, '');
  return `not valid TOML: ${first}${err.line ? ` (line ${err.line}, column ${err.column})` : ''}`;
}

function isTable(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

function typeName(v: unknown): string {
  if (Array.isArray(v)) return 'an array';
  if (v instanceof Date) return 'a date';
  if (isTable(v)) return 'a table';
  if (typeof v === 'bigint' || typeof v === 'number') return 'a number';
  return `a ${typeof v}`;
}

function checkConfig(doc: Record<string, unknown>, name: string, checks: ConfigChecks): ProjectConfig {
  const fail = (key: string, msg: string): never => {
    throw new ConfigError(`${name}: ${key}: ${msg}`);
  };
  unknownKeys(doc, TOP_KEYS, '', name);
  const cfg: ProjectConfig = { ...EMPTY_CONFIG, name, passes: {}, mappings: {}, thirdParty: [], severity: {} };

  const globs = (key: 'include' | 'exclude'): string[] => {
    const v = doc[key];
    if (v === undefined) return [];
    if (!Array.isArray(v)) return fail(key, `must be an array of glob strings, not ${typeName(v)}`);
    return v.map((g, i) => {
      if (typeof g !== 'string') return fail(`${key}[${i}]`, `must be a glob string, not ${typeName(g)}`);
      if (g === '') return fail(`${key}[${i}]`, 'empty glob');
      if (g.startsWith('/') || g.startsWith('./') || g.split('/').includes('..')) {
        return fail(`${key}[${i}]`, `"${g}": globs are relative to the source root (write "${g.replace(/^\.?\/+/, '')}")`);
      }
      try {
        compileGlob(g.replace(/\/+$/, ''));
      } catch (e) {
        if (e instanceof GlobError) return fail(`${key}[${i}]`, `"${g}": ${e.message}`);
        throw e;
      }
      return g.replace(/\/+$/, ''); // `third_party/` = `third_party`
    });
  };
  cfg.include = globs('include');
  cfg.exclude = globs('exclude');

  const bool = (key: string): boolean | undefined => {
    const v = doc[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'boolean') return fail(key, `must be true or false, not ${typeName(v)}`);
    return v;
  };
  cfg.gitignore = bool('gitignore') ?? true;
  const unsafe = bool('unsafe');
  if (unsafe !== undefined) cfg.unsafe = unsafe;
  const transfer = bool('transfer_to_npu');
  if (transfer !== undefined) cfg.transferToNpu = transfer;

  if (doc.passes !== undefined) {
    const p = doc.passes;
    if (!isTable(p)) fail('passes', `must be a table ([passes] with only / skip), not ${typeName(p)}`);
    const t = p as Record<string, unknown>;
    unknownKeys(t, ['only', 'skip'], 'passes.', name);
    for (const key of ['only', 'skip'] as const) {
      const v = t[key];
      if (v === undefined) continue;
      if (!Array.isArray(v)) fail(`passes.${key}`, `must be an array of pass ids, not ${typeName(v)}`);
      const ids = (v as unknown[]).map((id, i) => (typeof id === 'string' ? id : fail(`passes.${key}[${i}]`, `must be a pass id string, not ${typeName(id)}`)));
      const unknown = ids.filter((id) => !checks.passIds.includes(id));
      if (unknown.length > 0) fail(`passes.${key}`, `unknown pass id ${unknown.map((u) => `"${u}"`).join(', ')} (known: ${checks.passIds.join(', ')})`);
      cfg.passes[key] = ids;
    }
  }

  if (doc.mappings !== undefined) {
    const m = doc.mappings;
    if (!isTable(m)) fail('mappings', `must be a table ("old.name" = "new.name"), not ${typeName(m)}`);
    for (const [from, to] of Object.entries(m as Record<string, unknown>)) {
      const key = `mappings."${from}"`;
      if (!DOTTED.test(from)) fail(key, `"${from}" is not a dotted Python name (module.name)`);
      if (typeof to !== 'string') fail(key, `the target must be a dotted name string, not ${typeName(to)}`);
      if (!DOTTED.test(to as string)) fail(key, `the target "${to}" is not a dotted Python name (module.name)`);
      if (to === from) fail(key, 'maps a name to itself');
      cfg.mappings[from] = to as string;
    }
    for (const [from, to] of Object.entries(cfg.mappings)) {
      // a target that another mapping changes again would never settle (a second run would change it)
      // (a key below a target too: `"a.x" = "b"` makes `a.x.y` into `b.y`, which `"b.y" = ...` would change)
      const again = Object.keys(cfg.mappings).find((k) => to === k || to.startsWith(k + '.') || k.startsWith(to + '.'));
      if (again) fail(`mappings."${from}"`, `the target "${to}" is itself changed by mappings."${again}"; map "${from}" to the final name`);
    }
  }

  if (doc.third_party !== undefined) {
    const t = doc.third_party;
    if (!isTable(t)) fail('third_party', `must be a table ("package" = "what to do on Ascend"), not ${typeName(t)}`);
    for (const [pkg, v] of Object.entries(t as Record<string, unknown>)) {
      const key = `third_party."${pkg}"`;
      if (!DIST.test(pkg)) fail(key, `"${pkg}" is not a package (distribution) name`);
      const defaultModule = pkg.replace(/[-.]/g, '_');
      if (typeof v === 'string') {
        if (v.trim() === '') fail(key, 'empty hint');
        cfg.thirdParty.push({ name: pkg, hint: v, level: 'warning', modules: [defaultModule] });
        continue;
      }
      if (!isTable(v)) fail(key, `must be a hint string or a table { hint = "...", level = "...", modules = [...] }, not ${typeName(v)}`);
      const e = v as Record<string, unknown>;
      unknownKeys(e, ['hint', 'level', 'modules'], `${key}.`, name);
      if (typeof e.hint !== 'string' || e.hint.trim() === '') fail(`${key}.hint`, 'a non-empty hint string is required');
      const level = e.level ?? 'warning';
      if (typeof level !== 'string' || !SEVERITY_VALUES.includes(level as Severity)) fail(`${key}.level`, `must be one of ${SEVERITY_VALUES.join(', ')}`);
      let modules = [defaultModule];
      if (e.modules !== undefined) {
        if (!Array.isArray(e.modules) || e.modules.length === 0) fail(`${key}.modules`, 'must be a non-empty array of module names');
        modules = (e.modules as unknown[]).map((x, i) => (typeof x === 'string' && DOTTED.test(x) ? x : fail(`${key}.modules[${i}]`, `${JSON.stringify(x)} is not a dotted module name`)));
      }
      cfg.thirdParty.push({ name: pkg, hint: e.hint as string, level: level as Severity, modules });
    }
  }

  if (doc.severity !== undefined) {
    const s = doc.severity;
    if (!isTable(s)) fail('severity', `must be a table ("rule/id" = "info" | "warning" | "error"), not ${typeName(s)}`);
    for (const [rule, v] of Object.entries(s as Record<string, unknown>)) {
      const key = `severity."${rule}"`;
      if (!checks.knownRule(rule)) fail(key, `unknown rule id "${rule}" (rule ids are listed in docs/analysis.md and in findings.json)`);
      if (typeof v !== 'string' || !SEVERITY_VALUES.includes(v as Severity)) fail(key, `must be one of ${SEVERITY_VALUES.map((x) => `"${x}"`).join(', ')}`);
      cfg.severity[rule] = v as Severity;
    }
  }
  return cfg;
}

function unknownKeys(t: Record<string, unknown>, known: readonly string[], prefix: string, name: string): void {
  const bad = Object.keys(t).filter((k) => !known.includes(k));
  if (bad.length > 0) {
    throw new ConfigError(`${name}: unknown key ${bad.map((b) => `"${prefix}${b}"`).join(', ')} (known: ${known.map((k) => prefix + k).join(', ')})`);
  }
}
