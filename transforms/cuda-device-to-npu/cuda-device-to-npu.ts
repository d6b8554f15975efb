/**
 * cuda-device-to-npu: CUDA devices → NPU devices.
 *
 *   x.cuda() / model.cuda(args.gpu, non_blocking=True)  → x.npu() / model.npu(args.gpu, non_blocking=True)
 *   t.is_cuda                                            → t.is_npu
 *   torch.device("cuda:0"), torch.device(f"cuda:{rank}") → torch.device("npu:0"), torch.device(f"npu:{rank}")
 *   x.to("cuda"), x.to(device="cuda:1"), device="cuda"   → "npu", "npu:1", device="npu"
 *   torch.load(f, map_location={"cuda:0": "cpu"})        → {"cuda:0": "cpu", "npu:0": "cpu"}
 *   torch.autocast("cuda"), device_type="cuda"           → torch.autocast("npu"), device_type="npu"
 *   x.to(0), model.to(args.gpu)  (args.gpu: type=int)    → x.to("npu:0"), model.to(f"npu:{args.gpu}")
 *   torch.device(local_rank), torch.zeros(n, device=r)   → torch.device(f"npu:{local_rank}"), device=f"npu:{r}"
 *   FSDP(m, device_id=r)  (r = int(os.environ[...]))     → FSDP(m, device_id=f"npu:{r}")
 *   device.type == "cuda", str(d).startswith("cuda")     → "npu"
 *   device = "cuda", --device default="cuda"             → "npu"
 *   os.environ["CUDA_VISIBLE_DEVICES"]                   → os.environ["ASCEND_RT_VISIBLE_DEVICES"]
 *
 * Facts: ascend-facts.md §2.3 (what transfer_to_npu rewrites at run time: device
 * keywords, `.cuda` = `.npu`, `is_cuda` = `is_npu`, ints only for `to`/`to_empty`),
 * §3.9 (device strings, `.npu()`, `is_npu`), §1.13 (`Tensor.to(int)` fails on NPU),
 * §3.8 (environment variables). Tables: src/facts/torch-devices.ts, src/facts/env-vars.ts.
 *
 * A device string ("cuda", "cuda:0", "cuda:%d", "cuda:{}", f"cuda:{i}", "cuda:" + s) is
 * converted where the code shows that it is a device: an argument in a device position,
 * a device test (`device.type == "cuda"`), a value given to a name that names a device
 * (`device`, `self.device`, `cfg.MODEL.DEVICE`, `--device`), or a `"cuda" if c else
 * "cpu"` choice. Only the four letters `cuda` are edited. Elsewhere (`backend == "cuda"`,
 * `run("cuda")`, `rpc.remote(w, S, args=("cuda:0",) + a)`) the string is listed as unsafe:
 * never silent. Never touched, never listed: comments, docstrings, text given to
 * print/log/warnings/raise/help=, exceptions, parts of a text template (`"on %s" % "cuda"`),
 * strings inside f-string interpolations, annotations, lists of names, and the arguments of
 * `torch.Generator(...)` (the generator-to-cpu pass owns them). `torch.cuda.*` belongs
 * to cuda-api-to-npu; `torch.backends.cudnn` is valid on NPU.
 *
 * `.cuda()` receivers: a tensor or module unless the code says otherwise. The call is
 * unsafe when a class in the file defines its own `cuda` method (it may be the one
 * called; the definition is reported) or when the receiver is a name imported with
 * `from X import y` (an object of another library); it is left alone when the receiver
 * is a module (`import X`) or a torch module. A `.cuda` that is not called (`args.cuda`,
 * `self.cuda = torch.cuda.is_available()`) is the user's attribute and keeps its name.
 *
 * CUDA-only consumers (cuda-only.ts, src/facts/cuda-only.ts; ascend-facts §3.10): an `is_cuda`
 * or device test whose result selects Triton / CuPy / custom CUDA kernels or a GPU build is
 * kept and listed (`cuda-only-consumer`); a device string given to a non-torch library
 * (TensorRT, onnxruntime, ...) or used in a branch / function that runs TensorRT or a
 * kernel is kept and listed (`cuda-only-device`).
 *
 * Integer devices (`x.to(0)`, `torch.device(r)`, `device=r` of torch factories and
 * `Tensor.new_*`, `device_id=r` of FSDP (not init_process_group, see INT_DEVICE_ID_CALLS): plain PyTorch reads a lone
 * int as a CUDA device, transfer_to_npu rewrites these to `'npu:{i}'`, §2.3) become
 * `"npu:N"` / `f"npu:{v}"` where the value is known to be an int (also an attribute the
 * file assigns only ints); a value that only looks like an index (`local_rank` parameter,
 * `args.gpu` that may be None) is listed as unsafe; others are left alone. One form for
 * every consumer: the string transfer_to_npu passes, with no `torch` name needed.
 * `device_ids=[r]`, `output_device=r`, `set_device(r)` take an NPU index as is (§3.7, §3.9).
 */
import type { Pass, PassContext } from '../../src/core/pass';
import type { Edit, FixSafety } from '../../src/core/edit';
import type { SyntaxNode } from '../../src/python/parser';
import { argparseOptions, type ArgOption } from '../../src/python/argparse';
import { envNameSites } from '../../src/python/environ';
import { callArgs, callOf, chainHead, isAssignmentTarget, stringLiteral, unparen, walkNamed } from '../../src/python/nodes';
import { CUDA_ENV_TWINS, ENV_NOTES } from '../../src/facts/env-vars';
import type { CudaOnlyConsumer } from '../../src/facts/cuda-only';
import {
  DEVICE_CALL_KEYWORDS,
  DEVICE_KEYWORDS,
  DEVICE_METHODS,
  DEVICE_MODULES,
  DEVICE_POSITIONAL,
  GENERATOR,
  INT_DEVICE_FUNCTIONS,
  INT_DEVICE_ID_CALLS,
  INT_DEVICE_METHODS,
  INT_DEVICE_TENSOR_METHODS,
  TORCH_DEVICE_CLASSES,
} from '../../src/facts/torch-devices';
import { IntOracle, lastName, nameBindings, namesDevice } from './values';
import { nodesOfType } from '../../src/python/tree-cache';
import { cudaOnlyFlow, keptCheck, type CudaOnlyFlow } from './cuda-only';

const ID = 'cuda-device-to-npu';
const RULE = {
  method: `${ID}/cuda-method`,
  isCuda: `${ID}/is-cuda`,
  ownMethod: `${ID}/own-cuda-method`,
  string: `${ID}/device-string`,
  unknownRole: `${ID}/unknown-role`,
  mapLocationKey: `${ID}/map-location-key`,
  intDevice: `${ID}/int-device`,
  cudaOnly: `${ID}/cuda-only-consumer`,
  cudaOnlyDevice: `${ID}/cuda-only-device`,
  env: `${ID}/env-var`,
  noEnvTwin: `${ID}/no-env-twin`,
} as const;

/** Contents of a device string: `cuda`, `cuda:`, `cuda:0`, `cuda:{}`, `cuda:{rank}`, `cuda:%d`. */
const DEVICE_STRING = /^cuda(?::(?:\d+|\{[^{}]*\}|%[dis]|%\(\w+\)[dis])?)?$/;
/** The other branch of a device choice: `"cuda" if ok else "cpu"`. */
const HOST_DEVICE = /^(cpu|mps|xpu|meta)(:\d+)?$/;
/** Keyword arguments that hold text for people. */
const TEXT_KEYWORDS = new Set(['help', 'description', 'epilog', 'usage', 'msg', 'message', 'metavar', 'desc', 'title', 'label']);
const LOG_METHODS = new Set([
  'debug', 'info', 'warning', 'warn', 'error', 'exception', 'critical', 'fatal', 'log', 'print', 'write',
  'echo', 'secho', 'set_description', 'set_postfix', 'set_postfix_str', 'add_text',
]);
const LOG_FUNCTIONS = new Set(['print', 'warn', 'echo', 'rank_zero_info', 'rank_zero_warn', 'print_rank_0', 'log']);
const UNSAFE_STRING_HINT =
  'the code does not show that this string is a device; if it is, it must be "npu…" on Ascend (--unsafe converts it)';

/** Values that are surely no int device (`device="cuda"`: the device-string rules own those); checked before the costlier tests. */
const NOT_INT_LITERALS = new Set(['string', 'concatenated_string', 'float', 'none', 'true', 'false', 'list', 'dictionary', 'set', 'tuple']);

export const cudaDeviceToNpu: Pass = {
  id: ID,
  summary: '.cuda() → .npu(), is_cuda → is_npu, "cuda" device strings and int devices → npu, CUDA_* env vars → Ascend twins',
  levels: ['safe', 'unsafe', 'manual'],
  // `.to(`, `device=` / `device_id=` / `torch.device(` (int devices), `from torch import device as D`
  triggers: /cuda|CUDA|VISIBLE_DEVICES|\.\s*to(_empty)?\s*\(|\bdevice(_id)?\s*[=(]|\bimport\b.*\bdevice\b/,
  run(ctx) {
    const run = new Run(ctx);
    run.cudaAttributes();
    run.deviceStrings();
    run.intDevices();
    run.environment();
  },
};

type Role =
  | { level: 'safe' | 'unsafe'; label: string }
  | { level: 'skip' }
  | { level: 'key'; pair: SyntaxNode; dict: SyntaxNode };

type ReceiverKind = 'value' | 'torch-class' | 'torch' | 'module' | 'imported';

class Run {
  private allOptions?: ArgOption[];
  private argOptions?: Map<number, ArgOption>;
  private fileQuote?: string;
  private relativeNames?: Set<string>;
  private readonly ints: IntOracle;
  /** Names being followed by deviceUse (guards against cycles). */
  private readonly following = new Set<number>();
  private readonly refs = new Map<string, SyntaxNode[]>();
  private importedNames?: Set<string>;
  private cudaOnlyFlow?: CudaOnlyFlow;

  constructor(private readonly ctx: PassContext) {
    this.ints = new IntOracle(ctx.bindings, () => this.options(), ctx.root);
  }

  private get cudaOnly(): CudaOnlyFlow {
    return (this.cudaOnlyFlow ??= cudaOnlyFlow(this.ctx.root, this.ctx.bindings));
  }

  // ---------------------------------------------------------------- .cuda() / .is_cuda

  cudaAttributes(): void {
    const attrs: { attr: SyntaxNode; name: string }[] = [];
    const re = /\b(is_)?cuda\b/g;
    for (let m = re.exec(this.ctx.source); m; m = re.exec(this.ctx.source)) {
      const node = this.ctx.root.descendantForIndex(m.index, m.index + m[0].length);
      const p = node.parent;
      if (node.type !== 'identifier' || !p || p.type !== 'attribute' || p.childForFieldName('attribute')?.id !== node.id) continue;
      attrs.push({ attr: p, name: m[0] });
    }
    // the user's own methods and attributes called cuda / is_cuda (the methods are reported even without calls here)
    const own = this.ownMethods();
    if (attrs.length === 0) return;
    const assigned = new Set<string>();
    for (const { attr, name } of attrs) {
      if (isAssignmentTarget(attr)) assigned.add(`${name}|${attr.childForFieldName('object')!.text}`);
    }

    for (const { attr, name } of attrs) {
      if (isAssignmentTarget(attr) || this.insideGenerator(attr)) continue;
      const obj = attr.childForFieldName('object')!;
      const ident = attr.childForFieldName('attribute')!;
      const call = callOf(attr);
      const kind = this.receiverKind(obj);
      if (kind === 'torch' || kind === 'module') continue;
      const isMethod = name === 'cuda';
      // an attribute the file assigns (`self.cuda = ...`) is the user's
      if (assigned.has(`${name}|${obj.text}`)) continue;
      // a `.cuda` that is not called is the user's attribute, unless it is torch.Tensor.cuda itself
      if (isMethod && !call && kind !== 'torch-class') continue;

      const newName = isMethod ? 'npu' : 'is_npu';
      const recv = short(obj.text, 30);
      if (!isMethod) {
        // `if x.is_cuda: triton_kernel[grid](...)`: the check stays a CUDA check (cuda-only.ts)
        const use = this.cudaOnly.use(attr);
        if (use) {
          this.ctx.report({ ruleId: RULE.cudaOnly, ...keptCheck(`${recv}.is_cuda`, use), start: attr.startIndex, end: attr.endIndex });
          continue;
        }
      }
      const argsShown = call ? (call.childForFieldName('arguments')?.namedChildCount ? '(...)' : '()') : '';
      const message = `${recv}.${name}${argsShown} → ${recv}.${newName}${argsShown}`;
      const edits: Edit[] = [{ start: ident.startIndex, end: ident.endIndex, content: newName }];
      const range = { start: (call ?? attr).startIndex, end: (call ?? attr).endIndex };
      let safety: FixSafety = 'safe';
      let hint: string | undefined;
      if (kind === 'imported') {
        safety = 'unsafe';
        hint = `${chainHead(unparen(obj))?.text ?? obj.text} is imported from another module; convert only if it is a tensor or an nn.Module`;
      } else if (kind !== 'torch-class' && own.has(name)) {
        // `self.cuda()` in the class, `MyTensor().cuda()`: surely the user's own method
        if (this.isOwnInstance(obj, own.get(name)!)) continue;
        safety = 'unsafe';
        hint = `class ${own.get(name)!.join(', ')} in this file defines its own ${name}; if this call reaches it, keep it (or rename the method to ${newName})`;
      }
      this.ctx.report({ ruleId: isMethod ? RULE.method : RULE.isCuda, message, ...range, fix: { edits, safety }, hint });
    }
  }

  /** Classes that define `cuda` / `is_cuda` themselves (reported once, as manual). */
  private ownMethods(): Map<string, string[]> {
    const own = new Map<string, string[]>();
    const re = /\bdef\s+((?:is_)?cuda)\b/g;
    for (let m = re.exec(this.ctx.source); m; m = re.exec(this.ctx.source)) {
      const nameStart = m.index + m[0].length - m[1].length;
      const ident = this.ctx.root.descendantForIndex(nameStart, nameStart + m[1].length);
      const def = ident.parent;
      if (!def || def.type !== 'function_definition' || def.childForFieldName('name')?.id !== ident.id) continue;
      let body = def.parent;
      if (body?.type === 'decorated_definition') body = body.parent;
      const cls = body?.type === 'block' ? body.parent : null;
      if (!cls || cls.type !== 'class_definition') continue;
      const clsName = cls.childForFieldName('name')?.text ?? '?';
      const classes = own.get(m[1]);
      if (classes) classes.push(clsName);
      else own.set(m[1], [clsName]);
      const npuName = m[1] === 'cuda' ? 'npu' : 'is_npu';
      this.ctx.report({
        ruleId: RULE.ownMethod,
        message: `${clsName}.${m[1]} is defined here; ${m[1] === 'cuda' ? '.cuda() calls' : '.is_cuda reads'} in this file are unsafe`,
        start: def.startIndex,
        end: def.childForFieldName('parameters')?.endIndex ?? def.endIndex,
        hint: `converted code calls ${npuName}, which bypasses this ${m[1]}; if ${clsName} is a tensor or nn.Module subclass, move the logic to ${npuName}`,
      });
    }
    return own;
  }

  /** `self` inside one of `classes`, or `Cls(...)` for one of them. */
  private isOwnInstance(obj: SyntaxNode, classes: string[]): boolean {
    const n = unparen(obj);
    if (n.type === 'call') {
      const fn = n.childForFieldName('function');
      return fn?.type === 'identifier' && classes.includes(fn.text);
    }
    if (n.type !== 'identifier' || n.text !== 'self') return false;
    for (let p = n.parent; p; p = p.parent) {
      if (p.type === 'class_definition') return classes.includes(p.childForFieldName('name')?.text ?? '');
    }
    return false;
  }

  /** What the object of `.cuda` / `.to` is, as far as the imports tell. */
  private receiverKind(obj: SyntaxNode): ReceiverKind {
    const n = unparen(obj);
    const head = chainHead(n);
    if (!head) return 'value';
    // only a name some import binds can resolve to anything but a local value
    this.importedNames ??= new Set(this.ctx.bindings.importedNames); // star-bound module names included
    if (!this.importedNames.has(head.text) && !this.relativeImports().has(head.text)) return 'value';
    const q = this.ctx.bindings.qualify(n);
    if (q !== null) {
      if (TORCH_DEVICE_CLASSES.has(q)) return 'torch-class';
      if (/^torch(_npu)?(\.|$)/.test(q)) return 'torch';
      // the module itself (`tvm.cuda(0)`, `numba.cuda`), not an object inside it (`models.net.cuda()`)
      const isModule = this.ctx.bindings.imports.some(
        (s) => s.kind === 'import' && s.names.some((x) => x.qualified === q || (x.aliasNode === null && x.nameNode.text === q)),
      );
      return isModule ? 'module' : 'imported';
    }
    if (this.relativeImports().has(head.text) && !this.ctx.bindings.isBound(head.text, head)) return 'imported';
    return 'value';
  }

  private relativeImports(): Set<string> {
    if (!this.relativeNames) {
      this.relativeNames = new Set();
      for (const s of this.ctx.bindings.imports) {
        if (s.kind !== 'from' || s.module !== null) continue;
        for (const c of s.node.childrenForFieldName('name')) {
          const local = c.type === 'aliased_import' ? c.childForFieldName('alias') : c.namedChildren[0];
          if (local) this.relativeNames.add(local.text);
        }
      }
    }
    return this.relativeNames;
  }

  // ---------------------------------------------------------------- device strings

  deviceStrings(): void {
    const seen = new Set<number>();
    const re = /cuda/g;
    for (let m = re.exec(this.ctx.source); m; m = re.exec(this.ctx.source)) {
      let s: SyntaxNode | null = this.ctx.root.descendantForIndex(m.index, m.index + 4);
      while (s && s.type !== 'string') s = s.type === 'string_content' || s.type === 'string_start' ? s.parent : null;
      if (!s || seen.has(s.id)) continue;
      seen.add(s.id);
      const lit = stringLiteral(s);
      if (!lit || lit.isBytes || lit.contentStart !== m.index) continue;
      if (s.parent?.type === 'concatenated_string') continue;
      if (!DEVICE_STRING.test(this.ctx.source.slice(lit.contentStart, lit.contentEnd))) continue;
      this.deviceString(s, lit.contentStart);
    }
  }

  private deviceString(s: SyntaxNode, cudaAt: number): void {
    const { root, pairedWithHost } = climbDeviceExpression(s);
    let role = this.roleOf(s, root);
    if (role.level === 'unsafe' && pairedWithHost) role = { level: 'safe', label: 'device choice' };
    if (role.level === 'skip') return;
    if (role.level === 'key') {
      this.mapLocationKey(root, role.pair, role.dict);
      return;
    }
    if (this.keptForCudaOnly(s, root, role.label)) return;
    const before = short(s.text, 40);
    const after = short(s.text.slice(0, cudaAt - s.startIndex) + 'npu' + s.text.slice(cudaAt + 4 - s.startIndex), 40);
    const safe = role.level === 'safe';
    this.ctx.report({
      ruleId: safe ? RULE.string : RULE.unknownRole,
      message: `${before} → ${after} (${safe ? role.label : `role not shown: ${role.label}`})`,
      start: s.startIndex,
      end: s.endIndex,
      fix: { edits: [{ start: cudaAt, end: cudaAt + 4, content: 'npu' }], safety: safe ? 'safe' : 'unsafe' },
      hint: safe ? undefined : UNSAFE_STRING_HINT,
    });
  }

  /**
   * A device string that must stay CUDA (transforms/cuda-device-to-npu/cuda-only.ts): a device
   * test whose result selects CUDA-only code, a device given to a non-torch library
   * (`torch_tensorrt.Input(device="cuda")`, directly or through a name), or a device in a branch
   * or function that runs TensorRT / Triton / CuPy / ... code. Reports it and returns true.
   */
  private keptForCudaOnly(s: SyntaxNode, root: SyntaxNode, label: string): boolean {
    const text = short(s.text, 40);
    if (label === 'device test') {
      const check = deviceTestNode(root);
      const use = check ? this.cudaOnly.use(check) : null;
      if (use) {
        this.ctx.report({ ruleId: RULE.cudaOnly, ...keptCheck(`${short(check!.text, 40)}`, use), start: s.startIndex, end: s.endIndex });
        return true;
      }
    }
    let callee: { consumer: CudaOnlyConsumer; at: SyntaxNode } | null = null;
    const p = root.parent!;
    const call = p.type === 'argument_list' ? p.parent : p.type === 'keyword_argument' ? p.parent?.parent : null;
    if (call?.type === 'call') {
      const c = this.cudaOnly.deviceCallee(call);
      if (c) callee = { consumer: c, at: call.childForFieldName('function')! };
    } else if (p.type === 'assignment' && p.childForFieldName('right')?.id === root.id) {
      callee = this.cudaOnly.nameUsedByDeviceCallee(p.childForFieldName('left')!);
      if (callee) callee = { consumer: callee.consumer, at: callee.at.childForFieldName('function') ?? callee.at };
    }
    if (callee) {
      this.ctx.report({
        ruleId: RULE.cudaOnlyDevice,
        message: `${text} kept: a device for ${callee.consumer.library} (${short(callee.at.text, 40)}), not a torch device`,
        start: s.startIndex,
        end: s.endIndex,
        hint: `this library takes its own device names and cannot take an NPU; ${callee.consumer.alternative}`,
      });
      return true;
    }
    const block = this.cudaOnly.enclosingCudaOnly(s);
    if (block) {
      this.ctx.report({
        ruleId: RULE.cudaOnlyDevice,
        message: `${text} kept: the device of code that runs ${block.consumer.name} (${short(block.at.text, 40)}), which cannot take an NPU`,
        start: s.startIndex,
        end: s.endIndex,
        hint: `the tensors here feed ${block.consumer.name}; ${block.consumer.alternative}`,
      });
      return true;
    }
    return false;
  }

  /** What the device expression `root` (holding the string `s`) is used for. */
  private roleOf(s: SyntaxNode, root: SyntaxNode): Role {
    if (this.isText(s, root) || this.insideGenerator(root)) return { level: 'skip' };
    const p = root.parent!;
    switch (p.type) {
      case 'argument_list':
        return this.argumentRole(p.parent!, positionalIndex(p, root), null);
      case 'keyword_argument':
        return this.argumentRole(p.parent!.parent!, -1, p.childForFieldName('name')!.text);
      case 'comparison_operator':
        return this.comparisonRole(p, root);
      case 'list':
      case 'tuple':
      case 'set':
        return this.elementRole(s, p);
      case 'assignment': {
        const left = p.childForFieldName('left')!;
        if (this.targetNamesDevice(left)) return { level: 'safe', label: `assigned to ${short(left.text, 30)}` };
        const use = this.deviceUse(left);
        if (use) return { level: 'safe', label: `${left.text}, used as ${use}` };
        return { level: 'unsafe', label: `assigned to ${short(left.text, 30)}` };
      }
      case 'default_parameter':
      case 'typed_default_parameter': {
        const name = p.childForFieldName('name')!.text;
        return namesDevice(name) ? { level: 'safe', label: `default of ${name}` } : { level: 'unsafe', label: `default of ${name}` };
      }
      case 'pair': {
        const dict = p.parent!;
        if (p.childForFieldName('key')?.id === root.id) {
          return this.isMapLocation(dict) ? { level: 'key', pair: p, dict } : { level: 'unsafe', label: 'dict key' };
        }
        const key = stringLiteral(p.childForFieldName('key')!)?.value;
        if (key !== undefined && namesDevice(key)) return { level: 'safe', label: `"${key}" entry` };
        if (this.isMapLocation(dict)) return { level: 'safe', label: 'map_location' };
        return { level: 'unsafe', label: key !== undefined ? `"${short(key, 20)}" entry` : 'dict value' };
      }
      case 'return_statement': {
        let f = p.parent;
        while (f && f.type !== 'function_definition' && f.type !== 'lambda' && f.type !== 'module') f = f.parent;
        const name = f?.type === 'function_definition' ? f.childForFieldName('name')!.text : null;
        if (name && namesDevice(name)) return { level: 'safe', label: `returned by ${name}()` };
        return { level: 'unsafe', label: name ? `returned by ${name}()` : 'returned' };
      }
      case 'subscript':
        return { level: 'unsafe', label: 'subscript key' };
      default:
        return { level: 'unsafe', label: p.type.replace(/_/g, ' ') };
    }
  }

  /**
   * A local name given a value here and passed, in the same function, to a device
   * position (`loc = "cuda:{}".format(gpu)` … `torch.load(f, map_location=loc)`): the label of that use.
   */
  private deviceUse(left: SyntaxNode): string | null {
    if (left.type !== 'identifier' || this.following.has(left.id)) return null;
    this.following.add(left.id);
    try {
      return this.followToDevice(left);
    } finally {
      this.following.delete(left.id);
    }
  }

  private followToDevice(left: SyntaxNode): string | null {
    const scope = enclosingFunction(left);
    for (const ref of this.references(left.text)) {
      if (ref.startIndex < scope.startIndex || ref.endIndex > scope.endIndex) continue;
      if (ref.id === left.id || enclosingFunction(ref).id !== scope.id) continue;
      let at = ref;
      while (at.parent?.type === 'parenthesized_expression') at = at.parent;
      const p = at.parent;
      let role: Role | null = null;
      if (p?.type === 'argument_list' && p.parent?.type === 'call') role = this.argumentRole(p.parent, positionalIndex(p, at), null);
      else if (p?.type === 'keyword_argument' && p.childForFieldName('value')?.id === at.id) {
        role = this.argumentRole(p.parent!.parent!, -1, p.childForFieldName('name')!.text);
      }
      if (role?.level === 'safe') return role.label;
    }
    return null;
  }

  private references(name: string): SyntaxNode[] {
    let refs = this.refs.get(name);
    if (!refs) this.refs.set(name, (refs = this.ctx.bindings.references(name)));
    return refs;
  }

  /** The string is an argument of `call`: positional `index`, or keyword `keyword`. */
  private argumentRole(call: SyntaxNode, index: number, keyword: string | null): Role {
    if (call.type !== 'call') return { level: 'unsafe', label: 'argument' };
    const fn = call.childForFieldName('function')!;
    const q = this.ctx.bindings.qualify(fn);
    // a long receiver chain is cut to its method: `.replace()` reads better than `str(device).strip().lower().r…()`
    const fnText = fn.text.length > 30 && fn.type === 'attribute' ? `.${fn.childForFieldName('attribute')!.text}` : short(fn.text, 30);
    if (keyword !== null) {
      if (DEVICE_KEYWORDS.has(keyword) || namesDevice(keyword)) return { level: 'safe', label: `${keyword}=` };
      if (q !== null && DEVICE_CALL_KEYWORDS[q]?.includes(keyword)) return { level: 'safe', label: `${q}(${keyword}=)` };
      if (keyword === 'default') {
        const opt = this.argOption(call);
        if (opt && opt.dest && namesDevice(opt.dest)) return { level: 'safe', label: `${opt.flags[0] ?? opt.dest} default` };
      }
      return { level: 'unsafe', label: `${keyword}= of ${fnText}()` };
    }
    if (fn.type === 'attribute') {
      const method = fn.childForFieldName('attribute')!.text;
      const receiver = fn.childForFieldName('object')!;
      const first = this.receiverKind(receiver) === 'torch-class' ? 1 : 0;
      if (DEVICE_METHODS.has(method) && index === first) return { level: 'safe', label: `.${method}()` };
      if ((method === 'startswith' || method === 'endswith') && index === 0 && this.deviceIsh(receiver)) {
        return { level: 'safe', label: 'device test' };
      }
    }
    if (q !== null) {
      if (DEVICE_POSITIONAL[q] === index) return { level: 'safe', label: q };
      if (index === 0 && DEVICE_MODULES.some((m) => q.startsWith(m) && !q.slice(m.length).includes('.'))) return { level: 'safe', label: q };
    }
    return { level: 'unsafe', label: `argument of ${fnText}()` };
  }

  private comparisonRole(cmp: SyntaxNode, root: SyntaxNode): Role {
    const { operands, ops } = comparisonParts(cmp);
    const k = operands.findIndex((o) => o.id === root.id);
    const partners: [string | undefined, SyntaxNode | undefined][] = [
      [ops[k - 1], operands[k - 1]],
      [ops[k], operands[k + 1]],
    ];
    for (const [op, other] of partners) {
      if (!op || !other || !/^(==|!=|in|not in|is|is not)$/.test(op)) continue;
      if (this.deviceIsh(other)) return { level: 'safe', label: 'device test' };
    }
    const other = partners.find(([, o]) => o)?.[1];
    return { level: 'unsafe', label: other ? `compared with ${short(other.text, 30)}` : 'comparison' };
  }

  /**
   * A string in a list/tuple/set: a device test, argparse choices of a device option,
   * `device_ids=[...]`, a list of names (left alone), format arguments (text), or else an
   * element whose consumer the code does not show (`rpc.remote(w, f, args=("cuda:0",) + a)`): unsafe.
   */
  private elementRole(s: SyntaxNode, container: SyntaxNode): Role {
    let c = container;
    while (c.parent?.type === 'parenthesized_expression') c = c.parent;
    const p = c.parent;
    if (p?.type === 'comparison_operator') {
      const { operands, ops } = comparisonParts(p);
      const k = operands.findIndex((o) => o.id === c.id);
      if (k > 0 && /^(not )?in$/.test(ops[k - 1]) && this.deviceIsh(operands[k - 1])) return { level: 'safe', label: 'device test' };
    }
    if (p?.type === 'keyword_argument') {
      const kw = p.childForFieldName('name')?.text;
      if (kw === 'choices') {
        const opt = this.argOption(p.parent!.parent!);
        if (opt && opt.dest && namesDevice(opt.dest)) return { level: 'safe', label: `${opt.flags[0] ?? opt.dest} choices` };
      }
      // DistributedDataParallel(device_ids=[...]): transfer_to_npu rewrites its strings too (ascend-facts §2.3)
      if (kw === 'device_ids') return { level: 'safe', label: 'device_ids=' };
    }
    if (this.isNameList(container)) return { level: 'skip' };
    // the outermost container: `print(("cuda", n))`, `"%s on %s" % ("model", "cuda")`
    let outer = c;
    while (outer.parent && /^(list|tuple|set|parenthesized_expression)$/.test(outer.parent.type)) outer = outer.parent;
    if (this.isText(s, outer)) return { level: 'skip' };
    return { level: 'unsafe', label: `element of a ${container.type}` };
  }

  /**
   * A list of names (`["cuda", "mps", "cpu"]`, `("cuda", "training")`): two or more plain
   * strings, none of them an indexed device (`"cuda:0"` is a device, not a name).
   */
  private isNameList(container: SyntaxNode): boolean {
    const items = container.namedChildren.filter((n) => n.type !== 'comment');
    if (items.length < 2) return false;
    return items.every((n) => {
      const lit = n.type === 'string' ? stringLiteral(n) : null;
      if (!lit || n.descendantsOfType('interpolation').length > 0) return false;
      return !/^[a-z]+:/.test(this.ctx.source.slice(lit.contentStart, lit.contentEnd));
    });
  }

  private targetNamesDevice(left: SyntaxNode): boolean {
    const name = lastName(left);
    if (name !== null) return namesDevice(name);
    if (left.type === 'subscript') {
      const key = left.childForFieldName('subscript');
      const v = key ? stringLiteral(key)?.value : undefined;
      return v !== undefined && namesDevice(v);
    }
    return false;
  }

  /** A dict given as `map_location` (keyword, torch.load's 2nd argument, or a `map_location` variable). */
  private isMapLocation(dict: SyntaxNode): boolean {
    let d = dict;
    while (d.parent?.type === 'parenthesized_expression') d = d.parent;
    const p = d.parent;
    if (!p) return false;
    if (p.type === 'keyword_argument') return p.childForFieldName('name')?.text === 'map_location';
    if (p.type === 'assignment') {
      const left = p.childForFieldName('left')!;
      return lastName(left) === 'map_location' || this.deviceUse(left)?.startsWith('map_location') === true;
    }
    if (p.type === 'argument_list' && p.parent?.type === 'call') {
      const q = this.ctx.bindings.qualify(p.parent.childForFieldName('function')!);
      const idx = positionalIndex(p, d);
      return (q === 'torch.load' || q === 'torch.hub.load_state_dict_from_url') && idx === DEVICE_POSITIONAL[q];
    }
    return false;
  }

  /**
   * A `map_location` dict key names where a storage was saved. Checkpoints written
   * on CUDA keep saying "cuda:0", so the key stays and the NPU key is added beside it.
   */
  private mapLocationKey(key: SyntaxNode, pair: SyntaxNode, dict: SyntaxNode): void {
    const value = pair.childForFieldName('value');
    if (!value) return;
    const keyText = convertedText(key);
    const existing = new Set(
      dict.namedChildren.filter((c) => c.type === 'pair').map((c) => c.childForFieldName('key')!.text.replace(/\s+/g, '')),
    );
    if (existing.has(keyText.replace(/\s+/g, ''))) return;
    const range = { start: key.startIndex, end: key.endIndex };
    if (!isPure(key) || !isPure(value)) {
      this.ctx.report({
        ruleId: RULE.mapLocationKey,
        message: `map_location key ${short(key.text, 30)}: checkpoints saved on NPU use ${short(keyText, 30)}`,
        ...range,
        hint: `add a ${short(keyText, 30)} entry next to it (keep the CUDA key for checkpoints saved on GPU)`,
      });
      return;
    }
    const entry = `${keyText}: ${convertedText(value)}`;
    this.ctx.report({
      ruleId: RULE.mapLocationKey,
      message: `map_location ${short(key.text, 30)} kept (CUDA checkpoints), ${short(entry, 50)} added`,
      ...range,
      fix: { edits: [{ start: pair.endIndex, end: pair.endIndex, content: `, ${entry}` }], safety: 'safe' },
    });
  }

  /** Does this expression hold a device (or a device's text) — the other side of a device test? */
  private deviceIsh(node: SyntaxNode, depth = 0): boolean {
    const n = unparen(node);
    switch (n.type) {
      case 'identifier': {
        if (namesDevice(n.text)) return true;
        // `d = torch.device(...)`: a name bound only to devices
        if (depth > 4) return false;
        const found = nameBindings(n);
        return found.length > 0 && found.every((b) => b.kind === 'value' && this.isDeviceValue(b.value, depth + 1));
      }
      case 'attribute': {
        const attr = n.childForFieldName('attribute')!.text;
        return attr === 'type' ? this.deviceIsh(n.childForFieldName('object')!, depth) : namesDevice(attr);
      }
      case 'subscript': {
        const value = n.childForFieldName('value')!;
        const key = n.childForFieldName('subscript');
        const k = key ? stringLiteral(key)?.value : undefined;
        if (k !== undefined) return namesDevice(k);
        return this.deviceIsh(value, depth);
      }
      case 'call': {
        const fn = n.childForFieldName('function')!;
        const args = callArgs(n);
        if (fn.type === 'identifier' && (fn.text === 'str' || fn.text === 'repr') && args.positional.length === 1) {
          return this.deviceIsh(args.positional[0], depth);
        }
        if (fn.type === 'attribute' && /^(lower|upper|strip|lstrip|rstrip|split|rsplit|partition)$/.test(fn.childForFieldName('attribute')!.text)) {
          return this.deviceIsh(fn.childForFieldName('object')!, depth);
        }
        return this.ctx.bindings.qualify(fn) === 'torch.device';
      }
      default:
        return false;
    }
  }

  /**
   * A value that is a device: `torch.device(...)`, `x.device`, a device-named value, or a
   * `"cuda" if c else "cpu"` choice. A lone "cuda" string is no evidence: where its role is
   * not shown it is unsafe, and the test must stay consistent with it.
   */
  private isDeviceValue(value: SyntaxNode, depth: number): boolean {
    const v = unparen(value);
    if (v.type === 'conditional_expression') {
      const [yes, , no] = v.namedChildren.map((c) => {
        const lit = stringLiteral(unparen(c));
        return lit ? this.ctx.source.slice(lit.contentStart, lit.contentEnd) : null;
      });
      return (yes !== null && no !== null && DEVICE_STRING.test(yes) && HOST_DEVICE.test(no)) ||
        (yes !== null && no !== null && HOST_DEVICE.test(yes) && DEVICE_STRING.test(no));
    }
    if (v.type === 'call' && this.ctx.bindings.qualify(v.childForFieldName('function')!) === 'torch.device') return true;
    // `x = "cuda"` where x is passed to a device position: the assignment is converted, so is the test
    const { root } = climbDeviceExpression(v);
    const asg = root.parent;
    if (asg?.type === 'assignment' && asg.childForFieldName('right')?.id === root.id && this.deviceUse(asg.childForFieldName('left')!) !== null) {
      return true;
    }
    return v.type !== 'string' && this.deviceIsh(v, depth);
  }

  /** Text for people: print/log/warnings/raise arguments, help=..., assert messages, f-string parts, annotations. */
  private isText(s: SyntaxNode, root: SyntaxNode): boolean {
    for (let p = s.parent; p && !/statement$|^(block|module)$/.test(p.type); p = p.parent) {
      if (p.type === 'interpolation' || p.type === 'type') return true;
    }
    const p = root.parent!;
    if (p.type === 'expression_statement') return true;
    // `"Using %s" % "cuda"`, `"%s on %s" % (name, "cuda")`, `"device: " + "cuda"`: parts of a text
    if (p.type === 'binary_operator' && p.childForFieldName('right')?.id === root.id && /^[%+]$/.test(p.childForFieldName('operator')?.text ?? '')) {
      return isTextTemplate(p.childForFieldName('left')!);
    }
    if (p.type === 'assert_statement' && p.namedChildren[0]?.id !== root.id) return true;
    let call: SyntaxNode | null = null;
    if (p.type === 'argument_list') call = p.parent;
    else if (p.type === 'keyword_argument') {
      if (TEXT_KEYWORDS.has(p.childForFieldName('name')!.text)) return true;
      call = p.parent?.parent ?? null;
    }
    if (!call || call.type !== 'call') return false;
    if (call.parent?.type === 'raise_statement') return true;
    const fn = call.childForFieldName('function')!;
    // `"Using {}".format("cuda")`: an argument of a text template (`"{}:{}".format("cuda", i)` is a device)
    if (fn.type === 'attribute' && fn.childForFieldName('attribute')!.text === 'format') return isTextTemplate(fn.childForFieldName('object')!);
    // an exception built and not raised here: `err = ValueError("cuda")`
    if (fn.type === 'identifier' && /(Error|Exception|Warning)$/.test(fn.text)) return true;
    return this.isLogCall(call);
  }

  private isLogCall(call: SyntaxNode): boolean {
    const fn = call.childForFieldName('function');
    if (!fn) return false;
    if (fn.type === 'identifier') return LOG_FUNCTIONS.has(fn.text);
    if (fn.type === 'attribute' && LOG_METHODS.has(fn.childForFieldName('attribute')!.text)) return true;
    const q = this.ctx.bindings.qualify(fn);
    return q !== null && /^(logging|warnings)\./.test(q);
  }

  /** Inside the arguments of `torch.Generator(...)`: owned by generator-to-cpu. */
  private insideGenerator(node: SyntaxNode): boolean {
    for (let p = node.parent; p && !/statement$|^(block|module)$/.test(p.type); p = p.parent) {
      if (p.type === 'argument_list' && p.parent?.type === 'call') {
        const fn = p.parent.childForFieldName('function');
        if (fn && this.ctx.bindings.qualify(fn) === GENERATOR) return true;
      }
    }
    return false;
  }

  private options(): ArgOption[] {
    return (this.allOptions ??= argparseOptions(this.ctx.root));
  }

  private argOption(call: SyntaxNode): ArgOption | undefined {
    if (!this.argOptions) {
      this.argOptions = new Map();
      for (const o of this.options()) if (o.flags.length > 0) this.argOptions.set(o.call.id, o);
    }
    return this.argOptions.get(call.id);
  }

  // ---------------------------------------------------------------- integer devices

  intDevices(): void {
    const re = /\bto(?:_empty)?\b/g;
    for (let m = re.exec(this.ctx.source); m; m = re.exec(this.ctx.source)) {
      const ident = this.ctx.root.descendantForIndex(m.index, m.index + m[0].length);
      const attr = ident.parent;
      if (ident.type !== 'identifier' || !attr || attr.type !== 'attribute' || attr.childForFieldName('attribute')?.id !== ident.id) continue;
      const call = callOf(attr);
      if (!call || !INT_DEVICE_METHODS.has(ident.text) || this.insideGenerator(call)) continue;
      const kind = this.receiverKind(attr.childForFieldName('object')!);
      if (kind === 'torch' || kind === 'module') continue;
      const args = callArgs(call);
      const candidates: SyntaxNode[] = [];
      if (ident.text === 'to') {
        const first = args.positional[kind === 'torch-class' ? 1 : 0];
        if (first) candidates.push(first);
      }
      const kw = args.keywords.get('device')?.value;
      if (kw) candidates.push(kw);
      for (const arg of candidates) this.intDevice(arg, { before: `.${ident.text}(`, after: ')', consumer: 'to' });
    }
    this.otherIntDevices();
  }

  /**
   * `torch.device(i)`, `torch.zeros(n, device=i)`, `x.new_zeros(n, device=i)`,
   * `FSDP(m, device_id=i)` (not init_process_group's, see INT_DEVICE_ID_CALLS): plain PyTorch
   * reads the int as a CUDA device; transfer_to_npu rewrites the keyword ones to
   * `'npu:{i}'` (src/facts/torch-devices.ts). `device_ids=[i]`, `output_device=i` and
   * `torch.cuda.set_device(i)` take an index on NPU too (ascend-facts §3.7, §3.9) and stay.
   */
  private otherIntDevices(): void {
    const aliases = this.ctx.bindings.imports.flatMap((st) => st.names.filter((x) => x.qualified === 'torch.device').map((x) => x.local));
    const names = ['device', 'device_id', ...aliases.filter((a) => /^\w+$/.test(a) && a !== 'device')];
    const re = new RegExp(`\\b(?:${names.join('|')})\\b`, 'g');
    for (let m = re.exec(this.ctx.source); m; m = re.exec(this.ctx.source)) {
      const ident = this.ctx.root.descendantForIndex(m.index, m.index + m[0].length);
      if (ident.type !== 'identifier') continue;
      const p = ident.parent;
      if (p?.type === 'keyword_argument' && p.childForFieldName('name')?.id === ident.id) {
        const call = p.parent?.parent;
        const value = p.childForFieldName('value');
        if (call?.type !== 'call' || !value || NOT_INT_LITERALS.has(value.type) || !this.takesIntDevice(call, ident.text)) continue;
        this.intDevice(value, { before: `${ident.text}=`, after: '', consumer: ident.text === 'device' ? 'device=' : 'device_id=' });
        continue;
      }
      // torch.device(i): the callee ends at this name
      const fn = p?.type === 'attribute' && p.childForFieldName('attribute')?.id === ident.id ? p : ident;
      const call = fn.parent;
      if (call?.type !== 'call' || call.childForFieldName('function')?.id !== fn.id) continue;
      if (this.ctx.bindings.qualify(fn) !== 'torch.device') continue;
      const args = callArgs(call);
      if (args.positional.length !== 1 || args.keywords.size > 0 || NOT_INT_LITERALS.has(args.positional[0].type) || this.insideGenerator(call)) continue;
      this.intDevice(args.positional[0], { before: `${short(fn.text, 20)}(`, after: ')', consumer: 'torch.device' });
    }
  }

  /** Does `call` read an int given to its `keyword` (`device` / `device_id`) as a CUDA device? */
  private takesIntDevice(call: SyntaxNode, keyword: string): boolean {
    if (this.insideGenerator(call)) return false;
    const fn = call.childForFieldName('function')!;
    const q = this.ctx.bindings.qualify(fn);
    if (keyword === 'device_id') return q !== null && INT_DEVICE_ID_CALLS.has(q);
    if (q !== null) return INT_DEVICE_FUNCTIONS.has(q);
    if (fn.type !== 'attribute' || !INT_DEVICE_TENSOR_METHODS.has(fn.childForFieldName('attribute')!.text)) return false;
    const kind = this.receiverKind(fn.childForFieldName('object')!);
    return kind === 'value' || kind === 'torch-class';
  }

  private intDevice(arg: SyntaxNode, site: { before: string; after: string; consumer: 'to' | 'torch.device' | 'device=' | 'device_id=' }): void {
    const intness = this.ints.intness(arg);
    if (intness === 'no') return;
    const q = this.quoteFor(arg);
    const text = arg.text;
    let edits: Edit[];
    let shown: string;
    const plain = unparen(arg);
    if (plain.type === 'integer' && /^\d+$/.test(plain.text)) {
      shown = `${q}npu:${plain.text}${q}`;
      edits = [{ start: arg.startIndex, end: arg.endIndex, content: shown }];
    } else {
      const fits = (quote: string) => !text.includes(quote) && !/[\\\r\n#{}]/.test(text);
      const quote = fits(q) ? q : fits(q === '"' ? "'" : '"') ? (q === '"' ? "'" : '"') : null;
      const [open, close] = quote ? [`f${quote}npu:{`, `}${quote}`] : [`${q}npu:{}${q}.format(`, ')'];
      shown = `${open}${text}${close}`;
      edits = [
        { start: arg.startIndex, end: arg.startIndex, content: open },
        { start: arg.endIndex, end: arg.endIndex, content: close },
      ];
    }
    const safe = intness === 'int';
    const why = {
      to: 'on NPU Tensor.to(int) fails (ascend-facts §1.13)',
      'torch.device': 'torch.device(int) is a CUDA device in PyTorch',
      'device=': 'an int device= is a CUDA device in PyTorch (transfer_to_npu rewrites it, ascend-facts §2.3)',
      'device_id=': 'an int device_id= is a CUDA device in PyTorch (transfer_to_npu rewrites it, ascend-facts §2.3)',
    }[site.consumer];
    this.ctx.report({
      ruleId: RULE.intDevice,
      message: `${site.before}${short(text, 30)}${site.after} → ${site.before}${short(shown, 40)}${site.after} (${safe ? 'integer device' : 'integer device?'})`,
      start: arg.startIndex,
      end: arg.endIndex,
      fix: { edits, safety: safe ? 'safe' : 'unsafe', operation: 'MODIFY' },
      hint: safe ? undefined : `${this.ints.describe(arg)}; ${why}, so pass ${short(shown, 40)} when it is a device index`,
    });
  }

  /** The quote of the nearest string in the statement, else the file's usual quote, else `"`. */
  private quoteFor(node: SyntaxNode): string {
    let stmt: SyntaxNode = node;
    while (stmt.parent && !/statement$/.test(stmt.type)) stmt = stmt.parent;
    const near = stmt.descendantsOfType('string_start').map((s) => s.text.slice(-1));
    if (near.length > 0 && /['"]/.test(near[0])) return near[0];
    if (this.fileQuote === undefined) {
      let single = 0;
      let double = 0;
      for (const s of nodesOfType(this.ctx.root, 'string_start')) {
        const t = s.text;
        if (/'''|"""/.test(t)) continue;
        if (t.endsWith("'")) single++;
        else double++;
      }
      this.fileQuote = single > double ? "'" : '"';
    }
    return this.fileQuote;
  }

  // ---------------------------------------------------------------- environment

  environment(): void {
    if (!/CUDA|VISIBLE_DEVICES/.test(this.ctx.source)) return;
    for (const site of envNameSites(this.ctx.root, this.ctx.bindings)) {
      // checked on the Ascend name too: the engine lists what the last round reports
      const twin = CUDA_ENV_TWINS[site.name];
      const ascend = twin ?? (Object.values(CUDA_ENV_TWINS).includes(site.name) ? site.name : undefined);
      if (ascend) this.checkDeviceOrder(site.node, ascend);
      if (twin) {
        this.ctx.report({
          ruleId: RULE.env,
          message: `${site.name} → ${twin} (environment variable)`,
          start: site.start,
          end: site.end,
          fix: { edits: [{ start: site.start, end: site.end, content: twin }], safety: 'safe' },
        });
      } else if (/(^|_)CUDA(_|$)/.test(site.name)) {
        this.ctx.report({
          ruleId: RULE.noEnvTwin,
          message: `${site.name}: no Ascend twin (environment variable)`,
          start: site.start,
          end: site.end,
          hint: 'no Ascend equivalent is documented (ascend-facts §3.8); check whether the setting matters on NPU and remove or replace it',
        });
      }
    }
  }

  /** `os.environ["CUDA_VISIBLE_DEVICES"] = "3,1"`: Ascend wants the list in ascending order. */
  private checkDeviceOrder(nameNode: SyntaxNode, twin: string): void {
    const note = ENV_NOTES[twin];
    const sub = nameNode.parent;
    const asg = sub?.type === 'subscript' ? sub.parent : null;
    if (!note || !asg || asg.type !== 'assignment' || asg.childForFieldName('left')?.id !== sub!.id) return;
    const value = stringLiteral(asg.childForFieldName('right')!)?.value;
    if (value === undefined || !/^\d+(,\d+)*$/.test(value.replace(/\s/g, ''))) return;
    const ids = value.replace(/\s/g, '').split(',').map(Number);
    if (ids.every((v, i) => i === 0 || v > ids[i - 1])) return;
    this.ctx.report({
      ruleId: RULE.env,
      message: `${twin}="${value}": devices not in ascending order`,
      start: asg.startIndex,
      end: asg.endIndex,
      hint: note,
    });
  }
}

/**
 * Climb from a device string to the whole device expression: through parentheses,
 * the branches of `a if c else b`, `"cuda:%d" % i`, `"cuda:" + s` and `"cuda:{}".format(i)`.
 */
function climbDeviceExpression(s: SyntaxNode): { root: SyntaxNode; pairedWithHost: boolean } {
  let node = s;
  let pairedWithHost = false;
  for (;;) {
    const p = node.parent;
    if (!p) break;
    if (p.type === 'parenthesized_expression') {
      node = p;
      continue;
    }
    if (p.type === 'conditional_expression') {
      const [yes, , no] = p.namedChildren;
      if (node.id !== yes?.id && node.id !== no?.id) break;
      const other = node.id === yes.id ? no : yes;
      const v = other ? stringLiteral(unparen(other))?.value : undefined;
      if (v !== undefined && HOST_DEVICE.test(v)) pairedWithHost = true;
      node = p;
      continue;
    }
    if (p.type === 'binary_operator' && p.childForFieldName('left')?.id === node.id && /^[%+]$/.test(p.childForFieldName('operator')?.text ?? '')) {
      node = p;
      continue;
    }
    if (p.type === 'attribute' && p.childForFieldName('object')?.id === node.id && p.childForFieldName('attribute')?.text === 'format') {
      const call = callOf(p);
      if (!call) break;
      node = call;
      continue;
    }
    break;
  }
  return { root: node, pairedWithHost };
}

/**
 * A string literal that is text for people once formatted: its words, with the
 * placeholders (`%s`, `%(x)d`, `{}`, `{0:>4}`) taken out, still have a space or two letters in a row.
 */
function isTextTemplate(node: SyntaxNode): boolean {
  const n = unparen(node);
  if (n.type !== 'string' && n.type !== 'concatenated_string') return false;
  const parts = n.type === 'string' ? [n] : n.namedChildren.filter((c) => c.type === 'string');
  const text = parts
    .map((part) => {
      const lit = stringLiteral(part);
      return lit ? part.text.slice(lit.contentStart - part.startIndex, lit.contentEnd - part.startIndex) : '';
    })
    .join('')
    .replace(/%(\([^)]*\))?[-#0 +]*\d*(\.\d+)?[a-zA-Z%]/g, '')
    .replace(/\{[^{}]*\}/g, '');
  return /\s|[A-Za-z]{2}/.test(text);
}

/** The function (or lambda, or module) whose local variables include a name bound at `node`. */
function enclosingFunction(node: SyntaxNode): SyntaxNode {
  let p = node.parent;
  while (p && p.type !== 'function_definition' && p.type !== 'lambda' && p.type !== 'module') p = p.parent;
  return p ?? node;
}

/** The test a device string in a device-test role belongs to: the comparison, or the `.startswith(...)` call. */
function deviceTestNode(root: SyntaxNode): SyntaxNode | null {
  let p = root.parent;
  if (p?.type === 'argument_list') return p.parent?.type === 'call' ? p.parent : null;
  if (p && /^(list|tuple|set)$/.test(p.type)) {
    p = p.parent;
    while (p?.type === 'parenthesized_expression') p = p.parent;
  }
  return p?.type === 'comparison_operator' ? p : null;
}

/** Index of `arg` among the positional arguments of an argument list (-1 after a `*args`). */
function positionalIndex(argList: SyntaxNode, arg: SyntaxNode): number {
  let i = 0;
  for (const c of argList.namedChildren) {
    if (c.id === arg.id) return i;
    if (c.type === 'list_splat' || c.type === 'dictionary_splat') return -1;
    if (c.type !== 'keyword_argument' && c.type !== 'comment') i++;
  }
  return -1;
}

function comparisonParts(cmp: SyntaxNode): { operands: SyntaxNode[]; ops: string[] } {
  const operands: SyntaxNode[] = [];
  const ops: string[] = [];
  for (let i = 0; i < cmp.childCount; i++) {
    const c = cmp.child(i)!;
    if (cmp.fieldNameForChild(i) === 'operators') ops.push(c.text.replace(/\s+/g, ' '));
    else if (c.isNamed && c.type !== 'comment') operands.push(c);
  }
  return { operands, ops };
}

/** The text of `node` with every device string in it turned to npu. */
function convertedText(node: SyntaxNode): string {
  const base = node.startIndex;
  let text = node.text;
  const cuts: number[] = [];
  walkNamed(node, (n) => {
    if (n.type === 'interpolation') return false;
    if (n.type !== 'string') return;
    const lit = stringLiteral(n);
    if (!lit || lit.isBytes) return false;
    const content = n.text.slice(lit.contentStart - n.startIndex, lit.contentEnd - n.startIndex);
    if (DEVICE_STRING.test(content)) cuts.push(lit.contentStart - base);
    return false;
  });
  for (const at of cuts.sort((a, b) => b - a)) text = text.slice(0, at) + 'npu' + text.slice(at + 4);
  return text;
}

/** Safe to write twice: literals, names, attributes, operators, `str()`/`int()`/`.format()` calls. */
function isPure(node: SyntaxNode): boolean {
  let pure = true;
  walkNamed(node, (n) => {
    if (/^(lambda|await|yield|named_expression|list_comprehension|set_comprehension|dictionary_comprehension|generator_expression)$/.test(n.type)) {
      pure = false;
    }
    if (n.type === 'call') {
      const fn = n.childForFieldName('function')!;
      const ok =
        (fn.type === 'identifier' && /^(str|int)$/.test(fn.text)) ||
        (fn.type === 'attribute' && fn.childForFieldName('attribute')!.text === 'format' && fn.childForFieldName('object')!.type === 'string');
      if (!ok) pure = false;
    }
    return pure;
  });
  return pure;
}

function short(text: string, max: number): string {
  const one = text.replace(/\s*[\r\n]+\s*/g, ' ');
  return one.length > max ? one.slice(0, max - 1) + '…' : one;
}
