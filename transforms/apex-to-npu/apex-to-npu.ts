/**
 * apex-to-npu: NVIDIA apex APIs that do not carry over to Ascend, reported with the
 * NPU twin as a hint. Report only: the rewrites change optimizer semantics or
 * arguments, so a person makes them.
 *
 *   import amp_C                                 → remove (Ascend's apex has no amp_C)
 *   amp_C.multi_tensor_l2norm                    → torch ops
 *   apex.optimizers.FusedAdam(ps, lr=1e-3)       → torch_npu.optim.NpuFusedAdamW (adam_w_mode=True is the default)
 *   FusedAdam(ps, adam_w_mode=False)             → torch_npu.optim.NpuFusedAdam
 *   FusedLAMB / FusedSGD                         → NpuFusedLamb / NpuFusedSGD
 *   FusedNovoGrad, FusedAdagrad, FusedMixedPrecisionLamb → no twin
 *   amp.initialize(model, opt, opt_level="O2")   → add combine_grad=True (Ascend's apex)
 *   apex.parallel.DistributedDataParallel(model) → torch.nn.parallel.DistributedDataParallel
 *   apex.parallel.SyncBatchNorm / convert_syncbn_model, apex.normalization.Fused*Norm → torch layers
 *   from apex.contrib... / apex.transformer / apex.mlp / ... → not in Ascend's apex
 *
 * Names resolve through every import form (`import apex`, `from apex.optimizers import
 * FusedAdam as Adam`, `import apex.optimizers as optim`, submodule paths such as
 * `apex.optimizers.fused_adam.FusedAdam`) and Python scoping.
 *
 * Findings: one per use site (each call, isinstance check, ...) of an apex API, and
 * one per import that binds such a name without using it; one per `import amp_C`
 * statement and one per `amp_C.<kernel>` use; one per import of an apex module that
 * Ascend's apex does not document. The hints (src/facts/apex.ts) look at the call's
 * arguments: FusedAdam's adam_w_mode picks NpuFusedAdamW or NpuFusedAdam, and a missing
 * weight_decay is pointed out where the defaults differ.
 * - manual: everything (no fix).
 */
import type { Pass, PassContext } from '../../src/core/pass';
import type { ImportStatement } from '../../src/python/bindings';
import type { SyntaxNode } from '../../src/python/parser';
import { ancestor, attributesAfter, callArgs, callOf } from '../../src/python/nodes';
import {
  AMP_C_IMPORT_HINT,
  UNDOCUMENTED_APEX_HINT,
  UNDOCUMENTED_APEX_MODULES,
  ampCHint,
  apexAdvice,
  isKnownApexName,
} from '../../src/facts/apex';

const ID = 'apex-to-npu';

export const apexToNpu: Pass = {
  id: ID,
  summary: 'apex on NPU: amp_C, Fused* optimizers, apex.parallel, apex.normalization reported with their NPU twin; amp.initialize → combine_grad=True',
  levels: ['manual'],
  triggers: /apex|amp_C/,
  run(ctx) {
    ampC(ctx);
    apexUses(ctx);
    undocumentedModules(ctx);
  },
};

// --- amp_C

function ampC(ctx: PassContext): void {
  for (const stmt of ctx.bindings.imports) {
    const binds = stmt.names.filter((n) => n.qualified === 'amp_C' || n.qualified.startsWith('amp_C.'));
    if (binds.length === 0 && stmt.module !== 'amp_C') continue;
    const guarded = importErrorGuarded(stmt.node);
    ctx.report({
      ruleId: `${ID}/amp-c`,
      message: `${stmt.node.text.replace(/\s+/g, ' ')}: amp_C is not available on NPU`,
      start: stmt.node.startIndex,
      end: stmt.node.endIndex,
      hint: guarded ? `${AMP_C_IMPORT_HINT} (the import is guarded by an except ImportError: check that the fallback path is the one you want on NPU)` : AMP_C_IMPORT_HINT,
    });
    for (const n of binds) {
      for (const ref of ctx.bindings.references(n.local)) {
        if (ctx.bindings.resolve(ref) !== n.qualified) continue;
        const after = attributesAfter(ref);
        const full = [n.qualified, ...after.map((a) => a.text)];
        const fn = full[1];
        if (!fn) continue; // the module used as a value: the import finding covers it
        const end = n.qualified === 'amp_C' ? after[0] : ref;
        ctx.report({
          ruleId: `${ID}/amp-c`,
          message: `amp_C.${fn} has no NPU twin`,
          start: ref.startIndex,
          end: end.endIndex,
          hint: ampCHint(fn),
        });
      }
    }
  }
}

/** Inside a `try:` whose handlers catch ImportError / ModuleNotFoundError (or everything). */
function importErrorGuarded(node: SyntaxNode): boolean {
  const block = ancestor(node, 'block');
  const tryStmt = block?.parent;
  if (!tryStmt || tryStmt.type !== 'try_statement' || tryStmt.childForFieldName('body')?.id !== block!.id) return false;
  return tryStmt.namedChildren.some(
    (c) => c.type === 'except_clause' && (/ImportError|ModuleNotFoundError|Exception/.test(c.text.split(':')[0]) || /^except\s*:/.test(c.text)),
  );
}

// --- apex APIs

function apexUses(ctx: PassContext): void {
  for (const stmt of ctx.bindings.imports) {
    for (const n of stmt.names) {
      if (n.qualified !== 'apex' && !n.qualified.startsWith('apex.')) continue;
      let used = false;
      for (const ref of ctx.bindings.references(n.local)) {
        if (ctx.bindings.resolve(ref) !== n.qualified) continue;
        used = true;
        reportChain(ctx, ref, n.qualified);
      }
      // `from apex.optimizers import FusedAdam` with no use: report the import
      if (!used && stmt.kind === 'from' && isKnownApexName(n.qualified)) {
        const found = apexAdvice(n.qualified, null);
        if (found) report(ctx, n.nameNode, found.name, found.advice);
      }
    }
  }
}

/** A reference to a name bound to an apex module or API: find the API the chain names. */
function reportChain(ctx: PassContext, ref: SyntaxNode, qualified: string): void {
  const after = attributesAfter(ref);
  const parts = [qualified];
  const nodes: SyntaxNode[] = [ref];
  for (const a of after) {
    parts.push(`${parts[parts.length - 1]}.${a.text}`);
    nodes.push(a.parent!); // the attribute node that ends with this name
  }
  for (let i = 0; i < parts.length; i++) {
    if (!isKnownApexName(parts[i])) continue;
    const node = nodes[i];
    const call = callOf(node);
    const found = apexAdvice(parts[i], call ? callArgs(call) : null);
    if (found) report(ctx, node, found.name, found.advice);
    return;
  }
}

function report(ctx: PassContext, node: SyntaxNode, name: string, advice: { message: string; hint: string }): void {
  ctx.report({ message: `${name}: ${advice.message}`, start: node.startIndex, end: node.endIndex, hint: advice.hint });
}

// --- apex modules that Ascend's apex does not document

function undocumentedModules(ctx: PassContext): void {
  const under = (q: string) => UNDOCUMENTED_APEX_MODULES.find((m) => q === m || q.startsWith(m + '.'));
  for (const stmt of ctx.bindings.imports) {
    const module = moduleOf(stmt, under);
    if (!module) continue;
    ctx.report({
      ruleId: `${ID}/not-in-ascend-apex`,
      message: `${module} is not part of Ascend's apex`,
      start: stmt.node.startIndex,
      end: stmt.node.endIndex,
      hint: UNDOCUMENTED_APEX_HINT,
    });
  }
}

function moduleOf(stmt: ImportStatement, under: (q: string) => string | undefined): string | undefined {
  if (stmt.kind === 'from' && stmt.module) {
    const m = under(stmt.module);
    if (m) return m;
  }
  for (const n of stmt.names) {
    // `import apex.contrib.xentropy` binds `apex`: look at the dotted name itself
    const dotted = stmt.kind === 'import' ? n.nameNode.text.replace(/\s+/g, '') : n.qualified;
    const m = under(dotted);
    if (m) return m;
  }
  return undefined;
}
