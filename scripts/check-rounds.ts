/**
 * Check the engine's round shortcut (Pass.rounds) on any tree:
 *
 *   node dist/scripts/check-rounds.js <dir>... [--cases 1-4] [--mapping old.name=new.name]...
 *
 * Converts every Python file the CLI would convert under each directory
 * (decoded as it decodes them) with every registered pass,
 * with --unsafe and --transfer-to-npu on and off, once as the engine does and
 * once running every pass in every round, and prints each file whose results
 * differ, and the time each way took (`--cases 1`: only the default options,
 * as the CLI runs). Exit status 1 when a result differs.
 * src/core/rounds.test.ts does the same on the fixtures and golden samples.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { decodeSource } from '../src/python/source';
import { compareRounds, pythonFiles, roundsCases, roundsTime } from '../src/testing/rounds';

async function main(argv: string[]): Promise<number> {
  const dirs: string[] = [];
  let caseCount = 4;
  const mappings: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--cases') {
      caseCount = Number(argv[++i]);
    } else if (argv[i] === '--mapping') {
      const [from, to] = (argv[++i] ?? '').split('=');
      mappings[from] = to;
    } else dirs.push(argv[i]);
  }
  if (dirs.length === 0) {
    process.stderr.write('usage: node dist/scripts/check-rounds.js <dir>... [--cases 1-4] [--mapping old.name=new.name]...\n');
    return 2;
  }
  const cases = roundsCases(Object.keys(mappings).length > 0 ? mappings : undefined).slice(0, Math.max(1, caseCount));
  let files = 0;
  let differ = 0;
  let unreadable = 0;
  for (const dir of dirs) {
    for (const rel of pythonFiles(dir)) {
      let text: string;
      try {
        text = decodeSource(fs.readFileSync(path.join(dir, rel))).text; // as the CLI decodes (PEP 263, BOM)
      } catch {
        unreadable++;
        continue;
      }
      files++;
      // back to the event loop after each file: the engine holds its trees through
      // WeakRefs, whose targets live until the current job ends (src/python/parser.ts)
      await new Promise<void>((resolve) => setImmediate(resolve));
      for (const c of cases) {
        const d = compareRounds(text, rel, c);
        if (!d) continue;
        differ++;
        process.stdout.write(`${path.join(dir, rel)}: ${d.fields.join(', ')} differ (${JSON.stringify(d.options)})\n`);
      }
    }
  }
  process.stdout.write(`${files} files, ${cases.length} option sets each: ${differ} differences${unreadable ? `; ${unreadable} files unreadable or not decodable, skipped` : ''}\n`);
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const saved = (1 - roundsTime.shortcut / roundsTime.everyPassEveryRound) * 100;
  process.stdout.write(
    `convertSource: ${s(roundsTime.shortcut)} as the engine runs, ${s(roundsTime.everyPassEveryRound)} running every pass every round (${Math.abs(saved).toFixed(1)} % ${saved >= 0 ? 'less' : 'more'})\n`,
  );
  return differ > 0 ? 1 : 0;
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
