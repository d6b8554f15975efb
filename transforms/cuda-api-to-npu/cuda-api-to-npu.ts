/**
 * cuda-api-to-npu: `torch.cuda.X` → `torch.npu.X` for every X with an NPU twin.
 *
 *   torch.cuda.synchronize()                 → torch.npu.synchronize()
 *   th.cuda.amp.GradScaler()                 → th.npu.amp.GradScaler()
 *   g = torch.cuda.CUDAGraph()               → g = torch.npu.NPUGraph()
 *   from torch.cuda.amp import autocast      → from torch.npu.amp import autocast
 *   from torch import cuda                   → from torch import npu as cuda
 *   from torch.cuda import CUDAGraph         → from torch.npu import NPUGraph as CUDAGraph
 *   import torch.cuda                        → import torch.npu
 *
 * Names resolve through the file's imports and Python scoping (src/python/bindings.ts),
 * so a parameter called `torch`, a user's `cuda` variable, `x.cuda()` calls,
 * `torch.backends.cudnn`, comments and strings are never touched. Only the
 * `cuda` identifier (and a renamed member) is edited.
 *
 * Twins come from src/facts/torch-cuda.ts (ascend-facts.md §3.1–3.5).
 * - safe: a name with a documented twin.
 * - unsafe: `torch.cuda.DoubleTensor` (→ FloatTensor, no float64 on NPU); the bare
 *   module `torch.cuda` used as a value; an assignment into `torch.cuda.X`.
 * - manual: no twin (nvtx → torch_npu.npu.mstx, comm, jiterator, ...), `from torch.cuda import *`,
 *   an aliased import used with a member that has no twin.
 * - manual, kept: `torch.cuda.is_available()` / `device_count()` / `is_initialized()` whose result
 *   selects CUDA-only code (`"CUDAExecutionProvider"`, TensorRT, `paddlepaddle-gpu`, a Triton
 *   kernel, ...; src/facts/cuda-only.ts, transforms/cuda-device-to-npu/cuda-only.ts): converted,
 *   it would be true on an Ascend host and run that code there (ascend-facts §3.10, §1.13).
 */
import type { Pass, PassContext } from '../../src/core/pass';
import type { Edit, FixSafety } from '../../src/core/edit';
import type { ImportStatement, ImportedName } from '../../src/python/bindings';
import type { SyntaxNode } from '../../src/python/parser';
import { attributesAfter, indentAt, isAssignmentTarget, outermostAttribute } from '../../src/python/nodes';
import { cudaTwin } from '../../src/facts/torch-cuda';
import { CUDA_CHECK_MEMBERS } from '../../src/facts/cuda-only';
import { cudaOnlyFlow, keptCheck } from '../cuda-device-to-npu/cuda-only';

const ID = 'cuda-api-to-npu';
const NO_TWIN = `${ID}/no-npu-twin`;
const CUDA_ONLY = `${ID}/cuda-only-consumer`;

export const cudaApiToNpu: Pass = {
  id: ID,
  summary: 'torch.cuda.X → torch.npu.X where X has an NPU twin (through any alias and in imports); the rest reported with a hint',
  levels: ['safe', 'unsafe', 'manual'],
  triggers: /cuda/,
  run(ctx) {
    for (const stmt of ctx.bindings.imports) {
      if (stmt.kind === 'import') convertImport(ctx, stmt);
      else convertFromImport(ctx, stmt);
    }
    // chains through a name bound to the torch module: torch.cuda.X, th.cuda.X
    const torchNames = new Set(
      ctx.bindings.boundNames().filter((n) => n.qualified === 'torch').map((n) => n.local),
    );
    for (const local of torchNames) {
      for (const ref of ctx.bindings.references(local)) {
        const after = attributesAfter(ref);
        if (after[0]?.text !== 'cuda' || ctx.bindings.resolve(ref) !== 'torch') continue;
        convertChain(ctx, ref, after);
      }
    }
  },
};

/** `torch.cuda.X...` through a name bound to torch: edit `cuda` (and a renamed member). */
function convertChain(ctx: PassContext, head: SyntaxNode, after: SyntaxNode[]): void {
  const outer = outermostAttribute(head);
  const rest = after.slice(1).map((n) => n.text);
  const oldName = ['torch', 'cuda', ...rest].join('.');
  const kept = keptCheckAt(ctx, rest, outer);
  if (kept) {
    ctx.report({ ruleId: CUDA_ONLY, ...kept, start: outer.startIndex, end: outer.endIndex });
    return;
  }
  const twin = cudaTwin(rest);
  if (twin.kind === 'none') {
    ctx.report({ ruleId: NO_TWIN, message: `${oldName} has no NPU twin`, start: outer.startIndex, end: outer.endIndex, hint: twin.hint });
    return;
  }
  const edits: Edit[] = [{ start: after[0].startIndex, end: after[0].endIndex, content: 'npu' }];
  twin.path.forEach((name, i) => {
    const node = after[i + 1];
    if (node && node.text !== name) edits.push({ start: node.startIndex, end: node.endIndex, content: name });
  });
  const newName = ['torch', 'npu', ...twin.path].join('.');
  let safety: FixSafety = 'safe';
  let hint: string | undefined;
  if (twin.kind === 'unsafe') {
    safety = 'unsafe';
    hint = twin.hint;
  } else if (rest.length === 0) {
    safety = 'unsafe';
    hint = 'the torch.cuda module is used as a value; check what the code looks up through it';
  } else if (isAssignmentTarget(outer)) {
    safety = 'unsafe';
    hint = 'the code assigns into torch.cuda (monkey-patching); check that the NPU module should be patched instead';
  }
  ctx.report({ message: `${oldName} → ${newName}`, start: outer.startIndex, end: outer.endIndex, fix: { edits, safety }, hint });
}

/** `import torch.cuda`, `import torch.cuda.amp as amp`, `import torch.cuda as tc`. */
function convertImport(ctx: PassContext, stmt: ImportStatement): void {
  for (const n of stmt.names) {
    const parts = n.nameNode.namedChildren;
    if (parts.length < 2 || parts[0].text !== 'torch' || parts[1].text !== 'cuda') continue;
    const rest = parts.slice(2).map((p) => p.text);
    const twin = cudaTwin(rest);
    const dotted = n.nameNode.text;
    if (twin.kind !== 'twin' || twin.path.join('.') !== rest.join('.')) {
      const hint = twin.kind === 'none' ? twin.hint : 'import the NPU module explicitly';
      ctx.report({ ruleId: NO_TWIN, message: `import ${dotted}: no NPU twin`, start: stmt.node.startIndex, end: stmt.node.endIndex, hint });
      continue;
    }
    const refs = n.aliasNode ? checkReferences(ctx, n, rest) : { edits: [], bad: [] };
    if (refs.bad.length > 0) {
      reportKept(ctx, stmt, dotted, refs.bad);
      continue;
    }
    ctx.report({
      message: `import ${dotted} → ${['torch', 'npu', ...rest].join('.')}`,
      start: stmt.node.startIndex,
      end: stmt.node.endIndex,
      fix: { edits: [{ start: parts[1].startIndex, end: parts[1].endIndex, content: 'npu' }, ...refs.edits], safety: 'safe' },
    });
  }
}

/** `from torch import cuda`, `from torch.cuda.amp import autocast, GradScaler`, ... */
function convertFromImport(ctx: PassContext, stmt: ImportStatement): void {
  const moduleParts = stmt.moduleNode?.type === 'dotted_name' ? stmt.moduleNode.namedChildren : [];
  if (stmt.module === 'torch') {
    for (const n of stmt.names) if (n.nameNode.text === 'cuda') convertFromTorchImportCuda(ctx, stmt, n);
    return;
  }
  if (moduleParts.length < 2 || moduleParts[0].text !== 'torch' || moduleParts[1].text !== 'cuda') return;
  const cudaNode = moduleParts[1];
  const moduleRest = moduleParts.slice(2).map((p) => p.text);
  const newModule = ['torch', 'npu', ...moduleRest].join('.');
  const moduleTwin = cudaTwin(moduleRest);
  const range = { start: stmt.node.startIndex, end: stmt.node.endIndex };

  if (stmt.wildcard) {
    if (moduleRest.length === 1 && moduleRest[0] === 'amp') {
      ctx.report({ message: `from ${stmt.module} import * → from ${newModule} import *`, ...range, fix: { edits: [npu(cudaNode)], safety: 'safe' } });
    } else {
      ctx.report({
        ruleId: NO_TWIN,
        message: `from ${stmt.module} import *: the names cannot be checked one by one`,
        ...range,
        hint: `import the names you use explicitly from ${newModule} (check each against the torch_npu API list)`,
      });
    }
    return;
  }
  if (moduleRest.length > 0 && (moduleTwin.kind !== 'twin' || moduleTwin.path.join('.') !== moduleRest.join('.'))) {
    const hint = moduleTwin.kind === 'none' ? moduleTwin.hint : undefined;
    ctx.report({ ruleId: NO_TWIN, message: `${stmt.module} has no NPU twin`, ...range, hint });
    return;
  }

  const good: { n: ImportedName; text: string; rename?: Edit; refEdits: Edit[]; unsafe?: string }[] = [];
  const bad: { n: ImportedName; hint: string; at: SyntaxNode; message?: string }[] = [];
  for (const n of stmt.names) {
    const name = n.nameNode.text;
    const twin = cudaTwin([...moduleRest, name]);
    if (twin.kind === 'none') {
      bad.push({ n, hint: twin.hint, at: n.nameNode });
      continue;
    }
    const refs = checkReferences(ctx, n, [...moduleRest, name]);
    if (refs.bad.length > 0) {
      bad.push(...refs.bad.map((b) => ({ n, ...b })));
      continue;
    }
    const newName = twin.path[twin.path.length - 1];
    if (newName === name) {
      good.push({ n, text: importedText(n), refEdits: refs.edits, unsafe: twin.kind === 'unsafe' ? twin.hint : undefined });
      continue;
    }
    // keep the local name: `from torch.npu import NPUGraph as CUDAGraph`
    const text = `${newName} as ${n.aliasNode ? n.aliasNode.text : name}`;
    const rename = { start: n.nameNode.startIndex, end: (n.aliasNode ?? n.nameNode).endIndex, content: text };
    good.push({ n, text, rename, refEdits: refs.edits, unsafe: twin.kind === 'unsafe' ? twin.hint : undefined });
  }

  const names = good.map((g) => g.n.nameNode.text).join(', ');
  const refEdits = good.flatMap((g) => g.refEdits);
  const unsafe = good.find((g) => g.unsafe)?.unsafe;
  const safety: FixSafety = unsafe ? 'unsafe' : 'safe';
  if (bad.length === 0) {
    const renames = good.flatMap((g) => (g.rename ? [g.rename] : []));
    ctx.report({
      message: `from ${stmt.module} import ${names} → from ${newModule} import ${good.map((g) => g.text).join(', ')}`,
      ...range,
      fix: { edits: [npu(cudaNode), ...renames, ...refEdits], safety },
      hint: unsafe,
    });
    return;
  }
  for (const b of bad) {
    const message = b.message ?? `${stmt.module}.${b.n.nameNode.text} has no NPU twin`;
    ctx.report({ ruleId: b.message ? CUDA_ONLY : NO_TWIN, message, start: b.at.startIndex, end: b.at.endIndex, hint: b.hint });
  }
  if (good.length === 0) return;
  // Mixed: keep the names without a twin on the CUDA module, import the others from the NPU one.
  const indent = indentAt(ctx.source, stmt.node.startIndex);
  const lineStart = stmt.node.startIndex - indent.length;
  const before = lineStart > 0 ? ctx.source.charCodeAt(lineStart - 1) : 10; // no copy of the text before it
  const startsLine = ctx.source.slice(lineStart, stmt.node.startIndex) === indent && (before === 10 || before === 13);
  if (stmt.node.text.includes('#') || !startsLine) {
    ctx.report({
      ruleId: NO_TWIN,
      message: `from ${stmt.module} import ...: mixes names with and without an NPU twin`,
      ...range,
      hint: `split the statement by hand: import ${names} from ${newModule}`,
    });
    return;
  }
  const keep = [...new Set(bad.map((b) => b.n))].map(importedText);
  const content = `from ${stmt.module} import ${keep.join(', ')}${ctx.eol}${indent}from ${newModule} import ${good.map((g) => g.text).join(', ')}`;
  ctx.report({
    message: `from ${stmt.module} import ${names} → from ${newModule} import ${names} (split; the names without a twin stay)`,
    ...range,
    fix: { edits: [{ ...range, content }, ...refEdits], safety },
    hint: unsafe,
  });
}

/** `from torch import cuda [as C]` → `from torch import npu as cuda` / `npu as C`. */
function convertFromTorchImportCuda(ctx: PassContext, stmt: ImportStatement, n: ImportedName): void {
  const refs = checkReferences(ctx, n, []);
  if (refs.bad.length > 0) {
    reportKept(ctx, stmt, 'torch.cuda', refs.bad);
    return;
  }
  const local = n.aliasNode ? n.aliasNode.text : 'cuda';
  const end = (n.aliasNode ?? n.nameNode).endIndex;
  ctx.report({
    message: `from torch import cuda → from torch import npu as ${local}`,
    start: stmt.node.startIndex,
    end: stmt.node.endIndex,
    fix: { edits: [{ start: n.nameNode.startIndex, end, content: `npu as ${local}` }, ...refs.edits], safety: 'safe' },
  });
}

interface RefCheck {
  /** Renames of members used through the alias (`tc.CUDAGraph` → `tc.NPUGraph`). */
  edits: Edit[];
  /** Uses that cannot be converted: no twin, or (with `message`) a check kept for CUDA-only code. */
  bad: { hint: string; at: SyntaxNode; message?: string }[];
}

/**
 * `torch.cuda.is_available()` (path `['is_available']`, `outer` the chain) whose result selects
 * CUDA-only code: the record for keeping it, else null.
 */
function keptCheckAt(ctx: PassContext, path: string[], outer: SyntaxNode): { message: string; hint: string } | null {
  if (path.length !== 1 || !CUDA_CHECK_MEMBERS.has(path[0])) return null;
  const call = outer.parent?.type === 'call' && outer.parent.childForFieldName('function')?.id === outer.id ? outer.parent : null;
  if (!call) return null;
  const use = cudaOnlyFlow(ctx.root, ctx.bindings).use(call);
  return use ? keptCheck(`torch.cuda.${path[0]}()`, use) : null;
}

/** Every use of the local name an import binds must have a twin for the import to be converted. */
function checkReferences(ctx: PassContext, n: ImportedName, basePath: string[]): RefCheck {
  const out: RefCheck = { edits: [], bad: [] };
  for (const ref of ctx.bindings.references(n.local)) {
    if (ctx.bindings.resolve(ref) !== n.qualified) continue;
    const after = attributesAfter(ref);
    const path = [...basePath, ...after.map((a) => a.text)];
    const kept = keptCheckAt(ctx, path, outermostAttribute(ref));
    if (kept) {
      out.bad.push({ ...kept, at: outermostAttribute(ref) });
      continue;
    }
    const twin = cudaTwin(path);
    if (twin.kind === 'none') {
      out.bad.push({ hint: twin.hint, at: outermostAttribute(ref) });
      continue;
    }
    twin.path.forEach((name, i) => {
      const node = after[i - basePath.length];
      if (i >= basePath.length && node && node.text !== name) out.edits.push({ start: node.startIndex, end: node.endIndex, content: name });
    });
  }
  return out;
}

function reportKept(ctx: PassContext, stmt: ImportStatement, what: string, bad: RefCheck['bad']): void {
  for (const b of bad) {
    const message = b.message ?? `${b.at.text} (${what}) has no NPU twin`;
    ctx.report({ ruleId: b.message ? CUDA_ONLY : NO_TWIN, message, start: b.at.startIndex, end: b.at.endIndex, hint: b.hint });
  }
  ctx.report({
    ruleId: NO_TWIN,
    message: `${what} import kept: some of its uses have no NPU twin`,
    start: stmt.node.startIndex,
    end: stmt.node.endIndex,
    hint: 'convert the uses listed for this file by hand, then import the NPU module instead',
  });
}

function importedText(n: ImportedName): string {
  return n.aliasNode ? `${n.nameNode.text} as ${n.aliasNode.text}` : n.nameNode.text;
}

function npu(cudaNode: SyntaxNode): Edit {
  return { start: cudaNode.startIndex, end: cudaNode.endIndex, content: 'npu' };
}
