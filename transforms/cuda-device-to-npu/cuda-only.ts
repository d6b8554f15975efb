/**
 * Does a CUDA check select CUDA-only code? Shared by cuda-api-to-npu
 * (`torch.cuda.is_available()`, `device_count()`, `is_initialized()`) and
 * cuda-device-to-npu (`x.is_cuda`, `device.type == "cuda"`, device strings).
 *
 *   cuda = torch.cuda.is_available() and device.type != "cpu"
 *   providers = ["CUDAExecutionProvider", "CPUExecutionProvider"] if cuda else ["CPUExecutionProvider"]
 *
 * Converted, `cuda` is true on an Ascend host and onnxruntime is asked for its CUDA
 * provider; kept, the host takes the CPU path it took before. So a check whose value
 * reaches a CUDA-only consumer (src/facts/cuda-only.ts) is kept and reported with the
 * NPU alternative; a check that reaches only torch device work is converted.
 *
 * The value is followed from the check (one file, Python scoping through
 * transforms/nccl-to-hccl/value-flow.ts) through `and` / `or` / `not`, comparisons,
 * parentheses, `a if check else b`, f-string pieces and `+`, assignments to a name
 * (its reads in the same binding) or to an attribute (`self.cuda`: its reads in the
 * file), walrus, and a call's arguments (the callee is the consumer). What it guards:
 * - `a if check else b`: both branches, and the value flows on;
 * - `if` / `elif` / `while` condition: every branch from there on, and the statements
 *   after the `if` when its body ends with return / raise / continue / break
 *   (`if not x.is_cuda: return torch_path(x)` guards what follows);
 * - `assert check`: the statements after it in the same block.
 * A guarded region holds a CUDA-only consumer when it names one of the table's strings,
 * references a module of it (resolved through imports: `trt.Builder`), imports one,
 * calls one of its methods / keywords, calls a function of this file decorated with
 * `@triton.jit` / `@triton.autotune` / `@numba.cuda.jit`, or calls through a name bound
 * to `torch.utils.cpp_extension.load(...)` with `.cu` sources. Text for people (print,
 * logging, docstrings, comments) is not looked at.
 *
 * A check that reaches both a CUDA-only consumer and torch device work is kept as well
 * (converting it would hand the CUDA-only code an NPU; keeping it puts the torch work on
 * the CPU): the record asks to split the flag. Followed at most MAX_HOPS assignments deep.
 */
import type { Bindings } from '../../src/python/bindings';
import type { SyntaxNode } from '../../src/python/parser';
import { callArgs, isDocstring, outermostAttribute, stringLiteral, unparen, walkNamed, withParens } from '../../src/python/nodes';
import { nodesOfType, perTree } from '../../src/python/tree-cache';
import {
  consumerById,
  consumerOfModule,
  consumerOfString,
  CUDA_ONLY_TEXT,
  deviceConsumerOfModule,
  EXTENSION_LOADERS,
  KERNEL_DECORATORS,
  CUDA_ONLY_CONSUMERS,
  type CudaOnlyConsumer,
} from '../../src/facts/cuda-only';
import { ValueFlow } from '../nccl-to-hccl/value-flow';

export interface CudaOnlyUse {
  consumer: CudaOnlyConsumer;
  /** Where the consumer is (a string, a reference, a call). */
  at: SyntaxNode;
  /** Torch device work the same check also guards, if any: the flag must be split. */
  torchAt?: SyntaxNode;
}

const MAX_HOPS = 6;
const LOG_NAMES = /^(print|debug|info|warning|warn|error|exception|critical|log|write|echo|secho|set_description|add_text)$/;
const TORCH_DEVICE_METHODS = new Set(['cuda', 'npu', 'to', 'to_empty']);
const TORCH_DEVICE_KEYWORDS = new Set(['device', 'map_location', 'device_type']);
const DEVICE_TEXT = /^(cuda|npu)(:\d+)?$/;
const BLOCK_OWNERS = new Set(['if_statement', 'elif_clause', 'else_clause', 'function_definition']);

class Flow {
  private readonly flow: ValueFlow;
  private readonly checks = new Map<number, CudaOnlyUse | null>();
  private readonly blocks = new Map<number, CudaOnlyUse | null>();
  private kernels?: Map<string, string>;

  /** The text names no CUDA-only consumer (CUDA_ONLY_TEXT): every question answers null at once. */
  private readonly none: boolean;

  constructor(
    private readonly root: SyntaxNode,
    private readonly bindings: Bindings,
  ) {
    this.flow = new ValueFlow(root);
    this.none = !CUDA_ONLY_TEXT.test(root.text);
  }

  /** The CUDA-only consumer the value of `check` reaches, or null. */
  use(check: SyntaxNode): CudaOnlyUse | null {
    if (this.none) return null;
    let v = this.checks.get(check.id);
    if (v === undefined) {
      const regions: SyntaxNode[] = [];
      const seen = new Set<number>();
      this.follow(check, regions, seen, 0);
      v = this.scan(regions, false, seen);
      this.checks.set(check.id, v);
    }
    return v;
  }

  /**
   * A device string at `node` inside a branch or function that runs CUDA-only code
   * (`elif engine: import tensorrt as trt ... device = torch.device("cuda:0")`): the device
   * belongs to that code. Looked at: every enclosing if / elif / else branch up to the
   * function; the function body only when no branch encloses the string (a function that
   * dispatches on backends holds their branches, not one device).
   */
  enclosingCudaOnly(node: SyntaxNode): CudaOnlyUse | null {
    if (this.none) return null;
    let inBranch = false;
    for (let p = node.parent; p; p = p.parent) {
      if (p.type === 'module' || p.type === 'class_definition' || p.type === 'lambda') return null;
      if (p.type !== 'block' || !p.parent || !BLOCK_OWNERS.has(p.parent.type)) continue;
      const isFunction = p.parent.type === 'function_definition';
      if (isFunction && inBranch) return null;
      const v = this.blockUse(p);
      if (v || isFunction) return v;
      inBranch = true;
    }
    return null;
  }

  private blockUse(block: SyntaxNode): CudaOnlyUse | null {
    let v = this.blocks.get(block.id);
    if (v === undefined) {
      const found = this.scan([block], true);
      v = found ? { consumer: found.consumer, at: found.at } : null;
      this.blocks.set(block.id, v);
    }
    return v;
  }

  /** A call whose device arguments belong to a non-torch library (`torch_tensorrt.Input(device=...)`). */
  deviceCallee(call: SyntaxNode): CudaOnlyConsumer | null {
    if (this.none) return null;
    const fn = call.childForFieldName('function');
    const q = fn ? this.bindings.qualify(fn) : null;
    return q === null ? null : deviceConsumerOfModule(q) ?? null;
  }

  /** A name given a device string and passed, in the same scope, to such a call. */
  nameUsedByDeviceCallee(left: SyntaxNode): { consumer: CudaOnlyConsumer; at: SyntaxNode } | null {
    if (this.none) return null;
    if (left.type !== 'identifier') return null;
    const scope = this.flow.definingScope(left);
    for (const ref of this.flow.sameBinding(this.bindings.references(left.text), scope)) {
      const at = withParens(ref);
      let p = at.parent;
      if (p?.type === 'keyword_argument') p = p.parent;
      if (p?.type !== 'argument_list' || p.parent?.type !== 'call') continue;
      const c = this.deviceCallee(p.parent);
      if (c) return { consumer: c, at: p.parent };
    }
    return null;
  }

  // ------------------------------------------------------------ following the value

  private follow(expr: SyntaxNode, regions: SyntaxNode[], seen: Set<number>, hops: number): void {
    if (seen.has(expr.id)) return;
    seen.add(expr.id);
    let node = expr;
    for (;;) {
      const p = node.parent;
      if (!p) return;
      switch (p.type) {
        case 'parenthesized_expression':
        case 'boolean_operator':
        case 'not_operator':
        case 'comparison_operator':
          node = p;
          continue;
        case 'conditional_expression': {
          const [yes, cond, no] = p.namedChildren;
          if (cond && node.id === cond.id) regions.push(yes, no);
          node = p;
          continue;
        }
        case 'binary_operator':
          regions.push(p);
          node = p;
          continue;
        case 'interpolation': {
          const str = p.parent;
          if (str?.type !== 'string') return;
          regions.push(str);
          node = str;
          continue;
        }
        case 'if_statement':
        case 'elif_clause':
        case 'while_statement':
          if (p.childForFieldName('condition')?.id === node.id) this.guarded(p, regions);
          return;
        case 'assert_statement':
          if (p.namedChildren[0]?.id === node.id) regions.push(...after(p));
          return;
        case 'assignment': {
          if (p.childForFieldName('right')?.id !== node.id || hops >= MAX_HOPS) return;
          const left = unparen(p.childForFieldName('left')!);
          for (const ref of this.readsOf(left)) this.follow(ref, regions, seen, hops + 1);
          return;
        }
        case 'named_expression': {
          const name = p.childForFieldName('name');
          if (name && hops < MAX_HOPS) for (const ref of this.readsOf(name)) this.follow(ref, regions, seen, hops + 1);
          node = p;
          continue;
        }
        case 'keyword_argument':
          // the callee and the keyword the value is given to, not the other arguments
          if (p.childForFieldName('value')?.id !== node.id) return;
          if (p.parent?.parent?.type === 'call') regions.push(p.parent.parent.childForFieldName('function') ?? p, p);
          return;
        case 'argument_list':
          if (p.parent?.type === 'call') regions.push(p.parent.childForFieldName('function') ?? p);
          return;
        default:
          return;
      }
    }
  }

  /** The reads of a name or attribute that an assignment to `left` gives a value. */
  private readsOf(left: SyntaxNode): SyntaxNode[] {
    if (left.type === 'identifier') {
      const scope = this.flow.definingScope(left);
      return this.flow.sameBinding(this.bindings.references(left.text), scope).filter((r) => r.startIndex > left.startIndex || scope.type !== 'module');
    }
    if (left.type === 'attribute') return this.flow.sameAttribute(left).filter((a) => !isTarget(a));
    return [];
  }

  /** What an `if` / `elif` / `while` condition decides. */
  private guarded(stmt: SyntaxNode, regions: SyntaxNode[]): void {
    const body = stmt.childForFieldName('body') ?? stmt.childForFieldName('consequence');
    if (body) regions.push(body);
    const ifStmt = stmt.type === 'elif_clause' ? stmt.parent : stmt;
    if (!ifStmt) return;
    for (const alt of ifStmt.childrenForFieldName('alternative')) {
      if (stmt.type === 'elif_clause' && alt.startIndex <= stmt.startIndex) continue;
      regions.push(alt);
    }
    if (stmt.type !== 'while_statement' && body && endsFlow(body)) regions.push(...after(ifStmt));
  }

  // ------------------------------------------------------------ what a region holds

  /** The first CUDA-only consumer in the regions (and torch device work), skipping the `exclude`d checks themselves. */
  private scan(regions: SyntaxNode[], modulesOnly = false, exclude: ReadonlySet<number> = new Set()): CudaOnlyUse | null {
    let found: CudaOnlyUse | null = null;
    let torchAt: SyntaxNode | undefined;
    for (const region of regions) {
      walkNamed(region, (n) => {
        if ((found && torchAt) || exclude.has(n.id)) return false;
        const hit = this.consumerAt(n, modulesOnly);
        if (hit === 'skip') return false;
        if (hit === 'torch') torchAt ??= n;
        else if (hit && (!modulesOnly || hit.modules)) found ??= { consumer: hit, at: n };
        return true;
      });
    }
    if (!found) return null;
    const use: CudaOnlyUse = found;
    return torchAt ? { ...use, torchAt } : use;
  }

  private consumerAt(n: SyntaxNode, modulesOnly: boolean): CudaOnlyConsumer | 'torch' | 'skip' | null {
    switch (n.type) {
      case 'comment':
        return 'skip';
      case 'string': {
        if (isPeopleText(n)) return 'skip';
        const lit = stringLiteral(n);
        if (!modulesOnly && lit?.value !== undefined && DEVICE_TEXT.test(lit.value)) return 'torch';
        return null;
      }
      case 'string_content':
        return modulesOnly ? null : consumerOfString(n.text) ?? null;
      case 'import_statement':
      case 'import_from_statement': {
        for (const d of n.descendantsOfType('dotted_name')) {
          const c = consumerOfModule(d.text);
          if (c) return c;
        }
        return 'skip';
      }
      case 'identifier':
        return this.identifierConsumer(n);
      case 'attribute': {
        // a method call: `config.enable_use_gpu(...)`, `x.to(...)`
        if (modulesOnly || n.parent?.type !== 'call' || n.parent.childForFieldName('function')?.id !== n.id) return null;
        const method = n.childForFieldName('attribute')!.text;
        const byMethod = CUDA_ONLY_CONSUMERS.find((c) => c.methods?.includes(method));
        if (byMethod) return byMethod;
        const q = this.bindings.importedNames.size > 0 ? this.bindings.qualify(n) : null;
        if (q !== null) return null; // a module's function, not a tensor method
        return TORCH_DEVICE_METHODS.has(method) ? 'torch' : null;
      }
      case 'keyword_argument': {
        if (modulesOnly) return null;
        const name = n.childForFieldName('name')!.text;
        const call = n.parent?.parent;
        const fn = call?.type === 'call' ? call.childForFieldName('function') : null;
        const q = fn ? this.bindings.qualify(fn) : null;
        if (q !== null) {
          const c = CUDA_ONLY_CONSUMERS.find(
            (x) => x.keywords?.includes(name) && (x.keywordCallees ?? []).some((m) => q === m || q.startsWith(m + '.')),
          );
          if (c) return c;
          if (deviceConsumerOfModule(q)) return null;
        }
        return TORCH_DEVICE_KEYWORDS.has(name) ? 'torch' : null;
      }
      case 'call': {
        if (modulesOnly) return null;
        const fn = n.childForFieldName('function');
        return fn && this.bindings.qualify(fn) === 'torch.device' ? 'torch' : null;
      }
      default:
        return null;
    }
  }

  /** A reference to a CUDA-only module, a kernel of this file, or a custom CUDA extension; or torch device API. */
  private identifierConsumer(n: SyntaxNode): CudaOnlyConsumer | 'torch' | null {
    const p = n.parent;
    if (p?.type === 'attribute' && p.childForFieldName('attribute')?.id === n.id) return null;
    if (p?.type === 'keyword_argument' && p.childForFieldName('name')?.id === n.id) return null;
    if (this.bindings.importedNames.has(n.text)) {
      const q = this.bindings.qualify(outermostAttribute(n));
      if (q === null) return null;
      if (/^torch(_npu)?\.(cuda|npu)(\.|$)/.test(q)) return 'torch';
      return consumerOfModule(q) ?? null;
    }
    const kernel = this.kernelNames().get(n.text);
    if (kernel && this.flow.definingScope(n).type === 'module') return consumerById(kernel);
    if (p?.type === 'attribute' && p.childForFieldName('object')?.id === n.id && this.isCudaExtension(n)) return consumerById('cuda-extension');
    return null;
  }

  /** Module-level functions decorated as CUDA kernels: name → consumer id. */
  private kernelNames(): Map<string, string> {
    if (!this.kernels) {
      this.kernels = new Map();
      for (const d of nodesOfType(this.root, 'decorated_definition')) {
        if (d.parent?.type !== 'module') continue;
        const def = d.childForFieldName('definition');
        const name = def?.type === 'function_definition' ? def.childForFieldName('name')?.text : undefined;
        if (!name) continue;
        for (const dec of d.namedChildren) {
          if (dec.type !== 'decorator') continue;
          let e = dec.namedChildren[0];
          if (e?.type === 'call') e = e.childForFieldName('function')!;
          const q = e ? this.bindings.qualify(e) : null;
          const id = q ? KERNEL_DECORATORS[q] : undefined;
          if (id) {
            this.kernels.set(name, id);
            break;
          }
        }
      }
    }
    return this.kernels;
  }

  /** `ext` bound to `load(name, sources=[..., "k.cu"])` / `load_inline(..., cuda_sources=...)`. */
  private isCudaExtension(ident: SyntaxNode): boolean {
    if (!/^[A-Za-z_]\w*$/.test(ident.text)) return false;
    const { values } = this.flow.valuesOfName(ident);
    return values.some((v) => {
      const call = unparen(v);
      if (call.type !== 'call') return false;
      const q = this.bindings.qualify(call.childForFieldName('function')!);
      if (q === null || !EXTENSION_LOADERS.has(q)) return false;
      const args = callArgs(call);
      if (args.keywords.has('cuda_sources')) return true;
      let cu = false;
      walkNamed(call, (s) => {
        if (s.type === 'string_content' && /\.cuh?$/.test(s.text.trim())) cu = true;
        return !cu;
      });
      return cu;
    });
  }
}

/** Statements after `stmt` in its block. */
function after(stmt: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let s = stmt.nextNamedSibling; s; s = s.nextNamedSibling) out.push(s);
  return out;
}

/** A block whose last statement leaves it (return / raise / continue / break). */
function endsFlow(block: SyntaxNode): boolean {
  const stmts = block.namedChildren.filter((c) => c.type !== 'comment');
  const last = stmts[stmts.length - 1];
  return !!last && /^(return|raise|continue|break)_statement$/.test(last.type);
}

function isTarget(a: SyntaxNode): boolean {
  const p = a.parent;
  return (p?.type === 'assignment' || p?.type === 'augmented_assignment') && p.childForFieldName('left')?.id === a.id;
}

/** Docstrings, bare string statements and arguments of print / logging calls. */
function isPeopleText(s: SyntaxNode): boolean {
  if (isDocstring(s) || s.parent?.type === 'expression_statement') return true;
  let p = s.parent;
  if (p?.type === 'keyword_argument') p = p.parent;
  if (p?.type !== 'argument_list') return false;
  const fn = p.parent?.childForFieldName('function');
  if (!fn) return false;
  const name = fn.type === 'attribute' ? fn.childForFieldName('attribute')!.text : fn.text;
  return LOG_NAMES.test(name);
}

const flows = perTree(() => ({ flow: undefined as Flow | undefined }));

/** The per-tree flow (built on first use, shared by the passes of a round). */
export function cudaOnlyFlow(root: SyntaxNode, bindings: Bindings): Flow {
  const slot = flows(root);
  return (slot.flow ??= new Flow(root, bindings));
}

export type { Flow as CudaOnlyFlow };

/** Message and hint for a kept check: `what` is the check's text. */
export function keptCheck(what: string, use: CudaOnlyUse): { message: string; hint: string } {
  const at = shown(use.at);
  if (use.torchAt) {
    return {
      message: `${what} kept: its result selects ${use.consumer.name} (${at}) and also torch device work (${torchWork(use.torchAt)})`,
      hint: `split the flag: test the NPU (torch.npu.is_available(), x.is_npu, "npu") for the torch device work and keep this CUDA check for ${use.consumer.name}; ${use.consumer.alternative}`,
    };
  }
  return {
    message: `${what} kept: its result selects ${use.consumer.name} (${at})`,
    hint: `converted, this check would be true on an Ascend host and run CUDA-only code there; ${use.consumer.alternative}`,
  };
}

/** A consumer as the message shows it: a string piece with its quotes, else the node's text. */
function shown(n: SyntaxNode): string {
  if (n.type === 'string_content' && n.parent) {
    const lit = stringLiteral(n.parent);
    if (lit && lit.interpolations.length === 0) return short(n.parent.text, 40);
    return `"${short(n.text, 30)}…"`;
  }
  return short(n.text, 40);
}

/** Torch device work named by its kind, not its text (which the same round may convert). */
function torchWork(n: SyntaxNode): string {
  switch (n.type) {
    case 'string':
      return 'a device string';
    case 'keyword_argument':
      return `${n.childForFieldName('name')!.text}=`;
    case 'attribute':
      return `.${n.childForFieldName('attribute')!.text}()`;
    case 'call':
      return 'torch.device()';
    default:
      return 'the torch device API';
  }
}

export function short(text: string, max: number): string {
  const one = text.replace(/\s*[\r\n]+\s*/g, ' ');
  return one.length > max ? one.slice(0, max - 1) + '…' : one;
}
