/**
 * Scaffold a pass: `npm run new-pass -- <id>` writes transforms/<id>/<id>.ts,
 * <id>.test.ts and fixtures/basic.input.py. Then add one line to
 * transforms/index.ts and a section to docs/passes.md.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

function camel(id: string): string {
  return id.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

function main(id: string | undefined): void {
  if (!id || !/^[a-z0-9]+(-[a-z0-9]+)*$/.test(id)) {
    process.stderr.write('usage: npm run new-pass -- <kebab-case-id>\n');
    process.exitCode = 3;
    return;
  }
  let root = __dirname;
  while (!fs.existsSync(path.join(root, 'transforms', 'index.ts'))) root = path.dirname(root);
  const dir = path.join(root, 'transforms', id);
  if (fs.existsSync(dir)) throw new Error(`transforms/${id} exists`);
  fs.mkdirSync(path.join(dir, 'fixtures'), { recursive: true });
  const name = camel(id);
  fs.writeFileSync(
    path.join(dir, `${id}.ts`),
    `/**
 * ${id}: <one line: what it converts>.
 *
 *   <before>   →   <after>
 *
 * Why: <the torch_npu fact, with its ascend-facts.md section>.
 * Safety: <safe / unsafe / manual, and when>.
 */
import type { Pass } from '../../src/core/pass';

export const ${name}: Pass = {
  id: '${id}',
  summary: '<one line for \`ascendify passes\`>',
  levels: ['safe'],
  triggers: /<a token every convertible file contains>/,
  // rounds: 'reacts', // only if it reads what fixes produce (src/core/pass.ts); the pass tester says when
  run(ctx) {
    // look at ctx.root / ctx.bindings, then ctx.report({ message, start, end, fix: { edits, safety } })
    void ctx;
  },
};
`,
  );
  fs.writeFileSync(
    path.join(dir, `${id}.test.ts`),
    `import * as path from 'node:path';
import { runPassCases } from '../../src/testing/pass-tester';
import { runFixtures } from '../../src/testing/fixtures';
import { ${name} } from './${id}';

runPassCases(${name}, {
  valid: [
    // code that must not change: comments, docstrings, log text, look-alikes, already migrated code
  ],
  invalid: [
    // { code: '...', output: '...', changes: ['...'] }
  ],
});

runFixtures(${name}, path.join(__dirname, 'fixtures'));
`,
  );
  fs.writeFileSync(path.join(dir, 'fixtures', 'basic.input.py'), 'import torch\n');
  process.stdout.write(
    `created transforms/${id}/\nnext: register it in transforms/index.ts (import + one array entry),\n` +
      `document it in docs/passes.md (## ${id}), write its cases, then UPDATE_FIXTURES=1 npx jest transforms/${id}\n`,
  );
}

main(process.argv[2]);
