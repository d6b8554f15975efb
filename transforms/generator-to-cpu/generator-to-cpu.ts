/**
 * generator-to-cpu: random generators for data loading run on the host.
 *
 *   g = torch.Generator(device="cuda")        → torch.Generator(device="cpu")
 *   g = torch.Generator("cuda:0")              → torch.Generator("cpu")
 *   device = torch.device("cuda")
 *   g = torch.Generator(device=device)         → torch.Generator(device="cpu")
 *   g = torch.Generator(device=x.device)       → torch.Generator(device="cpu")
 *   DataLoader(ds, shuffle=True, generator=g)  (the use that makes it safe)
 *   --transfer-to-npu:
 *   g = torch.Generator()                      → torch.Generator(device="cpu")
 *
 * Which generators: those whose every visible use is host-side data loading —
 * `generator=` of torch.utils.data.DataLoader, RandomSampler, SubsetRandomSampler,
 * WeightedRandomSampler, random_split, or of torch.randperm / randint / rand / randn
 * without a device (seeding calls such as `g.manual_seed(0)` are neutral). These
 * consume a CPU generator, so on NPU the generator belongs on the host whatever
 * device it was created on; a CPU generator is left as it was. The generator is
 * followed through a name or an attribute (`self.gen`) in the file; the device
 * through names, `torch.device(...)`, conditional expressions, argparse defaults
 * (`args.device`) and attribute assignments (value-flow.ts).
 *
 * With --transfer-to-npu, `torch.Generator()` in such a set-up gets an explicit
 * `device="cpu"`: transfer_to_npu replaces torch.Generator with a proxy that moves
 * "cuda" generators to the NPU (ascend-facts.md §2.3; `_GeneratorProxy.__new__(cls,
 * device='cpu')` in torch_npu/contrib/transfer_to_npu.py), so the explicit device
 * keeps the data-loading stream on the host and says so in the code.
 *
 * - safe: a generator whose visible uses are all data loading, with a CUDA device or a
 *   device the code does not show (`x.device`, a parameter).
 * - unsafe: a generator created on a CUDA device whose uses are not shown to be data
 *   loading (it may drive random ops on the device: then it should be "npu"); any
 *   conversion in a file that sets a default device (torch.set_default_device,
 *   torch.set_default_tensor_type with a CUDA type), where host-side ops are not on the host.
 * - safe, too: a CUDA generator (string literal device) whose uses are all random ops on a
 *   CUDA device (`torch.randn(..., device="cuda", generator=g)`) → "npu", as transfer_to_npu does.
 * - manual: one generator that feeds both data loading and device ops.
 * Generators already on "cpu" or "npu" are left alone.
 */
import type { Pass, PassContext } from '../../src/core/pass';
import type { FixSafety } from '../../src/core/edit';
import type { SyntaxNode } from '../../src/python/parser';
import { callArgs, stringLiteral, unparen } from '../../src/python/nodes';
import { ValueFlow, preferredQuote } from '../nccl-to-hccl/value-flow';
import { nodesOfType } from '../../src/python/tree-cache';
import { table } from '../../src/facts/table';

const ID = 'generator-to-cpu';
const USE_NOT_SHOWN = `${ID}/use-not-shown`;
const DEFAULT_DEVICE = `${ID}/default-device-set`;
const MIXED = `${ID}/host-and-device-uses`;

/** torch.utils.data consumers of a generator: positional index of `generator` (undefined: keyword only). */
const CONSUMERS: Readonly<Record<string, number | undefined>> = table({
  DataLoader: undefined, // the 13th parameter; only ever passed by keyword
  RandomSampler: 3,
  SubsetRandomSampler: 1,
  WeightedRandomSampler: 3,
  random_split: 2,
});

/** Host random ops when called without a device (generator is keyword-only). */
const HOST_RANDOM = new Set(['torch.randperm', 'torch.randint', 'torch.rand', 'torch.randn']);

/** Generator methods that neither move nor hand out the generator. */
const NEUTRAL_METHODS = new Set(['manual_seed', 'seed', 'initial_seed', 'get_state', 'set_state', 'device', 'clone_state', 'graphsafe_get_state', 'graphsafe_set_state']);

type DeviceKind = 'cuda' | 'cpu' | 'npu' | 'unknown';

interface Uses {
  /** data: host-side data loading; device: random ops on a CUDA device; mixed: both. */
  kind: 'data' | 'device' | 'mixed' | 'other' | 'none';
  /** The first consumer seen, for the message. */
  consumer?: string;
}

export const generatorToCpu: Pass = {
  id: ID,
  summary: 'torch.Generator: data-loading generators → device="cpu", CUDA ones that drive device ops → "npu" (--transfer-to-npu: Generator() in data loading → device="cpu")',
  levels: ['safe', 'unsafe', 'manual'],
  // Only calls that resolve to torch.Generator, through an import that names torch.
  triggers: /^(?=[\s\S]*?torch)[\s\S]*?Generator/,
  run(ctx) {
    new GeneratorRun(ctx).run();
  },
};

class GeneratorRun {
  private readonly flow: ValueFlow;
  private defaultDevice?: boolean;
  private quoteChar?: '"' | "'";

  constructor(private readonly ctx: PassContext) {
    this.flow = new ValueFlow(ctx.root);
  }

  run(): void {
    for (const call of nodesOfType(this.ctx.root, 'call')) {
      if (this.ctx.bindings.qualify(call.childForFieldName('function')!) !== 'torch.Generator') continue;
      this.generator(call);
    }
  }

  private generator(call: SyntaxNode): void {
    const args = callArgs(call);
    if (args.hasSplat) return;
    const kw = args.keywords.get('device');
    const dev = kw?.value ?? args.positional[0];
    const uses = this.usesOf(generatorValue(call), 0);
    if (!dev) {
      if (!this.ctx.options.transferToNpu || uses.kind !== 'data' || args.positional.length > 0 || args.keywords.size > 0) return;
      const list = call.childForFieldName('arguments')!;
      const q = this.quote();
      this.report(call, `torch.Generator() → torch.Generator(device=${q}cpu${q}) (${uses.consumer} generator, --transfer-to-npu)`, {
        start: list.startIndex + 1,
        end: list.startIndex + 1,
        content: `device=${q}cpu${q}`,
      }, 'safe');
      return;
    }
    const kinds = this.deviceKinds(dev, 0);
    const cuda = kinds.has('cuda');
    if (!cuda && !kinds.has('unknown')) return; // "cpu" / "npu": nothing to do
    if (!cuda && kinds.has('npu')) return; // an NPU device the user chose
    const lit = stringLiteral(unparen(dev));
    const plain = lit && !lit.isFString && lit.value !== undefined ? lit : null;
    const shown = kw ? `device=${short(dev)}` : short(dev);
    const q = this.quote();
    if (uses.kind === 'device' || uses.kind === 'mixed') {
      if (!cuda) return;
      if (uses.kind === 'mixed') {
        this.ctx.report({
          ruleId: MIXED,
          message: `torch.Generator(${shown}) feeds data loading and ${uses.consumer} on the device`,
          start: call.startIndex,
          end: call.endIndex,
          hint: 'on NPU, data loading needs a CPU generator and device random ops an NPU one: create two generators (device="cpu" and device="npu")',
        });
        return;
      }
      // a CUDA generator that drives random ops on the device is an NPU generator (what transfer_to_npu does, §2.3)
      const cudaText = lit ? /^cuda/i.exec(lit.isFString ? lit.leadingText : lit.value ?? '') : null;
      if (!lit || !cudaText || lit.interpolations.some((i) => i.startIndex < lit.contentStart + 4)) return; // defined elsewhere: converted there
      const target = lit.node.text.slice(0, lit.contentStart - lit.node.startIndex) + 'npu' + lit.node.text.slice(lit.contentStart + 4 - lit.node.startIndex);
      this.report(call, `torch.Generator(${shown}) → torch.Generator(${kw ? 'device=' : ''}${target}) (drives ${uses.consumer} on the device)`,
        { start: lit.contentStart, end: lit.contentStart + 4, content: 'npu' }, 'safe');
      return;
    }
    const data = uses.kind === 'data';
    if (!data && !cuda) return; // neither a CUDA device nor a data-loading use is shown
    const edit = plain
      ? { start: plain.contentStart, end: plain.contentEnd, content: 'cpu' }
      : { start: dev.startIndex, end: dev.endIndex, content: `${q}cpu${q}` };
    const after = plain ? `${plain.node.text.slice(0, plain.contentStart - plain.node.startIndex)}cpu${plain.node.text.slice(plain.contentEnd - plain.node.startIndex)}` : `${q}cpu${q}`;
    const target = kw ? `device=${after}` : after;
    if (data) {
      if (this.setsDefaultDevice()) {
        this.report(call, `torch.Generator(${shown}) → torch.Generator(${target}) (${uses.consumer} generator)`, edit, 'unsafe', DEFAULT_DEVICE,
          'the file sets a default device, so host-side random ops may run on the NPU and need an NPU generator; keep "cpu" only if they run on the host');
      } else {
        this.report(call, `torch.Generator(${shown}) → torch.Generator(${target}) (${uses.consumer} generator)`, edit, 'safe');
      }
      return;
    }
    this.report(call, `torch.Generator(${shown}) → torch.Generator(${target}) (use not shown to be data loading)`, edit, 'unsafe', USE_NOT_SHOWN,
      'on NPU, generators for data loading (DataLoader, samplers, random_split) must be on the host; if this one drives random ops on the device instead, use device="npu"');
  }

  private quote(): '"' | "'" {
    return (this.quoteChar ??= preferredQuote(this.ctx.root));
  }

  private report(call: SyntaxNode, message: string, edit: { start: number; end: number; content: string }, safety: FixSafety, ruleId?: string, hint?: string): void {
    this.ctx.report({ ruleId, message, start: call.startIndex, end: call.endIndex, fix: { edits: [edit], safety }, hint });
  }

  // --- where the generator goes

  /** How the value at `node` (a generator) is used. */
  private usesOf(node: SyntaxNode, depth: number): Uses {
    if (depth > 4) return { kind: 'other' };
    const p = node.parent;
    if (!p) return { kind: 'other' };
    if (p.type === 'expression_statement') return { kind: 'none' };
    if (p.type === 'keyword_argument' && p.childForFieldName('value')?.id === node.id) {
      const call = p.parent?.parent;
      if (p.childForFieldName('name')?.text !== 'generator' || call?.type !== 'call') return { kind: 'other' };
      return this.consumerUse(call, undefined);
    }
    if (p.type === 'argument_list') {
      const call = p.parent!;
      const index = callArgs(call).positional.findIndex((a) => a.id === node.id);
      return index < 0 ? { kind: 'other' } : this.consumerUse(call, index);
    }
    if (p.type === 'assignment' && p.childForFieldName('right')?.id === node.id) {
      const left = unparen(p.childForFieldName('left')!);
      if (left.type === 'identifier') {
        const scope = this.flow.definingScope(left);
        const refs = this.flow
          .sameBinding(this.ctx.bindings.references(left.text), scope)
          .filter((r) => !isAssignedName(r));
        return this.combine(refs.map((r) => this.refUse(r, depth)));
      }
      if (left.type === 'attribute') {
        const refs = this.flow.sameAttribute(left).filter((r) => !isAssignedName(r));
        return this.combine(refs.map((r) => this.refUse(r, depth)));
      }
    }
    return { kind: 'other' };
  }

  /** A reference to a name or attribute that holds the generator. */
  private refUse(ref: SyntaxNode, depth: number): Uses {
    const p = ref.parent;
    if (p?.type === 'attribute' && p.childForFieldName('object')?.id === ref.id) {
      const method = p.childForFieldName('attribute')!.text;
      if (!NEUTRAL_METHODS.has(method)) return { kind: 'other' };
      const call = p.parent;
      // g.manual_seed(0) returns g: follow the call's value
      if (method === 'manual_seed' && call?.type === 'call' && call.childForFieldName('function')?.id === p.id) {
        return this.usesOf(call, depth + 1);
      }
      return { kind: 'none' };
    }
    return this.usesOf(ref, depth + 1);
  }

  private consumerUse(call: SyntaxNode, index: number | undefined): Uses {
    const q = this.ctx.bindings.qualify(call.childForFieldName('function')!);
    if (q?.startsWith('torch.utils.data.')) {
      const name = q.slice(q.lastIndexOf('.') + 1);
      if (name in CONSUMERS && (index === undefined || CONSUMERS[name] === index)) return { kind: 'data', consumer: name };
      return { kind: 'other' };
    }
    if (q && HOST_RANDOM.has(q) && index === undefined) {
      const device = callArgs(call).keywords.get('device')?.value;
      const kinds = device ? this.deviceKinds(device, 0) : new Set<DeviceKind>(['cpu']);
      if (kinds.size === 1 && kinds.has('cpu')) return { kind: 'data', consumer: q };
      if ([...kinds].every((k) => k === 'cuda' || k === 'npu')) return { kind: 'device', consumer: q };
    }
    return { kind: 'other' };
  }

  private combine(uses: Uses[]): Uses {
    if (uses.some((u) => u.kind === 'other')) return { kind: 'other' };
    const data = uses.find((u) => u.kind === 'data');
    const device = uses.find((u) => u.kind === 'device' || u.kind === 'mixed');
    if (data && device) return { kind: 'mixed', consumer: device.consumer };
    return data ?? device ?? { kind: 'none' };
  }

  // --- what the device is

  private deviceKinds(expr: SyntaxNode, depth: number): Set<DeviceKind> {
    const out = new Set<DeviceKind>();
    const add = (k: Iterable<DeviceKind>) => {
      for (const x of k) out.add(x);
    };
    if (depth > 6) return new Set(['unknown']);
    const e = unparen(expr);
    switch (e.type) {
      case 'string': {
        const lit = stringLiteral(e);
        if (!lit) return new Set(['unknown']);
        if (lit.isFString) return new Set([textKind(lit.leadingText, true)]);
        return new Set([lit.value === undefined ? 'unknown' : textKind(lit.value, false)]);
      }
      case 'conditional_expression': {
        const [body, , alternative] = e.namedChildren.filter((n) => n.type !== 'comment');
        add(this.deviceKinds(body, depth + 1));
        add(alternative ? this.deviceKinds(alternative, depth + 1) : ['unknown']);
        return out;
      }
      case 'call': {
        const fn = e.childForFieldName('function')!;
        const args = callArgs(e);
        if (this.ctx.bindings.qualify(fn) === 'torch.device') {
          const arg = args.positional[0] ?? args.keywords.get('type')?.value;
          return arg ? this.deviceKinds(arg, depth + 1) : new Set(['unknown']);
        }
        // "cuda:{}".format(rank)
        if (fn.type === 'attribute' && fn.childForFieldName('attribute')!.text === 'format') {
          const lit = stringLiteral(unparen(fn.childForFieldName('object')!));
          if (lit && !lit.isFString) return new Set([textKind(lit.leadingText, true)]);
        }
        return new Set(['unknown']);
      }
      case 'binary_operator': {
        // "cuda:%d" % rank
        const left = e.childForFieldName('left');
        const lit = left ? stringLiteral(unparen(left)) : null;
        if (e.childForFieldName('operator')?.text === '%' && lit && !lit.isFString) return new Set([textKind(lit.leadingText, true)]);
        return new Set(['unknown']);
      }
      case 'identifier': {
        const v = this.flow.valuesOfName(e);
        for (const x of v.values) add(this.deviceKinds(x, depth + 1));
        if (v.opaque || v.values.length === 0) out.add('unknown');
        return out;
      }
      case 'attribute': {
        const v = this.flow.valuesOfAttribute(e);
        for (const x of v.values) add(this.deviceKinds(x, depth + 1));
        if (v.opaque || v.values.length === 0) out.add('unknown');
        return out;
      }
      default:
        return new Set(['unknown']);
    }
  }

  /** torch.set_default_device(<not "cpu">) or torch.set_default_tensor_type(<CUDA type>) in the file. */
  private setsDefaultDevice(): boolean {
    if (this.defaultDevice === undefined) {
      this.defaultDevice = false;
      if (/set_default_(device|tensor_type)/.test(this.ctx.source)) {
        for (const call of nodesOfType(this.ctx.root, 'call')) {
          const q = this.ctx.bindings.qualify(call.childForFieldName('function')!);
          const arg = callArgs(call).positional[0];
          if (!arg) continue;
          if (q === 'torch.set_default_device' && !(this.deviceKinds(arg, 0).size === 1 && this.deviceKinds(arg, 0).has('cpu'))) this.defaultDevice = true;
          if (q === 'torch.set_default_tensor_type' && /cuda/.test(arg.text)) this.defaultDevice = true;
        }
      }
    }
    return this.defaultDevice;
  }
}

/** The node whose value is the generator: `torch.Generator(...)`, or `torch.Generator(...).manual_seed(s)`. */
function generatorValue(call: SyntaxNode): SyntaxNode {
  let n = call;
  for (;;) {
    const p = n.parent;
    if (p?.type === 'parenthesized_expression') {
      n = p;
      continue;
    }
    if (p?.type === 'attribute' && p.childForFieldName('object')?.id === n.id && p.childForFieldName('attribute')?.text === 'manual_seed') {
      const c = p.parent;
      if (c?.type === 'call' && c.childForFieldName('function')?.id === p.id) {
        n = c;
        continue;
      }
    }
    return n;
  }
}

/** `x` in `x = ...` / `self.x = ...` (a target, not a use). */
function isAssignedName(n: SyntaxNode): boolean {
  const p = n.parent;
  return !!p && (p.type === 'assignment' || p.type === 'augmented_assignment') && p.childForFieldName('left')?.id === n.id;
}

function textKind(text: string, prefixOnly: boolean): DeviceKind {
  const t = text.trim().toLowerCase();
  if (/^cuda(:\d+)?$/.test(t) || (prefixOnly && /^cuda(:|$)/.test(t))) return 'cuda';
  if (t === 'cpu' || /^cpu:\d+$/.test(t)) return 'cpu';
  if (/^npu(:\d+)?$/.test(t) || (prefixOnly && /^npu(:|$)/.test(t))) return 'npu';
  return 'unknown';
}

function short(n: SyntaxNode): string {
  const t = n.text.replace(/\s+/g, ' ');
  return t.length > 40 ? `${t.slice(0, 37)}...` : t;
}
