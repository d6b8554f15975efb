/**
 * A JavaScript copy of a tree-sitter tree: what the passes and the analysis
 * read instead of the binding's nodes.
 *
 * Every question the engine asks a node of the binding (`type`, `parent`,
 * `childForFieldName`, `namedChildren`, ...) is a call into native code that
 * makes a new node object (1-2 µs, and garbage); the passes ask about 27 per
 * line of a training file. Here one walk of a `TreeCursor` copies the visible
 * tree (named and anonymous nodes, as the binding shows them) into typed
 * arrays, in document order: symbol, start, end, parent, end of the subtree,
 * field, flags. A node is then a `(tree, index)` pair whose answers are array
 * reads; `descendantsOfType` is a scan of the symbol array, `descendantForIndex`
 * a descent by binary search (docs/performance.md, "The JS mirror").
 *
 * The surface is the subset of the binding's `SyntaxNode` the engine uses,
 * with the same answers: `src/python/mirror.test.ts` asks the binding and the
 * mirror the same questions about every node of the golden inputs and the
 * fixtures. Positions are UTF-16 indices of the text (as the binding gives
 * them); rows and columns count as tree-sitter does in the text it read.
 *
 * The copy is made when a tree's `rootNode` is first asked for: a file no pass
 * reads (no trigger word) pays only the native parse. The native tree is kept
 * for `reparse` (incremental parsing) until the engine lets it go.
 */
import type Parser = require('tree-sitter');
import { exportedViews, type ExportedTree, type NativeTree, type NativeTrees } from './native-trees';

/** A replacement of `[start, end)` of a text by `content` (parser.ts `TextEdit`). */
interface Replacement {
  start: number;
  end: number;
  content: string;
}

export interface Point {
  row: number;
  column: number;
}

const NAMED = 1;
const MISSING = 2;
const HAS_ERROR = 4;
const ERROR_SYMBOL = 0xffff;

/**
 * Symbol → type name, named-ness and the names → symbols table, learnt from the
 * cursor the first time a symbol is seen (once per thread): a name no tree has
 * shown yet belongs to no node of any mirrored tree. The tables indexed by
 * symbol are made ERROR_SYMBOL + 1 long at once: a JS array that is given index
 * 0xffff after a few hundred small ones becomes a dictionary in V8, and every
 * `type` read (the engine's most frequent question) a hash lookup.
 */
const typeNames: string[] = new Array<string>(ERROR_SYMBOL + 1).fill('');
/** 1: the symbol is named. */
const namedSymbol = new Uint8Array(ERROR_SYMBOL + 1);
const symbolsByName = new Map<string, number[]>();
/** Masks of `descendantsOfType` by the types asked, valid while no new symbol is learnt. */
const masks = new Map<string, Uint8Array>();
let symbolsVersion = 0;
let masksVersion = 0;
/** Field id → name, and name → id, learnt the same way. */
const fieldNames: string[] = [''];
const fieldIds = new Map<string, number>();
/**
 * Symbols whose children never carry a field (from the language's node types):
 * the walk does not ask the cursor for their children's field. Anything not
 * listed (ERROR, an unknown type) is asked.
 */
let fieldless: Set<string> | undefined;

export function setNodeTypeInfo(info: readonly { type: string; named: boolean; fields?: Record<string, unknown> }[] | undefined): void {
  if (!Array.isArray(info)) return;
  fieldless = new Set(info.filter((t) => t.named && (!t.fields || Object.keys(t.fields).length === 0)).map((t) => t.type));
  fieldless.delete('ERROR');
}
/** Per symbol: 1 its children have no field, 2 they may have one (0: not known yet). */
const childFields = new Uint8Array(ERROR_SYMBOL + 1);

let nextBase = 1;

/** A node with more children than this finds the one at a position by binary search. */
const LONG_LIST = 32;

/** One tree: the binding's (kept for `reparse`) and its copy, made on first use. */
export class MirrorTree {
  /** The text node texts are cut from (the original text; see parser.ts `withText`). */
  readonly input: string;
  /** The text tree-sitter read (lone '\r' as '\n'): rows count its line breaks. */
  private readonly lexed: string;
  private nativeTree: NativeTree | undefined;
  private built = false;
  private root: SyntaxNode | undefined;
  /** id of node i is base + i: unique among every tree of the thread. */
  base = 0;
  count = 0;
  symbols!: Uint16Array;
  flags!: Uint8Array;
  fields!: Uint8Array;
  starts!: Uint32Array;
  ends!: Uint32Array;
  parents!: Int32Array;
  /** Index after the last node of i's subtree (document order): the next sibling if within the parent's. */
  subtreeEnds!: Int32Array;
  private lineStarts?: number[];
  private nativeHasError: boolean | undefined;

  /** The copy of the tree this one was parsed from, and the edits between them (see `reusable`). */
  private reuse: { old: MirrorTree; edits: readonly Replacement[] } | undefined;

  /**
   * `from`: the tree of the text before `edits` (sorted, non-overlapping) made
   * this tree's text; if it was copied, its unchanged top-level statements are
   * copied from it instead of walked again.
   */
  constructor(native: NativeTree, input: string, lexed: string, from?: { old: MirrorTree; edits: readonly Replacement[] }) {
    this.nativeTree = native;
    this.input = input;
    this.lexed = lexed;
    if (from?.old.built) this.reuse = from;
  }

  /**
   * The old tree's statements (children of the module or of a block) that no
   * edit touches, by their start in this tree's text. Without errors in either
   * tree, a statement with the same text at a statement's place parses to the
   * same subtree: it starts a logical line (or follows a `;`), with no bracket
   * open, so nothing before it changes how it is read. These are the subtrees
   * tree-sitter's incremental parse reuses; each copy is still checked against
   * the new tree (same symbol, same place, same length) before it is taken.
   * `mirror.test.ts` and test/reparse.test.ts compare such copies with fresh parses.
   */
  private reusable(): { old: MirrorTree; found: Map<number, number> } | undefined {
    const r = this.reuse;
    this.reuse = undefined; // the old copy is not kept past this build
    if (!r || (r.old.flags[0] & HAS_ERROR) !== 0) return undefined;
    const { old, edits } = r;
    const holders = statementHolders();
    const found = new Map<number, number>();
    let k = 0;
    let delta = 0;
    for (let c = 1, end = old.count; c < end; ) {
      const s = old.starts[c];
      while (k < edits.length && edits[k].end <= s) {
        delta += edits[k].content.length - (edits[k].end - edits[k].start);
        k++;
      }
      const unchanged = k === edits.length || edits[k].start >= old.ends[c];
      if (unchanged && holders[old.symbols[old.parents[c]]] === 1) {
        if (!found.has(s + delta)) found.set(s + delta, c);
        c = old.subtreeEnds[c]; // its inner statements come with it
      } else {
        c++;
      }
    }
    return found.size > 0 ? { old, found } : undefined;
  }

  /** The native tree (the helper's own, or without it the binding's), for an incremental parse; undefined once let go. */
  get native(): NativeTree | undefined {
    return this.nativeTree;
  }

  /**
   * Let the binding's tree go (the mirror, if made, stays readable). With the
   * native helper its memory is freed now; without, when a GC finds it dead.
   */
  releaseNative(): void {
    const native = this.nativeTree;
    this.nativeTree = undefined;
    if (native && helper) helper.deleteTree(native);
  }

  /** The native tree, handed over (for `reparse`, which frees it with `freeNativeTree`): this copy no longer has it. */
  takeNative(): NativeTree | undefined {
    const native = this.nativeTree;
    this.nativeTree = undefined;
    return native;
  }

  get rootNode(): SyntaxNode {
    if (!this.built) this.build();
    return (this.root ??= new SyntaxNode(this, 0));
  }

  /** Does the tree hold an ERROR or MISSING node? Without making the copy. */
  get hasError(): boolean {
    if (this.built) return (this.flags[0] & HAS_ERROR) !== 0;
    if (this.nativeHasError === undefined) {
      if (!this.nativeTree) throw new Error('mirror: the tree was released before it was read');
      this.nativeHasError = helper ? helper.treeHasError(this.nativeTree) : (this.nativeTree as Parser.Tree).rootNode.hasError;
    }
    return this.nativeHasError;
  }

  /** Row and column of a UTF-16 index, as tree-sitter counts them. */
  pointAt(index: number): Point {
    const starts = (this.lineStarts ??= lineStartsOf(this.lexed));
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= index) lo = mid;
      else hi = mid - 1;
    }
    return { row: lo, column: index - starts[lo] };
  }

  /** The index of a point (a column past its line's end counts on into the next rows, as an offset). */
  indexAt(point: Point): number {
    const starts = (this.lineStarts ??= lineStartsOf(this.lexed));
    if (point.row >= starts.length) return this.lexed.length + 1;
    return starts[point.row] + point.column;
  }

  /** Every symbol with one of these names (named and anonymous alike, as the binding matches them). */
  symbolMask(types: string | readonly string[]): Uint8Array {
    const key = typeof types === 'string' ? types : types.join(' ');
    let mask = masks.get(key);
    if (mask && masksVersion === symbolsVersion) return mask;
    if (masksVersion !== symbolsVersion) masks.clear();
    masksVersion = symbolsVersion;
    mask = new Uint8Array(ERROR_SYMBOL + 1);
    masks.set(key, mask);
    for (const t of typeof types === 'string' ? [types] : types) {
      if (t === 'ERROR') mask[ERROR_SYMBOL] = 1;
      for (const s of symbolsByName.get(t) ?? []) mask[s] = 1;
    }
    return mask;
  }

  /** The children of node i, for those with many (made on first use). */
  private childLists?: Map<number, Int32Array>;

  /** The first child of `node` that ends at or after `index` (or the end of its subtree). */
  firstEndingAtOrAfter(node: number, index: number): number {
    const lists = (this.childLists ??= new Map());
    let list = lists.get(node);
    if (!list) {
      let k = 0;
      for (let c = node + 1, end = this.subtreeEnds[node]; c < end; c = this.subtreeEnds[c]) k++;
      list = new Int32Array(k);
      k = 0;
      for (let c = node + 1, end = this.subtreeEnds[node]; c < end; c = this.subtreeEnds[c]) list[k++] = c;
      lists.set(node, list);
    }
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.ends[list[mid]] < index) lo = mid + 1;
      else hi = mid;
    }
    return lo < list.length ? list[lo] : this.subtreeEnds[node];
  }

  private build(): void {
    const native = this.nativeTree;
    if (!native) throw new Error('mirror: the tree was released before it was read');
    if (helper) {
      // one native call; the statements no edit touched are taken from the old copy, as below
      const reuse = this.hasError ? (this.reuse = undefined) : this.reusable();
      if (!reuse) {
        this.adopt(exportedViews(helper.exportTree(native)), native);
        return;
      }
      const { old, found } = reuse;
      const skips = new Uint32Array(found.size * 4);
      const from: number[] = [];
      let k = 0;
      for (const [start, c] of found) {
        skips[k++] = start;
        skips[k++] = start + old.ends[c] - old.starts[c];
        skips[k++] = old.symbols[c];
        skips[k++] = old.subtreeEnds[c] - c;
        from.push(c);
      }
      const taken = new Int32Array(from.length);
      const t = exportedViews(helper.exportTree(native, skips, statementHolders(), taken));
      for (let j = 0; j < from.length; j++) {
        if (taken[j] < 0) continue;
        copySubtree(old, from[j], t, taken[j]);
        reusedStatements++;
      }
      this.adopt(t, native);
      return;
    }
    const hasError = this.hasError;
    const reuse = hasError ? (this.reuse = undefined) : this.reusable();
    const holding = reuse ? statementHolders() : undefined;
    let cap = Math.max(64, this.input.length >> 1);
    let symbols = new Uint16Array(cap);
    let flags = new Uint8Array(cap);
    let fields = new Uint8Array(cap);
    let starts = new Uint32Array(cap);
    let ends = new Uint32Array(cap);
    let parents = new Int32Array(cap);
    let subtreeEnds = new Int32Array(cap);
    const grow = () => {
      cap *= 2;
      const g = <T extends Uint8Array | Uint16Array | Uint32Array | Int32Array>(a: T): T => {
        const b = new (a.constructor as new (n: number) => T)(cap);
        b.set(a);
        return b;
      };
      symbols = g(symbols);
      flags = g(flags);
      fields = g(fields);
      starts = g(starts);
      ends = g(ends);
      parents = g(parents);
      subtreeEnds = g(subtreeEnds);
    };
    const binding = native as Parser.Tree; // no helper: the engine's trees are the binding's
    const cursor = binding.walk();
    let n = 0;
    // the path from the root to the current node
    let path = new Int32Array(64);
    let depth = 0;
    let askField = false; // does the current node's parent have fields?
    for (;;) {
      if (n === cap) grow();
      const i = n++;
      const symbol = cursor.nodeTypeId;
      if (childFields[symbol] === 0) learnSymbol(symbol, cursor);
      symbols[i] = symbol;
      starts[i] = cursor.startIndex;
      ends[i] = cursor.endIndex;
      parents[i] = depth === 0 ? -1 : path[depth - 1];
      let f = namedSymbol[symbol] ? NAMED : 0;
      if (hasError && cursor.nodeIsMissing) f |= MISSING;
      flags[i] = f;
      if (askField) {
        const field = cursor.currentFieldId;
        if (field !== 0 && fieldNames[field] === undefined) learnField(field, cursor);
        fields[i] = field;
      }
      const same = reuse && depth > 0 && holding![symbols[path[depth - 1]]] === 1 ? reuse.found.get(starts[i]) : undefined;
      if (same !== undefined && reuse!.old.symbols[same] === symbol && reuse!.old.ends[same] - reuse!.old.starts[same] === ends[i] - starts[i]) {
        // an unchanged top-level statement: its subtree is copied, shifted
        const size = reuse!.old.subtreeEnds[same] - same;
        while (i + size > cap) grow();
        copySubtree(reuse!.old, same, { symbols, flags, fields, starts, ends, parents, subtreeEnds }, i);
        reusedStatements++;
        n = i + size;
      } else if (cursor.gotoFirstChild()) {
        if (depth === path.length) {
          const p = new Int32Array(depth * 2);
          p.set(path);
          path = p;
        }
        path[depth++] = i;
        askField = childFields[symbol] === 2;
        continue;
      } else {
        subtreeEnds[i] = n;
      }
      let done = false;
      for (;;) {
        if (depth === 0) {
          done = true; // back at the root
          break;
        }
        if (cursor.gotoNextSibling()) break;
        cursor.gotoParent();
        subtreeEnds[path[--depth]] = n;
      }
      if (done) break;
      askField = childFields[symbols[path[depth - 1]]] === 2;
    }
    if (hasError) {
      // which nodes have an error: asked of the binding along the paths that do
      // (an ERROR or MISSING node may be hidden, so it cannot be inferred from
      // the visible nodes); a subtree without one is skipped
      const c = binding.walk();
      for (let i = 0; ; ) {
        const has = c.currentNode.hasError;
        if (has) flags[i] |= HAS_ERROR;
        if (has && c.gotoFirstChild()) {
          i++;
          continue;
        }
        i = subtreeEnds[i]; // the next node in document order
        let more = true;
        while (!c.gotoNextSibling()) {
          if (!c.gotoParent()) {
            more = false;
            break;
          }
        }
        if (!more) break;
      }
    }
    this.take({ count: n, symbols, flags, fields, starts, ends, parents, subtreeEnds });
  }

  /** Take the native helper's copy of the tree (learning the symbols and fields it shows first). */
  private adopt(t: ExportedTree, native: NativeTree): void {
    const h = helper!;
    for (let i = 0; i < t.count; i++) {
      const symbol = t.symbols[i];
      if (childFields[symbol] === 0) {
        const [name, named] = symbol === ERROR_SYMBOL ? ['ERROR', true] : h.symbolName(native, symbol);
        learnSymbolNamed(symbol, name, named);
      }
      const field = t.fields[i];
      if (field !== 0 && fieldNames[field] === undefined) learnFieldNamed(field, h.fieldName(native, field) ?? '');
    }
    this.take(t);
  }

  /** The copy is made: keep its arrays (`count` long or longer) and give its nodes their ids. */
  private take(t: ExportedTree): void {
    this.count = t.count;
    this.symbols = t.symbols;
    this.flags = t.flags;
    this.fields = t.fields;
    this.starts = t.starts;
    this.ends = t.ends;
    this.parents = t.parents;
    this.subtreeEnds = t.subtreeEnds;
    this.base = nextBase;
    nextBase += t.count;
    this.built = true;
  }
}

let reusedStatements = 0;
/** Statements copied from an old copy instead of walked, on this thread so far (for tests). */
export function reusedStatementCount(): number {
  return reusedStatements;
}

/**
 * Copy the subtree of the old copy's node `from` into `to` at `at` (its start
 * already set there), shifted to its new place; the node keeps the parent and
 * field it has at `at`.
 */
function copySubtree(
  old: MirrorTree,
  from: number,
  to: Omit<ExportedTree, 'count'>,
  at: number,
): void {
  const size = old.subtreeEnds[from] - from;
  const parent = to.parents[at];
  const field = to.fields[at];
  to.symbols.set(old.symbols.subarray(from, from + size), at);
  to.flags.set(old.flags.subarray(from, from + size), at);
  to.fields.set(old.fields.subarray(from, from + size), at);
  const shift = to.starts[at] - old.starts[from];
  const move = at - from;
  for (let j = from, k = at; j < from + size; j++, k++) {
    to.starts[k] = old.starts[j] + shift;
    to.ends[k] = old.ends[j] + shift;
    to.parents[k] = old.parents[j] + move;
    to.subtreeEnds[k] = old.subtreeEnds[j] + move;
  }
  to.parents[at] = parent;
  to.fields[at] = field;
}

/** The native helper (native-trees.ts), once the parser has checked it; undefined: walk through the binding. */
let helper: NativeTrees | undefined;
export function useNativeHelper(h: NativeTrees | undefined): void {
  helper = h;
}

/**
 * The helper's check before use (parser.ts): the first difference between its
 * copy of `native` (parsed from `input`, which has no lone '\r') and the walk
 * through the binding, symbol and field names included, or undefined.
 */
export function helperCopyDiffers(h: NativeTrees, native: Parser.Tree, input: string): string | undefined {
  if (helper) throw new Error('helperCopyDiffers: the helper is in use already (the walk would not run)');
  const walked = new MirrorTree(native, input, input);
  void walked.rootNode; // the copy made by the walk (no helper yet)
  const t = exportedViews(h.exportTree(native));
  if (t.count !== walked.count) return `${t.count} nodes copied, ${walked.count} walked`;
  for (const a of ['symbols', 'flags', 'fields', 'starts', 'ends', 'parents', 'subtreeEnds'] as const) {
    for (let i = 0; i < t.count; i++) if (t[a][i] !== walked[a][i]) return `node ${i}: ${a} ${t[a][i]} instead of ${walked[a][i]}`;
  }
  for (const symbol of new Set(t.symbols)) {
    if (symbol === ERROR_SYMBOL) continue;
    const [name, named] = h.symbolName(native, symbol);
    if (name !== typeNames[symbol] || named !== (namedSymbol[symbol] === 1)) return `symbol ${symbol}: ${name}/${named} instead of ${typeNames[symbol]}/${namedSymbol[symbol] === 1}`;
  }
  for (const field of new Set(t.fields)) {
    if (field !== 0 && h.fieldName(native, field) !== fieldNames[field]) return `field ${field}: ${h.fieldName(native, field)} instead of ${fieldNames[field]}`;
  }
  return undefined;
}

/** The native helper, when this thread uses it. */
export function nativeHelper(): NativeTrees | undefined {
  return helper;
}

/** Free a native tree now if the helper can (else a GC will); it must not be used afterwards. */
export function freeNativeTree(native: NativeTree): void {
  if (helper) helper.deleteTree(native);
}

function learnSymbol(symbol: number, cursor: Parser.TreeCursor): void {
  if (symbol === ERROR_SYMBOL) learnSymbolNamed(symbol, 'ERROR', true);
  else learnSymbolNamed(symbol, cursor.nodeType, cursor.nodeIsNamed);
}

function learnSymbolNamed(symbol: number, name: string, named: boolean): void {
  typeNames[symbol] = name;
  namedSymbol[symbol] = named ? 1 : 0;
  symbolsVersion++;
  const list = symbolsByName.get(name);
  if (list) list.push(symbol);
  else symbolsByName.set(name, [symbol]);
  // only a named type listed without fields is known to have no field on its children
  childFields[symbol] = fieldless && named && fieldless.has(name) ? 1 : 2;
}

/** 1 for the symbols whose children are statements (module, block). */
function statementHolders(): Uint8Array {
  if (!holders || holdersVersion !== symbolsVersion) {
    holders = new Uint8Array(ERROR_SYMBOL + 1);
    for (const name of ['module', 'block']) for (const sym of symbolsByName.get(name) ?? []) holders[sym] = 1;
    holdersVersion = symbolsVersion;
  }
  return holders;
}
let holders: Uint8Array | undefined;
let holdersVersion = -1;

function learnField(field: number, cursor: Parser.TreeCursor): void {
  learnFieldNamed(field, (cursor as unknown as { currentFieldName: string | undefined }).currentFieldName ?? '');
}

function learnFieldNamed(field: number, name: string): void {
  fieldNames[field] = name;
  if (!fieldIds.has(name)) fieldIds.set(name, field);
}

function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** A cursor over a mirrored subtree (the part of the binding's `TreeCursor` the engine uses). */
export class MirrorCursor {
  private i: number;
  constructor(
    private readonly tree: MirrorTree,
    private readonly top: number,
  ) {
    this.i = top;
  }
  get currentNode(): SyntaxNode {
    return new SyntaxNode(this.tree, this.i);
  }
  get nodeType(): string {
    return typeNames[this.tree.symbols[this.i]];
  }
  get nodeIsNamed(): boolean {
    return (this.tree.flags[this.i] & NAMED) !== 0;
  }
  gotoFirstChild(): boolean {
    const t = this.tree;
    if (t.subtreeEnds[this.i] === this.i + 1) return false;
    this.i++;
    return true;
  }
  gotoNextSibling(): boolean {
    const t = this.tree;
    if (this.i === this.top) return false;
    const next = t.subtreeEnds[this.i];
    if (next >= t.subtreeEnds[t.parents[this.i]]) return false;
    this.i = next;
    return true;
  }
  gotoParent(): boolean {
    if (this.i === this.top) return false;
    this.i = this.tree.parents[this.i];
    return true;
  }
}

/** A node of a mirrored tree: `tree` and its index in document order. */
export class SyntaxNode {
  constructor(
    readonly tree: MirrorTree,
    readonly index: number,
  ) {}

  get id(): number {
    return this.tree.base + this.index;
  }
  get type(): string {
    return typeNames[this.tree.symbols[this.index]];
  }
  get isNamed(): boolean {
    return (this.tree.flags[this.index] & NAMED) !== 0;
  }
  get isMissing(): boolean {
    return (this.tree.flags[this.index] & MISSING) !== 0;
  }
  get hasError(): boolean {
    return (this.tree.flags[this.index] & HAS_ERROR) !== 0;
  }
  get startIndex(): number {
    return this.tree.starts[this.index];
  }
  get endIndex(): number {
    return this.tree.ends[this.index];
  }
  get text(): string {
    const t = this.tree;
    return t.input.substring(t.starts[this.index], t.ends[this.index]);
  }
  get startPosition(): Point {
    return this.tree.pointAt(this.tree.starts[this.index]);
  }
  get endPosition(): Point {
    return this.tree.pointAt(this.tree.ends[this.index]);
  }
  get parent(): SyntaxNode | null {
    const p = this.tree.parents[this.index];
    return p < 0 ? null : new SyntaxNode(this.tree, p);
  }
  equals(other: SyntaxNode): boolean {
    return other.tree === this.tree && other.index === this.index;
  }
  walk(): MirrorCursor {
    return new MirrorCursor(this.tree, this.index);
  }

  get childCount(): number {
    const t = this.tree;
    let k = 0;
    for (let c = this.index + 1, end = t.subtreeEnds[this.index]; c < end; c = t.subtreeEnds[c]) k++;
    return k;
  }
  get namedChildCount(): number {
    const t = this.tree;
    let k = 0;
    for (let c = this.index + 1, end = t.subtreeEnds[this.index]; c < end; c = t.subtreeEnds[c]) if (t.flags[c] & NAMED) k++;
    return k;
  }
  get children(): SyntaxNode[] {
    const t = this.tree;
    const out: SyntaxNode[] = [];
    for (let c = this.index + 1, end = t.subtreeEnds[this.index]; c < end; c = t.subtreeEnds[c]) out.push(new SyntaxNode(t, c));
    return out;
  }
  get namedChildren(): SyntaxNode[] {
    const t = this.tree;
    const out: SyntaxNode[] = [];
    for (let c = this.index + 1, end = t.subtreeEnds[this.index]; c < end; c = t.subtreeEnds[c]) if (t.flags[c] & NAMED) out.push(new SyntaxNode(t, c));
    return out;
  }
  child(k: number): SyntaxNode | null {
    const t = this.tree;
    for (let c = this.index + 1, end = t.subtreeEnds[this.index]; c < end; c = t.subtreeEnds[c]) if (k-- === 0) return new SyntaxNode(t, c);
    return null;
  }
  namedChild(k: number): SyntaxNode | null {
    const t = this.tree;
    for (let c = this.index + 1, end = t.subtreeEnds[this.index]; c < end; c = t.subtreeEnds[c]) if (t.flags[c] & NAMED && k-- === 0) return new SyntaxNode(t, c);
    return null;
  }
  get firstChild(): SyntaxNode | null {
    return this.tree.subtreeEnds[this.index] > this.index + 1 ? new SyntaxNode(this.tree, this.index + 1) : null;
  }
  get lastChild(): SyntaxNode | null {
    const t = this.tree;
    let last = -1;
    for (let c = this.index + 1, end = t.subtreeEnds[this.index]; c < end; c = t.subtreeEnds[c]) last = c;
    return last < 0 ? null : new SyntaxNode(t, last);
  }
  get nextSibling(): SyntaxNode | null {
    const t = this.tree;
    const p = t.parents[this.index];
    if (p < 0) return null;
    const next = t.subtreeEnds[this.index];
    return next < t.subtreeEnds[p] ? new SyntaxNode(t, next) : null;
  }
  get nextNamedSibling(): SyntaxNode | null {
    const t = this.tree;
    const p = t.parents[this.index];
    if (p < 0) return null;
    for (let c = t.subtreeEnds[this.index], end = t.subtreeEnds[p]; c < end; c = t.subtreeEnds[c]) if (t.flags[c] & NAMED) return new SyntaxNode(t, c);
    return null;
  }
  get previousSibling(): SyntaxNode | null {
    const t = this.tree;
    const p = t.parents[this.index];
    if (p < 0) return null;
    let prev = -1;
    for (let c = p + 1; c !== this.index; c = t.subtreeEnds[c]) prev = c;
    return prev < 0 ? null : new SyntaxNode(t, prev);
  }
  get previousNamedSibling(): SyntaxNode | null {
    const t = this.tree;
    const p = t.parents[this.index];
    if (p < 0) return null;
    let prev = -1;
    for (let c = p + 1; c !== this.index; c = t.subtreeEnds[c]) if (t.flags[c] & NAMED) prev = c;
    return prev < 0 ? null : new SyntaxNode(t, prev);
  }

  childForFieldName(name: string): SyntaxNode | null {
    const id = fieldIds.get(name);
    if (id === undefined) return null;
    const t = this.tree;
    for (let c = this.index + 1, end = t.subtreeEnds[this.index]; c < end; c = t.subtreeEnds[c]) if (t.fields[c] === id) return new SyntaxNode(t, c);
    return null;
  }
  childrenForFieldName(name: string): SyntaxNode[] {
    const id = fieldIds.get(name);
    const out: SyntaxNode[] = [];
    if (id === undefined) return out;
    const t = this.tree;
    for (let c = this.index + 1, end = t.subtreeEnds[this.index]; c < end; c = t.subtreeEnds[c]) if (t.fields[c] === id) out.push(new SyntaxNode(t, c));
    return out;
  }
  fieldNameForChild(k: number): string | null {
    const t = this.tree;
    for (let c = this.index + 1, end = t.subtreeEnds[this.index]; c < end; c = t.subtreeEnds[c]) {
      if (k-- === 0) return t.fields[c] === 0 ? null : fieldNames[t.fields[c]];
    }
    return null;
  }

  /**
   * This node and its descendants of the given types, in document order; with
   * points, only those that end after `start` and start before `end`
   * (the binding's `descendantsOfType`).
   */
  descendantsOfType(types: string | readonly string[], start?: Point, end?: Point): SyntaxNode[] {
    const t = this.tree;
    const mask = t.symbolMask(types);
    const out: SyntaxNode[] = [];
    const symbols = t.symbols;
    const last = t.subtreeEnds[this.index];
    // as the binding: a node that ends at or before `start` (default: the
    // text's first point) is skipped with its subtree, the walk stops at the
    // first node that starts at or after `end`
    const from = start ? t.indexAt(start) : 0;
    const to = end ? t.indexAt(end) : Infinity;
    const ends = t.ends;
    for (let i = this.index; i < last; ) {
      if (ends[i] <= from) {
        i = t.subtreeEnds[i];
        continue;
      }
      if (to <= t.starts[i]) break;
      if (mask[symbols[i]]) out.push(new SyntaxNode(t, i));
      i++;
    }
    return out;
  }

  /**
   * Walk this node's subtree (not the node itself) in document order as a
   * recursion through `namedChildren` would, without making a node for each:
   * a named node whose type is one of `types` is handed to `visit`, which says
   * where the walk goes on: `'enter'` its subtree, `'skip'` it, or resume at a
   * node of its subtree (visited in turn; what lies between is skipped). Other
   * named nodes are entered; anonymous ones are skipped with what they hold.
   * Not part of the binding's surface: the engine's own walk.
   */
  scanNamed(types: string | readonly string[], visit: (n: SyntaxNode) => 'enter' | 'skip' | SyntaxNode): void {
    const t = this.tree;
    const mask = t.symbolMask(types);
    const { symbols, flags, subtreeEnds } = t;
    for (let i = this.index + 1, last = subtreeEnds[this.index]; i < last; ) {
      if ((flags[i] & NAMED) === 0) i = subtreeEnds[i];
      else if (mask[symbols[i]] === 0) i++;
      else {
        const next = visit(new SyntaxNode(t, i));
        if (next === 'enter') i++;
        else if (next === 'skip') i = subtreeEnds[i];
        else if (next.tree === t && next.index > i && next.index < subtreeEnds[i]) i = next.index;
        else throw new Error('scanNamed: a walk resumes only inside the node it is at');
      }
    }
  }

  /** The smallest node (anonymous ones included) that spans [start, end] (tree-sitter's `ts_node_descendant_for_byte_range`). */
  descendantForIndex(start: number, end: number = start): SyntaxNode {
    return this.descendantFor(start, end, false);
  }
  /** The smallest named node that spans [start, end]. */
  namedDescendantForIndex(start: number, end: number = start): SyntaxNode {
    return this.descendantFor(start, end, true);
  }
  private descendantFor(rangeStart: number, rangeEnd: number, namedOnly: boolean): SyntaxNode {
    if (rangeStart > rangeEnd) throw new RangeError(`descendantForIndex: start ${rangeStart} after end ${rangeEnd}`);
    const t = this.tree;
    let node = this.index;
    let found = this.index;
    for (let descended = true; descended; ) {
      descended = false;
      // children end in order: skip those that end before the range (by binary
      // search in a long list, such as a module's statements), then test as tree-sitter does
      let c = node + 1;
      const end = t.subtreeEnds[node];
      if (end - c > LONG_LIST) c = t.firstEndingAtOrAfter(node, rangeEnd);
      for (; c < end; c = t.subtreeEnds[c]) {
        const cEnd = t.ends[c];
        if (cEnd < rangeEnd) continue;
        const empty = t.starts[c] === cEnd;
        if (empty ? cEnd < rangeStart : cEnd <= rangeStart) continue;
        if (rangeStart < t.starts[c]) break;
        node = c;
        if (!namedOnly || t.flags[c] & NAMED) found = c;
        descended = true;
        break;
      }
    }
    return new SyntaxNode(t, found);
  }

  toString(): string {
    return `(${this.type} ${this.startIndex}-${this.endIndex})`;
  }
}
