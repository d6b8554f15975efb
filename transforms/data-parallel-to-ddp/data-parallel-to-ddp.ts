/**
 * data-parallel-to-ddp: `torch.nn.DataParallel` → `DistributedDataParallel`.
 *
 *   model = nn.DataParallel(model, device_ids=[0, 1])   → model = to_ddp(model, device_ids=[0, 1])
 *   net = DP(net).cuda()                                 → net = to_ddp(net).cuda()
 *   isinstance(m, nn.DataParallel)                       → isinstance(m, (nn.DataParallel, nn.parallel.DistributedDataParallel))
 *   type(m) is nn.DataParallel                           → type(m) in (nn.DataParallel, nn.parallel.DistributedDataParallel)
 *   type(m) in (nn.DataParallel, Foo)                    → type(m) in (nn.DataParallel, nn.parallel.DistributedDataParallel, Foo)
 *
 * DataParallel does not run on NPU; DDP does, one process per NPU on the hccl
 * backend (ascend-facts.md §1.12, §3.7). The set-up DDP needs (current device
 * from LOCAL_RANK, a process group from the launcher's RANK / WORLD_SIZE /
 * MASTER_ADDR / MASTER_PORT or a one-process group, the module on its NPU) lives
 * in one helper, `ascendify_ddp.py` (ascendify-ddp.ts), added once at the
 * repository root through `Fix.supportFiles`. `to_ddp` takes DataParallel's
 * arguments, so only the callee changes: `device_ids` picks each process's NPU
 * (device_ids[LOCAL_RANK]), `output_device` is not needed (outputs stay on the
 * process's NPU), `dim` is passed on. DDP keeps `.module`.
 *
 * Names resolve through imports and scoping (any alias, `from torch.nn.parallel
 * import DataParallel as DP`); comments, strings, annotations, other libraries'
 * DataParallel and a user's own class of that name are not touched.
 *
 * - safe: the call in a file at the repository root (where `import ascendify_ddp`
 *   resolves when the program starts from the root, as `python train.py` and
 *   `torchrun train.py` do); isinstance / issubclass / `type(m) is` / `in (...)`
 *   checks, which then accept both wrappers.
 * - unsafe: the call in a file below the root: the helper import needs the root on sys.path;
 *   a call wrapping an attribute of an object the code does not show to be a module or
 *   not (`cfg.model = DP(cfg.model)`, `self.net` in a class with an imported base and no `forward`).
 * - manual: DataParallel around a submodule (`model.features = DP(model.features)`,
 *   `self.encoder = DP(...)` in an nn.Module): DDP all-reduces only the wrapped module's
 *   gradients, the rest of the model drifts apart across ranks (see `wrappedScope`);
 *   a DataParallel subclass, DataParallel used as a value
 *   (`partial(nn.DataParallel, ...)`), the functional `torch.nn.parallel.data_parallel`;
 *   and, for every converted call, the launch note: start the program with
 *   `torchrun --nproc_per_node=N ...`, shard the data, divide the batch size.
 *   The note is reported on `to_ddp(...)` calls, so it stays in the report for
 *   as long as the code uses the helper (also when a converted tree is converted again).
 */
import type { Pass, PassContext } from '../../src/core/pass';
import type { Edit, FixSafety } from '../../src/core/edit';
import type { Bindings } from '../../src/python/bindings';
import type { SyntaxNode } from '../../src/python/parser';
import type { ImportRequest } from '../../src/imports/request';
import { ancestor, attributesAfter, callArgs, dottedParts, unparen, withParens } from '../../src/python/nodes';
import { nodesOfType } from '../../src/python/tree-cache';
import { DATA_PARALLEL_FUNCTIONS, DATA_PARALLEL_NAMES, DDP_NAMES, PARALLEL_MODULES } from '../../src/facts/data-parallel';
import { HELPER_FUNCTION, HELPER_MODULE, HELPER_PATH, HELPER_SOURCE } from './ascendify-ddp';

const ID = 'data-parallel-to-ddp';
const HELPER = `${HELPER_MODULE}.${HELPER_FUNCTION}`;
const DDP = 'DistributedDataParallel';

export const dataParallelToDdp: Pass = {
  id: ID,
  summary:
    'torch.nn.DataParallel(...) → DistributedDataParallel through the ascendify_ddp.to_ddp helper (hccl, one process per NPU); isinstance/type checks accept both; launch with torchrun',
  levels: ['safe', 'unsafe', 'manual'],
  triggers: /DataParallel|data_parallel|ascendify_ddp|to_ddp/,
  rounds: 'reacts', // the launch note is reported on the to_ddp calls it wrote
  run(ctx) {
    for (const ref of parallelReferences(ctx)) {
      if (ref.kind === 'helper') launchNote(ctx, ref.node);
      else if (ref.kind === 'functional') reportFunctional(ctx, ref.node);
      else convertReference(ctx, ref.node);
    }
  },
};

interface Reference {
  kind: 'data-parallel' | 'functional' | 'helper';
  /** The identifier or attribute chain that names the thing. */
  node: SyntaxNode;
}

/** Every expression naming DataParallel, data_parallel or the helper, in source order. */
function parallelReferences(ctx: PassContext): Reference[] {
  const wanted = (q: string) =>
    PARALLEL_MODULES.has(q) || DATA_PARALLEL_NAMES.has(q) || DATA_PARALLEL_FUNCTIONS.has(q) || q === HELPER_MODULE || q === HELPER;
  const locals = new Set(ctx.bindings.boundNames().filter((n) => wanted(n.qualified)).map((n) => n.local));
  locals.add(HELPER_FUNCTION).add(HELPER_MODULE);
  const out: Reference[] = [];
  for (const local of locals) {
    for (const head of ctx.bindings.references(local)) {
      let q = ctx.bindings.resolve(head) ?? pendingImport(ctx, head);
      if (q === null) continue;
      const chain = [head, ...attributesAfter(head).map((a) => a.parent!)];
      for (let i = 0; i < chain.length; i++) {
        if (i > 0) q = `${q}.${chain[i].childForFieldName('attribute')!.text}`;
        const node = chain[i];
        const last = i === chain.length - 1;
        if (DATA_PARALLEL_NAMES.has(q)) out.push({ kind: 'data-parallel', node });
        else if (DATA_PARALLEL_FUNCTIONS.has(q) && last) out.push({ kind: 'functional', node });
        else if (q === HELPER && calleeOf(node)) out.push({ kind: 'helper', node });
        else continue;
        break;
      }
    }
  }
  return out.sort((a, b) => a.node.startIndex - b.node.startIndex);
}

/**
 * The engine adds requested imports after the last round, so in the rounds after
 * a fix the names it imports (`to_ddp`, `ascendify_ddp`, `DistributedDataParallel`)
 * are not bound yet. Such a name that nothing binds, in a file without `import *`,
 * is the one whose import is pending (otherwise it would be a NameError).
 */
function pendingImport(ctx: PassContext, ident: SyntaxNode): string | null {
  const pending: Record<string, string> = {
    [HELPER_FUNCTION]: HELPER,
    [HELPER_MODULE]: HELPER_MODULE,
    [DDP]: `torch.nn.parallel.${DDP}`,
  };
  const q = ident.type === 'identifier' && Object.hasOwn(pending, ident.text) ? pending[ident.text] : null;
  if (q === null || ctx.bindings.isBound(ident.text, ident) || ctx.bindings.imports.some((s) => s.wildcard)) return null;
  return q;
}

function convertReference(ctx: PassContext, dp: SyntaxNode): void {
  if (ancestor(dp, 'type')) return; // an annotation: no run-time effect
  const outer = withParens(dp);
  const call = calleeOf(dp);
  if (call) return convertCall(ctx, dp, call);
  const parent = outer.parent!;
  if (parent.type === 'argument_list' && parent.parent?.type === 'class_definition') {
    const name = parent.parent.childForFieldName('name')?.text ?? '?';
    ctx.report({
      ruleId: `${ID}/subclass`,
      message: `class ${name}(${qualified(ctx, dp)}): DataParallel subclass`,
      start: dp.startIndex,
      end: dp.endIndex,
      hint:
        'DataParallel does not run on NPU: derive from torch.nn.parallel.DistributedDataParallel and port what the subclass ' +
        'overrides; each process sets its NPU from LOCAL_RANK and joins an hccl process group, launched with torchrun',
    });
    return;
  }
  if (convertCheck(ctx, dp)) return;
  ctx.report({
    ruleId: `${ID}/value`,
    message: `${qualified(ctx, dp)} used as a value`,
    start: dp.startIndex,
    end: dp.endIndex,
    hint:
      'DataParallel does not run on NPU: create the wrapper with torch.nn.parallel.DistributedDataParallel ' +
      '(one process per NPU, launched with torchrun); a check for the wrapper must accept DistributedDataParallel too',
  });
}

/** `DataParallel(module, device_ids, output_device, dim)` → `to_ddp(...)`, same arguments. */
function convertCall(ctx: PassContext, dp: SyntaxNode, call: SyntaxNode): void {
  const callee = helperCallee(ctx, dp);
  const name = qualified(ctx, dp);
  if (!callee) {
    ctx.report({
      ruleId: `${ID}/name-taken`,
      message: `${name}(...) not converted: ${HELPER_FUNCTION} and ${HELPER_MODULE} are names of this file`,
      start: call.startIndex,
      end: call.endIndex,
      hint: `Rename this file's ${HELPER_FUNCTION} or ${HELPER_MODULE} and convert again, or wrap the module in torch.nn.parallel.${DDP} by hand. ${launchHint(ctx, call)}`,
    });
    return;
  }
  const scope = wrappedScope(ctx, call);
  if (scope.kind === 'submodule') {
    ctx.report({
      ruleId: `${ID}/submodule`,
      message: `${name}(${scope.wrapped}): wraps a submodule, not the model being trained`,
      start: call.startIndex,
      end: call.endIndex,
      hint: submoduleHint(scope),
    });
    return;
  }
  const dir = directoryOf(ctx.path);
  const safety: FixSafety = dir || scope.kind === 'unknown' ? 'unsafe' : 'safe';
  const pathHint = dir
    ? `${HELPER_PATH} goes to the repository root and this file is in ${dir}/: the import of ${HELPER_MODULE} works only ` +
      `with the root on sys.path (PYTHONPATH=. below, or a copy of ${HELPER_PATH} next to the entry script). `
    : '';
  const scopeHint =
    scope.kind === 'unknown'
      ? `The code does not show whether ${scope.owner} is a torch module: if it is not (a trainer or a configuration ` +
        `holding the model), the conversion is right; if it is, ${submoduleHint(scope)} `
      : '';
  ctx.report({
    message: `${name} → ${DDP} (${HELPER})`,
    start: call.startIndex,
    end: call.endIndex,
    fix: {
      edits: [{ start: dp.startIndex, end: dp.endIndex, content: callee.text }],
      safety,
      imports: callee.imports,
      supportFiles: [{ path: HELPER_PATH, content: HELPER_SOURCE }],
    },
    hint: scopeHint + pathHint + launchHint(ctx, call),
  });
}

// ---------------------------------------------------------------- whole model or submodule

/**
 * What a DataParallel call wraps, as far as the code shows:
 * - `whole`: a plain name or an expression (`model`, `build(cfg)`), the module taken
 *   out of a wrapper (`DP(model.module)`), or an attribute
 *   of an object that is not a module (`self.model = DP(self.model)` in a trainer
 *   class without nn.Module bases and without `forward`);
 * - `submodule`: the wrapped module is an attribute (or item) of a module, or the
 *   wrapper is stored into one: `model.features = DP(model.features)` where the file
 *   calls `model(...)` / `model.parameters()` / `model.cuda()` ..., `self.encoder =
 *   DP(self.encoder)` or `self.head = DP(head)` in a class derived from `torch.nn.*`
 *   or defining `forward`;
 * - `unknown`: the wrapped module is an attribute of an object the code does not
 *   show to be a module or not (`cfg.model`, `self.net` in `class T(LightningModule)`).
 *
 * Why it matters: under torchrun, DDP all-reduces the gradients of the parameters of
 * the module it wraps, and nothing else. The optimizer steps the whole model, so the
 * parameters outside the wrapped submodule get each process's own gradients and the
 * ranks drift apart (DataParallel had one process, so it did not matter there).
 */
type WrappedScope =
  | { kind: 'whole' }
  | { kind: 'submodule' | 'unknown'; wrapped: string; owner: string };

/**
 * Calls that show an object is a torch module. Names that trainers, optimizers and
 * schedulers also have (`train`, `eval`, `to`, `state_dict`, `zero_grad`) are left out.
 */
const MODULE_METHODS = new Set([
  'parameters', 'named_parameters', 'modules', 'named_modules', 'children', 'named_children',
  'cuda', 'npu', 'half', 'bfloat16', 'register_forward_hook', 'register_forward_pre_hook',
]);

function wrappedScope(ctx: PassContext, call: SyntaxNode): WrappedScope {
  const args = callArgs(call);
  const wrapped = args.positional[0] ?? args.keywords.get('module')?.value;
  const target = assignmentTarget(call);
  let unknown: WrappedScope | null = null;
  // the wrapped module first, then where the wrapper is stored
  for (const [expr, isTarget] of [[wrapped, false], [target, true]] as const) {
    if (!expr) continue;
    // `DP(model.module)`: the model taken out of a wrapper, the whole model again
    if (!isTarget && unparen(expr).type === 'attribute' && unparen(expr).childForFieldName('attribute')?.text === 'module') continue;
    const owner = ownerOf(unparen(expr));
    if (!owner) continue;
    const verdict = isModule(ctx, owner);
    const text = wrapped ? wrapped.text.replace(/\s+/g, ' ') : '...';
    if (verdict === 'yes') return { kind: 'submodule', wrapped: text, owner: ownerText(owner) };
    // a wrapper stored into an object of unknown kind (`trainer.model = DP(model)`) wraps what it wraps
    if (verdict === 'unknown' && !isTarget) unknown ??= { kind: 'unknown', wrapped: text, owner: ownerText(owner) };
  }
  return unknown ?? { kind: 'whole' };
}

function submoduleHint(scope: { wrapped: string; owner: string }): string {
  return (
    `${scope.wrapped} is part of ${scope.owner}. DistributedDataParallel must wrap the module whose parameters the ` +
    `optimizer steps: under torchrun it all-reduces the gradients of the wrapped module only, so the rest of ${scope.owner} ` +
    'would get different updates in each process and the ranks drift apart. Remove this wrapper and wrap the whole model ' +
    'once, where it is built: `model = nn.DataParallel(model)` there is converted by this pass (to_ddp), or write ' +
    'torch.nn.parallel.DistributedDataParallel(model, device_ids=[local_rank]) on the hccl backend; then launch with ' +
    'torchrun --nproc_per_node=N.'
  );
}

/** `x = <call>`, through parentheses, `a if c else b` and chained `.cuda()` / `.to()` / `.npu()`: the target `x`. */
function assignmentTarget(call: SyntaxNode): SyntaxNode | null {
  let x = withParens(call);
  for (;;) {
    const p = x.parent;
    if (!p) return null;
    if (p.type === 'conditional_expression') {
      x = withParens(p);
      continue;
    }
    if (p.type === 'attribute' && /^(cuda|npu|to)$/.test(p.childForFieldName('attribute')?.text ?? '')) {
      const outer = calleeOf(p);
      if (!outer) return null;
      x = withParens(outer);
      continue;
    }
    if (p.type === 'assignment' && p.childForFieldName('right')?.id === x.id) return p.childForFieldName('left');
    return null;
  }
}

/** The object a module is reached through: `model` in `model.features`, `self` in `self.blocks[0]`; null for a plain name. */
type Owner = { kind: 'class'; cls: SyntaxNode; self: string } | { kind: 'object'; node: SyntaxNode };

function ownerOf(expr: SyntaxNode): Owner | null {
  let obj: SyntaxNode | null = null;
  if (expr.type === 'attribute') obj = expr.childForFieldName('object');
  else if (expr.type === 'subscript') obj = expr.childForFieldName('value');
  if (!obj) return null;
  obj = unparen(obj);
  if (obj.type === 'identifier') {
    const cls = methodClass(obj);
    if (cls) return { kind: 'class', cls, self: obj.text };
  }
  return dottedParts(obj) ? { kind: 'object', node: obj } : null;
}

function ownerText(owner: Owner): string {
  if (owner.kind === 'object') return owner.node.text;
  return `${owner.self} (${owner.cls.childForFieldName('name')?.text ?? 'the class'})`;
}

/** The class whose method binds `ident` as its first parameter (`self`), or null. */
function methodClass(ident: SyntaxNode): SyntaxNode | null {
  for (let fn = ancestor(ident, 'function_definition'); fn; fn = ancestor(fn, 'function_definition')) {
    const first = fn.childForFieldName('parameters')?.namedChildren[0];
    const name = first?.type === 'identifier' ? first.text : first?.type === 'typed_parameter' ? first.namedChildren[0]?.text : undefined;
    if (name !== ident.text) continue;
    let holder = fn.parent;
    if (holder?.type === 'decorated_definition') holder = holder.parent;
    return holder?.type === 'block' && holder.parent?.type === 'class_definition' ? holder.parent : null;
  }
  return null;
}

/** Is the owner a torch module? From the class's bases and `forward`, or from how the file uses the object. */
function isModule(ctx: PassContext, owner: Owner, seen = new Set<number>()): 'yes' | 'no' | 'unknown' {
  if (owner.kind === 'class') return isModuleClass(ctx, owner.cls, seen);
  const text = owner.node.text;
  for (const call of nodesOfType(ctx.root, 'call')) {
    const fn = call.childForFieldName('function');
    if (!fn) continue;
    if (fn.text === text) return 'yes'; // model(x)
    if (fn.type === 'attribute' && fn.childForFieldName('object')?.text === text && MODULE_METHODS.has(fn.childForFieldName('attribute')?.text ?? '')) {
      return 'yes'; // model.parameters(), model.cuda(), ...
    }
  }
  return 'unknown';
}

function isModuleClass(ctx: PassContext, cls: SyntaxNode, seen: Set<number>): 'yes' | 'no' | 'unknown' {
  if (seen.has(cls.id)) return 'unknown';
  seen.add(cls.id);
  const body = cls.childForFieldName('body');
  for (const stmt of body?.namedChildren ?? []) {
    const def = stmt.type === 'decorated_definition' ? stmt.childForFieldName('definition') : stmt;
    if (def?.type === 'function_definition' && def.childForFieldName('name')?.text === 'forward') return 'yes';
  }
  let verdict: 'no' | 'unknown' = 'no';
  for (const base of cls.childForFieldName('superclasses')?.namedChildren ?? []) {
    if (base.type === 'keyword_argument') continue; // metaclass=...
    const q = ctx.bindings.qualify(base);
    if (q !== null && q.startsWith('torch.nn.')) return 'yes';
    if (base.type === 'identifier' && base.text === 'object' && q === null) continue;
    const local = base.type === 'identifier' && q === null ? localClass(ctx, base.text) : null;
    const v = local ? isModuleClass(ctx, local, seen) : 'unknown';
    if (v === 'yes') return 'yes';
    if (v === 'unknown') verdict = 'unknown';
  }
  return verdict;
}

/** A module-level `class name` of this file, when it is the only binding of the name there. */
function localClass(ctx: PassContext, name: string): SyntaxNode | null {
  const found = ctx.root.namedChildren
    .map((s) => (s.type === 'decorated_definition' ? s.childForFieldName('definition') : s))
    .filter((s): s is SyntaxNode => s?.type === 'class_definition' && s.childForFieldName('name')?.text === name);
  return found.length === 1 ? found[0] : null;
}

/** `to_ddp` (imported from the helper), or `ascendify_ddp.to_ddp` when the file uses that name otherwise. */
function helperCallee(ctx: PassContext, site: SyntaxNode): { text: string; imports: ImportRequest[] } | null {
  const fn = resolveNameAt(ctx.bindings, HELPER_FUNCTION, site);
  if (fn === HELPER) return { text: HELPER_FUNCTION, imports: [] };
  if (fn === null && !ctx.bindings.isBound(HELPER_FUNCTION, site)) {
    return { text: HELPER_FUNCTION, imports: [{ module: HELPER_MODULE, name: HELPER_FUNCTION, placement: 'top' }] };
  }
  const mod = resolveNameAt(ctx.bindings, HELPER_MODULE, site);
  if (mod === HELPER_MODULE) return { text: HELPER, imports: [] };
  if (mod === null && !ctx.bindings.isBound(HELPER_MODULE, site)) {
    return { text: HELPER, imports: [{ module: HELPER_MODULE, placement: 'top' }] };
  }
  return null;
}

/**
 * isinstance / issubclass checks and `type(m) is DP` / `in (DP, ...)` comparisons:
 * add DistributedDataParallel next to DataParallel. True when `dp` is in such a check.
 */
function convertCheck(ctx: PassContext, dp: SyntaxNode): boolean {
  // climb through the tuples (and, for `in`, lists and sets) that hold DataParallel
  let x = withParens(dp);
  let container: SyntaxNode | null = null;
  let onlyTuples = true;
  while (x.parent && /^(tuple|list|set)$/.test(x.parent.type)) {
    onlyTuples &&= x.parent.type === 'tuple';
    container = withParens(x.parent);
    x = container;
  }
  const parent = x.parent;
  if (!parent) return false;

  // isinstance(m, DP) / isinstance(m, (DP, X)) / issubclass(C, DP)
  if (parent.type === 'argument_list' && parent.parent?.type === 'call') {
    const call = parent.parent;
    const fn = call.childForFieldName('function');
    if (fn?.type !== 'identifier' || !/^(isinstance|issubclass)$/.test(fn.text) || ctx.bindings.isBound(fn.text, fn)) return false;
    const args = callArgs(call);
    if (args.positional.length !== 2 || args.positional[1].id !== x.id) return false;
    if (!onlyTuples) return false;
    if (container && (holdsDdp(ctx, container) || !firstDataParallel(ctx, container, dp))) return true;
    const ddp = ddpReference(ctx, dp);
    if (!ddp) return reportNoDdpName(ctx, dp);
    const name = qualified(ctx, dp);
    if (container) {
      ctx.report({
        message: `${fn.text}(…, (…, ${name}, …)): ${DDP} added`,
        start: call.startIndex,
        end: call.endIndex,
        fix: { edits: [insert(withParens(dp).endIndex, `, ${ddp.text}`)], safety: 'safe', imports: ddp.imports },
      });
    } else {
      ctx.report({
        message: `${fn.text}(…, ${name}) → ${fn.text}(…, (DataParallel, ${DDP}))`,
        start: call.startIndex,
        end: call.endIndex,
        fix: { edits: wrapInTuple(x, ddp.text), safety: 'safe', imports: ddp.imports },
      });
    }
    return true;
  }

  // type(m) is DP / == / is not / != ; type(m) in (DP, X) / not in
  if (parent.type === 'comparison_operator' && parent.namedChildCount === 2 && parent.namedChildren[1].id === x.id) {
    const op = parent.children.find((c) => !c.isNamed);
    if (!op) return false;
    const opText = op.text.replace(/\s+/g, ' ');
    const name = qualified(ctx, dp);
    if (container) {
      if (!/^(in|not in)$/.test(opText)) return false;
      if (holdsDdp(ctx, container) || !firstDataParallel(ctx, container, dp)) return true;
      const ddp = ddpReference(ctx, dp);
      if (!ddp) return reportNoDdpName(ctx, dp);
      ctx.report({
        message: `\`${opText} (…, ${name}, …)\`: ${DDP} added`,
        start: parent.startIndex,
        end: parent.endIndex,
        fix: { edits: [insert(withParens(dp).endIndex, `, ${ddp.text}`)], safety: 'safe', imports: ddp.imports },
      });
      return true;
    }
    const membership: Record<string, string> = { is: 'in', '==': 'in', 'is not': 'not in', '!=': 'not in' };
    const newOp = membership[opText];
    if (!newOp) return false;
    const ddp = ddpReference(ctx, dp);
    if (!ddp) return reportNoDdpName(ctx, dp);
    ctx.report({
      message: `\`${opText} ${name}\` → \`${newOp} (DataParallel, ${DDP})\``,
      start: parent.startIndex,
      end: parent.endIndex,
      fix: {
        edits: [{ start: op.startIndex, end: op.endIndex, content: newOp }, ...wrapInTuple(x, ddp.text)],
        safety: 'safe',
        imports: ddp.imports,
      },
    });
    return true;
  }
  return false;
}

function reportNoDdpName(ctx: PassContext, dp: SyntaxNode): true {
  ctx.report({
    ruleId: `${ID}/check`,
    message: `check for ${qualified(ctx, dp)} does not accept ${DDP}`,
    start: dp.startIndex,
    end: dp.endIndex,
    hint: `Add torch.nn.parallel.${DDP} to the check (the name ${DDP} is taken in this file: import it under another name)`,
  });
  return true;
}

/** Does a tuple / list / set (possibly nested) hold DistributedDataParallel? */
function holdsDdp(ctx: PassContext, container: SyntaxNode): boolean {
  for (const c of unparen(container).namedChildren) {
    const e = unparen(c);
    if (/^(tuple|list|set)$/.test(e.type)) {
      if (holdsDdp(ctx, e)) return true;
      continue;
    }
    const q = ctx.bindings.qualify(e) ?? pendingImport(ctx, e);
    if (q !== null && DDP_NAMES.has(q)) return true;
  }
  return false;
}

/** Is `dp` the first DataParallel in the container (the one that gets DDP added)? */
function firstDataParallel(ctx: PassContext, container: SyntaxNode, dp: SyntaxNode): boolean {
  const elements = (c: SyntaxNode): SyntaxNode[] =>
    unparen(c).namedChildren.flatMap((e) => (/^(tuple|list|set)$/.test(unparen(e).type) ? elements(e) : [unparen(e)]));
  const first = elements(container).find((e) => DATA_PARALLEL_NAMES.has(ctx.bindings.qualify(e) ?? ''));
  return first?.id === dp.id;
}

/**
 * How to spell DistributedDataParallel where `dp` is: through the same chain
 * (`nn.DataParallel` → `nn.parallel.DistributedDataParallel`), else through a name
 * the file binds, else through a new `from torch.nn.parallel import DistributedDataParallel`.
 */
function ddpReference(ctx: PassContext, dp: SyntaxNode): { text: string; imports: ImportRequest[] } | null {
  const spell = (q: string | null, base: string): string | null => {
    if (q !== null && DDP_NAMES.has(q)) return base;
    if (q === 'torch.nn.parallel') return `${base}.${DDP}`;
    if (q === 'torch.nn') return `${base}.parallel.${DDP}`;
    if (q === 'torch') return `${base}.nn.parallel.${DDP}`;
    return null;
  };
  for (let obj = dp.type === 'attribute' ? dp.childForFieldName('object') : null; obj; ) {
    const text = spell(ctx.bindings.qualify(obj), dottedParts(obj)?.join('.') ?? obj.text);
    if (text) return { text, imports: [] };
    obj = obj.type === 'attribute' ? obj.childForFieldName('object') : null;
  }
  const order = (q: string) => (DDP_NAMES.has(q) ? 0 : q === 'torch.nn.parallel' ? 1 : q === 'torch.nn' ? 2 : q === 'torch' ? 3 : 4);
  const names = ctx.bindings.imports
    .filter((s) => !s.typeCheckingOnly)
    .flatMap((s) => s.names)
    .filter((n) => order(n.qualified) < 4)
    .sort((a, b) => order(a.qualified) - order(b.qualified));
  for (const n of names) {
    if (resolveNameAt(ctx.bindings, n.local, dp) !== n.qualified) continue;
    const text = spell(n.qualified, n.local);
    if (text) return { text, imports: [] };
  }
  if (ctx.bindings.isBound(DDP, dp)) return null;
  return { text: DDP, imports: [{ module: 'torch.nn.parallel', name: DDP, placement: 'top' }] };
}

/** A converted `to_ddp(...)` call: tell the user how the program is started now. */
function launchNote(ctx: PassContext, callee: SyntaxNode): void {
  const call = calleeOf(callee)!;
  ctx.report({
    ruleId: `${ID}/launch`,
    message: `${DDP} (${HELPER}): launch with torchrun, one process per NPU`,
    start: call.startIndex,
    end: call.endIndex,
    hint: launchHint(ctx, call),
  });
}

/** The launch command, the data-loading follow-ups, and a warning about a chained device move. */
function launchHint(ctx: PassContext, call: SyntaxNode): string {
  const n = processCount(call);
  const count = n === undefined ? 'N' : String(n);
  const script = ctx.isEntry ? ctx.path : '<entry script>';
  const env = directoryOf(ctx.path) ? 'PYTHONPATH=. ' : '';
  let hint =
    `Start the program from the repository root with \`${env}torchrun --nproc_per_node=${count} ${script} ...\` ` +
    (n === undefined ? '(N = number of NPUs)' : '(one process per device in device_ids)') +
    `; \`${env}python ${script} ...\` runs one process on one NPU. DataParallel split each batch across the devices; ` +
    `under DDP each process loads its own: use a DistributedSampler, divide the batch size by ${count}, log and save on rank 0 only.`;
  const moved = chainedMove(call);
  if (moved) {
    hint +=
      ` The wrapped model is moved again with ${moved}: ${HELPER_FUNCTION} already put it on its process's NPU, ` +
      'and a fixed device would put every process on the same NPU; remove that call.';
  }
  return hint;
}

/** `tools/train.py` → `tools`; a file at the root → ''. */
function directoryOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

/** `DataParallel(m, device_ids=[0, 1])` → 2; `range(4)`, `list(range(4))` → 4; unknown → undefined. */
function processCount(call: SyntaxNode): number | undefined {
  const args = callArgs(call);
  const ids = args.keywords.get('device_ids')?.value ?? args.positional[1];
  if (!ids) return undefined;
  const e = unparen(ids);
  if (e.type === 'list' || e.type === 'tuple') {
    return e.namedChildren.length > 0 && e.namedChildren.every((c) => c.type === 'integer') ? e.namedChildren.length : undefined;
  }
  if (e.type !== 'call') return undefined;
  const fn = e.childForFieldName('function')?.text;
  const inner = callArgs(e);
  if (fn === 'list' && inner.positional.length === 1 && unparen(inner.positional[0]).type === 'call') {
    return rangeLength(unparen(inner.positional[0]));
  }
  return rangeLength(e);
}

function rangeLength(rangeCall: SyntaxNode): number | undefined {
  if (rangeCall.childForFieldName('function')?.text !== 'range') return undefined;
  const a = callArgs(rangeCall).positional.map(unparen);
  if (a.length === 0 || a.length > 2 || !a.every((x) => x.type === 'integer' && /^\d+$/.test(x.text))) return undefined;
  const n = a.length === 1 ? Number(a[0].text) : Number(a[1].text) - Number(a[0].text);
  return n > 0 ? n : undefined;
}

/** `DataParallel(m).cuda(0)` / `.to(device)` / `.npu(1)`: the chained call with its arguments, as written. */
function chainedMove(call: SyntaxNode): string | null {
  const attr = withParens(call).parent;
  if (attr?.type !== 'attribute') return null;
  const name = attr.childForFieldName('attribute')?.text ?? '';
  const outer = calleeOf(attr);
  if (!outer || !/^(cuda|npu|to)$/.test(name)) return null;
  const args = outer.childForFieldName('arguments');
  if (!args || args.namedChildren.filter((c) => c.type !== 'comment').length === 0) return null;
  return `.${name}${args.text.replace(/\s+/g, ' ')}`;
}

function reportFunctional(ctx: PassContext, node: SyntaxNode): void {
  ctx.report({
    ruleId: `${ID}/functional`,
    message: `${qualified(ctx, node)} has no NPU form`,
    start: node.startIndex,
    end: node.endIndex,
    hint: "Call the module on this process's NPU (module(inputs)), or wrap it in torch.nn.parallel.DistributedDataParallel and launch with torchrun",
  });
}

// ---------------------------------------------------------------- small helpers

/** The call whose callee is `node` (through parentheses), or null. */
function calleeOf(node: SyntaxNode): SyntaxNode | null {
  const outer = withParens(node);
  const p = outer.parent;
  return p?.type === 'call' && p.childForFieldName('function')?.id === outer.id ? p : null;
}



function insert(at: number, content: string): Edit {
  return { start: at, end: at, content };
}

/** `X` → `(X, DDP)`: two insertions, X itself untouched. */
function wrapInTuple(x: SyntaxNode, ddp: string): Edit[] {
  return [insert(x.startIndex, '('), insert(x.endIndex, `, ${ddp})`)];
}

function qualified(ctx: PassContext, node: SyntaxNode): string {
  return ctx.bindings.qualify(node) ?? node.text;
}

/**
 * What `name` would mean at `site` (through imports and scoping), or null.
 * Bindings.resolve takes an identifier node; this asks it about another name at
 * the same position by presenting `site` under that name.
 */
function resolveNameAt(bindings: Bindings, name: string, site: SyntaxNode): string | null {
  const probe = new Proxy(site, { get: (target, key) => (key === 'text' ? name : Reflect.get(target, key)) });
  return bindings.resolve(probe);
}
