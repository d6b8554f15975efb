/**
 * Bindings: what a local name means, from the file's imports.
 *
 *   import torch as th              th      → torch
 *   import torch.cuda               torch   → torch        (and torch.cuda is loaded)
 *   import torch.cuda as tc         tc      → torch.cuda
 *   from torch import cuda          cuda    → torch.cuda
 *   from torch.cuda import amp as A A       → torch.cuda.amp
 *
 * Resolution follows Python's scoping: a parameter, assignment, loop variable,
 * `with ... as`, `except ... as`, def or class that binds the same name in an
 * enclosing function makes the name local there, and it no longer means the
 * module. At module level a name that is both imported and bound another way
 * (outside an `except` fallback such as `torch = None`) is ambiguous and does
 * not resolve. A name imported with two different meanings does not resolve.
 *
 * Everything is computed lazily and cached, so a file that never asks pays nothing.
 */
import { query, type SyntaxNode } from './parser';
import { SCOPE_TYPES, ancestor, unparen } from './nodes';

export interface ImportedName {
  /** Local name the statement binds. */
  local: string;
  /** Qualified name that the local name refers to. */
  qualified: string;
  /** The `dotted_name` of the imported thing (`torch.cuda` in `import torch.cuda as tc`). */
  nameNode: SyntaxNode;
  /** The alias identifier, if any. */
  aliasNode: SyntaxNode | null;
}

export interface ImportStatement {
  node: SyntaxNode;
  kind: 'import' | 'from';
  /** `from X import ...`: X (dotted); null for relative imports and for `import` statements. */
  module: string | null;
  /** The module_name node of a from-import. */
  moduleNode: SyntaxNode | null;
  names: ImportedName[];
  wildcard: boolean;
  /** Scope node the statement binds into (module, function, class, ...). */
  scope: SyntaxNode;
  /** Inside `if TYPE_CHECKING:`. */
  typeCheckingOnly: boolean;
}

interface ScopeBindings {
  imports: Map<string, Set<string>>;
  others: Set<string>;
  globals: Set<string>;
}

const IMPORT_QUERY = '[(import_statement) (import_from_statement)] @imp';

export class Bindings {
  private importList?: ImportStatement[];
  private readonly scopeCache = new Map<number, ScopeBindings>();

  constructor(private readonly root: SyntaxNode) {}

  /** Every import statement in the file, in source order (any scope). */
  get imports(): ImportStatement[] {
    if (!this.importList) {
      this.importList = query(IMPORT_QUERY)
        .captures(this.root)
        .map((c) => parseImport(c.node))
        .filter((s): s is ImportStatement => s !== null);
    }
    return this.importList;
  }

  /** Import statements of the module scope (including those nested in module-level if/try). */
  get moduleImports(): ImportStatement[] {
    return this.imports.filter((s) => s.scope.type === 'module');
  }

  /** Does the file import `module` or anything below it at module level (TYPE_CHECKING excluded)? */
  importsModule(module: string): boolean {
    const under = (q: string) => q === module || q.startsWith(module + '.');
    return this.moduleImports.some(
      (s) => !s.typeCheckingOnly && ((s.module !== null && under(s.module)) || s.names.some((n) => under(n.qualified))),
    );
  }

  /** Qualified name an identifier refers to at its position, or null. */
  resolve(ident: SyntaxNode): string | null {
    const name = ident.text;
    for (const scope of this.scopeChain(ident)) {
      const b = this.bindingsOf(scope);
      if (scope.type !== 'module') {
        if (b.globals.has(name)) return this.resolveAtModule(name);
        if (b.others.has(name)) return null;
        const imp = b.imports.get(name);
        if (imp) return imp.size === 1 ? [...imp][0] : null;
        continue;
      }
      return this.resolveAtModule(name);
    }
    return null;
  }

  /** Qualified name of an identifier / attribute chain (`th.cuda.amp` → `torch.cuda.amp`), or null. */
  qualify(node: SyntaxNode): string | null {
    const n = unparen(node);
    if (n.type === 'identifier') return this.resolve(n);
    if (n.type !== 'attribute') return null;
    const obj = n.childForFieldName('object');
    const attr = n.childForFieldName('attribute');
    if (!obj || !attr) return null;
    const base = this.qualify(obj);
    return base === null ? null : `${base}.${attr.text}`;
  }

  /** Is `name` bound, by anything, in the scope that `at` is in, or at module level? */
  isBound(name: string, at: SyntaxNode = this.root): boolean {
    for (const scope of this.scopeChain(at)) {
      const b = this.bindingsOf(scope);
      if (b.others.has(name) || b.imports.has(name) || b.globals.has(name)) return true;
    }
    return false;
  }

  /**
   * Identifiers spelled `name` that read a variable (not attribute names, keyword
   * names, import statements, parameter declarations or assignment targets).
   */
  references(name: string): SyntaxNode[] {
    const out: SyntaxNode[] = [];
    const text = this.root.text;
    const re = new RegExp(`(?<![\\p{L}\\p{N}_])${escapeRegExp(name)}(?![\\p{L}\\p{N}_])`, 'gu');
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const node = this.root.descendantForIndex(m.index, m.index + name.length);
      if (node.type !== 'identifier' || node.startIndex !== m.index || node.endIndex !== m.index + name.length) continue;
      if (isReferencePosition(node)) out.push(node);
    }
    return out;
  }

  /** Qualified name of a module-level name, or null. */
  resolveAtModule(name: string): string | null {
    const b = this.bindingsOf(this.root);
    if (b.others.has(name)) return null;
    const imp = b.imports.get(name);
    return imp && imp.size === 1 ? [...imp][0] : null;
  }

  /** Scopes whose bindings are visible at `node`, innermost first, ending with the module. */
  private scopeChain(node: SyntaxNode): SyntaxNode[] {
    const chain: SyntaxNode[] = [];
    let child = node;
    for (let p = node.parent; p; child = p, p = p.parent) {
      if (!SCOPE_TYPES.has(p.type)) continue;
      if (p.type === 'module') break;
      if (!evaluatesInside(p, child, node)) continue;
      // A class body's names are not visible inside the functions it contains.
      if (p.type === 'class_definition' && chain.length > 0) continue;
      chain.push(p);
    }
    chain.push(this.root);
    return chain;
  }

  private bindingsOf(scope: SyntaxNode): ScopeBindings {
    let b = this.scopeCache.get(scope.id);
    if (!b) {
      b = collectBindings(scope, this.imports);
      this.scopeCache.set(scope.id, b);
    }
    return b;
  }
}

/** Is `node` (reached through `child`) evaluated inside `scope`'s own namespace? */
function evaluatesInside(scope: SyntaxNode, child: SyntaxNode, node: SyntaxNode): boolean {
  switch (scope.type) {
    case 'function_definition': {
      if (child.id === scope.childForFieldName('body')?.id) return true;
      // a parameter name is bound in the function; defaults and annotations are not
      const params = scope.childForFieldName('parameters');
      return child.id === params?.id && isParameterName(node);
    }
    case 'lambda': {
      if (child.id === scope.childForFieldName('body')?.id) return true;
      const params = scope.childForFieldName('parameters');
      return child.id === params?.id && isParameterName(node);
    }
    case 'class_definition':
      return child.id === scope.childForFieldName('body')?.id;
    default: {
      // comprehension: the first iterable is evaluated in the enclosing scope
      const firstFor = scope.namedChildren.find((c) => c.type === 'for_in_clause');
      if (firstFor && child.id === firstFor.id) {
        const right = firstFor.childForFieldName('right');
        if (right && node.startIndex >= right.startIndex && node.endIndex <= right.endIndex) return false;
      }
      return true;
    }
  }
}

function isParameterName(node: SyntaxNode): boolean {
  const p = node.parent;
  if (!p) return false;
  switch (p.type) {
    case 'parameters':
    case 'lambda_parameters':
    case 'list_splat_pattern':
    case 'dictionary_splat_pattern':
    case 'typed_parameter':
      return true;
    case 'default_parameter':
    case 'typed_default_parameter':
      return p.childForFieldName('name')?.id === node.id;
    default:
      return false;
  }
}

/** Identifier in a position where it reads a variable. */
function isReferencePosition(node: SyntaxNode): boolean {
  const p = node.parent;
  if (!p) return false;
  if (p.type === 'attribute' && p.childForFieldName('attribute')?.id === node.id) return false;
  if (p.type === 'keyword_argument' && p.childForFieldName('name')?.id === node.id) return false;
  if (isParameterName(node)) return false;
  if (p.type === 'dotted_name' || p.type === 'aliased_import') return false;
  if ((p.type === 'function_definition' || p.type === 'class_definition') && p.childForFieldName('name')?.id === node.id)
    return false;
  if (p.type === 'global_statement' || p.type === 'nonlocal_statement') return false;
  return !isBindingTarget(node);
}

/** The identifier is assigned to (assignment, for, with/except `as`, walrus), not read. */
function isBindingTarget(node: SyntaxNode): boolean {
  let n = node;
  while (n.parent && /^(pattern_list|tuple_pattern|list_pattern|tuple|list|parenthesized_expression|list_splat_pattern|as_pattern_target)$/.test(n.parent.type)) {
    if (n.parent.type === 'as_pattern_target') return true;
    n = n.parent;
  }
  const p = n.parent;
  if (!p) return false;
  switch (p.type) {
    case 'assignment':
    case 'augmented_assignment':
    case 'for_statement':
    case 'for_in_clause':
      return p.childForFieldName('left')?.id === n.id;
    case 'named_expression':
      return p.childForFieldName('name')?.id === n.id;
    default:
      return false;
  }
}

function collectBindings(scope: SyntaxNode, imports: ImportStatement[]): ScopeBindings {
  const b: ScopeBindings = { imports: new Map(), others: new Set(), globals: new Set() };
  for (const s of imports) {
    if (s.scope.id !== scope.id) continue;
    for (const n of s.names) {
      let set = b.imports.get(n.local);
      if (!set) b.imports.set(n.local, (set = new Set()));
      set.add(n.qualified);
    }
  }
  const isModule = scope.type === 'module';
  const addOther = (name: string, at: SyntaxNode) => {
    // `try: import torch / except ImportError: torch = None` keeps `torch` the module.
    if (isModule && ancestor(at, 'except_clause')) return;
    b.others.add(name);
  };
  const addTargets = (t: SyntaxNode | null) => {
    if (!t) return;
    switch (t.type) {
      case 'identifier':
        addOther(t.text, t);
        return;
      case 'pattern_list':
      case 'tuple_pattern':
      case 'list_pattern':
      case 'tuple':
      case 'list':
      case 'parenthesized_expression':
      case 'list_splat_pattern':
      case 'list_splat':
      case 'as_pattern_target':
        for (const c of t.namedChildren) addTargets(c);
        return;
      default:
        return; // attribute, subscript: not a name binding
    }
  };

  // parameters
  if (scope.type === 'function_definition' || scope.type === 'lambda') {
    const params = scope.childForFieldName('parameters');
    for (const p of params?.namedChildren ?? []) {
      if (p.type === 'identifier') addOther(p.text, p);
      else if (p.type === 'default_parameter' || p.type === 'typed_default_parameter') addTargets(p.childForFieldName('name'));
      else if (p.type === 'typed_parameter' || p.type === 'list_splat_pattern' || p.type === 'dictionary_splat_pattern') {
        const id = p.namedChildren.find((c) => c.type === 'identifier');
        if (id) addOther(id.text, id);
      }
    }
  }

  const body =
    scope.type === 'module'
      ? scope
      : scope.type === 'function_definition' || scope.type === 'class_definition' || scope.type === 'lambda'
        ? scope.childForFieldName('body')
        : scope; // comprehension
  if (!body) return b;

  const visit = (n: SyntaxNode): void => {
    switch (n.type) {
      case 'function_definition':
      case 'class_definition': {
        const name = n.childForFieldName('name');
        if (name) addOther(name.text, name);
        return; // new scope
      }
      case 'lambda':
        return;
      case 'list_comprehension':
      case 'set_comprehension':
      case 'dictionary_comprehension':
      case 'generator_expression':
        if (n.id !== scope.id) return;
        break;
      case 'assignment':
      case 'augmented_assignment':
        addTargets(n.childForFieldName('left'));
        break;
      case 'for_statement':
      case 'for_in_clause':
        addTargets(n.childForFieldName('left'));
        break;
      case 'as_pattern_target':
        addTargets(n);
        return;
      case 'named_expression':
        addTargets(n.childForFieldName('name'));
        break;
      case 'global_statement':
        for (const c of n.namedChildren) if (c.type === 'identifier') b.globals.add(c.text);
        return;
      case 'nonlocal_statement':
        for (const c of n.namedChildren) if (c.type === 'identifier') b.others.add(c.text);
        return;
      case 'import_statement':
      case 'import_from_statement':
        return; // handled from the import list
    }
    for (const c of n.namedChildren) visit(c);
  };
  for (const c of body.namedChildren) visit(c);
  return b;
}

function parseImport(node: SyntaxNode): ImportStatement | null {
  const scope = ancestor(node, SCOPE_TYPES);
  if (!scope) return null;
  const typeCheckingOnly = insideTypeChecking(node);
  const names: ImportedName[] = [];
  if (node.type === 'import_statement') {
    for (const c of node.childrenForFieldName('name')) {
      if (c.type === 'dotted_name') {
        const first = c.namedChildren[0];
        names.push({ local: first.text, qualified: first.text, nameNode: c, aliasNode: null });
      } else if (c.type === 'aliased_import') {
        const nm = c.childForFieldName('name');
        const alias = c.childForFieldName('alias');
        if (nm && alias) names.push({ local: alias.text, qualified: dotted(nm), nameNode: nm, aliasNode: alias });
      }
    }
    return { node, kind: 'import', module: null, moduleNode: null, names, wildcard: false, scope, typeCheckingOnly };
  }
  const moduleNode = node.childForFieldName('module_name');
  const module = moduleNode && moduleNode.type === 'dotted_name' ? dotted(moduleNode) : null;
  const wildcard = node.namedChildren.some((c) => c.type === 'wildcard_import');
  if (module !== null) {
    for (const c of node.childrenForFieldName('name')) {
      if (c.type === 'dotted_name') {
        names.push({ local: c.text, qualified: `${module}.${dotted(c)}`, nameNode: c, aliasNode: null });
      } else if (c.type === 'aliased_import') {
        const nm = c.childForFieldName('name');
        const alias = c.childForFieldName('alias');
        if (nm && alias) names.push({ local: alias.text, qualified: `${module}.${dotted(nm)}`, nameNode: nm, aliasNode: alias });
      }
    }
  }
  return { node, kind: 'from', module, moduleNode, names, wildcard, scope, typeCheckingOnly };
}

function dotted(n: SyntaxNode): string {
  return n.namedChildren.map((c) => c.text).join('.');
}

/** Inside `if TYPE_CHECKING:` / `if typing.TYPE_CHECKING:` (the if-branch, not else). */
export function insideTypeChecking(node: SyntaxNode): boolean {
  for (let child = node, p = node.parent; p; child = p, p = p.parent) {
    if (p.type !== 'if_statement') continue;
    if (p.childForFieldName('consequence')?.id !== child.id) continue;
    const cond = p.childForFieldName('condition');
    if (cond && /^(typing\.)?TYPE_CHECKING$/.test(cond.text)) return true;
  }
  return false;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
