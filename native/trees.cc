// ascendify's native helper for the tree-sitter binding's trees
// (src/python/native-trees.ts says why; docs/performance.md has the numbers).
//
//   deleteTree(tree)       free the tree's native memory now (the binding frees
//                          it only in a finalizer, after a GC); the tree must
//                          not be used afterwards (the engine never does)
//   exportTree(tree)       the whole visible tree, in document order, in one
//                          ArrayBuffer (see the layout below; walked by export.c)
//   symbolName(tree, s)    a symbol's type name, whether it is named
//   fieldName(tree, f)     a field id's name
//   syntaxCheck(lang, b)   whether UTF-8 bytes parse without an error, without
//                          making a Tree object (the cheap path's syntax check)
//   parseText(lang, s, old?)  parse a JS string (incrementally from `old`) into
//                          a tree of the helper's own (below)
//   editTree(tree, edits)  tree-sitter's edit of such a tree, for a reparse
//   treeHasError(tree)     whether the tree holds an ERROR or MISSING node
//   epochState()           the arena's state on this thread (tests)
//
// A tree is the binding's `Tree` object, recognised by the binding's type tag
// and read through the binding's own header (tree.h, compiled from the
// installed package), so the layout read is the binding's; or one the helper
// parsed itself (parseText), with the same runtime sources and language: the
// engine's trees when the helper is in use (a file's trees in one arena).
#include <napi.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <vector>

#include "tree.h"
#include "tree_sitter/api.h"
#include "export.h"

namespace {

// ---- the arena: a file's trees in one block ----
//
// About a quarter of a parse is malloc and free (the parser allocates every
// subtree and stack node; deleting a tree walks them all again). The trees the
// helper parses itself (parseText, syntaxCheck) belong to an *epoch*: it
// begins with the first such tree when none is alive, and ends when the last
// one is deleted. During an epoch this thread's allocations from this runtime
// (the helper's own copy of tree-sitter, runtime.c; the binding's copy is not
// affected) come from one block, and free() of a pointer inside it is a no-op;
// when the epoch ends the block is simply reset. The epoch's parser is made at
// its start and deleted at its end (a parser keeps freed subtrees for reuse,
// so it must not outlive the block). What does not fit goes to malloc; trees
// deleted after that are deleted as usual. The engine deletes every tree of a
// file when the file is done (parser.ts, releaseTrees), so an epoch is a file.
struct Arena {
  char *base = nullptr;
  size_t cap = 0;
  size_t used = 0;
  bool active = false;
  bool spilled = false; // an allocation did not fit and went to malloc
  ~Arena();
};
thread_local Arena arena;

// 16-byte header (the payload's size, for realloc), 16-byte alignment
constexpr size_t HEADER = 16;
// One block per thread, reserved at its first check and kept: only the pages a
// parse touches become resident (a parse allocates ~15-30 bytes per byte of
// source, up to 64 on dense generated code: 11 MB for the largest standard
// library module, 756 KB), and they stay warm for the next file. What does not
// fit goes to malloc (and the tree is then deleted as usual).
constexpr size_t ARENA_SIZE = size_t(16) << 20;

bool InArena(const void *p) {
  const char *c = static_cast<const char *>(p);
  return arena.base != nullptr && c >= arena.base && c < arena.base + arena.cap;
}

void *ArenaTake(size_t size) {
  if (!arena.active) return nullptr;
  const size_t rounded = (size + 15) & ~size_t(15);
  if (arena.used + HEADER > arena.cap || rounded < size || rounded > arena.cap - arena.used - HEADER) {
    arena.spilled = true;
    return nullptr;
  }
  char *p = arena.base + arena.used;
  arena.used += HEADER + rounded;
  *reinterpret_cast<size_t *>(p) = size;
  return p + HEADER;
}

// the runtime's own out-of-memory rule (alloc.c): say so and abort
void *OrAbort(void *p, size_t size) {
  if (size > 0 && p == nullptr) {
    fprintf(stderr, "tree-sitter failed to allocate %zu bytes", size);
    abort();
  }
  return p;
}

void *ArenaMalloc(size_t size) {
  void *p = ArenaTake(size);
  return p ? p : OrAbort(std::malloc(size), size);
}

void *ArenaCalloc(size_t count, size_t size) {
  if (size != 0 && count > SIZE_MAX / size) return OrAbort(nullptr, SIZE_MAX);
  void *p = ArenaTake(count * size);
  if (p) return memset(p, 0, count * size);
  return OrAbort(std::calloc(count, size), count * size);
}

void *ArenaRealloc(void *old, size_t size) {
  if (old == nullptr) return ArenaMalloc(size);
  if (!InArena(old)) return OrAbort(std::realloc(old, size), size);
  const size_t was = *reinterpret_cast<const size_t *>(static_cast<const char *>(old) - HEADER);
  void *p = ArenaMalloc(size);
  memcpy(p, old, was < size ? was : size);
  return p;
}

void ArenaFree(void *p) {
  if (p != nullptr && !InArena(p)) std::free(p);
}

std::once_flag allocator_set;

// tree-sitter-python's binding tags its language External with this
// (tree-sitter's src/language.cc: LANGUAGE_TYPE_TAG)
const napi_type_tag LANGUAGE_TYPE_TAG = {0x8AF2E5212AD58ABF, 0xD5006CAD83ABBA16};

// The epoch (above): its parser, and how many of its trees are alive.
struct Epoch {
  TSParser *parser = nullptr;
  size_t live = 0;
};
thread_local Epoch epoch;
// set when this thread's arena is gone (thread exit): a tree finalised after
// that is not touched (its memory went with the block)
thread_local bool arena_gone = false;

Arena::~Arena() {
  arena_gone = true;
  std::free(base);
}

// The epoch's parser, for `language`; begins an epoch when none is running.
TSParser *EpochParser(const TSLanguage *language) {
  if (epoch.parser == nullptr) {
    if (arena.base == nullptr && !arena_gone) {
      arena.base = static_cast<char *>(std::malloc(ARENA_SIZE));
      arena.cap = arena.base != nullptr ? ARENA_SIZE : 0;
    }
    arena.used = 0;
    arena.spilled = false;
    arena.active = arena.base != nullptr;
    epoch.parser = ts_parser_new();
  }
  if (ts_parser_language(epoch.parser) != language && !ts_parser_set_language(epoch.parser, language)) return nullptr;
  return epoch.parser;
}

// The epoch ends when none of its trees is alive: its parser goes, the block is reset.
void EpochEndIfIdle() {
  if (epoch.live > 0 || epoch.parser == nullptr) return;
  ts_parser_delete(epoch.parser);
  epoch.parser = nullptr;
  arena.active = false;
  arena.used = 0;
  arena.spilled = false;
}

// One of the epoch's trees is done with.
void EpochRelease(TSTree *tree) {
  if (arena_gone) return;
  // what went to malloc must be freed; what is in the block goes with the reset
  if (arena.spilled || !arena.active) ts_tree_delete(tree);
  epoch.live--;
  EpochEndIfIdle();
}

// Parse `length` bytes of `data` into a tree of the epoch (from `old`, one of
// its trees, incrementally), counted alive before any JS object is made, so
// that a finalizer run by a GC cannot end the epoch under it. `what` names the
// caller in the error when tree-sitter returns no tree.
TSTree *EpochParse(Napi::Env env, const char *what, const TSLanguage *language, const TSTree *old, const char *data, size_t length,
                   TSInputEncoding encoding) {
  TSParser *parser = EpochParser(language);
  TSTree *tree = parser == nullptr ? nullptr : ts_parser_parse_string_encoding(parser, old, data, static_cast<uint32_t>(length), encoding);
  if (tree == nullptr) {
    EpochEndIfIdle();
    throw Napi::Error::New(env, std::string(what) + ": tree-sitter returned no tree (the language's ABI version is not this runtime's?)");
  }
  epoch.live++;
  return tree;
}

// ---- trees: the binding's, and the helper's own ----

// src/tree.cc of the binding: `Tree` objects carry this tag
const napi_type_tag TREE_TYPE_TAG = {0x8AF2E5212AD58ABF, 0x7FA28BFC1966AC2D};
// the helper's own trees (parseText): an External of an OwnTree with this tag
const napi_type_tag OWN_TREE_TYPE_TAG = {0x6173636E64696679, 0x7472656573000001};

struct OwnTree {
  TSTree *tree;
};

// The helper's own tree `value` holds, or null when it is not one.
OwnTree *OwnOf(Napi::Value value) {
  if (!value.IsExternal() || !value.As<Napi::Object>().CheckTypeTag(&OWN_TREE_TYPE_TAG)) return nullptr;
  return value.As<Napi::External<OwnTree>>().Data();
}

// Where a tree argument keeps its TSTree (null once deleted), and whose it is.
struct TreeSlot {
  TSTree **tree;
  bool own;
};

TreeSlot SlotOf(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !(info[0].IsObject() || info[0].IsExternal())) throw Napi::TypeError::New(env, "expected a tree-sitter Tree");
  Napi::Value value = info[0];
  if (value.IsExternal()) {
    OwnTree *own = OwnOf(value);
    if (own == nullptr) throw Napi::TypeError::New(env, "not a tree (type tag)");
    return {&own->tree, true};
  }
  Napi::Object obj = value.As<Napi::Object>();
  if (!obj.CheckTypeTag(&TREE_TYPE_TAG)) throw Napi::TypeError::New(env, "not a tree-sitter Tree (type tag)");
  void *raw = nullptr;
  if (napi_unwrap(env, obj, &raw) != napi_ok || raw == nullptr) throw Napi::TypeError::New(env, "not a tree-sitter Tree (unwrap)");
  return {&static_cast<node_tree_sitter::Tree *>(raw)->tree_, false};
}

const TSTree *LiveTree(const Napi::CallbackInfo &info) {
  TreeSlot slot = SlotOf(info);
  if (*slot.tree == nullptr) throw Napi::Error::New(info.Env(), "the tree was deleted");
  return *slot.tree;
}

Napi::Value DeleteTree(const Napi::CallbackInfo &info) {
  TreeSlot slot = SlotOf(info);
  TSTree *tree = *slot.tree;
  if (tree == nullptr) return Napi::Boolean::New(info.Env(), false);
  *slot.tree = nullptr; // the binding's finalizer (or ours) then deletes nothing
  if (slot.own) EpochRelease(tree);
  else ts_tree_delete(tree);
  return Napi::Boolean::New(info.Env(), true);
}

const TSLanguage *LanguageOf(Napi::Env env, Napi::Value lang) {
  if (lang.IsObject() && !lang.IsExternal()) lang = lang.As<Napi::Object>().Get("language");
  if (!lang.IsExternal() || !lang.As<Napi::Object>().CheckTypeTag(&LANGUAGE_TYPE_TAG)) {
    throw Napi::TypeError::New(env, "not a tree-sitter language");
  }
  const TSLanguage *language = lang.As<Napi::External<const TSLanguage>>().Data();
  if (language == nullptr) throw Napi::TypeError::New(env, "not a tree-sitter language");
  return language;
}

// parseText(language, text, oldTree?): parse a JS string (UTF-16, as the
// binding does, so offsets are the same UTF-16 indices) on the epoch's parser;
// with `oldTree` (one of the helper's own, edited with editTree to describe
// `text`), incrementally. Returns the helper's own tree: an External that the
// other functions take like a binding Tree; deleteTree frees it (a GC does if
// nobody does). Unlike the binding, the text is handed over in one piece,
// not through a JS callback that copies the rest of the text at every seek.
Napi::Value ParseText(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[1].IsString()) throw Napi::TypeError::New(env, "parseText(language, text, oldTree?)");
  const TSLanguage *language = LanguageOf(env, info[0]);
  const TSTree *old = nullptr;
  if (info.Length() >= 3 && !info[2].IsUndefined()) {
    OwnTree *own = OwnOf(info[2]);
    if (own == nullptr) throw Napi::TypeError::New(env, "parseText: the old tree must be one parseText made");
    old = own->tree;
    if (old == nullptr) throw Napi::Error::New(env, "parseText: the old tree was deleted");
  }
  size_t length = 0;
  if (napi_get_value_string_utf16(env, info[1], nullptr, 0, &length) != napi_ok) throw Napi::Error::New(env, "parseText: cannot read the text");
  if (length > UINT32_MAX / 2 - 1) throw Napi::RangeError::New(env, "parseText: too large");
  static thread_local std::vector<char16_t> units;
  units.resize(length + 1);
  napi_get_value_string_utf16(env, info[1], units.data(), length + 1, &length);
  TSTree *tree = EpochParse(env, "parseText", language, old, reinterpret_cast<const char *>(units.data()), length * 2, TSInputEncodingUTF16LE);
  auto *own = new OwnTree{tree};
  Napi::External<OwnTree> handle = Napi::External<OwnTree>::New(env, own, [](Napi::Env, OwnTree *o) {
    if (o->tree != nullptr) EpochRelease(o->tree);
    delete o;
  });
  handle.TypeTag(&OWN_TREE_TYPE_TAG);
  return handle;
}

// editTree(tree, edits): tree-sitter's ts_tree_edit for each edit, the last
// first; `edits` is a Uint32Array of 9 numbers per edit, in UTF-16 units as
// the binding's Tree.edit takes them: start row, start column, old end row,
// old end column, new end row, new end column, start index, old end index,
// new end index (edits sorted by start, each in the old text's terms).
Napi::Value EditTree(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  TreeSlot slot = SlotOf(info);
  if (!slot.own) throw Napi::TypeError::New(env, "editTree: a tree parseText made");
  if (*slot.tree == nullptr) throw Napi::Error::New(env, "the tree was deleted");
  if (info.Length() < 2 || !info[1].IsTypedArray() || info[1].As<Napi::TypedArray>().TypedArrayType() != napi_uint32_array) {
    throw Napi::TypeError::New(env, "editTree: expected a Uint32Array of edits");
  }
  Napi::Uint32Array e = info[1].As<Napi::Uint32Array>();
  if (e.ElementLength() % 9 != 0) throw Napi::TypeError::New(env, "editTree: 9 numbers per edit");
  for (size_t k = e.ElementLength() / 9; k-- > 0;) {
    const uint32_t *d = e.Data() + 9 * k;
    TSInputEdit edit;
    edit.start_point = {d[0], d[1] * 2};
    edit.old_end_point = {d[2], d[3] * 2};
    edit.new_end_point = {d[4], d[5] * 2};
    edit.start_byte = d[6] * 2;
    edit.old_end_byte = d[7] * 2;
    edit.new_end_byte = d[8] * 2;
    ts_tree_edit(*slot.tree, &edit);
  }
  return env.Undefined();
}

// epochState(): [trees of the epoch alive, bytes of the arena in use] on this
// thread (tests: the engine ends every epoch when a file is done).
Napi::Value EpochState(const Napi::CallbackInfo &info) {
  Napi::Array out = Napi::Array::New(info.Env(), 2);
  out.Set(0u, Napi::Number::New(info.Env(), static_cast<double>(epoch.live)));
  out.Set(1u, Napi::Number::New(info.Env(), static_cast<double>(arena.used)));
  return out;
}

// treeHasError(tree): whether the tree holds an ERROR or MISSING node.
Napi::Value TreeHasError(const Napi::CallbackInfo &info) {
  return Napi::Boolean::New(info.Env(), ts_node_has_error(ts_tree_root_node(LiveTree(info))));
}

// Layout of exportTree's buffer for n nodes (node i: the i-th visible node in
// document order, node 0 the root), each array n long, one after the other:
//   Uint32 starts, Uint32 ends (UTF-16 indices: the binding parses UTF-16),
//   Int32 parents (-1 for the root), Int32 subtreeEnds (index after i's subtree),
//   Uint16 symbols, Uint8 flags (NAMED | MISSING | HAS_ERROR), Uint8 fields (field id, 0 none)
//
// Optional arguments: statements the caller already has a copy of (from the
// tree this one was reparsed from), which the walk then does not descend:
//   skips    Uint32Array, 4 per statement, sorted by start: start, end, symbol,
//            node count of its subtree
//   holders  Uint8Array indexed by symbol: 1 for the symbols whose children are
//            statements (module, block)
//   taken    Int32Array, one per statement: set to the index the statement got
//            (its slots are left for the caller to fill, except its parent and
//            field), or -1
// A statement is taken only at a child of a holder with the same start, end
// and symbol and the same number of nodes.
Napi::Value ExportTree(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  const TSTree *tree = LiveTree(info);
  const uint32_t *skips = nullptr;
  size_t skip_count = 0;
  const uint8_t *holders = nullptr;
  int32_t *taken = nullptr;
  if (info.Length() >= 4 && info[1].IsTypedArray()) {
    Napi::Uint32Array s = info[1].As<Napi::Uint32Array>();
    Napi::Uint8Array h = info[2].As<Napi::Uint8Array>();
    Napi::Int32Array t = info[3].As<Napi::Int32Array>();
    if (s.ElementLength() % 4 != 0 || t.ElementLength() != s.ElementLength() / 4 || h.ElementLength() < 65536) {
      throw Napi::TypeError::New(env, "exportTree: bad skip arrays");
    }
    skips = s.Data();
    skip_count = s.ElementLength() / 4;
    holders = h.Data();
    taken = t.Data();
    for (size_t k = 0; k < skip_count; k++) taken[k] = -1;
  }
  const uint32_t n = ts_node_descendant_count(ts_tree_root_node(tree));
  Napi::ArrayBuffer buffer = Napi::ArrayBuffer::New(env, static_cast<size_t>(n) * 20);
  uint8_t *base = static_cast<uint8_t *>(buffer.Data());
  AscendifyExport out;
  out.starts = reinterpret_cast<uint32_t *>(base);
  out.ends = out.starts + n;
  out.parents = reinterpret_cast<int32_t *>(out.ends + n);
  out.subtree_ends = out.parents + n;
  out.symbols = reinterpret_cast<uint16_t *>(out.subtree_ends + n);
  out.flags = reinterpret_cast<uint8_t *>(out.symbols + n);
  out.fields = out.flags + n;
  const int64_t count = ascendify_export_tree(tree, n, &out, skips, skip_count, holders, taken);
  if (count == -2) throw Napi::Error::New(env, "exportTree: out of memory");
  if (count != static_cast<int64_t>(n)) throw Napi::Error::New(env, "exportTree: the walk and the descendant count disagree");
  return buffer;
}

Napi::Value SymbolName(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  const TSTree *tree = LiveTree(info);
  if (info.Length() < 2 || !info[1].IsNumber()) throw Napi::TypeError::New(env, "expected a symbol");
  const TSLanguage *language = ts_tree_language(tree);
  const TSSymbol symbol = static_cast<TSSymbol>(info[1].As<Napi::Number>().Uint32Value());
  const char *name = ts_language_symbol_name(language, symbol);
  Napi::Array result = Napi::Array::New(env, 2);
  result.Set(0u, Napi::String::New(env, name ? name : ""));
  result.Set(1u, Napi::Boolean::New(env, ts_language_symbol_type(language, symbol) == TSSymbolTypeRegular));
  return result;
}

Napi::Value FieldName(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  const TSTree *tree = LiveTree(info);
  if (info.Length() < 2 || !info[1].IsNumber()) throw Napi::TypeError::New(env, "expected a field id");
  const char *name = ts_language_field_name_for_id(ts_tree_language(tree), static_cast<TSFieldId>(info[1].As<Napi::Number>().Uint32Value()));
  return name ? Napi::String::New(env, name) : env.Undefined();
}

// syntaxCheck(language, bytes): 0 when tree-sitter parses the UTF-8 `bytes`
// without an error, 1 when the tree has one, 2 when the bytes hold a lone
// '\r' (the engine parses those with '\n' in its place: src/python/parser.ts),
// so not checked. No JS string, Tree object or UTF-16 copy is made.
Napi::Value SyntaxCheck(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2) throw Napi::TypeError::New(env, "syntaxCheck(language, bytes)");
  const TSLanguage *language = LanguageOf(env, info[0]);
  if (!info[1].IsTypedArray() || info[1].As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) {
    throw Napi::TypeError::New(env, "expected the bytes in a Uint8Array");
  }
  Napi::Uint8Array bytes = info[1].As<Napi::Uint8Array>();
  const char *data = reinterpret_cast<const char *>(bytes.Data());
  const size_t length = bytes.ElementLength();
  if (length > UINT32_MAX / 2) throw Napi::RangeError::New(env, "syntaxCheck: too large");
  for (const char *p = static_cast<const char *>(memchr(data, '\r', length)); p != nullptr;
       p = static_cast<const char *>(memchr(p + 1, '\r', length - static_cast<size_t>(p + 1 - data)))) {
    if (p + 1 == data + length || p[1] != '\n') return Napi::Number::New(env, 2);
  }
  TSTree *tree = EpochParse(env, "syntaxCheck", language, nullptr, data, length, TSInputEncodingUTF8);
  const bool error = ts_node_has_error(ts_tree_root_node(tree));
  EpochRelease(tree); // ends the epoch if it began it
  return Napi::Number::New(env, error ? 1 : 0);
}

#define ASCENDIFY_STR2(x) #x
#define ASCENDIFY_STR(x) ASCENDIFY_STR2(x)

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  // this runtime's allocator: malloc, or the arena during an epoch (above)
  std::call_once(allocator_set, [] { ts_set_allocator(ArenaMalloc, ArenaCalloc, ArenaRealloc, ArenaFree); });
  // the version of the tree-sitter package whose headers this was compiled with
  exports.Set("treeSitterVersion", Napi::String::New(env, ASCENDIFY_STR(ASCENDIFY_TS_VERSION)));
  exports.Set("deleteTree", Napi::Function::New(env, DeleteTree, "deleteTree"));
  exports.Set("exportTree", Napi::Function::New(env, ExportTree, "exportTree"));
  exports.Set("symbolName", Napi::Function::New(env, SymbolName, "symbolName"));
  exports.Set("syntaxCheck", Napi::Function::New(env, SyntaxCheck, "syntaxCheck"));
  exports.Set("parseText", Napi::Function::New(env, ParseText, "parseText"));
  exports.Set("editTree", Napi::Function::New(env, EditTree, "editTree"));
  exports.Set("epochState", Napi::Function::New(env, EpochState, "epochState"));
  exports.Set("treeHasError", Napi::Function::New(env, TreeHasError, "treeHasError"));
  exports.Set("fieldName", Napi::Function::New(env, FieldName, "fieldName"));
  return exports;
}

} // namespace

NODE_API_MODULE(ascendify_trees, Init)
