/**
 * Per-file analysis of the files that are not Python sources: pure and
 * serialisable, (relative path, bytes) → plain data, like convertFile, so it can
 * run in a worker. Python sources are analysed inside convertFile, on the same
 * decoded text the conversion reads (src/runner/convert-file.ts).
 *
 *   .cu .cuh                          custom CUDA source + exported ops      native.ts
 *   .cpp .cc .cxx .h .hpp ...         exported ops                           native.ts
 *   requirements*.txt, requirements/*.txt                                    deps.ts
 *   setup.cfg                         dependencies + INI settings            deps.ts, scripts.ts
 *   pyproject.toml                    dependencies                           deps.ts
 *   environment*.yml, conda*.yml      conda dependencies + YAML settings     deps.ts, scripts.ts
 *   .sh .bash                         launch settings                        scripts.ts
 *   .yaml .yml .json .ini .cfg        config settings                        scripts.ts
 */
import { analyzeCondaEnv, analyzePyproject, analyzeRequirements, analyzeSetupCfg } from './deps';
import { analyzeNative, CPP_SOURCE_EXT, CUDA_SOURCE_EXT } from './native';
import { analyzeConfig, configKind } from './scripts';
import type { AnalysisFinding, FileAnalysis } from './types';

export type OtherKind = 'native' | 'requirements' | 'setup-cfg' | 'pyproject' | 'conda-env' | 'config';

/** Directories whose files are never analysed (version control, our own report folders). */
const SKIP_DIRS = new Set(['.git', '.hg', '.svn', 'node_modules', 'ascendify-report']);

/** What analyses a non-Python file gets (empty: none). */
export function otherKinds(rel: string): OtherKind[] {
  const parts = rel.split('/');
  if (parts.slice(0, -1).some((p) => SKIP_DIRS.has(p))) return [];
  const base = parts[parts.length - 1];
  const lower = base.toLowerCase();
  const kinds: OtherKind[] = [];
  if (CUDA_SOURCE_EXT.test(base) || CPP_SOURCE_EXT.test(base)) kinds.push('native');
  if (/^requirements.*\.txt$/.test(lower) || (lower.endsWith('.txt') && parts.slice(0, -1).includes('requirements'))) kinds.push('requirements');
  if (lower === 'setup.cfg') kinds.push('setup-cfg');
  if (lower === 'pyproject.toml') kinds.push('pyproject');
  if (/^(environment|conda)[^/]*\.ya?ml$/.test(lower)) kinds.push('conda-env');
  if (configKind(base)) kinds.push('config');
  return kinds;
}

const utf8 = new TextDecoder('utf-8', { fatal: false, ignoreBOM: false });

/** Analyse a non-Python file; binary content gets nothing. */
export function analyzeOtherFile(rel: string, bytes: Uint8Array): FileAnalysis {
  const kinds = otherKinds(rel);
  if (kinds.length === 0) return { findings: [] };
  if (bytes.subarray(0, 8192).indexOf(0) !== -1) return { findings: [] };
  return { findings: analyzeOtherText(rel, utf8.decode(bytes)) };
}

export function analyzeOtherText(rel: string, text: string): AnalysisFinding[] {
  const out: AnalysisFinding[] = [];
  for (const kind of otherKinds(rel)) {
    switch (kind) {
      case 'native':
        out.push(...analyzeNative(rel, text));
        break;
      case 'requirements':
        out.push(...analyzeRequirements(text));
        break;
      case 'setup-cfg':
        out.push(...analyzeSetupCfg(text));
        break;
      case 'pyproject':
        out.push(...analyzePyproject(text));
        break;
      case 'conda-env':
        out.push(...analyzeCondaEnv(text));
        break;
      case 'config':
        out.push(...analyzeConfig(text, configKind(rel)!));
        break;
    }
  }
  return out;
}
