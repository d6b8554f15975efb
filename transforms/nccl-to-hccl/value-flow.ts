/**
 * Where a value comes from, within one file: the assignments that give a name
 * (or an attribute such as `self.device` / `args.dist_backend`) its value.
 *
 *   backend = "nccl" if ok else "gloo"      valuesOfName(backend) → the conditional
 *   def f(backend="nccl"): ...backend...     → the default, opaque (a caller may pass anything)
 *   parser.add_argument("--dist-backend", default="nccl")
 *   ... args.dist_backend ...                valuesOfAttribute(args.dist_backend) → "nccl"
 *
 * A name resolves in the scope that binds it, after Python's rules: a function
 * binds what it assigns (unless declared `global`), a class body's names are not
 * visible in its methods, and anything else falls back to the module. The result
 * is `opaque` when some binding cannot be followed (a parameter, a loop variable,
 * tuple unpacking, `+=`, an import, ...) or when nothing binds the name.
 *
 * Used by nccl-to-hccl and generator-to-cpu. It belongs in src/python/ next to
 * bindings.ts; it lives here because that folder is shared.
 */
import type { SyntaxNode } from '../../src/python/parser';
import { argparseOptions, type ArgOption } from '../../src/python/argparse';
import { unparen } from '../../src/python/nodes';
import { nodesOfType } from '../../src/python/tree-cache';

export interface Values {
  /** Expressions assigned to the name (right-hand sides, parameter defaults). */
  values: SyntaxNode[];
  /** Some binding cannot be followed, or nothing binds the name. */
  opaque: boolean;
}

export interface ScopeInfo {
  values: SyntaxNode[];
  opaque: boolean;
  bound: boolean;
  global: boolean;
}

const NESTED_SCOPES = new Set(['function_definition', 'class_definition', 'lambda']);
const COMPREHENSIONS = new Set(['list_comprehension', 'set_comprehension', 'dictionary_comprehension', 'generator_expression']);
/** The types `collectAll` acts on; its scan enters every other named node. */
const SCANNED = [
  ...NESTED_SCOPES,
  ...COMPREHENSIONS,
  'assignment',
  'augmented_assignment',
  'for_statement',
  'for_in_clause',
  'as_pattern_target',
  'named_expression',
  'global_statement',
  'nonlocal_statement',
  'import_statement',
  'import_from_statement',
];

export class ValueFlow {
  /** Per scope (node id): what it binds, for every name, from one walk of the scope. */
  private readonly cache = new Map<number, Map<string, ScopeInfo>>();
  private attributesByKey?: Map<string, SyntaxNode[]>;
  private options?: ArgOption[];
  private attrAssignments?: Map<string, SyntaxNode[]>;

  constructor(private readonly root: SyntaxNode) {}

  /** argparse options declared in the file (cached). */
  get argOptions(): ArgOption[] {
    return (this.options ??= argparseOptions(this.root));
  }

  /** The scope (function, lambda, class or module node) whose binding `ident` reads. */
  definingScope(ident: SyntaxNode): SyntaxNode {
    const name = ident.text;
    for (const scope of this.scopeChain(ident)) {
      const info = this.info(scope, name);
      if (info.global) return this.root;
      if (info.bound) return scope;
    }
    return this.root;
  }

  /** What the identifier `ident` can hold at its position. */
  valuesOfName(ident: SyntaxNode): Values {
    const scope = this.definingScope(ident);
    const info = this.info(scope, ident.text);
    return { values: info.values, opaque: info.opaque || !info.bound };
  }

  /**
   * What an attribute such as `args.dist_backend` or `self.device` can hold:
   * the argparse options whose dest is its name (defaults) when its object is a
   * plain name, and assignments to the same attribute text anywhere in the file.
   */
  valuesOfAttribute(attr: SyntaxNode): Values {
    const opts = this.optionsFor(attr);
    const assigned = this.assignedToAttribute(attr);
    const values = [...opts.flatMap((o) => (o.default ? [o.default] : [])), ...assigned];
    const opaque = (opts.length === 0 && assigned.length === 0) || opts.some((o) => !o.default);
    return { values, opaque };
  }

  /** argparse options (add_argument / set_defaults) whose dest is the attribute's name: `args.<dest>`. */
  optionsFor(attr: SyntaxNode): ArgOption[] {
    const name = attr.childForFieldName('attribute')?.text;
    const obj = attr.childForFieldName('object');
    if (!name || !obj || (obj.type !== 'identifier' && obj.type !== 'attribute')) return [];
    return this.argOptions.filter((o) => o.dest === name);
  }

  /** Right-hand sides of assignments to the same attribute text (`self.device = ...`) in the file. */
  assignedToAttribute(attr: SyntaxNode): SyntaxNode[] {
    return this.attributeAssignments().get(key(attr)) ?? [];
  }

  /** Identifiers named like `ident` that read the same binding (same defining scope). */
  sameBinding(refs: SyntaxNode[], scope: SyntaxNode): SyntaxNode[] {
    return refs.filter((r) => this.definingScope(r).id === scope.id);
  }

  /** Attribute nodes with the same text as `attr` (e.g. every `self.gen`), in the file. */
  sameAttribute(attr: SyntaxNode): SyntaxNode[] {
    if (!this.attributesByKey) {
      this.attributesByKey = new Map();
      for (const a of nodesOfType(this.root, 'attribute')) {
        const k = key(a);
        const list = this.attributesByKey.get(k);
        if (list) list.push(a);
        else this.attributesByKey.set(k, [a]);
      }
    }
    return (this.attributesByKey.get(key(attr)) ?? []).filter((a) => a.id !== attr.id);
  }

  private attributeAssignments(): Map<string, SyntaxNode[]> {
    if (!this.attrAssignments) {
      const map = new Map<string, SyntaxNode[]>();
      for (const a of nodesOfType(this.root, 'assignment')) {
        const left = a.childForFieldName('left');
        if (left?.type !== 'attribute') continue;
        const right = finalRight(a);
        if (!right) continue;
        const k = key(left);
        const list = map.get(k);
        if (list) list.push(right);
        else map.set(k, [right]);
      }
      this.attrAssignments = map;
    }
    return this.attrAssignments;
  }

  /** Scopes visible at `node`, innermost first, ending with the module. */
  private scopeChain(node: SyntaxNode): SyntaxNode[] {
    const chain: SyntaxNode[] = [];
    let child = node;
    for (let p = node.parent; p; child = p, p = p.parent) {
      if (p.type === 'module') break;
      if (!NESTED_SCOPES.has(p.type)) continue;
      if (child.id !== p.childForFieldName('body')?.id) continue; // defaults, decorators, bases: outer scope
      if (p.type === 'class_definition' && chain.length > 0) continue; // class names are not visible in methods
      chain.push(p);
    }
    chain.push(this.root);
    return chain;
  }

  private info(scope: SyntaxNode, name: string): ScopeInfo {
    let table = this.cache.get(scope.id);
    if (!table) this.cache.set(scope.id, (table = collectAll(scope)));
    let info = table.get(name);
    if (!info) table.set(name, (info = emptyInfo()));
    return info;
  }
}

/** `a = b = v` → v. */
function finalRight(assign: SyntaxNode): SyntaxNode | null {
  let r = assign.childForFieldName('right');
  while (r && r.type === 'assignment') r = r.childForFieldName('right');
  return r;
}

/** Attribute text without spaces or parentheses: `self . gen` → `self.gen`. */
function key(n: SyntaxNode): string {
  return n.text.replace(/\s+/g, '');
}

function names(target: SyntaxNode | null): SyntaxNode[] {
  if (!target) return [];
  const t = unparen(target);
  if (t.type === 'identifier') return [t];
  if (/^(pattern_list|tuple_pattern|list_pattern|tuple|list|list_splat_pattern|list_splat|as_pattern_target)$/.test(t.type)) {
    return t.namedChildren.flatMap(names);
  }
  return [];
}

const emptyInfo = (): ScopeInfo => ({ values: [], opaque: false, bound: false, global: false });

/**
 * What `scope` binds, for every name, in one walk: `collectAll(scope).get(name)`
 * equals `collect(scope, name)` (a name it does not mention has no entry).
 * test/value-flow-differential.test.ts compares the two on real code.
 */
export function collectAll(scope: SyntaxNode): Map<string, ScopeInfo> {
  const table = new Map<string, ScopeInfo>();
  const get = (name: string) => {
    let info = table.get(name);
    if (!info) table.set(name, (info = emptyInfo()));
    return info;
  };
  const bindOpaque = (name: string) => {
    const info = get(name);
    info.bound = true;
    info.opaque = true;
  };
  if (scope.type === 'function_definition' || scope.type === 'lambda') {
    for (const p of scope.childForFieldName('parameters')?.namedChildren ?? []) {
      if (p.type === 'identifier') bindOpaque(p.text);
      else if (p.type === 'default_parameter' || p.type === 'typed_default_parameter') {
        const nameNode = p.childForFieldName('name');
        if (nameNode) {
          const name = nameNode.text;
          bindOpaque(name);
          const v = p.childForFieldName('value');
          if (v) get(name).values.push(v);
        }
      } else {
        for (const c of p.namedChildren) if (c.type === 'identifier') bindOpaque(c.text); // typed, *args, **kwargs
      }
    }
  }
  const body = scope.type === 'module' ? scope : scope.childForFieldName('body');
  if (!body) return table;
  // one scan of the body's nodes (a nested scope or comprehension skipped whole)
  body.scanNamed(SCANNED, (n) => {
    const type = n.type;
    if (NESTED_SCOPES.has(type)) {
      if (type !== 'lambda') {
        const nameNode = n.childForFieldName('name');
        if (nameNode) bindOpaque(nameNode.text);
      }
      return 'skip';
    }
    if (COMPREHENSIONS.has(type)) return 'skip';
    switch (type) {
      case 'assignment': {
        const left = n.childForFieldName('left');
        const target = left ? unparen(left) : null;
        if (target && target.type === 'identifier') {
          const info = get(target.text);
          info.bound = true;
          const right = finalRight(n);
          if (right) info.values.push(right);
        } else {
          for (const i of names(left)) bindOpaque(i.text);
        }
        return n.childForFieldName('right') ?? 'skip'; // on in the value only (chained `a = b = v`)
      }
      case 'augmented_assignment':
      case 'for_statement':
      case 'for_in_clause':
        for (const i of names(n.childForFieldName('left'))) bindOpaque(i.text);
        break;
      case 'as_pattern_target': // with ... as name, except E as name
        for (const i of names(n)) bindOpaque(i.text);
        return 'skip';
      case 'named_expression': {
        const nameNode = n.childForFieldName('name');
        if (nameNode) {
          const info = get(nameNode.text);
          info.bound = true;
          const v = n.childForFieldName('value');
          if (v) info.values.push(v);
        }
        break;
      }
      case 'global_statement':
        for (const c of n.namedChildren) get(c.text).global = true;
        return 'skip';
      case 'nonlocal_statement':
        for (const c of n.namedChildren) bindOpaque(c.text);
        return 'skip';
      case 'import_statement':
      case 'import_from_statement': {
        const moduleId = n.childForFieldName('module_name')?.id;
        for (const c of n.namedChildren) {
          const local = c.type === 'aliased_import' ? c.childForFieldName('alias') : c.type === 'dotted_name' ? c.namedChildren[0] : null;
          if (local && c.id !== moduleId) bindOpaque(local.text);
        }
        return 'skip';
      }
    }
    return 'enter';
  });
  return table;
}

/** What `scope` binds to `name`, one walk per question: the reference for `collectAll`. */
export function collect(scope: SyntaxNode, name: string): ScopeInfo {
  const info: ScopeInfo = { values: [], opaque: false, bound: false, global: false };
  const bindOpaque = () => {
    info.bound = true;
    info.opaque = true;
  };
  if (scope.type === 'function_definition' || scope.type === 'lambda') {
    for (const p of scope.childForFieldName('parameters')?.namedChildren ?? []) {
      if (p.type === 'identifier' && p.text === name) bindOpaque();
      else if (p.type === 'default_parameter' || p.type === 'typed_default_parameter') {
        if (p.childForFieldName('name')?.text === name) {
          bindOpaque();
          const v = p.childForFieldName('value');
          if (v) info.values.push(v);
        }
      } else if (p.namedChildren.some((c) => c.type === 'identifier' && c.text === name)) {
        bindOpaque(); // typed, *args, **kwargs
      }
    }
  }
  const body = scope.type === 'module' ? scope : scope.childForFieldName('body');
  if (!body) return info;
  const visit = (n: SyntaxNode): void => {
    if (NESTED_SCOPES.has(n.type)) {
      if (n.type !== 'lambda' && n.childForFieldName('name')?.text === name) bindOpaque();
      return;
    }
    if (COMPREHENSIONS.has(n.type)) return;
    switch (n.type) {
      case 'assignment': {
        const left = n.childForFieldName('left');
        if (left && unparen(left).type === 'identifier' && unparen(left).text === name) {
          info.bound = true;
          const right = finalRight(n);
          if (right) info.values.push(right);
        } else if (names(left).some((i) => i.text === name)) {
          bindOpaque();
        }
        const right = n.childForFieldName('right');
        if (right) visit(right); // chained `a = b = v`
        return;
      }
      case 'augmented_assignment':
      case 'for_statement':
      case 'for_in_clause':
        if (names(n.childForFieldName('left')).some((i) => i.text === name)) bindOpaque();
        break;
      case 'as_pattern_target': // with ... as name, except E as name
        if (names(n).some((i) => i.text === name)) bindOpaque();
        return;
      case 'named_expression':
        if (n.childForFieldName('name')?.text === name) {
          info.bound = true;
          const v = n.childForFieldName('value');
          if (v) info.values.push(v);
        }
        break;
      case 'global_statement':
        if (n.namedChildren.some((c) => c.text === name)) info.global = true;
        return;
      case 'nonlocal_statement':
        if (n.namedChildren.some((c) => c.text === name)) bindOpaque();
        return;
      case 'import_statement':
      case 'import_from_statement':
        for (const c of n.namedChildren) {
          const local = c.type === 'aliased_import' ? c.childForFieldName('alias') : c.type === 'dotted_name' ? c.namedChildren[0] : null;
          if (local?.text === name && c.id !== n.childForFieldName('module_name')?.id) bindOpaque();
        }
        return;
    }
    for (const c of n.namedChildren) visit(c);
  };
  for (const c of body.namedChildren) visit(c);
  return info;
}

/** The quote the file mostly uses for one-line strings (`"` when tied or unknown). */
export function preferredQuote(root: SyntaxNode): '"' | "'" {
  let single = 0;
  let double = 0;
  for (const s of nodesOfType(root, 'string_start')) {
    const q = s.text.replace(/^[a-zA-Z]+/, '');
    if (q === "'") single++;
    else if (q === '"') double++;
  }
  return single > double ? "'" : '"';
}
