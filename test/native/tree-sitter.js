// Jest evaluates modules afresh for every test file, which breaks tree-sitter's
// native bindings (tree-sitter/node-tree-sitter#53 and #181: `tree.rootNode`
// becomes undefined). Load the native packages once per worker process with
// Node's own loader, by absolute path so jest's moduleNameMapper does not loop.
const Module = require('node:module');
const path = require('node:path');

module.exports = Module._load(path.join(__dirname, '..', '..', 'node_modules', 'tree-sitter', 'index.js'));
