// exportTree's walk over a tree's subtrees (export.c), called by trees.cc.
#ifndef ASCENDIFY_EXPORT_H
#define ASCENDIFY_EXPORT_H

#include <stddef.h>
#include <stdint.h>

#include "tree_sitter/api.h"

#ifdef __cplusplus
extern "C" {
#endif

#define ASCENDIFY_NAMED 1
#define ASCENDIFY_MISSING 2
#define ASCENDIFY_HAS_ERROR 4

// The arrays of exportTree's buffer (trees.cc says the layout), each n long.
typedef struct {
  uint32_t *starts;
  uint32_t *ends;
  int32_t *parents;
  int32_t *subtree_ends;
  uint16_t *symbols;
  uint8_t *flags;
  uint8_t *fields;
} AscendifyExport;

// Fill `out` with the tree's visible nodes in document order (positions in
// UTF-16 units: the tree was parsed from UTF-16), skipping the statements of
// `skips` as trees.cc describes. Returns the number of nodes written (n when
// the walk and the root's descendant count agree), -1 when the tree has more
// than n, -2 when out of memory.
int64_t ascendify_export_tree(const TSTree *tree, uint32_t n, const AscendifyExport *out, const uint32_t *skips, size_t skip_count,
                              const uint8_t *holders, int32_t *taken);

#ifdef __cplusplus
}
#endif

#endif
