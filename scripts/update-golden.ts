/**
 * Regenerate golden/<sample>/{expected/, changes.csv, manual.csv, changes.patch}
 * from the current passes. Review the result with `git diff golden/` before
 * committing: golden outputs are reviewed like code.
 *
 *   npm run golden:update              all samples
 *   npm run golden:update -- <sample>  one sample
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { convertSample, goldenRoot, samples } from './golden';

function main(argv: string[]): void {
  const chosen = argv.length > 0 ? argv : samples();
  for (const sample of chosen) {
    const dir = path.join(goldenRoot(), sample);
    if (!fs.existsSync(path.join(dir, 'input'))) throw new Error(`no sample ${sample} (golden/${sample}/input missing)`);
    const expected = path.join(dir, 'expected');
    fs.rmSync(expected, { recursive: true, force: true });
    const r = convertSample(sample, 'input', expected);
    fs.writeFileSync(path.join(dir, 'changes.csv'), r.changesCsv);
    fs.writeFileSync(path.join(dir, 'manual.csv'), r.manualCsv);
    fs.writeFileSync(path.join(dir, 'changes.patch'), r.result.patch);
    const c = r.result.counts;
    process.stdout.write(`${sample}: ${c.changed} files changed, ${c.changes} changes, ${c.manual} manual, ${c.unsafe} unsafe\n`);
  }
  process.stdout.write('Now review: git diff --stat golden/ && git diff golden/\n');
}

main(process.argv.slice(2));
