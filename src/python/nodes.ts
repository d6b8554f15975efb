/**
 * Small, pure helpers over tree-sitter-python nodes.
 */
import type { SyntaxNode } from './parser';
import { perTree } from './tree-cache';

/** Node types that open a new Python scope. */
export const SCOPE_TYPES = new Set([
  'module',
  'function_definition',
  'lambda',
  'class_definition',
  'list_comprehension',
  'set_comprehension',
  'dictionary_comprehension',
  'generator_expression',
]);

/** Nearest ancestor (excluding the node itself) whose type is in `types`. */
export function ancestor(node: SyntaxNode, types: ReadonlySet<string> | string): SyntaxNode | null {
  const match = typeof types === 'string' ? (t: string) => t === types : (t: string) => types.has(t);
  for (let n = node.parent; n; n = n.parent) if (match(n.type)) return n;
  return null;
}

/** Unwrap `(expr)` parentheses. */
export function unparen(node: SyntaxNode): SyntaxNode {
  let n = node;
  while (n.type === 'parenthesized_expression' && n.namedChildCount === 1) n = n.namedChildren[0];
  return n;
}

/** `node` with the parentheses around it (`((x))` for `x`). */
export function withParens(node: SyntaxNode): SyntaxNode {
  let n = node;
  while (n.parent?.type === 'parenthesized_expression') n = n.parent;
  return n;
}

/** The parent, skipping parentheses around `node`. */
export function parentSkippingParens(node: SyntaxNode): SyntaxNode | null {
  let p = node.parent;
  while (p && p.type === 'parenthesized_expression') p = p.parent;
  return p;
}

/** `a.b.c` → ['a', 'b', 'c'] for a pure identifier/attribute chain, else null. */
export function dottedParts(node: SyntaxNode): string[] | null {
  const parts: string[] = [];
  let n: SyntaxNode | null = node;
  while (n) {
    if (n.type === 'identifier') {
      parts.unshift(n.text);
      return parts;
    }
    if (n.type !== 'attribute') return null;
    const attr = n.childForFieldName('attribute');
    if (!attr) return null;
    parts.unshift(attr.text);
    n = n.childForFieldName('object');
  }
  return null;
}

/** Leftmost identifier of an attribute chain (`a` in `a.b.c`), or null. */
export function chainHead(node: SyntaxNode): SyntaxNode | null {
  let n: SyntaxNode | null = node;
  while (n && n.type === 'attribute') n = n.childForFieldName('object');
  return n && n.type === 'identifier' ? n : null;
}

/** The outermost attribute chain that `node` is the head or a middle part of. */
export function outermostAttribute(node: SyntaxNode): SyntaxNode {
  // one `parent` per step: each property read is a call into the native binding
  let n = node;
  for (let p = n.parent; p && p.type === 'attribute' && p.childForFieldName('object')?.id === n.id; p = n.parent) n = p;
  return n;
}

/** Is `node` the `function` of a call? Returns the call. */
export function callOf(node: SyntaxNode): SyntaxNode | null {
  const p = node.parent;
  if (p && p.type === 'call' && p.childForFieldName('function')?.id === node.id) return p;
  return null;
}

export interface CallArgs {
  positional: SyntaxNode[];
  keywords: Map<string, { node: SyntaxNode; name: SyntaxNode; value: SyntaxNode }>;
  /** `*args` or `**kwargs` present: the argument list is not fully known. */
  hasSplat: boolean;
}

/** Positional and keyword arguments of a `call` node. */
export function callArgs(call: SyntaxNode): CallArgs {
  const out: CallArgs = { positional: [], keywords: new Map(), hasSplat: false };
  const args = call.childForFieldName('arguments');
  if (!args || args.type !== 'argument_list') return out;
  for (const a of args.namedChildren) {
    if (a.type === 'keyword_argument') {
      const name = a.childForFieldName('name');
      const value = a.childForFieldName('value');
      if (name && value) out.keywords.set(name.text, { node: a, name, value });
    } else if (a.type === 'list_splat' || a.type === 'dictionary_splat') {
      out.hasSplat = true;
    } else if (a.type !== 'comment') {
      out.positional.push(a);
    }
  }
  return out;
}

/** Is this string node a docstring (first statement of a module, class or function body)? */
export function isDocstring(str: SyntaxNode): boolean {
  const stmt = str.parent;
  if (!stmt || stmt.type !== 'expression_statement' || stmt.namedChildCount !== 1) return false;
  const body = stmt.parent;
  if (!body) return false;
  const first = body.namedChildren.find((c) => c.type !== 'comment');
  if (!first || first.id !== stmt.id) return false;
  return body.type === 'module' || (body.type === 'block' && !!body.parent && /^(function|class)_definition$/.test(body.parent.type));
}

export interface StringLiteral {
  node: SyntaxNode;
  /** Lower-cased prefix letters (`f`, `rb`, ...). */
  prefix: string;
  isFString: boolean;
  isBytes: boolean;
  /** Offsets of the text between the quotes. */
  contentStart: number;
  contentEnd: number;
  /** Literal value when the string has no interpolation and no escapes; else undefined. */
  value?: string;
  /** For f-strings: the literal text before the first interpolation, and where it starts. */
  leadingText: string;
  interpolations: SyntaxNode[];
}

/** Describe a `string` node; null for concatenated strings and anything else. */
export function stringLiteral(node: SyntaxNode): StringLiteral | null {
  if (node.type !== 'string') return null;
  const start = node.firstChild;
  const end = node.lastChild;
  if (!start || !end || start.type !== 'string_start' || end.type !== 'string_end') return null;
  const startText = start.text;
  const prefix = startText.replace(/['"]+$/, '').toLowerCase();
  const isFString = prefix.includes('f');
  const interpolations: SyntaxNode[] = [];
  let hasEscape = false;
  let leadingText = '';
  let seenInterpolation = false;
  for (const c of node.namedChildren) {
    if (c.type === 'interpolation') {
      interpolations.push(c);
      seenInterpolation = true;
    } else if (c.type === 'escape_sequence' || c.type === 'escape_interpolation') {
      hasEscape = true;
      if (!seenInterpolation) leadingText += c.text;
    } else if (c.type === 'string_content' && !seenInterpolation) {
      leadingText += c.text;
    }
  }
  const contentStart = start.endIndex;
  const contentEnd = end.startIndex;
  const raw = node.text.slice(contentStart - node.startIndex, contentEnd - node.startIndex);
  const value = interpolations.length === 0 && !hasEscape && !/\\/.test(raw) ? raw : undefined;
  return {
    node,
    prefix,
    isFString,
    isBytes: prefix.includes('b'),
    contentStart,
    contentEnd,
    value,
    leadingText,
    interpolations,
  };
}

/** Depth-first walk of named descendants; return false from `visit` to skip a subtree. */
export function walkNamed(node: SyntaxNode, visit: (n: SyntaxNode) => boolean | void): void {
  const cursor = node.walk();
  let depth = 0;
  for (;;) {
    const n = cursor.currentNode;
    const descend = n.isNamed ? visit(n) !== false : true;
    if (descend && cursor.gotoFirstChild()) {
      depth++;
      continue;
    }
    for (;;) {
      if (depth === 0) return;
      if (cursor.gotoNextSibling()) break;
      cursor.gotoParent();
      depth--;
    }
  }
}

/** Module-level `if __name__ == "__main__":` present? */
export function hasMainGuard(root: SyntaxNode, top?: readonly SyntaxNode[]): boolean {
  if (root.parent !== null) return mainGuardIn(root.namedChildren);
  const facts = topLevelFacts(root);
  return (facts.mainGuard ??= mainGuardIn(top ?? root.namedChildren));
}

function mainGuardIn(stmts: readonly SyntaxNode[]): boolean {
  return stmts.some((stmt) => stmt.type === 'if_statement' && isMainGuard(stmt));
}

/**
 * What `hasMainGuard` and `hasModuleLevelWork` found for a tree: the inject
 * pass, the analysis and the engine ask them of the same tree, and each answer
 * lists the module's statements (on a big generated file, tens of thousands of
 * node objects each time).
 */
const topLevelFacts = perTree((): { mainGuard?: boolean; work?: boolean } => ({}));

/** `if __name__ == "__main__":` (either side). */
function isMainGuard(stmt: SyntaxNode): boolean {
  const cond = stmt.childForFieldName('condition');
  if (!cond) return false;
  const c = unparen(cond);
  if (c.type !== 'comparison_operator' || c.namedChildCount !== 2) return false;
  const [a, b] = c.namedChildren;
  const op = c.children.find((x) => !x.isNamed)?.text;
  if (op !== '==') return false;
  const isName = (n: SyntaxNode) => n.type === 'identifier' && n.text === '__name__';
  const isMain = (n: SyntaxNode) => stringLiteral(n)?.value === '__main__';
  return (isName(a) && isMain(b)) || (isMain(a) && isName(b));
}

/**
 * Does the module do work when it is run, outside functions and classes? A
 * module-level call statement (`main()`, `trainer.fit(model)`, `print(...)`),
 * loop or `with` block, also inside module-level `if` / `try` blocks (not the
 * `__main__` guard, counted by `hasMainGuard`). Assignments
 * (`logger = getLogger(__name__)`), definitions, imports and docstrings are
 * not work: every library module has them. Issue 10, item 13.
 */
export function hasModuleLevelWork(root: SyntaxNode, top?: readonly SyntaxNode[]): boolean {
  if (root.parent !== null) return moduleLevelWorkIn(root.namedChildren);
  const facts = topLevelFacts(root);
  return (facts.work ??= moduleLevelWorkIn(top ?? root.namedChildren));
}

function moduleLevelWorkIn(top: readonly SyntaxNode[]): boolean {
  const work = (stmts: SyntaxNode[]): boolean => {
    for (const stmt of stmts) {
      switch (stmt.type) {
        case 'expression_statement': {
          const e = stmt.namedChildren[0];
          if (stmt.namedChildCount === 1 && e && (e.type === 'call' || e.type === 'await')) return true;
          break;
        }
        case 'for_statement':
        case 'while_statement':
        case 'with_statement':
          return true;
        case 'if_statement':
        case 'try_statement':
          for (const c of stmt.namedChildren) {
            if (c.type === 'block' && work(c.namedChildren)) return true;
            if (/^(elif_clause|else_clause|except_clause|except_group_clause|finally_clause)$/.test(c.type)) {
              const body = c.namedChildren.find((x) => x.type === 'block');
              if (body && work(body.namedChildren)) return true;
            }
          }
          break;
      }
    }
    return false;
  };
  return work(top.filter((c) => !(c.type === 'if_statement' && isMainGuard(c))));
}

/**
 * A top-level script (issue 10, item 13): it has a main guard or module-level
 * work, and no other module of the repository imports it. `__init__.py` (run
 * by importing its package) and `setup.py` (a build script) never are.
 */
export function isEntryFile(root: SyntaxNode, path: string, importedByOthers: boolean): boolean {
  if (importedByOthers) return false;
  const base = path.slice(path.lastIndexOf('/') + 1);
  if (base === '__init__.py' || base === 'setup.py') return false;
  if (root.parent !== null) return hasMainGuard(root) || hasModuleLevelWork(root);
  // the module's statements listed once for both questions (when neither answer is known yet)
  const facts = topLevelFacts(root);
  const top = facts.mainGuard === undefined && facts.work === undefined ? root.namedChildren : undefined;
  return hasMainGuard(root, top) || hasModuleLevelWork(root, top);
}

/** Leading whitespace of the line `offset` is on. */
export function indentAt(text: string, offset: number): string {
  let lineStart = offset;
  while (lineStart > 0 && text[lineStart - 1] !== '\n' && text[lineStart - 1] !== '\r') lineStart--;
  let i = lineStart;
  while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i++;
  return text.slice(lineStart, i);
}

/**
 * Attribute names that follow `node` in the chain it heads: for `th` in
 * `th.cuda.amp.autocast(...)` → the identifiers `cuda`, `amp`, `autocast`.
 */
export function attributesAfter(node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  let n = node;
  for (let p = n.parent; p && p.type === 'attribute' && p.childForFieldName('object')?.id === n.id; p = n.parent) {
    const attr = p.childForFieldName('attribute');
    if (!attr) break;
    out.push(attr);
    n = p;
  }
  return out;
}

/** Is `node` (or the chain it ends) the target of an assignment? */
export function isAssignmentTarget(node: SyntaxNode): boolean {
  let n = node;
  while (n.parent && /^(pattern_list|tuple_pattern|list_pattern|tuple|list)$/.test(n.parent.type)) n = n.parent;
  const p = n.parent;
  return !!p && /^(assignment|augmented_assignment)$/.test(p.type) && p.childForFieldName('left')?.id === n.id;
}
