// See tree-sitter.js: the grammar must come from the same process-wide loader.
const Module = require('node:module');
const path = require('node:path');

module.exports = Module._load(path.join(__dirname, '..', '..', 'node_modules', 'tree-sitter-python', 'bindings', 'node', 'index.js'));
