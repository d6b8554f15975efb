/**
 * profiler-to-npu: `torch.profiler` → `torch_npu.profiler`.
 *
 *   torch.profiler.profile(...)                          → torch_npu.profiler.profile(...)
 *   torch.profiler.ProfilerActivity.CUDA                 → torch_npu.profiler.ProfilerActivity.NPU
 *   from torch.profiler import profile, ProfilerActivity → from torch_npu.profiler import profile, ProfilerActivity
 *   from torch.profiler import profile, record_function  → from torch.profiler import record_function
 *                                                          from torch_npu.profiler import profile
 *   import torch.profiler as P / from torch import profiler → import torch_npu.profiler as P / from torch_npu import profiler
 *
 * Why: the NPU profiler is torch_npu.profiler with the same names
 * (`profile`, `schedule`, `tensorboard_trace_handler`, `ProfilerActivity`,
 * `ProfilerAction`, `supported_activities`); the device activity is
 * `ProfilerActivity.NPU` (ascend-facts.md §1.6.1 rows 38–42, §1.6.3, §2.3, §3.9;
 * table in src/facts/profiler.ts). A torch.profiler.profile with CUDA activities
 * records no device activity on NPU. `record_function` is in none of the tables
 * and transfer_to_npu does not patch it, so it stays; so do `prof.step()` and the
 * other methods of the profiler object (the object changes, not the call).
 *
 * A name of the file bound to torch_npu is used when there is one; else
 * `import torch_npu` is requested (the name is needed, not only the side effect).
 *
 * - safe: the names above, through any alias (`import torch as th`, `import
 *   torch.profiler as P`, `from torch import profiler`, `from torch.profiler import
 *   profile as prof`), in import statements and chains.
 * - unsafe: `experimental_config=torch._C._profiler._ExperimentalConfig(...)` (a CUDA
 *   config) of the profile call: the argument is deleted, as GPU2Ascend and
 *   transfer_to_npu do (§1.6.2, §2.3); the hint says how to build an NPU one.
 * - manual: `experimental_config=` with a value the code does not show; a CUDA
 *   `_ExperimentalConfig(...)` built elsewhere; `ProfilerActivity` members other than
 *   CPU / CUDA; `use_cuda=` of the profile call; `from torch.profiler import *`; `torch.autograd.profiler.profile`
 *   with `use_cuda` / `use_device` (no documented NPU twin); `emit_nvtx`,
 *   `load_nvprof` (§1.11, §3.3).
 */
import type { Pass, PassContext } from '../../src/core/pass';
import type { Edit } from '../../src/core/edit';
import type { ImportStatement, ImportedName } from '../../src/python/bindings';
import type { SyntaxNode } from '../../src/python/parser';
import type { ImportRequest } from '../../src/imports/request';
import { attributesAfter, callArgs, indentAt, outermostAttribute, unparen } from '../../src/python/nodes';
import { nodesOfType } from '../../src/python/tree-cache';
import {
  ACTIVITY_TWINS,
  AUTOGRAD_PROFILER_NO_TWIN,
  CUDA_EXPERIMENTAL_CONFIG,
  NPU_EXPERIMENTAL_CONFIG,
  PROFILER_TWINS,
} from '../../src/facts/profiler';

const ID = 'profiler-to-npu';
const NO_TWIN = `${ID}/no-npu-twin`;
const PROFILER = 'torch.profiler';
const NPU_PROFILER = 'torch_npu.profiler';
const NPU_CONFIG_HINT =
  'build an NPU config with torch_npu.profiler._ExperimentalConfig(profiler_level=torch_npu.profiler.ProfilerLevel.Level1, ' +
  'aic_metrics=torch_npu.profiler.AiCMetrics..., export_type=torch_npu.profiler.ExportType...) (ascend-facts.md §3.9) ' +
  'and pass that as experimental_config';

export const profilerToNpu: Pass = {
  id: ID,
  summary:
    'torch.profiler.profile / schedule / tensorboard_trace_handler / ProfilerActivity → torch_npu.profiler (ProfilerActivity.CUDA → NPU); CUDA experimental_config and the autograd profiler on CUDA reported',
  levels: ['safe', 'unsafe', 'manual'],
  triggers: /^(?=[\s\S]*?torch)[\s\S]*?(profiler|ProfilerActivity)/, // every torch profiler name is reached through torch
  run(ctx) {
    const aliasDone = new Set<string>();
    for (const stmt of ctx.bindings.imports) {
      if (stmt.kind === 'from' && stmt.module === PROFILER) convertFromProfiler(ctx, stmt);
      for (const n of stmt.names) {
        if (n.qualified === PROFILER && n.local !== 'torch' && convertAliasImport(ctx, stmt, n)) aliasDone.add(n.local);
      }
    }
    convertChains(ctx, aliasDone);
    checkCalls(ctx);
  },
};

// ---------------------------------------------------------------- what a use of torch.profiler.X needs

interface UseEdit {
  /** Member renames after the profiler module (`CUDA` → `NPU`). */
  edits: Edit[];
  /** Why the use cannot be converted, or null. */
  bad: string | null;
}

/**
 * `path` is what follows torch.profiler (`['ProfilerActivity', 'CUDA']`), `nodes`
 * the attribute identifiers of the path that are in the code (may be shorter).
 */
function useOf(path: string[], nodes: SyntaxNode[]): UseEdit {
  if (path.length === 0) return { edits: [], bad: 'the torch.profiler module is used as a value: check what the code looks up through it' };
  if (!PROFILER_TWINS.has(path[0])) return { edits: [], bad: null }; // record_function, itt, ...: not ours
  if (path[0] !== 'ProfilerActivity' || path.length < 2) return { edits: [], bad: null };
  const member = path[1];
  const twin = ACTIVITY_TWINS[member];
  if (!twin) {
    return { edits: [], bad: `ProfilerActivity.${member} has no torch_npu.profiler twin (it has CPU and NPU, ascend-facts.md §3.9)` };
  }
  const node = nodes[1];
  return { edits: node && twin !== member ? [{ start: node.startIndex, end: node.endIndex, content: twin }] : [], bad: null };
}

/** Is the path one this pass converts (a twin name)? */
function isTwin(path: string[]): boolean {
  return path.length > 0 && PROFILER_TWINS.has(path[0]);
}

// ---------------------------------------------------------------- from torch.profiler import ...

function convertFromProfiler(ctx: PassContext, stmt: ImportStatement): void {
  const range = { start: stmt.node.startIndex, end: stmt.node.endIndex };
  if (stmt.wildcard) {
    ctx.report({
      ruleId: NO_TWIN,
      message: 'from torch.profiler import *: the names cannot be checked one by one',
      ...range,
      hint: `import profile, schedule, tensorboard_trace_handler, ProfilerActivity from ${NPU_PROFILER} (ProfilerActivity.CUDA → NPU); keep record_function from torch.profiler`,
    });
    return;
  }
  const good: { n: ImportedName; edits: Edit[] }[] = [];
  const keep: ImportedName[] = [];
  for (const n of stmt.names) {
    const name = n.nameNode.text;
    if (!PROFILER_TWINS.has(name)) {
      keep.push(n);
      continue;
    }
    const refs = referenceEdits(ctx, n, [name]);
    if (refs.bad.length > 0) {
      for (const b of refs.bad) ctx.report({ ruleId: NO_TWIN, message: `${b.at.text}: no NPU twin`, start: b.at.startIndex, end: b.at.endIndex, hint: b.why });
      keep.push(n);
      continue;
    }
    good.push({ n, edits: refs.edits });
  }
  if (good.length === 0) return;
  const names = good.map((g) => g.n.nameNode.text).join(', ');
  const refEdits = good.flatMap((g) => g.edits);
  const torchNode = stmt.moduleNode!.namedChildren[0];
  if (keep.length === 0) {
    ctx.report({
      message: `from ${PROFILER} import ${names} → from ${NPU_PROFILER} import ${names}`,
      ...range,
      fix: { edits: [{ start: torchNode.startIndex, end: torchNode.endIndex, content: 'torch_npu' }, ...refEdits], safety: 'safe' },
    });
    return;
  }
  // Mixed: the names without a twin stay on torch.profiler, the others come from torch_npu.profiler.
  const indent = indentAt(ctx.source, stmt.node.startIndex);
  const lineStart = stmt.node.startIndex - indent.length;
  const startsLine = ctx.source.slice(lineStart, stmt.node.startIndex) === indent && /(^|[\r\n])$/.test(ctx.source.slice(0, lineStart));
  if (stmt.node.text.includes('#') || !startsLine) {
    ctx.report({
      ruleId: NO_TWIN,
      message: `from ${PROFILER} import ...: mixes names with and without a torch_npu.profiler twin`,
      ...range,
      hint: `split the statement by hand: import ${names} from ${NPU_PROFILER}`,
    });
    return;
  }
  const text = (n: ImportedName) => (n.aliasNode ? `${n.nameNode.text} as ${n.aliasNode.text}` : n.nameNode.text);
  const content =
    `from ${PROFILER} import ${keep.map(text).join(', ')}${ctx.eol}${indent}from ${NPU_PROFILER} import ${good.map((g) => text(g.n)).join(', ')}`;
  ctx.report({
    message: `from ${PROFILER} import ${names} → from ${NPU_PROFILER} import ${names} (split; the other names stay)`,
    ...range,
    fix: { edits: [{ ...range, content }, ...refEdits], safety: 'safe' },
  });
}

/** Member renames on every use of an imported name, and the uses that have no twin. */
function referenceEdits(ctx: PassContext, n: ImportedName, base: string[]): { edits: Edit[]; bad: { at: SyntaxNode; why: string }[] } {
  const out: { edits: Edit[]; bad: { at: SyntaxNode; why: string }[] } = { edits: [], bad: [] };
  for (const ref of ctx.bindings.references(n.local)) {
    if (ctx.bindings.resolve(ref) !== n.qualified) continue;
    const after = attributesAfter(ref);
    const path = [...base, ...after.map((a) => a.text)];
    // the identifier stands for the imported name (base), its members follow
    const u = useOf(path, [ref, ...after]);
    if (u.bad) out.bad.push({ at: outermostAttribute(ref), why: u.bad });
    else out.edits.push(...u.edits);
  }
  return out;
}

// ---------------------------------------------------------------- import torch.profiler as P / from torch import profiler

/** Convert the import of a module alias when every use of it has a twin. True when converted. */
function convertAliasImport(ctx: PassContext, stmt: ImportStatement, n: ImportedName): boolean {
  const refs = ctx.bindings.references(n.local).filter((r) => ctx.bindings.resolve(r) === PROFILER);
  const edits: Edit[] = [];
  for (const ref of refs) {
    const after = attributesAfter(ref);
    const path = after.map((a) => a.text);
    if (!isTwin(path)) return false;
    const u = useOf(path, after);
    if (u.bad) return false;
    edits.push(...u.edits);
  }
  if (refs.length === 0) return false;
  let edit: Edit;
  if (stmt.kind === 'import') {
    const torchNode = n.nameNode.namedChildren[0];
    edit = { start: torchNode.startIndex, end: torchNode.endIndex, content: 'torch_npu' };
  } else {
    if (stmt.module !== 'torch' || stmt.names.length !== 1) return false;
    const mod = stmt.moduleNode!;
    edit = { start: mod.startIndex, end: mod.endIndex, content: 'torch_npu' };
  }
  const before = stmt.node.text.replace(/\s+/g, ' ');
  ctx.report({
    message: `${before}: torch.profiler → torch_npu.profiler`,
    start: stmt.node.startIndex,
    end: stmt.node.endIndex,
    fix: { edits: [edit, ...edits], safety: 'safe' },
  });
  return true;
}

// ---------------------------------------------------------------- torch.profiler.X chains

/** `torch.profiler.X` / `th.profiler.X` / `P.X` (an alias not converted whole) → `torch_npu.profiler.X`. */
function convertChains(ctx: PassContext, aliasDone: Set<string>): void {
  const locals = new Map<string, string>();
  for (const n of ctx.bindings.boundNames()) if ((n.qualified === 'torch' || n.qualified === PROFILER) && !aliasDone.has(n.local)) locals.set(n.local, n.qualified);
  for (const [local, qualified] of locals) {
    for (const ref of ctx.bindings.references(local)) {
      if (ctx.bindings.resolve(ref) !== qualified) continue;
      let after = attributesAfter(ref);
      let moduleEnd = ref;
      if (qualified === 'torch') {
        if (after[0]?.text !== 'profiler') continue;
        moduleEnd = after[0];
        after = after.slice(1);
      } else if (ancestorImport(ref)) {
        continue;
      }
      const path = after.map((a) => a.text);
      if (!isTwin(path)) continue;
      const outer = outermostAttribute(ref);
      const u = useOf(path, after);
      const oldName = [PROFILER, ...path].join('.');
      if (u.bad) {
        ctx.report({ ruleId: NO_TWIN, message: `${oldName}: no NPU twin`, start: outer.startIndex, end: outer.endIndex, hint: u.bad });
        continue;
      }
      const npu = torchNpuName(ctx, ref);
      if (!npu) {
        ctx.report({
          ruleId: `${ID}/name-taken`,
          message: `${oldName} not converted: the name torch_npu is taken in this file`,
          start: outer.startIndex,
          end: outer.endIndex,
          hint: `use ${NPU_PROFILER}.${path.join('.')} through an import of torch_npu under another name`,
        });
        continue;
      }
      const newPath = [...path];
      if (path[0] === 'ProfilerActivity' && path[1]) newPath[1] = ACTIVITY_TWINS[path[1]] ?? path[1];
      ctx.report({
        message: `${oldName} → ${[NPU_PROFILER, ...newPath].join('.')}`,
        start: outer.startIndex,
        end: outer.endIndex,
        fix: {
          edits: [{ start: ref.startIndex, end: moduleEnd.endIndex, content: `${npu.text}.profiler` }, ...u.edits],
          safety: 'safe',
          imports: npu.imports,
        },
      });
    }
  }
}

function ancestorImport(node: SyntaxNode): boolean {
  for (let p = node.parent; p; p = p.parent) if (p.type === 'import_statement' || p.type === 'import_from_statement') return true;
  return false;
}

/** How to spell the torch_npu module at `site`: a name the file binds to it, else `torch_npu` with an import request. */
function torchNpuName(ctx: PassContext, site: SyntaxNode): { text: string; imports: ImportRequest[] } | null {
  for (const s of ctx.bindings.moduleImports) {
    if (s.typeCheckingOnly) continue;
    for (const n of s.names) if (n.qualified === 'torch_npu' && ctx.bindings.resolveAtModule(n.local) === 'torch_npu') return { text: n.local, imports: [] };
  }
  if (ctx.bindings.isBound('torch_npu', site)) return null;
  return { text: 'torch_npu', imports: [{ module: 'torch_npu', placement: 'torch' }] };
}

// ---------------------------------------------------------------- calls: experimental_config, autograd profiler

/** Qualified name, also for `torch_npu.…` written by this pass in an earlier round (its import is pending). */
function qualifyAny(ctx: PassContext, node: SyntaxNode): string | null {
  const q = ctx.bindings.qualify(node);
  if (q !== null) return q;
  const n = unparen(node);
  let head = n;
  const parts: string[] = [];
  while (head.type === 'attribute') {
    parts.unshift(head.childForFieldName('attribute')!.text);
    head = head.childForFieldName('object')!;
  }
  if (head.type !== 'identifier' || head.text !== 'torch_npu' || ctx.bindings.isBound('torch_npu', head)) return null;
  return ['torch_npu', ...parts].join('.');
}

function checkCalls(ctx: PassContext): void {
  const configValues = new Set<number>();
  for (const call of nodesOfType(ctx.root, 'call')) {
    const fn = call.childForFieldName('function');
    if (!fn || (fn.type !== 'identifier' && fn.type !== 'attribute')) continue;
    const q = qualifyAny(ctx, fn);
    if (q === null) continue;
    if (q === `${PROFILER}.profile` || q === `${NPU_PROFILER}.profile`) {
      const args = callArgs(call);
      const kw = args.keywords.get('experimental_config');
      if (kw) {
        configValues.add(unparen(kw.value).id);
        experimentalConfig(ctx, call, kw);
      }
      const useCuda = args.keywords.get('use_cuda');
      if (useCuda) {
        ctx.report({
          ruleId: NO_TWIN,
          message: `profile(${useCuda.node.text}): a CUDA option`,
          start: useCuda.node.startIndex,
          end: useCuda.node.endIndex,
          hint:
            'use_cuda (deprecated in torch) asks for CUDA activity; on NPU list torch_npu.profiler.ProfilerActivity.NPU in ' +
            'activities= instead and remove use_cuda (torch_npu.profiler.profile takes activities, ascend-facts.md §3.9)',
        });
      }
    } else if (q === 'torch.autograd.profiler.profile') {
      autogradProfile(ctx, call, fn);
    } else if (Object.hasOwn(AUTOGRAD_PROFILER_NO_TWIN, q)) {
      ctx.report({ ruleId: NO_TWIN, message: `${q} has no NPU twin`, start: call.startIndex, end: call.endIndex, hint: AUTOGRAD_PROFILER_NO_TWIN[q] });
    } else if (CUDA_EXPERIMENTAL_CONFIG.has(q) && !configValues.has(call.id)) {
      ctx.report({
        ruleId: `${ID}/experimental-config`,
        message: `${q}(...): a CUDA profiler config`,
        start: call.startIndex,
        end: call.endIndex,
        hint: `torch_npu.profiler.profile does not take the CUDA config (transfer_to_npu drops it, ascend-facts.md §2.3): ${NPU_CONFIG_HINT}`,
      });
    }
  }
}

/** `experimental_config=` of a profile call: a CUDA config is deleted (unsafe); an unknown value is reported. */
function experimentalConfig(ctx: PassContext, call: SyntaxNode, kw: { node: SyntaxNode; value: SyntaxNode }): void {
  const value = unparen(kw.value);
  const valueFn = value.type === 'call' ? value.childForFieldName('function') : null;
  const q = valueFn ? qualifyAny(ctx, valueFn) : null;
  if (q === NPU_EXPERIMENTAL_CONFIG || value.type === 'none') return;
  if (value.type === 'identifier' && assignedConfigs(ctx, value).every((c) => c === NPU_EXPERIMENTAL_CONFIG)) return;
  if (q === null || !CUDA_EXPERIMENTAL_CONFIG.has(q)) {
    ctx.report({
      ruleId: `${ID}/experimental-config`,
      message: 'experimental_config of the profiler: check that it is an NPU config',
      start: kw.node.startIndex,
      end: kw.node.endIndex,
      hint: `a CUDA config (torch._C._profiler._ExperimentalConfig) does not work with torch_npu.profiler.profile: ${NPU_CONFIG_HINT}`,
    });
    return;
  }
  const edit = deleteArgument(ctx, kw.node);
  const hint = `the CUDA config's settings are dropped, as transfer_to_npu does (ascend-facts.md §1.6.2, §2.3); to keep them, ${NPU_CONFIG_HINT}`;
  if (!edit) {
    ctx.report({ ruleId: `${ID}/experimental-config`, message: `experimental_config=${q}(...): a CUDA profiler config`, start: kw.node.startIndex, end: kw.node.endIndex, hint });
    return;
  }
  ctx.report({
    message: `experimental_config=${q}(...) removed (CUDA only)`,
    start: call.startIndex,
    end: call.endIndex,
    fix: { edits: [edit], safety: 'unsafe' },
    hint,
  });
}

/**
 * What a name passed as experimental_config was built with: the qualified callee of
 * each `name = X(...)` of the file (any other assignment gives null). Empty: no
 * assignment seen (a parameter, an attribute): unknown, like a null.
 */
function assignedConfigs(ctx: PassContext, name: SyntaxNode): (string | null)[] {
  const out: (string | null)[] = [];
  for (const a of nodesOfType(ctx.root, 'assignment')) {
    if (a.childForFieldName('left')?.text !== name.text) continue;
    const right = a.childForFieldName('right');
    const fn = right && unparen(right).type === 'call' ? unparen(right).childForFieldName('function') : null;
    out.push(fn ? qualifyAny(ctx, fn) : null);
  }
  return out.length === 0 ? [null] : out;
}

/** Delete a keyword argument with its separating comma; null when comments make that unclear. */
function deleteArgument(ctx: PassContext, arg: SyntaxNode): Edit | null {
  const list = arg.parent!;
  if (list.namedChildren.some((c) => c.type === 'comment')) return null;
  const args = list.namedChildren;
  const i = args.findIndex((a) => a.id === arg.id);
  if (i > 0) return { start: args[i - 1].endIndex, end: arg.endIndex, content: '' };
  if (args.length > 1) return { start: arg.startIndex, end: args[1].startIndex, content: '' };
  // the only argument: also a trailing comma
  const close = list.endIndex - 1;
  const text = ctx.source.slice(arg.endIndex, close);
  return { start: arg.startIndex, end: /^\s*,?\s*$/.test(text) ? close : arg.endIndex, content: '' };
}

/** `torch.autograd.profiler.profile(use_cuda=True)` / `use_device="cuda"`: no documented NPU twin. */
function autogradProfile(ctx: PassContext, call: SyntaxNode, fn: SyntaxNode): void {
  const args = callArgs(call);
  const useCuda = args.keywords.get('use_cuda');
  const useDevice = args.keywords.get('use_device');
  const cudaOn = useCuda && unparen(useCuda.value).type !== 'false';
  const deviceOn = useDevice && unparen(useDevice.value).type !== 'none' && !/^[rbuRBU]*["']cpu["']$/.test(unparen(useDevice.value).text);
  if (!cudaOn && !deviceOn) return;
  const what = cudaOn ? `use_cuda=${useCuda!.value.text}` : `use_device=${useDevice!.value.text}`;
  ctx.report({
    ruleId: NO_TWIN,
    message: `torch.autograd.profiler.profile(${what}): no NPU twin`,
    start: call.startIndex,
    end: call.endIndex,
    hint:
      `the autograd profiler's CUDA timing has no documented NPU form (${fn.text} is not in torch_npu's tables, ascend-facts.md §1.6.1, §3.9): ` +
      'profile device activity with torch_npu.profiler.profile(activities=[torch_npu.profiler.ProfilerActivity.CPU, ' +
      'torch_npu.profiler.ProfilerActivity.NPU]), or drop the CUDA option to profile the CPU side only',
  });
}
