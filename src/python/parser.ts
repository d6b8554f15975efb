/**
 * The one tree-sitter parser of a thread, and compiled queries (compiled once, cached).
 */
import Parser = require('tree-sitter');
import Python = require('tree-sitter-python');
import { releaseTree, whenTreesReleased } from './tree-cache';
import { freeNativeTree, helperCopyDiffers, MirrorTree, nativeHelper, setNodeTypeInfo, useNativeHelper, type SyntaxNode as MirrorNode } from './mirror';
import { nativeTrees, type NativeTree, type NativeTrees, type OwnTree } from './native-trees';
import { loneCrAsLf } from './source';

/** Nodes and trees as the engine reads them: a JS copy of tree-sitter's (src/python/mirror.ts). */
export type SyntaxNode = MirrorNode;
export type Tree = MirrorTree;
export type QueryCapture = Parser.QueryCapture;
export type QueryMatch = Parser.QueryMatch;

let parser: Parser | undefined;
const queries = new Map<string, Parser.Query>();

function getParser(): Parser {
  if (!parser) {
    const p = (parser = new Parser());
    p.setLanguage(Python as unknown as Parser.Language);
    setNodeTypeInfo((Python as unknown as { nodeTypeInfo?: [] }).nodeTypeInfo);
    useNativeHelper(nativeTrees((h) => checkHelper(h, p)));
  }
  return parser;
}

/** How many trees of this thread still hold their binding tree (0 once a file is done). */
export function liveTreeCount(): number {
  let n = 0;
  for (const r of live) if (r.deref()?.native) n++;
  return n;
}

/** Is the native helper in use on this thread (trees freed on request, copied in one call)? */
export function treesFreedOnRequest(): boolean {
  getParser();
  return nativeHelper() !== undefined;
}

/**
 * The native helper's check before use: its copy of a sample tree (fields,
 * ERROR and MISSING nodes, characters outside the BMP, CRLF) must be the walk
 * through the binding's, node by node, and a deleted tree must read as deleted;
 * its own parse of the sample, and its incremental reparse after an edit, must
 * be the binding's trees; its syntax check must answer as the binding's trees
 * do for the sample, for the sample without its errors, and decline a lone '\r'.
 */
function checkHelper(h: NativeTrees, p: Parser): string | undefined {
  const tree = p.parse(CHECK_SAMPLE);
  const differs = helperCopyDiffers(h, tree, CHECK_SAMPLE);
  if (differs) return differs;
  if (!h.deleteTree(tree) || h.deleteTree(tree)) return 'deleteTree';
  // its own parse and reparse (parseText, editTree) make the trees the binding makes
  const own = h.parseText(Python, CHECK_SAMPLE);
  try {
    const bindingTree = p.parse(CHECK_SAMPLE);
    if (!sameBuffers(h.exportTree(own), h.exportTree(bindingTree)) || h.treeHasError(own) !== true) return 'parseText';
    const next = 'import os\n' + CHECK_SAMPLE;
    const edit = { startIndex: 0, oldEndIndex: 0, newEndIndex: 10, startPosition: { row: 0, column: 0 }, oldEndPosition: { row: 0, column: 0 }, newEndPosition: { row: 1, column: 0 } };
    bindingTree.edit(edit);
    h.editTree(own, packedEdits([edit]));
    const ownNext = h.parseText(Python, next, own);
    const same = sameBuffers(h.exportTree(ownNext), h.exportTree(p.parse(next, bindingTree)));
    h.deleteTree(ownNext);
    if (!same) return 'parseText, incrementally';
  } finally {
    h.deleteTree(own);
  }
  const clean = CHECK_SAMPLE.slice(0, CHECK_SAMPLE.indexOf('if (:'));
  const answers = [CHECK_SAMPLE, clean].map((t) => (p.parse(t).rootNode.hasError ? 1 : 0));
  if (answers[0] !== 1 || answers[1] !== 0) return 'the sample trees';
  const utf8 = new TextEncoder();
  if (
    h.syntaxCheck(Python, utf8.encode(CHECK_SAMPLE)) !== answers[0] ||
    h.syntaxCheck(Python, utf8.encode(clean)) !== answers[1] ||
    h.syntaxCheck(Python, utf8.encode('x = 1\ry = 2\n')) !== 2
  ) {
    return 'syntaxCheck';
  }
  return undefined;
}
function sameBuffers(a: ArrayBuffer, b: ArrayBuffer): boolean {
  return Buffer.from(a).equals(Buffer.from(b));
}

const CHECK_SAMPLE =
  '# \u{1F600} \u00e9\r\nimport torch as th\nx = th.cuda.device_count() if a else f"cuda:{r!r:>{w}}"\n' +
  'def f(a, *, b=1) -> int:\n    return {k: v for k, v in a.items()}[b]\n' +
  'class C(B, metaclass=M):\n    @d\n    def g(self): print(self, x[1:2, ...], lambda: (yield))\n' +
  's = "\u{1F680}"; t = s[0]\nif (:\n  y = [1,\nfoo(a b)\n';

/**
 * The last text parsed on this thread and its tree: the analysis and the
 * conversion of one file parse the same decoded text one after the other, so
 * the second parse is answered from here. `reparse`, which edits a tree in
 * place, and `releaseTrees` (a file is done) empty it.
 */
let last: { text: string; tree: Tree } | undefined;
/**
 * The trees parsed on this thread that still hold their binding tree: a
 * file's trees are let go when it is done (`releaseTrees`), and with the
 * native helper their memory is freed then and there, without a GC. Held
 * weakly: a caller that never says it is done (a library user of the
 * pipeline) leaves them to the GC, as without the helper. (A WeakRef keeps
 * its target alive until the current job ends: a caller converting many
 * files in one synchronous loop keeps every tree until it returns to the
 * event loop, as scripts/check-rounds.ts does after each file.)
 */
const live = new Set<WeakRef<Tree>>();
const refOf = new WeakMap<Tree, WeakRef<Tree>>();
function hold(tree: Tree): void {
  const r = new WeakRef(tree);
  refOf.set(tree, r);
  live.add(r);
  if (live.size > 4096) for (const x of live) if (!x.deref()) live.delete(x);
}
function letGo(tree: Tree): void {
  const r = refOf.get(tree);
  if (r) live.delete(r);
}
whenTreesReleased(() => {
  last = undefined;
  for (const r of live) r.deref()?.releaseNative();
  live.clear();
});
let charsParsed = 0;

/**
 * Characters parsed on this thread so far. Trees live in native memory that
 * V8 does not see, so without the native helper a long run can grow by every
 * tree it ever built before a major GC happens to run; the pool then uses this
 * count to ask for one now and then.
 */
export function parsedChars(): number {
  return charsParsed;
}

/**
 * Above this many characters, a text edited across most of its length is
 * parsed afresh rather than incrementally (`parsesAfresh`).
 */
const FRESH_PARSE_MIN_CHARS = 1 << 20;

/**
 * What tree-sitter reads: the text with each lone '\r' (an old Mac line ending,
 * which CPython's tokenizer accepts as a newline and tree-sitter-python does
 * not) replaced by '\n'. Same length, so every offset stays valid; the engine
 * keeps and edits the original text, and `withText` makes node.text read it.
 */
function lexable(text: string): string {
  return loneCrAsLf(text);
}

/**
 * Parse Python source text (without BOM). `from`: the tree of the text that
 * `edits` turned into this one (let go with `dropTree`), whose copy the new
 * tree's copy may take unchanged statements from (src/python/mirror.ts).
 */
export function parse(text: string, from?: { old: Tree; edits: readonly TextEdit[] }): Tree {
  if (last && last.text === text) return last.tree;
  charsParsed += text.length;
  const input = lexable(text);
  const native = parseNative(input);
  // node texts are cut from the original text (its '\r' line endings kept), rows counted in `input`
  const tree = new MirrorTree(native, text, input, from);
  hold(tree);
  last = { text, tree };
  return tree;
}

/**
 * True when `text` is known to parse without an error without making its tree:
 * the native helper parses `utf8` (the text's UTF-8 bytes, without a BOM) in C
 * and frees the tree at once (native/trees.cc, `syntaxCheck`), about a quarter
 * cheaper than a parse through the binding, which also builds the JS string's
 * UTF-16 copy and a Tree object. For a caller that needs nothing but that
 * answer (the cheap path). False when it is not known that way: a tree of the
 * text is already at hand (`parse` answers from it for free), the helper is
 * not in use, the text has a lone '\r', or it has an error; the caller then
 * parses as always.
 */
export function knownClean(text: string, utf8: Uint8Array): boolean {
  if (last && last.text === text) return false;
  getParser();
  const helper = nativeHelper();
  return helper !== undefined && helper.syntaxCheck(Python, utf8) === 0;
}

/**
 * A native tree of `input` (from `old`, edited to describe it, incrementally):
 * with the native helper its own parse (native/trees.cc parseText: the text in
 * one piece, the file's trees in one arena); else the binding's, which reads a
 * JS string in chunks (a larger buffer makes big files cheaper to hand over).
 */
function parseNative(input: string, old?: NativeTree): NativeTree {
  const p = getParser();
  const helper = nativeHelper();
  if (helper) return helper.parseText(Python, input, old as OwnTree | undefined);
  return p.parse(input, old as Parser.Tree | undefined, { bufferSize: Math.max(input.length + 1, 32 * 1024) });
}

/**
 * Whether `reparse` would parse the new text afresh: a large text (a tree of
 * over 50 MB of native memory) whose edits span most of it. tree-sitter
 * re-reads most of it anyway (on a 2 MB file changed on most lines, a fresh
 * parse costs the same as an incremental one), and a caller that knows this
 * can let the old tree go first (`dropTree`). Smaller texts are always reparsed
 * incrementally, edit by edit (12 % less parse time on training code).
 */
export function parsesAfresh(oldText: string, edits: readonly TextEdit[]): boolean {
  if (edits.length === 0 || oldText.length < FRESH_PARSE_MIN_CHARS) return false;
  return edits[edits.length - 1].end - edits[0].start > FRESH_PARSE_SPAN * oldText.length;
}

/**
 * The engine is done with `tree` (it parses the next text afresh): forget
 * everything kept about it and free its native memory now (with the native
 * helper; without it, the binding frees it in a finalizer that Node runs on a
 * later turn of the event loop after a GC, so not before the file is done).
 * Its JS copy, if made, stays readable.
 */
export function dropTree(tree: Tree): void {
  if (last?.tree === tree) last = undefined;
  releaseTree(tree);
  letGo(tree);
  tree.releaseNative();
}

/** A replacement of `[start, end)` of the old text by `content`. */
export interface TextEdit {
  start: number;
  end: number;
  content: string;
}

/**
 * Parse `newText`, the result of applying sorted, non-overlapping `edits` to
 * the text of `oldTree`, reusing the unchanged parts of `oldTree`
 * (tree-sitter's incremental parsing). `oldTree` is edited in place and must
 * not be used afterwards: its nodes' positions now describe `newText`.
 */
export function reparse(oldTree: Tree, oldText: string, edits: readonly TextEdit[], newText: string): Tree {
  if (edits.length === 0) return oldTree;
  last = undefined;
  releaseTree(oldTree); // what was cached about it describes the old text
  // rows as tree-sitter counted them: in the texts it read
  const oldInput = lexable(oldText);
  const newInput = lexable(newText);
  const fresh = parsesAfresh(oldText, edits);
  letGo(oldTree);
  const old = oldTree.takeNative(); // edited into the new text's: no use for anything else
  if (!old) throw new Error('reparse: the old tree was released');
  if (fresh) freeNativeTree(old);
  else {
    // one call per edit, the last first (so that each is described in the old
    // text's terms): tree-sitter then re-reads only around the edits. (The
    // binding updates every node object it has handed out on each call; the
    // engine reads the mirror, so there are none.)
    const described = treeEdits(oldInput, edits, newInput);
    const helper = nativeHelper();
    if (helper) helper.editTree(old as OwnTree, packedEdits(described));
    else for (let i = described.length - 1; i >= 0; i--) (old as Parser.Tree).edit(described[i]);
  }
  charsParsed += newText.length;
  // the new copy takes the old one's unchanged top-level statements as they are (mirror.ts)
  const tree = new MirrorTree(parseNative(newInput, fresh ? undefined : old), newText, newInput, { old: oldTree, edits });
  if (!fresh) freeNativeTree(old); // the new tree holds what it reuses of the old one
  hold(tree);
  last = { text: newText, tree };
  return tree;
}

/** tree-sitter's descriptions of sorted, non-overlapping edits, each in the old text's rows and columns. */
function treeEdits(oldInput: string, edits: readonly TextEdit[], newInput: string): Parser.Edit[] {
  const out: Parser.Edit[] = [];
  let row = 0;
  let lineStart = 0;
  let at = 0; // rows and lineStart describe the text before `at`
  const advance = (to: number) => {
    for (let i = oldInput.indexOf('\n', at); i !== -1 && i < to; i = oldInput.indexOf('\n', i + 1)) {
      row++;
      lineStart = i + 1;
    }
    at = to;
  };
  let delta = 0;
  for (const e of edits) {
    advance(e.start);
    const startPosition = { row, column: e.start - lineStart };
    advance(e.end);
    const oldEndPosition = { row, column: e.end - lineStart };
    const content = newInput.slice(e.start + delta, e.start + delta + e.content.length);
    const inserted = pointAt(content, content.length);
    const newEndPosition =
      inserted.row === 0 ? { row: startPosition.row, column: startPosition.column + content.length } : { row: startPosition.row + inserted.row, column: inserted.column };
    out.push({ startIndex: e.start, oldEndIndex: e.end, newEndIndex: e.start + e.content.length, startPosition, oldEndPosition, newEndPosition });
    delta += e.content.length - (e.end - e.start);
  }
  return out;
}

/** `treeEdits`' descriptions as the helper's editTree takes them: 9 numbers each (native/trees.cc). */
export function packedEdits(described: readonly Parser.Edit[]): Uint32Array {
  const out = new Uint32Array(described.length * 9);
  described.forEach((d, k) => {
    out.set(
      [d.startPosition.row, d.startPosition.column, d.oldEndPosition.row, d.oldEndPosition.column, d.newEndPosition.row, d.newEndPosition.column, d.startIndex, d.oldEndIndex, d.newEndIndex],
      9 * k,
    );
  });
  return out;
}

/** Edits spanning more than this share of the old text: parse afresh instead of incrementally. */
const FRESH_PARSE_SPAN = 0.5;

/** Row and column (UTF-16 units) of `offset`, counting from a known point `from` at `fromOffset`. */
function pointAt(text: string, offset: number, fromOffset = 0, from: Parser.Point = { row: 0, column: 0 }): Parser.Point {
  let row = from.row;
  let lineStart = fromOffset - from.column;
  for (let i = text.indexOf('\n', fromOffset); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    row++;
    lineStart = i + 1;
  }
  return { row, column: offset - lineStart };
}

/** A tree-sitter query, compiled on first use and kept for the life of the thread. */
export function query(source: string): Parser.Query {
  let q = queries.get(source);
  if (!q) {
    q = new Parser.Query(Python as unknown as Parser.Language, source);
    queries.set(source, q);
  }
  return q;
}

export interface SyntaxErrors {
  count: number;
  /** 1-based line of the first error, if any. */
  firstLine?: number;
}

/** Count ERROR and MISSING nodes (cheap when the tree has none). */
export function syntaxErrors(tree: Tree): SyntaxErrors {
  if (!tree.hasError) return { count: 0 };
  const root = tree.rootNode;
  let count = 0;
  let firstLine: number | undefined;
  const cursor = root.walk();
  let done = false;
  while (!done) {
    const node = cursor.currentNode;
    const bad = node.type === 'ERROR' || node.isMissing;
    if (bad) {
      count++;
      if (firstLine === undefined) firstLine = node.startPosition.row + 1;
    }
    // descend only where errors can be
    if (!bad && node.hasError && cursor.gotoFirstChild()) continue;
    while (!cursor.gotoNextSibling()) {
      if (!cursor.gotoParent()) {
        done = true;
        break;
      }
    }
  }
  return { count, firstLine };
}
