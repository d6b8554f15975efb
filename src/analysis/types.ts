/**
 * Migration analysis: the shapes every analyzer and report writer shares.
 * All plain data (serialisable), so per-file analysis can run in a worker.
 */

/**
 * Severity, ordered: `info` < `warning` < `error` (`--fail-on` compares on this scale).
 * - error: the code does not run (or does not run correctly) on Ascend until someone changes it;
 * - warning: it may not work, or may behave differently, on Ascend; check it;
 * - info: advice (performance, precision); the code runs as it is.
 * SARIF levels: error → `error`, warning → `warning`, info → `note`.
 */
export type Severity = 'info' | 'warning' | 'error';

export const SEVERITIES: readonly Severity[] = ['info', 'warning', 'error'];

export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

/** The six kinds of finding of the analysis issue, in report order. */
export type Category =
  | 'unsupported-api' // 1. torch APIs unsupported or unverified on NPU
  | 'custom-cuda' // 2. custom CUDA code: kernels, extensions, Triton, CuPy / PyCUDA / numba.cuda
  | 'third-party' // 3. dependencies with CUDA-only builds or NPU replacements
  | 'advice' // 4. performance and precision advice
  | 'scripts-configs' // 5. launch scripts and configuration files
  | 'conversion'; // 6. what a conversion pass left as manual or unsafe

export const CATEGORIES: readonly Category[] = [
  'unsupported-api',
  'custom-cuda',
  'third-party',
  'advice',
  'scripts-configs',
  'conversion',
];

export const CATEGORY_TITLES: Readonly<Record<Category, string>> = {
  'unsupported-api': 'Unsupported or unverified torch APIs',
  'custom-cuda': 'Custom CUDA code',
  'third-party': 'Third-party dependencies',
  advice: 'Performance and precision advice',
  'scripts-configs': 'Launch scripts and configs',
  conversion: 'Left by conversion passes (manual / unsafe)',
};

/** One finding of an analyzer, in one file (the runner adds the file). */
export interface AnalysisFinding {
  /** Stable rule id from the catalogue (src/analysis/rules.ts). */
  ruleId: string;
  /** 1-based, in the input file. */
  startLine: number;
  endLine: number;
  /** What the finding is about: an API, op, package or setting (the OP / Api / Package column). */
  subject: string;
  message: string;
  /** What to do on Ascend. */
  hint: string;
  /** Only when it differs from the rule's level (e.g. an optional import). */
  level?: Severity;
  /** scripts-configs: the Ascend equivalent, when there is one. */
  equivalent?: string;
}

/** What the analysis of one file returns. */
export interface FileAnalysis {
  findings: AnalysisFinding[];
  /** The file calls torch_npu.npu.set_compile_mode (project-wide advice is then dropped). */
  setsCompileMode?: boolean;
}

/** A finding of the whole run: analysis findings and conversion records, merged and sorted. */
export interface ProjectFinding {
  ruleId: string;
  category: Category;
  level: Severity;
  /** POSIX path relative to the analysed root. */
  file: string;
  startLine: number;
  endLine: number;
  subject: string;
  message: string;
  hint: string;
  equivalent?: string;
  /** `analysis`, or the id of the pass that left the record. */
  source: string;
  /** For records left by a pass: manual (no fix) or unsafe (fix not applied). */
  conversion?: 'manual' | 'unsafe';
}
