/**
 * ValueFlow walks each scope once for all names (`collectAll`) instead of once
 * per scope and name (`collect`, kept as the reference). Both must say the same
 * about every name a scope mentions: checked on every scope (module, function,
 * lambda, class) of the golden inputs, the pass fixtures and a share of the
 * CPython standard library.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse, type SyntaxNode } from '../src/python/parser';
import { collect, collectAll, type ScopeInfo } from '../transforms/nccl-to-hccl/value-flow';
import { pyFiles, stdlibDir } from './python';

const SCOPES = ['module', 'function_definition', 'lambda', 'class_definition'];
const show = (i: ScopeInfo | undefined) =>
  i ? `${i.bound ? 'b' : ''}${i.opaque ? 'o' : ''}${i.global ? 'g' : ''}[${i.values.map((v) => v.id).join(',')}]` : '[]';

function disagreements(file: string): string[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  } catch {
    return [];
  }
  if (text.length > 300_000) return [];
  const root = parse(text).rootNode;
  const out: string[] = [];
  const scopes: SyntaxNode[] = [root, ...root.descendantsOfType(SCOPES.slice(1))];
  for (const scope of scopes) {
    const table = collectAll(scope);
    const names = new Set(scope.descendantsOfType('identifier').map((i) => i.text));
    for (const name of [...names].slice(0, 400)) {
      const a = show(table.get(name));
      const b = show(collect(scope, name));
      if (a !== b) out.push(`${file}:${scope.startPosition.row + 1} ${scope.type} ${name}: collectAll ${a}, collect ${b}`);
    }
    for (const name of table.keys()) if (!names.has(name)) out.push(`${file}: ${name} in the table but not in the scope`);
    if (out.length > 10) break;
  }
  return out;
}

describe('ValueFlow: one walk per scope answers like one walk per name', () => {
  const root = path.resolve(__dirname, '..');

  it('on golden inputs and pass fixtures', () => {
    const files = [...pyFiles(path.join(root, 'golden')), ...pyFiles(path.join(root, 'transforms'))];
    expect(files.length).toBeGreaterThan(20);
    expect(files.flatMap(disagreements)).toEqual([]);
  });

  it('on the CPython standard library (every 16th file, for time)', () => {
    const files = pyFiles(stdlibDir()).filter((_, i) => i % 16 === 0);
    expect(files.length).toBeGreaterThan(30);
    expect(files.flatMap(disagreements).slice(0, 10)).toEqual([]);
  });
});
