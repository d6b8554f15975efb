// tree-sitter's runtime, compiled from the installed binding's own copy
// (binding.gyp puts its lib/ directory on the include path): the trees this
// helper reads were made by the same sources.
#include "src/lib.c"
