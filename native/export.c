// exportTree's walk (native/trees.cc): the visible nodes of a tree in document
// order, read from tree-sitter's subtrees directly instead of through a
// TSTreeCursor. The cursor answers the same, but pays for its generality at
// every step: each move to a next sibling pops its stack entry and rebuilds a
// child iterator (alias sequence, visibility of the parent), each node is made
// as a TSNode and asked again for its alias, and each field id is found by
// walking the stack again. This walk keeps one frame per parent (hidden ones
// included) and carries what the cursor recomputes. It follows tree_cursor.c
// and node.c of the runtime it is compiled with (runtime.c) rule for rule:
//
//   a child is visible if its subtree is, or (not an extra) its parent's
//   production aliases it; a hidden child is descended only if it has visible
//   children (ts_tree_cursor_goto_first_child / goto_sibling_internal);
//   a node's symbol is its alias or its subtree's symbol, made public; named
//   from the alias's metadata or the subtree; has an error if its error cost
//   is above 0; its field is the first non-inherited field-map entry for it in
//   its parent's production, else (not an extra) the field its hidden parent
//   got the same way, up to the nearest visible ancestor
//   (ts_tree_cursor_current_field_id).
//
// The suites that compare the helper's copies with the binding's nodes
// (src/testing/mirror-suite.ts) and the helper's check before use
// (src/python/parser.ts) hold it to that.
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "src/language.h"
#include "src/subtree.h"
#include "src/tree.h"

#include "export.h"

typedef struct {
  const Subtree *children;
  uint32_t child_count;
  uint32_t child_index;
  uint32_t structural_child_index;
  uint32_t position;  // byte offset of the next child's start
  const TSSymbol *alias_sequence;
  const TSFieldMapEntry *field_map;
  const TSFieldMapEntry *field_map_end;
  int32_t visible;    // index of this frame's node if visible, else of its nearest visible ancestor
  bool hidden;
  TSFieldId inherited; // a hidden frame: the field its visible descendants get when their own lookup finds none
} Frame;

static inline TSFieldId field_at(const Frame *f, uint32_t structural_child_index) {
  for (const TSFieldMapEntry *m = f->field_map; m < f->field_map_end; m++) {
    if (!m->inherited && m->child_index == structural_child_index) return m->field_id;
  }
  return 0;
}

static void frame_of(Frame *f, const TSLanguage *language, Subtree parent, uint32_t position, int32_t visible, bool hidden, TSFieldId inherited) {
  f->children = ts_subtree_children(parent);
  f->child_count = parent.ptr->child_count;
  f->child_index = 0;
  f->structural_child_index = 0;
  f->position = position;
  f->alias_sequence = ts_language_alias_sequence(language, parent.ptr->production_id);
  ts_language_field_map(language, parent.ptr->production_id, &f->field_map, &f->field_map_end);
  f->visible = visible;
  f->hidden = hidden;
  f->inherited = inherited;
}

static inline uint8_t flags_of(Subtree s, bool named) {
  uint8_t f = named ? ASCENDIFY_NAMED : 0;
  if (ts_subtree_error_cost(s) > 0) {
    f |= ASCENDIFY_HAS_ERROR;
    if (ts_subtree_missing(s)) f |= ASCENDIFY_MISSING;
  }
  return f;
}

int64_t ascendify_export_tree(const TSTree *tree, uint32_t n, const AscendifyExport *out, const uint32_t *skips, size_t skip_count,
                              const uint8_t *holders, int32_t *taken) {
  const TSLanguage *language = tree->language;
  Subtree root = tree->root;
  if (n == 0) return -1;
  const uint32_t root_start = ts_subtree_padding(root).bytes;
  out->starts[0] = root_start / 2;
  out->ends[0] = (root_start + ts_subtree_size(root).bytes) / 2;
  out->parents[0] = -1;
  out->symbols[0] = ts_language_public_symbol(language, ts_subtree_symbol(root));
  out->flags[0] = flags_of(root, ts_subtree_named(root));
  out->fields[0] = 0;
  uint32_t count = 1;
  if (ts_subtree_child_count(root) == 0) {
    out->subtree_ends[0] = 1;
    return count;
  }

  size_t cap = 64;
  size_t depth = 0;
  Frame *stack = (Frame *)malloc(cap * sizeof(Frame));
  if (stack == NULL) return -2;
  frame_of(&stack[depth++], language, root, root_start, 0, false, 0);
  size_t next_skip = 0;

  while (depth > 0) {
    Frame *f = &stack[depth - 1];
    if (f->child_index == f->child_count) {
      if (!f->hidden) out->subtree_ends[f->visible] = (int32_t)count;
      depth--;
      continue;
    }
    Subtree child = f->children[f->child_index];
    const uint32_t start = f->position;
    const uint32_t structural_child_index = f->structural_child_index;
    const bool extra = ts_subtree_extra(child);
    TSSymbol alias = 0;
    if (!extra) {
      if (f->alias_sequence) alias = f->alias_sequence[structural_child_index];
      f->structural_child_index++;
    }
    const uint32_t end = start + ts_subtree_size(child).bytes;
    f->child_index++;
    f->position = f->child_index < f->child_count ? end + ts_subtree_padding(f->children[f->child_index]).bytes : end;

    TSFieldId field = 0;
    if (!extra) {
      field = field_at(f, structural_child_index);
      if (field == 0 && f->hidden) field = f->inherited;
    }
    const int32_t parent = f->visible;
    Frame next;
    bool descend = false;
    if (ts_subtree_visible(child) || alias != 0) {
      if (count >= n) {
        free(stack);
        return -1;
      }
      const uint32_t i = count++;
      out->starts[i] = start / 2;
      out->ends[i] = end / 2;
      out->parents[i] = parent;
      out->symbols[i] = ts_language_public_symbol(language, alias ? alias : ts_subtree_symbol(child));
      out->flags[i] = flags_of(child, alias ? ts_language_symbol_metadata(language, alias).named : ts_subtree_named(child));
      out->fields[i] = field > 255 ? 0 : (uint8_t)field;
      bool skipped = false;
      if (next_skip < skip_count) {
        while (next_skip < skip_count && skips[4 * next_skip] < out->starts[i]) next_skip++;
        const uint32_t *c = skips + 4 * next_skip;
        if (next_skip < skip_count && c[0] == out->starts[i] && c[1] == out->ends[i] && c[2] == out->symbols[i] &&
            holders[out->symbols[parent]] == 1 && ts_subtree_visible_descendant_count(child) + 1 == c[3] && c[3] >= 1 && i + c[3] <= n) {
          taken[next_skip++] = (int32_t)i;
          count = i + c[3]; // the caller fills the subtree's slots
          skipped = true;
        }
      }
      if (!skipped && ts_subtree_child_count(child) > 0) {
        frame_of(&next, language, child, start, (int32_t)i, false, 0);
        descend = true;
      } else {
        out->subtree_ends[i] = (int32_t)count;
      }
    } else if (ts_subtree_visible_child_count(child) > 0) {
      frame_of(&next, language, child, start, parent, true, field); // 0 for an extra: the cursor stops there
      descend = true;
    }
    if (descend) {
      if (depth == cap) {
        cap *= 2;
        Frame *grown = (Frame *)realloc(stack, cap * sizeof(Frame));
        if (grown == NULL) {
          free(stack);
          return -2;
        }
        stack = grown;
      }
      stack[depth++] = next;
    }
  }
  free(stack);
  return count;
}
