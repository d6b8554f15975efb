/**
 * Analysis of one Python file: unsupported torch APIs, custom CUDA code (extension
 * builds, Triton / numba.cuda / CuPy / PyCUDA kernels, setup.py ext_modules),
 * third-party imports and setup.py dependencies, performance and precision advice.
 *
 * Every match is on the syntax tree, through the file's imports and Python scoping
 * (src/python/bindings.ts): `import torch.nn.functional as F; F.pdist(x)` is
 * `torch.nn.functional.pdist`, a parameter called `torch` is not the module, and
 * comments, docstrings, strings and log text are never read as code.
 */
import type { SyntaxNode } from '../python/parser';
import { parse } from '../python/parser';
import { tolerableRegions } from '../python/error-regions';
import { nodesOfType } from '../python/tree-cache';
import { Bindings, type ImportStatement, type StarExport } from '../python/bindings';
import { ancestor, attributesAfter, callArgs, callOf, hasMainGuard, outermostAttribute, stringLiteral, unparen, walkNamed } from '../python/nodes';
import { LineIndex } from '../python/source';
import { cudaTwin } from '../facts/torch-cuda';
import {
  CANONICAL_NAMES,
  CLASS_METHODS,
  DISTINCT_METHODS,
  apiHint,
  backendsEntry,
  classMethodEntry,
  isUnsupportedApi,
} from './facts/unsupported-apis';
import { mentionsExtraPackage, packageForModule, type ThirdPartyPackage } from './facts/third-party';
import {
  ANOMALY_DETECTION,
  ANOMALY_HINT,
  COMPILE_MODE,
  DATALOADER,
  FUSED_FLAG_HINT,
  FUSED_OPTIMIZERS,
  PRECISION,
  TORCH_COMPILE,
  fusedOptimizerHint,
} from './facts/advice';
import { CUDA_DEFAULT_TRIGGER, cudaDefaultFunction } from './facts/cuda-defaults';
import { requirementFindings } from './deps';
import type { AnalysisFinding, FileAnalysis, Severity } from './types';
import { table } from '../facts/table';

const TRIGGER_WORDS = /torch|triton|cupy|pycuda|numba|apex|amp_C|flash_attn|xformers|bitsandbytes|deepspeed|mmcv|transformer_engine|dali|tensorrt|pynvml|GPUtil|spconv/;
/** setuptools / distutils matter only to `setupFindings`, which needs a `setup(` call. */
const SETUP_MODULES = /setuptools|distutils/;
const SETUP_CALL = /setup\s*\(/;

/**
 * Files whose text passes none of these cannot produce a finding and are not
 * parsed: one of the packages the rules know (the facts' qualified names all
 * start with one of the words; CUDA_DEFAULT_TRIGGER for the third-party functions
 * with CUDA defaults), or setuptools / distutils together with a `setup(` call
 * (library code mentions distutils far more often than it calls setup()).
 * test/triggers.test.ts runs the analysis on files that fail it.
 */
export const PYTHON_TRIGGERS: { test(text: string): boolean } = {
  test: (text) =>
    TRIGGER_WORDS.test(text) ||
    CUDA_DEFAULT_TRIGGER.test(text) ||
    (SETUP_MODULES.test(text) && SETUP_CALL.test(text)) ||
    mentionsExtraPackage(text), // the project config's [third_party] modules
};

/**
 * Parse and analyse; a file that does not parse gets no findings (the conversion
 * reports it as failed), one the engine converts around regions tree-sitter
 * cannot parse (src/python/error-regions.ts) gets none on the regions' lines.
 */
export function analyzePython(text: string, stars?: readonly StarExport[]): FileAnalysis {
  if (!PYTHON_TRIGGERS.test(text)) return { findings: [] };
  const tree = parse(text);
  if (!tree.rootNode.hasError) return analyzePythonTree(tree.rootNode, Bindings.of(tree.rootNode).useStarExports(stars), text);
  const t = tolerableRegions(text, tree);
  if (!t.ok) return { findings: [] };
  const a = analyzePythonTree(tree.rootNode, Bindings.of(tree.rootNode).useStarExports(stars), text);
  const outside = (f: { startLine: number; endLine: number }) =>
    !t.regions.some((r) => f.startLine <= r.endRow + 1 && r.startRow + 1 <= f.endLine);
  return { ...a, findings: a.findings.filter(outside) };
}

const CPP_EXTENSION: Readonly<Record<string, { level: Severity; hint: string }>> = table({
  'torch.utils.cpp_extension.load': {
    level: 'error',
    hint: 'JIT-compiles C++/CUDA sources for GPUs (also in the torch_npu unsupported list): give the ops an NPU implementation (Ascend C custom operator, or torch / torch_npu ops) and load that instead',
  },
  'torch.utils.cpp_extension.load_inline': {
    level: 'error',
    hint: 'JIT-compiles inline C++/CUDA code for GPUs: CUDA sources do not build on Ascend; rewrite the kernels with torch / torch_npu ops or as Ascend C custom operators',
  },
  'torch.utils.cpp_extension.CUDAExtension': {
    level: 'error',
    hint: 'builds CUDA sources with nvcc, which an Ascend machine does not have: the kernels need an NPU implementation (Ascend C custom operator, or torch / torch_npu ops)',
  },
  'torch.utils.cpp_extension.BuildExtension': {
    level: 'warning',
    hint: "torch's build_ext: fine for C++-only extensions; any CUDA extension it builds needs an NPU port",
  },
});

/** Kernel decorators: a decorated function is one kernel. */
const KERNEL_DECORATORS: Readonly<Record<string, 'custom-cuda/triton-kernel' | 'custom-cuda/gpu-kernel'>> = table({
  'triton.jit': 'custom-cuda/triton-kernel',
  'triton.autotune': 'custom-cuda/triton-kernel',
  'triton.heuristics': 'custom-cuda/triton-kernel',
  'triton.runtime.jit.jit': 'custom-cuda/triton-kernel',
  'numba.cuda.jit': 'custom-cuda/gpu-kernel',
  'cupyx.jit.rawkernel': 'custom-cuda/gpu-kernel',
});

/** Calls that compile CUDA C source at run time. */
const KERNEL_BUILDERS: ReadonlySet<string> = new Set([
  'cupy.RawKernel',
  'cupy.RawModule',
  'cupy.ElementwiseKernel',
  'cupy.ReductionKernel',
  'pycuda.compiler.SourceModule',
]);

const TRITON_HINT =
  'Triton kernels target NVIDIA (and AMD) GPUs; no Ascend backend is known to ascendify: rewrite the kernel with torch / torch_npu ops or as an Ascend C custom operator';
const GPU_KERNEL_HINT =
  'a CUDA kernel compiled for NVIDIA GPUs: rewrite it with torch / torch_npu ops on NPU tensors, or as an Ascend C custom operator';

const SETUP_FUNCTIONS: ReadonlySet<string> = new Set(['setuptools.setup', 'distutils.core.setup']);
const REQUIRES_KEYWORDS = ['install_requires', 'setup_requires', 'tests_require', 'extras_require'];

export function analyzePythonTree(root: SyntaxNode, bindings: Bindings, text: string): FileAnalysis {
  const lines = new LineIndex(text);
  const findings: AnalysisFinding[] = [];
  const out: FileAnalysis = { findings };
  const span = (n: Range) => ({ startLine: lines.lineOf(n.startIndex), endLine: lines.lineOf(Math.max(n.startIndex, n.endIndex - 1)) });
  const add: Add = (n, f) => findings.push({ ...span(n), ...f });
  const importsTorch = bindings.importsModule('torch');

  // 3. third-party imports: the first import statement of each package (the others are counted)
  const byPackage = new Map<ThirdPartyPackage, ImportStatement[]>();
  for (const stmt of bindings.imports) {
    if (stmt.typeCheckingOnly) continue;
    for (const pkg of importedPackages(stmt)) byPackage.set(pkg, [...(byPackage.get(pkg) ?? []), stmt]);
  }
  for (const [pkg, stmts] of byPackage) {
    const optional = stmts.every((s) => ancestor(s.node, 'try_statement') !== null);
    const more = stmts.length > 1 ? ` (+${stmts.length - 1} more import${stmts.length > 2 ? 's' : ''} in this file)` : '';
    add(stmts[0].node, {
      ruleId: 'third-party/import',
      subject: pkg.name,
      message: `imports ${pkg.name}${optional ? ' (optional import)' : ''}${more}`,
      hint: pkg.hint,
      level: optional ? lower(pkg.level) : pkg.level,
    });
  }

  // Uses of imported names, resolved: torch.cuda / backends, the unsupported list, extension builds,
  // kernel builders, advice.
  const kernelDecorated = new Set<number>(); // decorator expression nodes already reported as kernels
  reportKernels(root, bindings, add, kernelDecorated);
  for (const local of [...bindings.importedNames].sort()) {
    for (const ref of bindings.references(local)) {
      const q = bindings.resolve(ref);
      if (q === null) continue;
      const after = attributesAfter(ref);
      const parts = [...q.split('.'), ...after.map((a) => a.text)];
      const full = parts.join('.');
      const outer = outermostAttribute(ref);
      if (cudaDefaultFinding(full, outer, add)) continue;
      useFinding(parts, full, outer, kernelDecorated, add, out);
    }
  }

  classMethodFindings(root, bindings, add);
  if (importsTorch) methodFindings(root, bindings, add);
  setupFindings(root, bindings, add);
  compileModeAdvice(root, bindings, add, out);
  return out;
}

/** Where a finding is: a node, or the offsets of a span of nodes. */
type Range = { startIndex: number; endIndex: number };
type Add = (n: Range, f: Omit<AnalysisFinding, 'startLine' | 'endLine'>) => void;

function lower(level: Severity): Severity {
  return level === 'error' ? 'warning' : 'info';
}

/** Packages of the table that an import statement loads (once each). */
function importedPackages(stmt: ImportStatement): ThirdPartyPackage[] {
  const candidates: string[] = [];
  if (stmt.kind === 'import') {
    for (const n of stmt.names) candidates.push(n.nameNode.text.replace(/\s+/g, ''));
  } else if (stmt.module !== null) {
    candidates.push(...stmt.names.map((n) => n.qualified), stmt.module);
  }
  const found: ThirdPartyPackage[] = [];
  for (const c of candidates) {
    const p = packageForModule(c);
    if (p && !found.includes(p)) found.push(p);
  }
  return found;
}

function useFinding(
  parts: string[],
  full: string,
  outer: SyntaxNode,
  kernelDecorated: Set<number>,
  add: Add,
  out: FileAnalysis,
): void {
  // torch.cuda.X with no NPU twin (§3.1–3.3)
  if (parts[0] === 'torch' && parts[1] === 'cuda' && parts.length > 2) {
    const twin = cudaTwin(parts.slice(2));
    if (twin.kind === 'none') {
      add(outer, { ruleId: 'unsupported-api/torch-cuda', subject: full, message: `${full} has no NPU twin`, hint: twin.hint });
    }
    return;
  }
  // torch.backends.* that NPU does not accept (§3.4)
  if (parts[0] === 'torch' && parts[1] === 'backends') {
    const e = backendsEntry(full);
    if (e) {
      add(outer, {
        ruleId: 'unsupported-api/torch-cuda',
        subject: e.name,
        message: e.equivalent ? `${e.name} has another name on NPU` : `${e.name} is not supported on NPU`,
        hint: e.hint,
        level: 'warning',
        ...(e.equivalent ? { equivalent: e.equivalent } : {}),
      });
    }
    return;
  }
  if (parts[0] === 'torch_npu' || (parts[0] === 'torch' && parts[1] === 'npu')) {
    if (full === COMPILE_MODE.call || full === 'torch.npu.set_compile_mode') out.setsCompileMode = true;
    return;
  }
  if (TORCH_COMPILE.names.has(full)) {
    torchCompileAdvice(full, outer, add);
    return;
  }
  // fused=True (or a value that may be True) on any torch.optim optimizer: the flag's advice,
  // which covers the NPU fused optimizers too
  if (parts[0] === 'torch' && parts[1] === 'optim' && parts.length === 3 && /^[A-Z]/.test(parts[2]) && fusedFlag(outer, full, add)) return;
  // longest prefix that names something we know
  for (let n = parts.length; n >= 2; n--) {
    const raw = parts.slice(0, n).join('.');
    const name = CANONICAL_NAMES[raw] ?? raw;
    const isCall = n === parts.length && callOf(outer) !== null;
    const ext = CPP_EXTENSION[name];
    if (ext) {
      add(outer, { ruleId: 'custom-cuda/cpp-extension', subject: name, message: `${name}: builds a C++/CUDA extension`, hint: ext.hint, level: ext.level });
      return;
    }
    if (KERNEL_BUILDERS.has(name)) {
      add(outer, { ruleId: 'custom-cuda/gpu-kernel', subject: name, message: `${name}: compiles a CUDA kernel`, hint: GPU_KERNEL_HINT });
      return;
    }
    const kernelRule = KERNEL_DECORATORS[name];
    if (kernelRule) {
      if (!kernelDecorated.has(outer.id) && !kernelDecorated.has(callOf(outer)?.id ?? -1)) {
        add(outer, {
          ruleId: kernelRule,
          subject: name,
          message: `${name} used to build a kernel`,
          hint: kernelRule === 'custom-cuda/triton-kernel' ? TRITON_HINT : GPU_KERNEL_HINT,
        });
      }
      return;
    }
    // A class counts where it is instantiated, subclassed or used as a decorator, not where
    // an isinstance / type check or an annotation only names it.
    if (/^[A-Z]/.test(parts[n - 1]) && !(n === parts.length && instantiates(outer))) {
      if (isUnsupportedApi(name) || FUSED_OPTIMIZERS[name] || PRECISION[name]) return;
    }
    if (isUnsupportedApi(name)) {
      add(outer, { ruleId: 'unsupported-api/torch-api', subject: name, message: `${name} is not supported on NPU`, hint: apiHint(name) });
      return;
    }
    if (n !== parts.length) continue; // advice is about the exact name
    const fused = FUSED_OPTIMIZERS[name];
    if (fused) {
      add(outer, {
        ruleId: 'advice/fused-optimizer',
        subject: name,
        message: `${name} → NPU fused optimizer ${fused}`,
        hint: fusedOptimizerHint(fused, name),
      });
      return;
    }
    if (DATALOADER.names.has(name) && isCall) {
      dataLoaderAdvice(callOf(outer)!, add);
      return;
    }
    if (ANOMALY_DETECTION.has(name)) {
      const call = callOf(outer);
      const first = call ? callArgs(call).positional[0] : undefined;
      const mode = call ? (callArgs(call).keywords.get('mode')?.value ?? first) : undefined;
      if (mode && unparen(mode).type === 'false') return; // switched off
      add(outer, { ruleId: 'advice/anomaly-detection', subject: name, message: `${name} left on`, hint: ANOMALY_HINT });
      return;
    }
    const precision = PRECISION[name];
    if (precision) {
      add(outer, { ruleId: 'advice/precision', subject: name, message: `${name}: precision caveat on NPU`, hint: precision });
      return;
    }
  }
}

/**
 * A call of a third-party function whose device parameter defaults to CUDA
 * (facts/cuda-defaults.ts) that passes no device: reported with the package. A call
 * that may pass it (`*args` / `**kwargs`, enough positional arguments for any version
 * of the signature) is not. True when the name is one of the table's (handled here).
 */
function cudaDefaultFinding(full: string, outer: SyntaxNode, add: Add): boolean {
  const fn = cudaDefaultFunction(full);
  if (!fn) return false;
  const call = callOf(outer);
  if (!call) return true;
  const args = callArgs(call);
  if (args.hasSplat || args.keywords.has(fn.param)) return true;
  if (fn.positions.length > 0 && args.positional.length > Math.min(...fn.positions)) return true;
  if (fn.unusedWhen) {
    const v = args.keywords.get(fn.unusedWhen.keyword)?.value;
    if (v && unparen(v).type === fn.unusedWhen.value.toLowerCase()) return true;
  }
  add(call, {
    ruleId: 'third-party/cuda-default',
    subject: fn.package,
    message: `${full}() without ${fn.param}=: defaults to ${fn.param}=${fn.default}`,
    hint: fn.hint,
  });
  return true;
}

/** A literal False / None (the flag is off) or absent. */
function isOff(v: SyntaxNode | undefined): boolean {
  if (!v) return true;
  const t = unparen(v).type;
  return t === 'false' || t === 'none';
}

/** `torch.optim.X(..., fused=<not False/None>)`: advice/fused-flag. True when reported. */
function fusedFlag(outer: SyntaxNode, name: string, add: Add): boolean {
  const call = callOf(outer);
  if (!call) return false;
  const fused = callArgs(call).keywords.get('fused');
  if (!fused || isOff(fused.value)) return false;
  const literal = unparen(fused.value).type === 'true';
  add(call, {
    ruleId: 'advice/fused-flag',
    subject: `${name}(fused=)`,
    message: `${name}(fused=${literal ? 'True' : fused.value.text}): ${literal ? 'the fused step' : 'the fused step when the value is true'} needs an NPU kernel`,
    hint: FUSED_FLAG_HINT,
  });
  return true;
}

/**
 * `torch.compile(model)` / `@torch.compile` with the default backend (none given, or
 * "inductor" / "cudagraphs"): advice/torch-compile. A backend given by a variable
 * (torchair.get_npu_backend()) is not reported.
 */
function torchCompileAdvice(name: string, outer: SyntaxNode, add: Add): void {
  const call = callOf(outer);
  const decorator = outer.parent?.type === 'decorator' || (call !== null && call.parent?.type === 'decorator');
  if (!call && !decorator) return; // a reference (`fn = torch.compile`), not a use
  let backend: string | undefined;
  if (call) {
    const args = callArgs(call);
    const b = args.keywords.get('backend')?.value ?? (args.positional.length > 3 ? args.positional[3] : undefined);
    if (b) {
      const lit = stringLiteral(unparen(b));
      if (!lit || lit.value === undefined || !TORCH_COMPILE.cudaBackends.has(lit.value)) return;
      backend = lit.value;
    } else if (args.hasSplat) return;
  }
  add(call ?? outer, {
    ruleId: 'advice/torch-compile',
    subject: name,
    message: `${name} with ${backend ? `backend="${backend}"` : 'the default backend (inductor)'}`,
    hint: TORCH_COMPILE.hint,
  });
}

/** Is this class reference called, a base class, or a decorator? */
function instantiates(ref: SyntaxNode): boolean {
  if (callOf(ref)) return true;
  const p = ref.parent;
  if (p?.type === 'decorator') return true;
  return p?.type === 'argument_list' && p.parent?.type === 'class_definition';
}

function dataLoaderAdvice(call: SyntaxNode, add: Add): void {
  const args = callArgs(call);
  if (args.hasSplat) return; // the arguments are not all visible
  const value = (kw: string, pos: number) => args.keywords.get(kw)?.value ?? args.positional[pos];
  const issues: string[] = [];
  const hints: string[] = [];
  const pin = value('pin_memory', DATALOADER.pinMemoryPosition);
  if (!pin || unparen(pin).type === 'false') {
    issues.push(pin ? 'pin_memory=False' : 'pin_memory not set (default False)');
    hints.push(DATALOADER.pinMemoryHint);
  }
  const workers = value('num_workers', DATALOADER.numWorkersPosition);
  if (!workers || (unparen(workers).type === 'integer' && Number(unparen(workers).text) === 0)) {
    issues.push(workers ? 'num_workers=0' : 'num_workers not set (default 0)');
    hints.push(DATALOADER.numWorkersHint);
  }
  if (issues.length === 0) return;
  add(call, {
    ruleId: 'advice/dataloader',
    subject: 'torch.utils.data.DataLoader',
    message: `DataLoader: ${issues.join(', ')}`,
    hint: hints.join('; '),
  });
}

/** Functions decorated with @triton.jit / @triton.autotune / @numba.cuda.jit ...: one finding per kernel. */
function reportKernels(root: SyntaxNode, bindings: Bindings, add: Add, seen: Set<number>): void {
  const text = root.text;
  if (!text.includes('@') || !/triton|cuda|rawkernel/.test(text)) return; // a decorator needs its '@'
  for (const def of nodesOfType(root, 'decorated_definition')) {
    const fn = def.childForFieldName('definition');
    if (!fn || fn.type !== 'function_definition') continue;
    const names: string[] = [];
    let rule: 'custom-cuda/triton-kernel' | 'custom-cuda/gpu-kernel' | undefined;
    let first: SyntaxNode | undefined;
    for (const dec of def.namedChildren.filter((c) => c.type === 'decorator')) {
      const expr = dec.namedChildren[0];
      if (!expr) continue;
      const callee = unparen(expr).type === 'call' ? unparen(expr).childForFieldName('function')! : unparen(expr);
      const q = bindings.qualify(callee);
      const r = q ? KERNEL_DECORATORS[q] : undefined;
      if (!q || !r) continue;
      rule ??= r;
      first ??= dec;
      names.push(q);
      seen.add(callee.id);
      seen.add(unparen(expr).id);
    }
    if (!rule || !first) continue;
    const name = fn.childForFieldName('name')?.text ?? '?';
    const header = { startIndex: first.startIndex, endIndex: fn.childForFieldName('name')!.endIndex };
    add(header, {
      ruleId: rule,
      subject: names.join(' + '),
      message: `${rule === 'custom-cuda/triton-kernel' ? 'Triton' : 'CUDA'} kernel ${name} (${names.map((n) => '@' + n).join(', ')})`,
      hint: rule === 'custom-cuda/triton-kernel' ? TRITON_HINT : GPU_KERNEL_HINT,
    });
  }
}

/**
 * `x = torch.optim.Adam(...)` then `x.step()` in the same function (or `self.x = ...`
 * then `self.x.step()` in the same class): the method of the constructed class.
 */
function classMethodFindings(root: SyntaxNode, bindings: Bindings, add: Add): void {
  if (!/\.(step|log_prob|predict|flatten_parameters)\s*\(/.test(root.text)) return;
  const typed: { text: string; scope: SyntaxNode; cls: string }[] = [];
  for (const a of nodesOfType(root, 'assignment')) {
    const left = a.childForFieldName('left');
    const right = a.childForFieldName('right');
    if (!left || right?.type !== 'call') continue;
    const fn = right.childForFieldName('function')!;
    const q = bindings.qualify(fn);
    const cls = q ? (CANONICAL_NAMES[q] ?? q) : null;
    if (!cls || !CLASS_METHODS[cls]) continue;
    const scope = receiverScope(left);
    if (scope) typed.push({ text: left.text, scope, cls });
  }
  if (typed.length === 0) return;
  for (const { call, obj, method } of methodCalls(root)) {
    const scope = receiverScope(obj);
    const t = scope && typed.find((x) => x.text === obj.text && x.scope.id === scope.id && CLASS_METHODS[x.cls].includes(method));
    if (!t) continue;
    const entry = classMethodEntry(t.cls, method);
    add(call, {
      ruleId: 'unsupported-api/torch-api',
      subject: entry,
      message: `${obj.text}.${method}() is ${entry}, not supported on NPU`,
      hint: apiHint(entry),
    });
  }
}

/** `obj.method(...)` calls of the file, in document order. */
function methodCalls(root: SyntaxNode): { call: SyntaxNode; obj: SyntaxNode; method: string }[] {
  const out: { call: SyntaxNode; obj: SyntaxNode; method: string }[] = [];
  for (const call of nodesOfType(root, 'call')) {
    const fn = call.childForFieldName('function');
    if (fn?.type !== 'attribute') continue;
    const obj = fn.childForFieldName('object');
    const m = fn.childForFieldName('attribute');
    if (obj && m?.type === 'identifier') out.push({ call, obj, method: m.text });
  }
  return out;
}

/** The scope a receiver name lives in: its function (or module) for a name, its class for `self.x`. */
function receiverScope(node: SyntaxNode): SyntaxNode | null {
  if (node.type === 'identifier') return ancestor(node, 'function_definition') ?? rootOf(node);
  if (node.type === 'attribute' && node.childForFieldName('object')?.text === 'self' && node.childForFieldName('attribute')) {
    return ancestor(node, 'class_definition');
  }
  return null;
}

function rootOf(node: SyntaxNode): SyntaxNode {
  let n = node;
  while (n.parent) n = n.parent;
  return n;
}

/** `x.sspaddmm(...)`, `x.matmul(...)`: methods only torch has, on a receiver that is not an imported module. */
function methodFindings(root: SyntaxNode, bindings: Bindings, add: Add): void {
  const names = [...Object.keys(DISTINCT_METHODS), 'matmul'];
  if (!new RegExp(`\\.(${names.join('|')})\\s*\\(`).test(root.text)) return;
  for (const { call, obj, method } of methodCalls(root)) {
    if (bindings.qualify(obj) !== null) continue; // a module or class the imports name: other rules
    if (method === 'matmul') {
      add(call, {
        ruleId: 'advice/precision',
        subject: 'torch.Tensor.matmul',
        message: `possible torch.Tensor.matmul (${obj.text}.matmul): precision caveat on NPU`,
        hint: PRECISION['torch.Tensor.matmul'],
      });
      continue;
    }
    const entry = DISTINCT_METHODS[method];
    if (!entry) continue;
    add(call, {
      ruleId: 'unsupported-api/tensor-method',
      subject: entry,
      message: `possible ${entry} (${obj.text}.${method}; receiver type not known)`,
      hint: apiHint(entry),
    });
  }
}

/** setup(install_requires=[...], ext_modules=[...]) in setup.py-style files. */
function setupFindings(root: SyntaxNode, bindings: Bindings, add: Add): void {
  if (!/setup\s*\(/.test(root.text)) return;
  for (const call of nodesOfType(root, 'call')) {
    if (call.childForFieldName('arguments')?.type !== 'argument_list') continue;
    const q = bindings.qualify(call.childForFieldName('function')!);
    if (!q || !SETUP_FUNCTIONS.has(q)) continue;
    const args = callArgs(call);
    for (const kw of REQUIRES_KEYWORDS) {
      const value = args.keywords.get(kw)?.value;
      if (!value) continue;
      for (const str of stringsIn(followName(root, value))) {
        const lit = stringLiteral(str);
        if (!lit || lit.value === undefined) continue;
        for (const f of requirementFindings(lit.value, 'setup.py')) add(str, f);
      }
    }
    const ext = args.keywords.get('ext_modules');
    if (ext) {
      const value = followName(root, ext.value);
      // CUDAExtension(...) inside is reported on its own (custom-cuda/cpp-extension)
      const hasCudaExtension = /CUDAExtension/.test(value.text);
      if (hasCudaExtension) continue;
      const cudaSource = stringsIn(value).some((s) => /\.cuh?$/.test(stringLiteral(s)?.value ?? ''));
      add(ext.node, {
        ruleId: 'custom-cuda/setup-ext-modules',
        subject: 'ext_modules',
        message: cudaSource ? 'setup() builds extension modules from CUDA sources' : 'setup() builds native extension modules',
        hint: cudaSource
          ? 'the .cu sources do not build on Ascend: the kernels need an NPU implementation (Ascend C custom operator, or torch / torch_npu ops)'
          : 'check the extension sources for CUDA code; C++ code that reads tensor memory directly must handle NPU tensors',
        level: cudaSource ? 'error' : 'warning',
      });
    }
  }
}

/** A module-level `name = <value>` for a name passed as a keyword value; else the node itself. */
function followName(root: SyntaxNode, value: SyntaxNode): SyntaxNode {
  const v = unparen(value);
  if (v.type !== 'identifier') return v;
  for (const stmt of root.namedChildren) {
    const a = stmt.type === 'expression_statement' ? stmt.namedChildren[0] : null;
    if (a?.type === 'assignment' && a.childForFieldName('left')?.text === v.text) {
      const right = a.childForFieldName('right');
      if (right) return unparen(right);
    }
  }
  return v;
}

function stringsIn(node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  walkNamed(node, (n) => {
    if (n.type === 'string') {
      out.push(n);
      return false;
    }
    return true;
  });
  return out;
}

/**
 * §1.11 performance_configuration_dict / §1.12: an entry file (module-level
 * `if __name__ == "__main__":`) that imports torch gets the set_compile_mode advice;
 * the runner drops it when any file of the project calls set_compile_mode.
 */
function compileModeAdvice(root: SyntaxNode, bindings: Bindings, add: Add, out: FileAnalysis): void {
  if (out.setsCompileMode || !bindings.importsModule('torch') || !hasMainGuard(root)) return;
  const guard = root.namedChildren.find((s) => s.type === 'if_statement' && /__name__/.test(s.childForFieldName('condition')?.text ?? ''));
  if (!guard) return;
  const cond = guard.childForFieldName('condition')!;
  add({ startIndex: guard.startIndex, endIndex: cond.endIndex }, {
    ruleId: 'advice/compile-mode',
    subject: COMPILE_MODE.call,
    message: 'entry file: set the NPU compile mode',
    hint: COMPILE_MODE.hint,
  });
}
