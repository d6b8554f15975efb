/**
 * Error regions: the parts of a file tree-sitter-python cannot parse.
 *
 * tree-sitter-python 0.25 (the newest release) rejects some code CPython
 * accepts: a star applied to an operand that starts with a bracket, a sign, a
 * string or `await` in a tuple without parentheses, a `for` iterable or a
 * subscript (`return None, *(None,) * len(xs)`, `x = *[a, b], 1`,
 * `a[1, *(b, c)]`); its `list_splat` takes a primary expression only. It
 * recovers around them with an ERROR node confined to the statement. Such a
 * file is converted everywhere else, and the regions are left exactly as they
 * are (docs/architecture.md, "Error regions").
 *
 * At run time there is no CPython to tell that grammar gap from a genuine
 * syntax error, so `tolerableRegions` accepts a file only under a
 * conservative rule; anything else stays a failed file, copied unchanged:
 *
 * 1. no MISSING node (tree-sitter invented a token: an unclosed bracket, a
 *    missing colon are genuine errors), at most MAX_REGIONS regions, each at
 *    most MAX_REGION_CHARS long;
 * 2. each region is within one logical line: no newline and no `;` outside
 *    brackets, brackets balanced;
 * 3. no region hides a binding the passes rely on: no `import`, `def`,
 *    `class`, `global`, `nonlocal`, `lambda`, `as` or walrus in it, and no
 *    name the file binds by an import before an assignment in it;
 * 4. it is the grammar gap and nothing else: with `_*` inserted after every
 *    `*` of the regions (`*(None,) * n` becomes `*_*(None,) * n`, a form
 *    tree-sitter takes; a multiplication stays a multiplication), the whole
 *    file parses without any error, and every star that is an unpacking sits
 *    where CPython allows one: its operand is an arithmetic or bitwise
 *    expression, and it is an item of a tuple with a comma, a list, a set, a
 *    call's arguments or a subscript (not `x = *a`, `return *a`, `*a < b`).
 *
 * test/error-regions.test.ts checks the rule against CPython (python3's
 * compile) on cases of the gap and on genuine syntax errors.
 */
import type { SyntaxNode, Tree } from './parser';
import { parse } from './parser';

export interface ErrorRegion {
  /** [start, end) in UTF-16 offsets of the text the tree was parsed from (start === end for a MISSING node). */
  start: number;
  end: number;
  /** 0-based rows of the first and last character. */
  startRow: number;
  endRow: number;
  /** A MISSING node (a token tree-sitter inserted), rather than an ERROR node. */
  missing: boolean;
}

/** The outermost ERROR and MISSING nodes of a tree, in document order. Cheap when the tree has none. */
export function errorRegions(tree: Tree): ErrorRegion[] {
  return errorNodes(tree).map(toRegion);
}

function toRegion(node: SyntaxNode): ErrorRegion {
  return {
    start: node.startIndex,
    end: node.endIndex,
    startRow: node.startPosition.row,
    endRow: node.endPosition.row,
    missing: node.isMissing,
  };
}

function errorNodes(tree: Tree): SyntaxNode[] {
  const root = tree.rootNode;
  const out: SyntaxNode[] = [];
  if (!root.hasError) return out;
  const cursor = root.walk();
  for (;;) {
    const node = cursor.currentNode;
    const bad = node.type === 'ERROR' || node.isMissing;
    if (bad) out.push(node);
    if (!bad && node.hasError && cursor.gotoFirstChild()) continue;
    while (!cursor.gotoNextSibling()) {
      if (!cursor.gotoParent()) return out;
    }
  }
}

/** Does the replacement of [start, end) intersect or touch a region (sorted)? */
export function touchesRegion(start: number, end: number, regions: readonly ErrorRegion[]): boolean {
  // first region whose end >= start
  let lo = 0;
  let hi = regions.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (regions[mid].end < start) lo = mid + 1;
    else hi = mid;
  }
  return lo < regions.length && regions[lo].start <= end;
}

/**
 * The regions after sorted, non-overlapping `edits` none of which touches a
 * region: each is shifted by the length change of the edits before it.
 */
export function shiftRegions(
  regions: readonly ErrorRegion[],
  edits: readonly { start: number; end: number; content: string }[],
  newText: string,
): ErrorRegion[] {
  const out: ErrorRegion[] = [];
  let i = 0;
  let delta = 0;
  for (const r of regions) {
    while (i < edits.length && edits[i].end <= r.start) {
      delta += edits[i].content.length - (edits[i].end - edits[i].start);
      i++;
    }
    const start = r.start + delta;
    const end = r.end + delta;
    out.push({ ...r, start, end, startRow: rowOf(newText, start), endRow: rowOf(newText, Math.max(start, end - 1)) });
  }
  return out;
}

function rowOf(text: string, offset: number): number {
  let row = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) row++;
  return row;
}

/**
 * Are `now`'s regions no more and no larger than `before` (the regions of the
 * previous text, shifted through the edits)? Each region of `now` must lie
 * within one of `before`, and there must be no more of them.
 */
export function regionsWithin(now: readonly ErrorRegion[], before: readonly ErrorRegion[]): boolean {
  if (now.length > before.length) return false;
  return now.every((n) => before.some((b) => b.start <= n.start && n.end <= b.end));
}

export const MAX_REGIONS = 5;
export const MAX_REGION_CHARS = 1000;

export type Tolerance =
  | { ok: true; regions: ErrorRegion[] }
  /** `starred`: a region has a `*`, so the file may be the gap; the reason is then worth telling. */
  | { ok: false; line: number; reason: string; starred: boolean };

/**
 * Decide whether a file whose tree has errors is converted around them
 * (the rule is in this module's comment). `tree` must be the tree of `text`.
 */
export function tolerableRegions(text: string, tree: Tree): Tolerance {
  const nodes = errorNodes(tree);
  const first = nodes.length ? nodes[0].startPosition.row + 1 : 1;
  const no = (node: SyntaxNode | undefined, reason: string): Tolerance => ({
    ok: false,
    line: node ? node.startPosition.row + 1 : first,
    reason,
    starred: nodes.some((n) => n.parent?.type === 'list_splat' || [...leaves(n)].some((l) => l.type === '*')),
  });
  const missing = nodes.find((n) => n.isMissing);
  if (missing) return no(missing, `a "${missing.type}" is missing`);
  if (nodes.length > MAX_REGIONS) return no(undefined, `more than ${MAX_REGIONS} regions tree-sitter cannot parse`);
  const imported = importedNames(tree.rootNode);
  for (const node of nodes) {
    if (node.endIndex - node.startIndex > MAX_REGION_CHARS) return no(node, 'the region tree-sitter cannot parse is too large');
    const shape = regionShape(node, text, imported);
    if (shape) return no(node, shape);
  }
  const regions = nodes.map(toRegion);
  const gap = repairs(text, nodes);
  if (gap) return no(gap.node, gap.reason);
  return { ok: true, regions };
}

const OPEN = new Set(['(', '[', '{']);
const CLOSE = new Set([')', ']', '}']);
/** Tokens that bind names or start a scope: a region with one could hide what the passes rely on. */
/** `=` and the augmented assignments (not `==`, `<=`, `>=`, `!=`). */
const ASSIGN = /^(?:=|[-+*/%&|^@]=|\/\/=|\*\*=|<<=|>>=)$/;
const BINDING_TOKENS = new Set(['import', 'def', 'class', 'global', 'nonlocal', 'lambda', ':=', 'as']);

/** Why the region is not one a grammar gap makes, or undefined when it may be. */
function regionShape(node: SyntaxNode, text: string, imported: ReadonlySet<string>): string | undefined {
  let depth = 0;
  let prevEnd = -1;
  let prevRow = -1;
  let importedSeen: string | undefined; // an imported name, before an assignment could rebind it
  for (const leaf of leaves(node)) {
    const t = leaf.type;
    if (prevEnd >= 0 && leaf.startPosition.row > prevRow && depth === 0 && !/\\\r?\n/.test(text.slice(prevEnd, leaf.startIndex))) {
      return 'the region tree-sitter cannot parse spans more than one statement';
    }
    if (OPEN.has(t)) depth++;
    else if (CLOSE.has(t)) {
      if (--depth < 0) return 'unbalanced brackets';
    } else if (t === ';' && depth === 0) return 'the region tree-sitter cannot parse spans more than one statement';
    else if (BINDING_TOKENS.has(t)) return `the region tree-sitter cannot parse has "${t}" in it`;
    else if (t === 'identifier' && imported.has(leaf.text)) importedSeen ??= leaf.text;
    else if (depth === 0 && ASSIGN.test(t) && importedSeen) {
      return `the region tree-sitter cannot parse may assign the imported name "${importedSeen}"`;
    }
    prevEnd = leaf.endIndex;
    prevRow = leaf.endPosition.row;
  }
  if (depth !== 0) return 'unbalanced brackets';
  return undefined;
}

/** The leaves of a subtree, in order (string contents and comments are leaves too). */
function* leaves(node: SyntaxNode): Generator<SyntaxNode> {
  const cursor = node.walk();
  for (;;) {
    const n = cursor.currentNode;
    if (n.childCount === 0) yield n;
    else if (n.type === 'string') {
      yield n; // a string is one token here: brackets in its text are not brackets
    } else if (cursor.gotoFirstChild()) continue;
    for (;;) {
      if (cursor.currentNode.id === node.id) return;
      if (cursor.gotoNextSibling()) break;
      if (!cursor.gotoParent()) return;
    }
  }
}

/** Names the file binds by an import anywhere (`import torch as th` → th; `from x import y` → y). */
function importedNames(root: SyntaxNode): Set<string> {
  const names = new Set<string>();
  for (const stmt of root.descendantsOfType(['import_statement', 'import_from_statement', 'future_import_statement'])) {
    for (const c of stmt.namedChildren) {
      if (stmt.type === 'import_from_statement' && c === stmt.childForFieldName('module_name')) continue;
      if (c.type === 'aliased_import') names.add(c.childForFieldName('alias')?.text ?? '');
      else if (c.type === 'dotted_name') names.add(c.namedChildren[0]?.text ?? '');
    }
  }
  names.delete('');
  return names;
}

/** Where a starred item may stand in CPython (star_named_expression, slices since 3.11). */
const STAR_CONTAINERS = new Set(['expression_list', 'list', 'set', 'argument_list', 'subscript']);

/** Is `node` (or the tuple / list it is in) deleted or assigned to? A starred target is no expression: not the gap. */
function isTarget(node: SyntaxNode): boolean {
  for (let n: SyntaxNode | null = node; n; n = n.parent) {
    const p = n.parent;
    if (!p) return false;
    if (p.type === 'delete_statement') return true;
    if (['assignment', 'augmented_assignment', 'for_statement', 'for_in_clause'].includes(p.type)) {
      return p.childForFieldName('left')?.id === n.id;
    }
    if (!['expression_list', 'tuple', 'list', 'parenthesized_expression', 'pattern_list'].includes(p.type)) return false;
  }
  return false;
}

/**
 * Rule 4: insert `_*` after each `*` of the regions and parse. undefined when
 * the result has no error and every unpacking star is where CPython takes one.
 */
function repairs(text: string, nodes: readonly SyntaxNode[]): { node: SyntaxNode | undefined; reason: string } | undefined {
  const stars: number[] = [];
  for (const node of nodes) {
    // `for i in *(a,) * 2, b:` leaves the star outside, as the ERROR's list_splat parent's first token
    const before = node.previousSibling;
    if (node.parent?.type === 'list_splat' && before?.type === '*') stars.push(before.startIndex);
    for (const leaf of leaves(node)) if (leaf.type === '*') stars.push(leaf.startIndex);
  }
  const notGap = { node: nodes[0], reason: 'not a form tree-sitter-python is known to reject' };
  if (stars.length === 0) return notGap;
  let repaired = '';
  let from = 0;
  for (const p of stars) {
    repaired += text.slice(from, p + 1) + '_*';
    from = p + 1;
  }
  repaired += text.slice(from);
  const tree = parse(repaired);
  if (tree.hasError) return notGap;
  for (let i = 0; i < stars.length; i++) {
    const at = stars[i] + 2 * i; // the star's offset in the repaired text
    const star = tree.rootNode.descendantForIndex(at, at + 1);
    const parent = star.parent;
    if (star.type !== '*' || !parent) return notGap;
    if (parent.type === 'binary_operator') continue; // a multiplication
    if (parent.type !== 'list_splat') return notGap;
    // the star's operand, in CPython's reading: the chain of binary operators above `*_`
    let top: SyntaxNode = parent;
    while (top.parent?.type === 'binary_operator' && top.parent.firstChild?.id === top.id) top = top.parent;
    const container = top.parent;
    const ok =
      container !== null &&
      (STAR_CONTAINERS.has(container.type) || (container.type === 'tuple' && container.children.some((c) => c.type === ','))) &&
      !isTarget(container);
    if (!ok) {
      const original = nodes.find((n) => n.startIndex <= stars[i] && stars[i] < n.endIndex);
      return { node: original, reason: 'a starred expression where CPython does not take one' };
    }
  }
  return undefined;
}
