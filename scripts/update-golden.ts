/**
 * Regenerate golden/<sample>/{expected/, changes.csv, manual.csv, changes.patch, analysis/}
 * from the current passes and analyzers. Review the result with `git diff golden/` before
 * committing: golden outputs are reviewed like code.
 *
 *   npm run golden:update                                all samples
 *   npm run golden:update -- <sample>                    one sample
 *   npm run golden:update -- --analysis-only [<sample>]  only analysis/ (expected/ etc. untouched)
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analysisFiles, convertSample, goldenRoot, samples } from './golden';

function writeAnalysis(dir: string, files: Record<string, string>): void {
  const target = path.join(dir, 'analysis');
  fs.rmSync(target, { recursive: true, force: true });
  fs.mkdirSync(target, { recursive: true });
  for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(target, name), content);
}

async function main(args: string[]): Promise<void> {
  const analysisOnly = args.includes('--analysis-only');
  const argv = args.filter((a) => a !== '--analysis-only');
  const chosen = argv.length > 0 ? argv : samples();
  for (const sample of chosen) {
    const dir = path.join(goldenRoot(), sample);
    if (!fs.existsSync(path.join(dir, 'input'))) throw new Error(`no sample ${sample} (golden/${sample}/input missing)`);
    if (analysisOnly) {
      const r = await convertSample(sample, 'input');
      writeAnalysis(dir, analysisFiles(sample, r.result));
      fs.rmSync(path.dirname(r.out), { recursive: true, force: true });
      process.stdout.write(`${sample}: ${r.result.findings.length} findings (analysis/ only)\n`);
      continue;
    }
    const expected = path.join(dir, 'expected');
    fs.rmSync(expected, { recursive: true, force: true });
    const r = await convertSample(sample, 'input', expected);
    fs.writeFileSync(path.join(dir, 'changes.csv'), r.changesCsv);
    fs.writeFileSync(path.join(dir, 'manual.csv'), r.manualCsv);
    fs.writeFileSync(path.join(dir, 'changes.patch'), r.result.patch);
    writeAnalysis(dir, analysisFiles(sample, r.result));
    const c = r.result.counts;
    process.stdout.write(`${sample}: ${c.changed} files changed, ${c.changes} changes, ${c.manual} manual, ${c.unsafe} unsafe, ${r.result.findings.length} findings\n`);
  }
  process.stdout.write('Now review: git diff --stat golden/ && git diff golden/\n');
}

main(process.argv.slice(2)).catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
  process.exitCode = 1;
});
