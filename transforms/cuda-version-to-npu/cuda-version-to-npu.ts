/**
 * cuda-version-to-npu: tests of `torch.version.cuda`, which is None under torch_npu.
 *
 *   bf16 = torch.version.cuda and torch.cuda.is_bf16_supported()
 *     → bf16 = torch.cuda.is_bf16_supported()          (cuda-api-to-npu: → torch.npu.is_bf16_supported())
 *   ok = torch.version.cuda and torch.cuda.is_bf16_supported() and LooseVersion(torch.version.cuda) >= "11.0"
 *     → ok = torch.cuda.is_bf16_supported()            (unsafe: a version comparison is dropped)
 *   if torch.version.cuda >= "11.8": ...              → reported (manual)
 *   print("CUDA", torch.version.cuda)                  → left alone (display only)
 *
 * Why: `torch.version.cuda` is None under torch_npu (ascend-facts.md §3.10), so a
 * feature gated on it is silently off on NPU: the FSDP example's
 * `bf16_ready = torch.version.cuda and torch.cuda.is_bf16_supported() and ...`
 * never enables bf16. Next to `is_bf16_supported()` the CUDA test only says "a
 * CUDA build that can do bf16", which `torch.npu.is_bf16_supported()` answers on
 * NPU (`is_bf16_supported` is in `torch_npu.npu.__all__`, §3.2; cuda-api-to-npu
 * converts the call).
 *
 * Names resolve through imports and scoping (`import torch as th`, `from torch
 * import version`, `from torch.version import cuda`, `import torch.version as tv`).
 * - safe: a boolean test (`torch.version.cuda`, `... is not None`, `... != None`,
 *   `bool(...)`) that is an operand of an `and` chain holding `is_bf16_supported()`
 *   (torch.cuda or torch.npu): the operand is dropped; likewise the inverted idiom,
 *   `not torch.version.cuda` / `... is None` in an `or` chain holding
 *   `not is_bf16_supported()`.
 * - unsafe: a version comparison in such a chain (`LooseVersion(torch.version.cuda)
 *   >= "11.0"`): dropped with the rest of the idiom, listed for review.
 * - manual: every other test, comparison or use (assignment, argument, return),
 *   with a hint (None on NPU; test the NPU; torch_npu.__version__).
 * - nothing: display only (print, logging, warnings, f-string, `.format`, `%`, `str()`).
 */
import type { Pass, PassContext } from '../../src/core/pass';
import type { Edit, FixSafety } from '../../src/core/edit';
import type { SyntaxNode } from '../../src/python/parser';
import { attributesAfter, callArgs, unparen, withParens } from '../../src/python/nodes';

const ID = 'cuda-version-to-npu';
const NAME = 'torch.version.cuda';
const BF16 = new Set(['torch.cuda.is_bf16_supported', 'torch.npu.is_bf16_supported', 'torch_npu.npu.is_bf16_supported']);
/** Calls that only show a value: print / str / repr / format, and methods of loggers, warnings, streams, strings. */
const DISPLAY_FUNCTIONS = new Set(['print', 'str', 'repr', 'format', 'pprint']);
const DISPLAY_METHODS = new Set(['debug', 'info', 'warning', 'warn', 'error', 'critical', 'exception', 'log', 'write', 'format', 'print']);
const HINT =
  'torch.version.cuda is None under torch_npu (ascend-facts.md §3.10), so this is always false / fails on NPU and a ' +
  'feature gated on it is silently off. Test the NPU instead (torch.npu.is_available(), torch.npu.is_bf16_supported()); ' +
  "torch_npu's own version is torch_npu.__version__.";

export const cudaVersionToNpu: Pass = {
  id: ID,
  summary: 'torch.version.cuda (None under torch_npu): a test next to is_bf16_supported() is dropped; other tests and uses reported',
  levels: ['safe', 'unsafe', 'manual'],
  triggers: /^(?=[\s\S]*?version)[\s\S]*?cuda/, // torch.version.cuda, however imported, spells both
  run(ctx) {
    const chains = new Map<number, { chain: SyntaxNode; uses: Use[] }>();
    for (const use of uses(ctx)) {
      if (isDisplay(use.node)) continue;
      const chain = use.operand && chainOf(use.operand);
      if (chain && operands(chain).some((o) => isBf16Check(ctx, o, operatorOf(chain) === 'or'))) {
        const entry = chains.get(chain.id) ?? { chain, uses: [] };
        entry.uses.push(use);
        chains.set(chain.id, entry);
        continue;
      }
      reportManual(ctx, use);
    }
    for (const { chain, uses: inChain } of chains.values()) dropFromChain(ctx, chain, inChain);
  },
};

interface Use {
  /** The node naming torch.version.cuda (`torch.version.cuda`, `version.cuda`, `cuda`). */
  node: SyntaxNode;
  /** The expression it is part of when that is an operand of `and` / `or`: the use itself, a test or a comparison. */
  operand: SyntaxNode | null;
  /** The outermost expression of the test or comparison (the operand when in an `and` chain). */
  top: SyntaxNode;
  kind: 'test' | 'comparison' | 'other';
  /** A test that is true when the version is missing (`not v`, `v is None`). */
  negated: boolean;
}

/** Every expression that names torch.version.cuda, in source order. */
function uses(ctx: PassContext): Use[] {
  const heads = new Map<string, string>();
  for (const n of ctx.bindings.boundNames()) if (n.qualified === 'torch' || n.qualified === 'torch.version' || n.qualified === NAME) heads.set(n.local, n.qualified);
  const out: Use[] = [];
  for (const [local, qualified] of heads) {
    for (const ref of ctx.bindings.references(local)) {
      if (ctx.bindings.resolve(ref) !== qualified || insideImport(ref)) continue;
      const after = attributesAfter(ref);
      const chain = [ref, ...after.map((a) => a.parent!)];
      let q = qualified;
      for (let i = 0; i < chain.length; i++) {
        if (i > 0) q = `${q}.${after[i - 1].text}`;
        if (q === NAME) {
          out.push(classify(chain[i]));
          break;
        }
        if (!NAME.startsWith(q + '.')) break;
      }
    }
  }
  return out.sort((a, b) => a.node.startIndex - b.node.startIndex);
}

function insideImport(node: SyntaxNode): boolean {
  for (let p = node.parent; p; p = p.parent) if (p.type === 'import_statement' || p.type === 'import_from_statement') return true;
  return false;
}

/** Climb from the use to the operand it belongs to, and say what kind of test it is. */
function classify(node: SyntaxNode): Use {
  let x = withParens(node);
  let kind: Use['kind'] = 'test';
  let negated = false;
  for (;;) {
    const p = x.parent;
    if (!p) break;
    if (p.type === 'comparison_operator') {
      const other = p.namedChildren.find((c) => c.id !== x.id);
      const op = p.children.find((c) => !c.isNamed)?.text.replace(/\s+/g, ' ') ?? '';
      const noneTest = p.namedChildCount === 2 && other?.type === 'none' && /^(is not|!=|is|==)$/.test(op);
      if (kind === 'test' && noneTest) negated = op === 'is' || op === '==' ? !negated : negated;
      else kind = 'comparison';
      x = withParens(p);
      continue;
    }
    if (p.type === 'not_operator') {
      if (kind === 'test') negated = !negated;
      x = withParens(p);
      continue;
    }
    // bool(v): still a test; LooseVersion(v), version.parse(v), float(v), v.split(".")[0]: a value to compare
    if (p.type === 'argument_list' && p.parent?.type === 'call') {
      const fn = p.parent.childForFieldName('function')?.text;
      if (kind === 'test' && fn !== 'bool') kind = 'other';
      x = withParens(p.parent);
      continue;
    }
    if ((p.type === 'attribute' && p.childForFieldName('object')?.id === x.id) || (p.type === 'subscript' && p.childForFieldName('value')?.id === x.id)) {
      if (kind === 'test') kind = 'other';
      x = withParens(p);
      continue;
    }
    if (p.type === 'call' && p.childForFieldName('function')?.id === x.id) {
      x = withParens(p);
      continue;
    }
    break;
  }
  // a value passed through calls and attributes, then compared: a comparison; not compared: some other use
  const parent = x.parent;
  const inChain = parent?.type === 'boolean_operator' && /^(and|or)$/.test(operatorOf(parent) ?? '');
  if (kind === 'other' && x.type === 'comparison_operator') kind = 'comparison';
  return { node, operand: inChain ? x : null, top: x, kind, negated };
}

function isDisplay(node: SyntaxNode): boolean {
  for (let p = node.parent; p; p = p.parent) {
    if (p.type === 'interpolation') return true; // f"{torch.version.cuda}"
    if (p.type === 'binary_operator' && p.children.find((c) => !c.isNamed)?.text === '%' && p.namedChildren[0]?.type === 'string') return true;
    if (p.type === 'call') {
      const fn = p.childForFieldName('function');
      if (fn?.type === 'identifier' && DISPLAY_FUNCTIONS.has(fn.text)) return true;
      if (fn?.type === 'attribute' && DISPLAY_METHODS.has(fn.childForFieldName('attribute')?.text ?? '')) return true;
    }
    if (/statement$|^(module|block|function_definition|class_definition|lambda)$/.test(p.type)) return false;
  }
  return false;
}

function operatorOf(b: SyntaxNode): string | undefined {
  return b.childForFieldName('operator')?.text ?? b.children.find((c) => !c.isNamed)?.text;
}

/** The outermost `and` (or `or`) chain, without parentheses in between, that `operand` is a direct operand of. */
function chainOf(operand: SyntaxNode): SyntaxNode | null {
  let b = operand.parent;
  const op = b?.type === 'boolean_operator' ? operatorOf(b) : undefined;
  if (!b || (op !== 'and' && op !== 'or')) return null;
  while (b.parent?.type === 'boolean_operator' && operatorOf(b.parent) === op && b.parent.childForFieldName('left')?.id === b.id) b = b.parent;
  return b;
}

/** `a and b and c` (left-nested) → [a, b, c]; the same for `or`. */
function operands(chain: SyntaxNode): SyntaxNode[] {
  const left = chain.childForFieldName('left')!;
  const right = chain.childForFieldName('right')!;
  const head = left.type === 'boolean_operator' && operatorOf(left) === operatorOf(chain) ? operands(left) : [left];
  return [...head, right];
}

/** `is_bf16_supported()` in an `and` chain; `not is_bf16_supported()` in an `or` chain (the same test, inverted). */
function isBf16Check(ctx: PassContext, operand: SyntaxNode, negated: boolean): boolean {
  let e = unparen(operand);
  if (negated) {
    if (e.type !== 'not_operator') return false;
    e = unparen(e.childForFieldName('argument') ?? e.namedChildren[0]);
  }
  if (e.type !== 'call') return false;
  const fn = e.childForFieldName('function');
  if (!fn || callArgs(e).positional.length > 0) return false;
  const q = ctx.bindings.qualify(fn);
  return q !== null && BF16.has(q);
}

/**
 * Drop the torch.version.cuda tests of an `and` chain that also asks is_bf16_supported()
 * (or of an `or` chain that asks `not is_bf16_supported()`: the inverted idiom, where the
 * test must be inverted too, `not torch.version.cuda` / `... is None`).
 */
function dropFromChain(ctx: PassContext, chain: SyntaxNode, inChain: Use[]): void {
  const ops = operands(chain);
  const inverted = operatorOf(chain) === 'or';
  const drop = new Set<number>();
  let safety: FixSafety = 'safe';
  for (const use of inChain) {
    const i = ops.findIndex((o) => o.id === use.operand!.id);
    const othersInOperand = inChain.filter((u) => u.operand!.id === use.operand!.id);
    const wrongWay = (u: Use) => u.kind === 'other' || (u.kind === 'test' && u.negated !== inverted);
    if (othersInOperand.some(wrongWay)) {
      reportManual(ctx, use);
      continue;
    }
    if (use.kind === 'comparison') safety = 'unsafe';
    drop.add(i);
  }
  if (drop.size === 0) return;
  if (chain.text.includes('#')) {
    for (const use of inChain) if (drop.has(ops.findIndex((o) => o.id === use.operand!.id))) reportManual(ctx, use);
    return;
  }
  const edits: Edit[] = [];
  for (let i = 0; i < ops.length; i++) {
    if (!drop.has(i) || drop.has(i - 1)) continue;
    let j = i;
    while (drop.has(j + 1)) j++;
    // a run i..j: at the start, up to the next operand; else from the end of the one before
    edits.push(i === 0 ? { start: ops[i].startIndex, end: ops[j + 1].startIndex, content: '' } : { start: ops[i - 1].endIndex, end: ops[j].endIndex, content: '' });
  }
  const dropped = [...drop].sort((a, b) => a - b).map((i) => ops[i].text.replace(/\s+/g, ' '));
  ctx.report({
    message: `${dropped.join(', ')} dropped: ${NAME} is None under torch_npu, is_bf16_supported() decides`,
    start: chain.startIndex,
    end: chain.endIndex,
    fix: { edits, safety },
    hint:
      safety === 'unsafe'
        ? `A CUDA version comparison is dropped with the test: next to is_bf16_supported() it only says "a CUDA build new enough for bf16", ` +
          `which torch.npu.is_bf16_supported() answers on NPU (ascend-facts.md §3.2, §3.10). Check that the comparison gates nothing else.`
        : undefined,
  });
}

function reportManual(ctx: PassContext, use: Use): void {
  const p = use.top.parent;
  const condition =
    !!p && (/^(if_statement|elif_clause|while_statement|assert_statement|not_operator|boolean_operator)$/.test(p.type) ||
      (p.type === 'conditional_expression' && p.namedChildren[1]?.id === use.top.id)) ||
    (use.kind === 'test' && /^(not_operator|comparison_operator)$/.test(use.top.type));
  const what = use.kind === 'comparison' ? 'compared' : use.kind === 'test' && condition ? 'tested' : 'used';
  const outer = use.top;
  ctx.report({
    ruleId: `${ID}/manual`,
    message: `${NAME} ${what}: it is None under torch_npu`,
    start: outer.startIndex,
    end: outer.endIndex,
    hint: HINT,
  });
}


