// Run by `npm install` when the native helper (native/trees.cc) could not be built.
// ascendify works without it: the engine then copies trees through the binding and
// forces GCs to free them (slower, same output). See README.md, "Native helper".
console.warn('ascendify: the native helper (native/) was not built; ascendify will run without it (same output, slower).');
