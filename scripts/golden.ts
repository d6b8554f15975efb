/**
 * Golden samples: golden/<sample>/{input/, expected/, changes.csv, manual.csv,
 * changes.patch, analysis/, README.md, args.json?}. `args.json` (optional) holds extra CLI
 * flags such as ["--transfer-to-npu"]. `analysis/` holds the migration analysis of
 * input/ (the CSVs, findings.json and summary.md, written with the version "golden"
 * so that a version bump does not change them).
 *
 * Shared by the golden test and `npm run golden:update`.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEFAULT_MAX_FILE_SIZE, type EngineOptions } from '../src/runner/convert-file';
import { engineOptions, loadConfig, selectionOf, withSeverities } from '../src/config/apply';
import type { ProjectConfig } from '../src/config/project-config';
import { changeListCsv, manualCsv } from '../src/runner/reports';
import { analysedFileCounts, run, type RunResult } from '../src/runner/run';
import { analysisReportFiles } from '../src/analysis/reports';


export function goldenRoot(): string {
  // works from scripts/ (ts-jest) and dist/scripts/ (compiled)
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'golden')) && fs.existsSync(path.join(dir, 'package.json'))) return path.join(dir, 'golden');
    if (path.dirname(dir) === dir) throw new Error('golden/ not found');
  }
}

export function samples(): string[] {
  const root = goldenRoot();
  return fs
    .readdirSync(root)
    .filter((d) => fs.existsSync(path.join(root, d, 'input')))
    .sort();
}

export function sampleArgs(sample: string): string[] {
  const f = path.join(goldenRoot(), sample, 'args.json');
  return fs.existsSync(f) ? (JSON.parse(fs.readFileSync(f, 'utf8')) as string[]) : [];
}

/** The engine options of a sample: its args.json flags and its project config (ascendify.toml), read as the CLI reads them. */
export function engineFor(args: string[], cfg?: ProjectConfig): EngineOptions {
  const flag = (name: string) => (args.includes(name) ? true : undefined);
  return engineOptions({ unsafe: flag('--unsafe'), 'transfer-to-npu': flag('--transfer-to-npu') }, true, cfg, DEFAULT_MAX_FILE_SIZE);
}

export interface SampleRun {
  result: RunResult;
  out: string;
  changesCsv: string;
  manualCsv: string;
}

/** Convert golden/<sample>/<from> into a fresh temporary directory. */
export async function convertSample(sample: string, from: 'input' | 'expected' = 'input', out?: string): Promise<SampleRun> {
  const src = path.join(goldenRoot(), sample, from);
  const target = out ?? path.join(fs.mkdtempSync(path.join(os.tmpdir(), `ascendify-golden-${sample}-`)), 'out');
  const cfg = loadConfig(src, {});
  const engine = engineFor(sampleArgs(sample), cfg);
  const result = withSeverities(await run({ src, mode: 'convert', out: target, force: true, engine, select: selectionOf(cfg, undefined) }), cfg);
  return { result, out: target, changesCsv: changeListCsv(result), manualCsv: manualCsv(result) };
}

/** The analysis files compared for each sample (findings.sarif is derived from the same findings). */
export const GOLDEN_ANALYSIS_FILES = [
  'unsupported_api.csv',
  'cuda_op_list.csv',
  'api_performance_advice.csv',
  'api_precision_advice.csv',
  'third_party.csv',
  'scripts_and_configs.csv',
  'findings.json',
  'summary.md',
];

/** The analysis report files of a sample run, by name. */
export function analysisFiles(sample: string, r: RunResult): Record<string, string> {
  const all = analysisReportFiles(r.findings, {
    name: sample,
    version: 'golden',
    ...analysedFileCounts(r),
    failedFiles: r.files.filter((f) => f.status === 'failed').length,
  });
  return Object.fromEntries(GOLDEN_ANALYSIS_FILES.map((n) => [n, all[n]]));
}

/** Every file below `dir` with its bytes and executable bit, keyed by POSIX path. */
export function readTree(dir: string): Map<string, { bytes: Buffer; exec: boolean }> {
  const out = new Map<string, { bytes: Buffer; exec: boolean }>();
  const walk = (d: string, rel: string) => {
    for (const name of fs.readdirSync(d).sort()) {
      const abs = path.join(d, name);
      const r = rel ? `${rel}/${name}` : name;
      const st = fs.lstatSync(abs);
      if (st.isDirectory()) walk(abs, r);
      else out.set(r, { bytes: fs.readFileSync(abs), exec: (st.mode & 0o111) !== 0 });
    }
  };
  walk(dir, '');
  return out;
}
