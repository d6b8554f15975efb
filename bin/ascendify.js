#!/usr/bin/env node
'use strict';
// Entry point of the `ascendify` command. The TypeScript sources are compiled to
// dist/ by `npm ci` / `npm install` (the "prepare" script); if dist/ is missing
// (for example after `npm ci --ignore-scripts`), build it once here.
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const cli = path.join(root, 'dist', 'src', 'cli.js');
if (!fs.existsSync(cli)) {
  const { execFileSync } = require('node:child_process');
  process.stderr.write('ascendify: dist/ is missing, building it once (npm run build)...\n');
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.build.json')], {
    stdio: 'inherit',
  });
}
require(cli)
  .main(process.argv.slice(2))
  .then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      process.stderr.write(`ascendify: internal error: ${(err && err.stack) || err}\n`);
      process.exitCode = 3;
    },
  );
