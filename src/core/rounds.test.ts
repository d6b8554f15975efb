/**
 * The engine runs again, after a round that applied fixes, only the passes
 * that say they read what fixes produce (Pass.rounds); every other pass's
 * unapplied findings are kept. This checks that shortcut against running
 * every pass in every round on every fixture and golden sample, with all the
 * registered passes together and --unsafe / --transfer-to-npu on and off.
 * (The pass tester checks each pass's own cases the same way.)
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fixtureOptions } from '../testing/fixtures';
import { compareRounds, pythonFiles, roundsCases } from '../testing/rounds';
import { loadConfig } from '../config/apply';

const root = path.join(__dirname, '..', '..');

describe('rounds after the first: the shortcut equals running every pass every round', () => {
  const fixtures = fs
    .readdirSync(path.join(root, 'transforms'), { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(root, 'transforms', d.name, 'fixtures')))
    .flatMap((d) => pythonFiles(path.join(root, 'transforms', d.name, 'fixtures')).map((f) => `transforms/${d.name}/fixtures/${f}`))
    .filter((f) => f.endsWith('.input.py'));

  it('finds the fixtures', () => expect(fixtures.length).toBeGreaterThanOrEqual(20));
  for (const f of fixtures) {
    it(f, () => {
      const text = fs.readFileSync(path.join(root, f), 'utf8');
      const { mappings } = fixtureOptions(text);
      for (const c of roundsCases(mappings)) expect(compareRounds(text, path.basename(f), c)).toBeUndefined();
    });
  }

  const samples = fs.readdirSync(path.join(root, 'golden')).filter((d) => fs.existsSync(path.join(root, 'golden', d, 'input')));
  it('finds the golden samples', () => expect(samples.length).toBeGreaterThanOrEqual(5));
  for (const s of samples) {
    it(`golden/${s}`, () => {
      const input = path.join(root, 'golden', s, 'input');
      const mappings = loadConfig(input, {})?.mappings;
      const files = pythonFiles(input);
      expect(files.length).toBeGreaterThan(0);
      for (const rel of files) {
        const text = fs.readFileSync(path.join(input, rel), 'utf8');
        for (const c of roundsCases(mappings && Object.keys(mappings).length > 0 ? mappings : undefined)) expect(compareRounds(text, rel, c)).toBeUndefined();
      }
    });
  }
});
