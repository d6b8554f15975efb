/**
 * Fixture pairs, after jscodeshift: `fixtures/<case>.input.py` → `<case>.output.py`.
 *
 * A first line `# ascendify-fixture: --unsafe --transfer-to-npu` sets options
 * (`--mapping old.name=new.name`, repeated: the project config's [mappings]).
 * `UPDATE_FIXTURES=1 npx jest <pass>` writes the outputs; read them in
 * `git diff` before committing, like any code.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Pass } from '../core/pass';
import { parse, syntaxErrors } from '../python/parser';
import { convertWith, type CaseOptions } from './pass-tester';

export function fixtureOptions(code: string): CaseOptions {
  const m = /^# ascendify-fixture:(.*)$/m.exec(code.split(/\r?\n/, 1)[0]);
  const flags = m ? m[1].trim().split(/\s+/) : [];
  const mappings: Record<string, string> = {};
  flags.forEach((f, i) => {
    if (f !== '--mapping') return;
    const [from, to] = (flags[i + 1] ?? '').split('=');
    mappings[from] = to;
  });
  return {
    unsafe: flags.includes('--unsafe'),
    transferToNpu: flags.includes('--transfer-to-npu'),
    ...(Object.keys(mappings).length > 0 ? { mappings } : {}),
  };
}

export function runFixtures(pass: Pass, dir: string): void {
  const inputs = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.input.py')).sort() : [];
  describe(`${pass.id} fixtures`, () => {
    it('has at least one fixture pair', () => expect(inputs.length).toBeGreaterThan(0));
    for (const input of inputs) {
      const name = input.slice(0, -'.input.py'.length);
      it(name, () => {
        const code = fs.readFileSync(path.join(dir, input), 'utf8');
        const opts = fixtureOptions(code);
        const r = convertWith(pass, code, opts);
        expect(r.notes).toEqual([]);
        const outPath = path.join(dir, `${name}.output.py`);
        if (process.env.UPDATE_FIXTURES === '1') fs.writeFileSync(outPath, r.output);
        expect(fs.existsSync(outPath)).toBe(true);
        expect(r.output).toBe(fs.readFileSync(outPath, 'utf8'));
        expect(syntaxErrors(parse(r.output)).count).toBe(0);
        expect(convertWith(pass, r.output, opts).output).toBe(r.output);
      });
    }
  });
}
