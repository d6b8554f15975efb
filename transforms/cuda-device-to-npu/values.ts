/**
 * What the cuda-device-to-npu pass knows about a value without running the code:
 * whether a name names a device, whether an expression is an int device index,
 * and what a local name was bound to (Python scoping, one file).
 */
import type { Bindings } from '../../src/python/bindings';
import type { SyntaxNode } from '../../src/python/parser';
import { isIntOption, type ArgOption } from '../../src/python/argparse';
import { callArgs, isAssignmentTarget, unparen } from '../../src/python/nodes';
import { ValueFlow } from '../nccl-to-hccl/value-flow';
import { perTree } from '../../src/python/tree-cache';
import { INT_RETURNING } from '../../src/facts/torch-devices';

/** `device`, `self.device`, `cfg.MODEL.DEVICE`, `device_type`, `torch_device`, `map_location`, `deviceType`. */
export function namesDevice(name: string): boolean {
  const tokens = snakeTokens(name);
  const last = tokens[tokens.length - 1];
  const prev = tokens[tokens.length - 2];
  if (last === 'device' || last === 'dev') return true;
  if ((prev === 'device' || prev === 'dev') && ['type', 'str', 'string', 'name', 'id', 'spec', 'kind'].includes(last)) return true;
  return tokens.join('_') === 'map_location';
}

/** Names that usually hold a device index: `gpu`, `local_rank`, `rank`, `device_id`, `gpu_idx`. */
export function isIndexLike(name: string): boolean {
  const tokens = snakeTokens(name);
  const last = tokens[tokens.length - 1];
  return ['gpu', 'rank', 'id', 'idx', 'index', 'ordinal'].includes(last);
}

function snakeTokens(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split('_')
    .filter(Boolean);
}

/** The last name of an identifier or attribute chain (`device` in `self.device`). */
export function lastName(node: SyntaxNode): string | null {
  const n = unparen(node);
  if (n.type === 'identifier') return n.text;
  if (n.type === 'attribute') return n.childForFieldName('attribute')?.text ?? null;
  return null;
}

export type Binding =
  | { kind: 'value'; value: SyntaxNode }
  | { kind: 'param'; node: SyntaxNode; annotation: SyntaxNode | null; default: SyntaxNode | null }
  | { kind: 'other' };

const NESTED_SCOPES = /^(function_definition|class_definition|lambda|list_comprehension|set_comprehension|dictionary_comprehension|generator_expression)$/;

/**
 * What `ident` (a reference) can be bound to: the bindings of its name in the
 * innermost enclosing function (or the module) that binds it. An empty list means
 * the name is not bound in this file (a builtin or a name from `*` imports).
 */
export function nameBindings(ident: SyntaxNode): Binding[] {
  const name = ident.text;
  const scopes: SyntaxNode[] = [];
  let inFunction = false;
  for (let child = ident, p = ident.parent; p; child = p, p = p.parent) {
    if (p.type === 'function_definition' || p.type === 'lambda') {
      // a default value or an annotation is evaluated outside the function
      if (child.id === p.childForFieldName('body')?.id) {
        scopes.push(p);
        inFunction = true;
      }
    } else if (p.type === 'class_definition') {
      if (!inFunction && child.id === p.childForFieldName('body')?.id) scopes.push(p);
    } else if (p.type === 'module') {
      scopes.push(p);
    } else if (NESTED_SCOPES.test(p.type)) {
      // a comprehension variable: not an assignment we can read
      if (p.namedChildren.some((c) => c.type === 'for_in_clause' && targetsName(c.childForFieldName('left'), name))) {
        return [{ kind: 'other' }];
      }
    }
  }
  for (const scope of scopes) {
    const found = scopeBindings(scope, name);
    if (found === 'global') return scopeBindings(scopes[scopes.length - 1], name) as Binding[];
    if (found.length > 0) return found;
  }
  return [];
}

function targetsName(t: SyntaxNode | null, name: string): boolean {
  if (!t) return false;
  if (t.type === 'identifier') return t.text === name;
  return t.namedChildren.some((c) => targetsName(c, name));
}

/** Every name a scope binds, from one visit of its body (cached per tree: passes ask for many names). */
interface ScopeTable {
  names: Map<string, Binding[]>;
  globals: Set<string>;
}

/** Scope node id → its table, per tree. */
const scopeTables = perTree(() => new Map<number, ScopeTable>());

function scopeBindings(scope: SyntaxNode, name: string): Binding[] | 'global' {
  const byScope = scopeTables(scope);
  let table = byScope.get(scope.id);
  if (!table) byScope.set(scope.id, (table = buildScopeTable(scope)));
  if (table.globals.has(name)) return 'global';
  const out: Binding[] = [];
  if (scope.type === 'function_definition' || scope.type === 'lambda') {
    for (const p of scope.childForFieldName('parameters')?.namedChildren ?? []) {
      const id = p.type === 'identifier' ? p : p.childForFieldName('name') ?? p.namedChildren.find((c) => c.type === 'identifier');
      if (id?.type === 'identifier' && id.text === name) {
        const type = p.childForFieldName('type');
        out.push({ kind: 'param', node: p, annotation: type, default: p.childForFieldName('value') });
      }
    }
  }
  const found = table.names.get(name);
  return found ? [...out, ...found] : out;
}

/** Identifier names anywhere below `t` (itself included): the names a target list rebinds. */
function targetNames(t: SyntaxNode | null): Set<string> {
  const names = new Set<string>();
  const walk = (n: SyntaxNode) => {
    if (n.type === 'identifier') names.add(n.text);
    else for (const c of n.namedChildren) walk(c);
  };
  if (t) walk(t);
  return names;
}

function buildScopeTable(scope: SyntaxNode): ScopeTable {
  const table: ScopeTable = { names: new Map(), globals: new Set() };
  const add = (name: string, b: Binding) => {
    const list = table.names.get(name);
    if (list) list.push(b);
    else table.names.set(name, [b]);
  };
  const others = (names: Set<string>) => {
    for (const name of names) add(name, { kind: 'other' });
  };
  const body = scope.type === 'module' ? scope : scope.childForFieldName('body');
  if (!body) return table;
  // One native walk returns the statements of interest in source order; those
  // inside a node the scope does not look into (a nested scope, an import, ...)
  // are skipped by range.
  let skipUntil = -1;
  for (const n of body.descendantsOfType(SCOPE_TABLE_TYPES)) {
    if (!n.isNamed) continue; // the `lambda` keyword token has the same type name
    if (n.startIndex < skipUntil) continue;
    switch (n.type) {
      case 'function_definition':
      case 'class_definition': {
        const name = n.childForFieldName('name')?.text;
        if (name !== undefined) add(name, { kind: 'other' });
        break;
      }
      case 'global_statement':
        for (const c of n.namedChildren) table.globals.add(c.text);
        break;
      case 'assignment': {
        const left = n.childForFieldName('left');
        const right = n.childForFieldName('right');
        if (left?.type === 'identifier') add(left.text, right ? { kind: 'value', value: right } : { kind: 'other' });
        else others(targetNames(left));
        continue;
      }
      case 'named_expression': {
        const left = n.childForFieldName('name');
        const value = n.childForFieldName('value');
        if (left && value) add(left.text, { kind: 'value', value });
        continue;
      }
      case 'augmented_assignment':
      case 'for_statement':
        others(targetNames(n.childForFieldName('left')));
        continue;
      case 'as_pattern_target':
      case 'delete_statement':
      case 'import_statement':
      case 'import_from_statement':
        others(targetNames(n));
        break;
    }
    // a node whose inside this scope does not look into
    if (n.endIndex > n.startIndex) skipUntil = n.endIndex;
  }
  return table;
}

/** Statements that bind names, and the nodes whose inside a scope's table does not look into. */
const SCOPE_TABLE_TYPES = [
  'function_definition',
  'class_definition',
  'lambda',
  'list_comprehension',
  'set_comprehension',
  'dictionary_comprehension',
  'generator_expression',
  'global_statement',
  'assignment',
  'named_expression',
  'augmented_assignment',
  'for_statement',
  'as_pattern_target',
  'delete_statement',
  'import_statement',
  'import_from_statement',
];

/** 'int': surely an int; 'maybe': probably a device index (or None); 'no': not known to be an int. */
export type Intness = 'int' | 'maybe' | 'no';

const ORDER: Record<Intness, number> = { no: 0, maybe: 1, int: 2 };
const min = (a: Intness, b: Intness): Intness => (ORDER[a] <= ORDER[b] ? a : b);

export class IntOracle {
  private readonly optionCache = new Map<string, { known: boolean } | undefined>();
  private readonly seen = new Set<number>();

  private flow?: ValueFlow;

  constructor(
    private readonly bindings: Bindings,
    /** The file's argparse options (computed once, shared with the pass). */
    private readonly options: () => ArgOption[],
    /** The file's tree, for the attribute assignments (value-flow.ts). */
    private readonly root?: SyntaxNode,
  ) {}

  /** Is `node` an int: a literal, `int(...)`, an argparse `type=int` option, a rank, a name bound only to such values? */
  intness(node: SyntaxNode, depth = 0): Intness {
    const n = unparen(node);
    if (depth > 8 || this.seen.has(n.id)) return 'no';
    this.seen.add(n.id);
    try {
      return this.compute(n, depth);
    } finally {
      this.seen.delete(n.id);
    }
  }

  /** Why a 'maybe' is only a maybe, for the hint. */
  describe(node: SyntaxNode): string {
    const n = unparen(node);
    const opt = n.type === 'attribute' ? this.intOption(n) : undefined;
    if (opt) return `${n.text} is an int option that can be None (no int default)`;
    return `${n.text} looks like a device index, but the code does not show that it is an int`;
  }

  private compute(n: SyntaxNode, depth: number): Intness {
    switch (n.type) {
      case 'integer':
        return 'int';
      case 'unary_operator': {
        const arg = n.childForFieldName('argument');
        return arg?.type === 'integer' ? 'int' : 'no';
      }
      case 'call': {
        const fn = n.childForFieldName('function');
        if (!fn) return 'no';
        if (fn.type === 'identifier' && (fn.text === 'int' || fn.text === 'len') && !this.bindings.isBound(fn.text, n)) {
          return 'int';
        }
        const q = this.bindings.qualify(fn);
        return q !== null && INT_RETURNING.has(q) ? 'int' : 'no';
      }
      case 'attribute': {
        const attr = n.childForFieldName('attribute')!.text;
        const opt = this.intOption(n);
        if (opt) return opt.known ? 'int' : 'maybe';
        const assigned = this.attributeIntness(n, depth);
        if (assigned !== undefined) return assigned;
        return isIndexLike(attr) ? 'maybe' : 'no';
      }
      case 'identifier': {
        const found = nameBindings(n);
        if (found.length === 0) return 'no';
        let result: Intness = 'int';
        for (const b of found) {
          if (b.kind === 'value') result = min(result, this.intness(b.value, depth + 1));
          else if (b.kind === 'param') result = min(result, paramIntness(b, n.text));
          else result = 'no';
        }
        if (result === 'no' && isIndexLike(n.text) && found.every((b) => b.kind !== 'value' || !knownNotInt(b.value))) {
          return 'maybe';
        }
        return result;
      }
      case 'binary_operator': {
        const op = n.childForFieldName('operator')?.text ?? '';
        if (!['+', '-', '*', '//', '%'].includes(op)) return 'no';
        const a = this.intness(n.childForFieldName('left')!, depth + 1);
        const b = this.intness(n.childForFieldName('right')!, depth + 1);
        if (a === 'int' && b === 'int') return 'int';
        return a === 'no' && b === 'no' ? 'no' : 'maybe';
      }
      case 'conditional_expression': {
        const [yes, , no] = n.namedChildren;
        return min(this.intness(yes, depth + 1), this.intness(no, depth + 1));
      }
      default:
        return 'no';
    }
  }

  /**
   * `self.local_rank` where the file gives that attribute only plain assignments
   * (`self.local_rank = int(os.environ["LOCAL_RANK"])`): the int-ness of their values.
   * Undefined when the file does not assign it, or also binds it another way
   * (`self.a, self.b = ...`, `self.a += n`, `for self.a in ...`), or assigns a value
   * that is surely not an int (a string, None, a device): then the name decides, as before.
   */
  private attributeIntness(n: SyntaxNode, depth: number): Intness | undefined {
    if (!this.root) return undefined;
    this.flow ??= new ValueFlow(this.root);
    const values = this.flow.assignedToAttribute(n);
    if (values.length === 0) return undefined;
    for (const a of this.flow.sameAttribute(n)) {
      const p = a.parent;
      const plain = p?.type === 'assignment' && p.childForFieldName('left')?.id === a.id;
      if (!plain && (isAssignmentTarget(a) || p?.type === 'for_statement' && p.childForFieldName('left')?.id === a.id)) return undefined;
    }
    if (values.some(knownNotInt)) return undefined;
    let result: Intness = 'int';
    for (const v of values) result = min(result, this.intness(v, depth + 1));
    return result === 'no' ? undefined : result;
  }

  /** `args.gpu` where this file declares `--gpu` with `type=int`; known when it cannot be None. */
  private intOption(n: SyntaxNode): { known: boolean } | undefined {
    const attr = n.childForFieldName('attribute')?.text;
    const obj = n.childForFieldName('object');
    if (!attr || !obj || (obj.type !== 'identifier' && obj.type !== 'attribute')) return undefined;
    if (!this.optionCache.has(attr)) this.optionCache.set(attr, this.intOptionNamed(attr));
    return this.optionCache.get(attr);
  }

  private intOptionNamed(attr: string): { known: boolean } | undefined {
    const all = this.options();
    const opts = all.filter((o) => o.dest === attr && o.flags.length > 0);
    if (opts.length === 0 || !opts.every(isIntOption)) return undefined;
    const known = opts.every((o) => {
      const required = callArgs(o.call).keywords.get('required')?.value.text === 'True';
      const d = o.default ? unparen(o.default) : undefined;
      const intDefault = !!d && (d.type === 'integer' || (d.type === 'unary_operator' && d.childForFieldName('argument')?.type === 'integer'));
      // a set_defaults(gpu=None) elsewhere could still make it None
      const reset = all.some((s) => s.flags.length === 0 && s.dest === attr && s.default?.type !== 'integer');
      return (required || intDefault) && !reset;
    });
    return { known };
  }
}

function paramIntness(b: Extract<Binding, { kind: 'param' }>, name: string): Intness {
  const ann = b.annotation ? b.annotation.text.replace(/\s+/g, '') : '';
  const def = b.default ? unparen(b.default) : null;
  if (ann === 'int') return def?.type === 'none' ? 'maybe' : 'int';
  if (/^(Optional\[int\]|int\|None|None\|int)$/.test(ann)) return 'maybe';
  if (def?.type === 'integer' && !ann) return isIndexLike(name) ? 'maybe' : 'no';
  return isIndexLike(name) && !ann ? 'maybe' : 'no';
}

/** Values that are surely not an int (a device, a string, a tensor attribute). */
function knownNotInt(v: SyntaxNode): boolean {
  const n = unparen(v);
  if (n.type === 'string' || n.type === 'concatenated_string' || n.type === 'none' || n.type === 'float') return true;
  if (n.type === 'call') {
    const fn = n.childForFieldName('function');
    return !!fn && /(^|\.)(device|str|float)$/.test(fn.text);
  }
  return n.type === 'attribute' && n.childForFieldName('attribute')?.text === 'device';
}
