/**
 * nccl-to-hccl: the NCCL process-group backend → HCCL, where the code shows the role.
 *
 *   dist.init_process_group("nccl")                  → dist.init_process_group("hccl")
 *   init_process_group(backend="nccl", ...)          → backend="hccl"
 *   dist.new_group(ranks, backend="nccl")            → backend="hccl"
 *   backend="cpu:gloo,cuda:nccl"                     → "cpu:gloo,npu:hccl"
 *   dist.Backend.NCCL                                → "hccl"
 *   dist.is_nccl_available()                         → dist.is_hccl_available()
 *   from torch.distributed import is_nccl_available  → ... import is_hccl_available as is_nccl_available
 *   parser.add_argument("--dist-backend", default="nccl", choices=["nccl", "gloo"])
 *                                                    → default="hccl", choices=["hccl", "gloo"]
 *   if args.dist_backend == "nccl":                  → == "hccl" (the value is the option's)
 *   if dist.get_backend() == "nccl":                 → == "hccl"
 *   os.environ["NCCL_SOCKET_IFNAME"] = "eth0"        → HCCL_SOCKET_IFNAME
 *
 * A backend value is followed through names, conditional expressions,
 * `os.environ.get(k, "nccl")` defaults, argparse options and attribute
 * assignments in the file (value-flow.ts). `torch.distributed` resolves through
 * any import form and alias. Comments, docstrings and message text (print, log
 * calls, warnings, exceptions, help=) are never touched.
 *
 * Facts (ascend-facts.md): §3.7 backend "hccl", `torch.distributed.is_hccl_available`;
 * §2.3 transfer_to_npu rewrites nccl → hccl in init_process_group only, §2.6: user
 * comparisons with "nccl" must be edited by hand; §3.8 and src/facts/env-vars.ts for
 * the environment variables.
 * - safe: a backend argument; a value that flows into one; an argparse option whose
 *   dest names a backend or flows into one; a comparison with such a value or with
 *   `dist.get_backend()`; a "nccl" given to a keyword, variable, attribute, dict key
 *   or parameter whose name contains "backend"; `Backend.NCCL`; `is_nccl_available`;
 *   NCCL_* variables with an HCCL twin.
 * - unsafe: any other "nccl" string (its role is not shown).
 * - manual: `ProcessGroupNCCL`; NCCL_* variables with no twin or whose value changes units.
 * `torch.cuda.nccl.*` is reported by cuda-api-to-npu (no NPU twin).
 */
import type { Pass, PassContext } from '../../src/core/pass';
import type { FixSafety } from '../../src/core/edit';
import type { SyntaxNode } from '../../src/python/parser';
import { attributesAfter, callArgs, isDocstring, stringLiteral, unparen } from '../../src/python/nodes';
import { envNameSites } from '../../src/python/environ';
import { NCCL_ENV_TWINS, NCCL_ENV_VALUE_CHANGES, ncclNoTwinHint } from '../../src/facts/env-vars';
import { ValueFlow, preferredQuote } from './value-flow';
import { nodesOfType } from '../../src/python/tree-cache';
import { table } from '../../src/facts/table';

const ID = 'nccl-to-hccl';
const ROLE_NOT_SHOWN = `${ID}/role-not-shown`;
const NO_TWIN = `${ID}/no-hccl-twin`;

/** Modules that export the torch.distributed API (longest first). */
const DIST_MODULES = ['torch.distributed.distributed_c10d', 'torch.distributed'];

/** torch.distributed functions with a backend parameter: its positional index (keyword `backend`). */
const BACKEND_PARAMS: Readonly<Record<string, { index: number; keyword: string }>> = table({
  init_process_group: { index: 0, keyword: 'backend' },
  new_group: { index: 2, keyword: 'backend' },
  new_subgroups: { index: 3, keyword: 'backend' },
  new_subgroups_by_enumeration: { index: 2, keyword: 'backend' },
  is_backend_available: { index: 0, keyword: 'backend' },
  Backend: { index: 0, keyword: 'name' },
});

/** String methods that keep a backend name a backend name (`args.backend.lower() == "nccl"`). */
const SAME_VALUE_METHODS = new Set(['lower', 'upper', 'strip', 'casefold']);

const LOG_METHODS = new Set(['debug', 'info', 'warning', 'warn', 'error', 'exception', 'critical', 'fatal', 'log', 'print']);
const MESSAGE_KEYWORDS = new Set(['help', 'description', 'epilog', 'usage', 'msg', 'message']);

export const ncclToHccl: Pass = {
  id: ID,
  summary: 'NCCL backend → HCCL: backend arguments and the values, options and comparisons that feed them, Backend.NCCL, is_nccl_available, NCCL_* env vars',
  levels: ['safe', 'unsafe', 'manual'],
  triggers: /nccl/i,
  run(ctx) {
    new NcclRun(ctx).run();
  },
};

class NcclRun {
  private readonly flow: ValueFlow;
  /** Start offsets of string nodes already reported. */
  private readonly handled = new Set<number>();
  /** Values known to hold a backend name: `id:<scope id>:<name>` and `attr:<name>`. */
  private readonly carriers = new Set<string>();

  constructor(private readonly ctx: PassContext) {
    this.flow = new ValueFlow(ctx.root);
  }

  run(): void {
    this.backendArguments();
    this.backendOptions();
    this.namedBackendStrings();
    this.comparisons();
    this.distNames();
    this.environment();
    this.otherStrings();
  }

  // --- 1. backend arguments of torch.distributed calls, and the values that flow into them

  private backendArguments(): void {
    for (const call of nodesOfType(this.ctx.root, 'call')) {
      const fn = call.childForFieldName('function')!;
      const member = distMember(this.ctx.bindings.qualify(fn));
      const param = member ? BACKEND_PARAMS[member] : undefined;
      if (!member || !param) continue;
      const args = callArgs(call);
      const arg = args.keywords.get(param.keyword)?.value ?? args.positional[param.index];
      if (arg) this.backendValue(arg, `${member} backend`, 0);
    }
  }

  /** Convert the "nccl" strings an expression can evaluate to; remember what carries a backend. */
  private backendValue(expr: SyntaxNode, role: string, depth: number): void {
    if (depth > 6) return;
    const e = unparen(expr);
    switch (e.type) {
      case 'string':
        this.convertString(e, role, 'safe', true);
        return;
      case 'conditional_expression': {
        const [body, , alternative] = e.namedChildren.filter((n) => n.type !== 'comment');
        if (body) this.backendValue(body, role, depth + 1);
        if (alternative) this.backendValue(alternative, role, depth + 1);
        return;
      }
      case 'boolean_operator':
        for (const side of [e.childForFieldName('left'), e.childForFieldName('right')]) if (side) this.backendValue(side, role, depth + 1);
        return;
      case 'identifier': {
        const key = `id:${this.flow.definingScope(e).id}:${e.text}`;
        if (this.carriers.has(key)) return;
        this.carriers.add(key);
        for (const v of this.flow.valuesOfName(e).values) this.backendValue(v, `${role}, via ${e.text}`, depth + 1);
        return;
      }
      case 'attribute': {
        const name = e.childForFieldName('attribute')!.text;
        this.carriers.add(`attr:${name}`); // argparse defaults are converted by backendOptions()
        for (const v of this.flow.assignedToAttribute(e)) this.backendValue(v, `${role}, via ${e.text}`, depth + 1);
        return;
      }
      case 'call': {
        // os.environ.get("DIST_BACKEND", "nccl"), os.getenv("B", "nccl")
        const q = this.ctx.bindings.qualify(e.childForFieldName('function')!);
        if (q === 'os.environ.get' || q === 'os.getenv') {
          const args = callArgs(e);
          const d = args.keywords.get('default')?.value ?? args.positional[1];
          if (d) this.backendValue(d, role, depth + 1);
        }
        return;
      }
      default:
        return;
    }
  }

  // --- 2. argparse options that hold a backend

  private backendOptions(): void {
    for (const o of this.flow.argOptions) {
      if (!o.dest || !(this.carriers.has(`attr:${o.dest}`) || /backend/i.test(o.dest))) continue;
      const flag = o.flags[0] ?? o.dest;
      if (o.default) this.backendValue(o.default, `${flag} default`, 0);
      if (o.choices) this.convertCollection(o.choices, `${flag} choices`);
      this.carriers.add(`attr:${o.dest}`);
    }
  }

  // --- 3. "nccl" given to something whose name says it is a backend

  private namedBackendStrings(): void {
    for (const str of this.ncclStrings()) {
      const target = backendNamedTarget(str);
      if (!target) continue;
      this.convertString(str, target.role, 'safe', false);
      if (target.carrier) {
        if (target.carrier.type === 'identifier') {
          this.carriers.add(`id:${this.scopeOfTarget(target.carrier).id}:${target.carrier.text}`);
        } else {
          this.carriers.add(`attr:${target.carrier.childForFieldName('attribute')!.text}`);
        }
      }
    }
  }

  private scopeOfTarget(ident: SyntaxNode): SyntaxNode {
    // a parameter belongs to its function; an assignment target to the scope it is in
    const p = ident.parent;
    if (p && /^(default_parameter|typed_default_parameter)$/.test(p.type)) return p.parent!.parent!;
    return this.flow.definingScope(ident);
  }

  // --- 4. comparisons with a value that holds a backend

  private comparisons(): void {
    for (const cmp of nodesOfType(this.ctx.root, 'comparison_operator')) {
      const operands = cmp.namedChildren.filter((n) => n.type !== 'comment');
      if (operands.length !== 2) continue;
      const op = cmp.children.filter((n) => !n.isNamed).map((n) => n.text).join(' ');
      const [a, b] = operands;
      if (op === '==' || op === '!=') {
        if (this.isCarrier(a, 0)) this.convertString(unparen(b), `comparison with ${short(a)}`, 'safe', false);
        else if (this.isCarrier(b, 0)) this.convertString(unparen(a), `comparison with ${short(b)}`, 'safe', false);
      } else if ((op === 'in' || op === 'not in') && this.isCarrier(a, 0)) {
        this.convertCollection(b, `comparison with ${short(a)}`);
      }
    }
  }

  private isCarrier(expr: SyntaxNode, depth: number): boolean {
    if (depth > 6) return false;
    const e = unparen(expr);
    switch (e.type) {
      case 'call': {
        const fn = e.childForFieldName('function')!;
        if (distMember(this.ctx.bindings.qualify(fn)) === 'get_backend') return true;
        if (fn.type === 'attribute' && SAME_VALUE_METHODS.has(fn.childForFieldName('attribute')!.text)) {
          return this.isCarrier(fn.childForFieldName('object')!, depth + 1);
        }
        if (fn.type === 'identifier' && fn.text === 'str') {
          const arg = callArgs(e).positional[0];
          return !!arg && this.isCarrier(arg, depth + 1);
        }
        return false;
      }
      case 'identifier': {
        if (this.carriers.has(`id:${this.flow.definingScope(e).id}:${e.text}`)) return true;
        return this.flow.valuesOfName(e).values.some((v) => v.type !== 'string' && this.isCarrier(v, depth + 1));
      }
      case 'attribute':
        if (this.carriers.has(`attr:${e.childForFieldName('attribute')!.text}`)) return true;
        return this.flow.assignedToAttribute(e).some((v) => v.type !== 'string' && this.isCarrier(v, depth + 1));
      default:
        return false;
    }
  }

  // --- 5. Backend.NCCL, is_nccl_available, ProcessGroupNCCL

  private distNames(): void {
    const { ctx } = this;
    for (const stmt of ctx.bindings.imports) {
      if (stmt.kind !== 'from' || !stmt.module || !DIST_MODULES.includes(stmt.module)) continue;
      for (const n of stmt.names) {
        const name = n.nameNode.text;
        if (name === 'is_nccl_available') {
          const local = n.aliasNode ? n.aliasNode.text : name;
          ctx.report({
            message: `from ${stmt.module} import ${name} → is_hccl_available as ${local}`,
            start: n.nameNode.startIndex,
            end: (n.aliasNode ?? n.nameNode).endIndex,
            fix: { edits: [{ start: n.nameNode.startIndex, end: (n.aliasNode ?? n.nameNode).endIndex, content: `is_hccl_available as ${local}` }], safety: 'safe' },
          });
        } else if (name === 'ProcessGroupNCCL') {
          // reported at the use sites below; an unused import is reported here
          const used = ctx.bindings.references(n.local).some((r) => ctx.bindings.resolve(r) === n.qualified);
          if (!used) this.processGroupNccl(n.nameNode, `${stmt.module}.${name}`);
        }
      }
    }
    const re = /\b(?:NCCL|is_nccl_available|ProcessGroupNCCL)\b/g;
    for (let m = re.exec(ctx.source); m; m = re.exec(ctx.source)) {
      const node = ctx.root.descendantForIndex(m.index, m.index + m[0].length);
      if (node.type !== 'identifier' || node.startIndex !== m.index || node.endIndex !== m.index + m[0].length) continue;
      const p = node.parent;
      if (!p || p.type !== 'attribute' || p.childForFieldName('attribute')?.id !== node.id) continue; // from-import locals: see above
      const member = distMember(ctx.bindings.qualify(p));
      if (member === 'Backend.NCCL') {
        const quote = preferredQuote(ctx.root);
        ctx.report({
          message: `${p.text} → ${quote}hccl${quote}`,
          start: p.startIndex,
          end: p.endIndex,
          fix: { edits: [{ start: p.startIndex, end: p.endIndex, content: `${quote}hccl${quote}` }], safety: 'safe' },
        });
      } else if (member === 'is_nccl_available') {
        ctx.report({
          message: `${p.text} → is_hccl_available`,
          start: p.startIndex,
          end: p.endIndex,
          fix: { edits: [{ start: node.startIndex, end: node.endIndex, content: 'is_hccl_available' }], safety: 'safe' },
        });
      } else if (member === 'ProcessGroupNCCL') {
        this.processGroupNccl(p, `torch.distributed.ProcessGroupNCCL`);
      }
    }
    // `from torch.distributed import ProcessGroupNCCL` used by its local name
    for (const stmt of ctx.bindings.imports) {
      if (stmt.kind !== 'from' || !stmt.module || !DIST_MODULES.includes(stmt.module)) continue;
      for (const n of stmt.names) {
        if (n.nameNode.text !== 'ProcessGroupNCCL') continue;
        for (const r of ctx.bindings.references(n.local)) {
          if (ctx.bindings.resolve(r) === n.qualified) this.processGroupNccl(r, `${stmt.module}.ProcessGroupNCCL`);
        }
      }
    }
  }

  private processGroupNccl(node: SyntaxNode, name: string): void {
    const after = attributesAfter(node).map((a) => a.text);
    this.ctx.report({
      ruleId: NO_TWIN,
      message: `${[name, ...after].join('.')} has no public HCCL twin`,
      start: node.startIndex,
      end: node.endIndex,
      hint:
        'create process groups with init_process_group / new_group and backend "hccl"; the HCCL process group class is ' +
        'torch_npu._C._distributed_c10d.ProcessGroupHCCL, with ProcessGroupHCCL.Options() (hccl_config) for pg_options (§3.7)',
    });
  }

  // --- 6. NCCL_* environment variables

  private environment(): void {
    for (const site of envNameSites(this.ctx.root, this.ctx.bindings)) {
      if (!/^(TORCH_)?NCCL_/.test(site.name)) continue;
      const twin = NCCL_ENV_TWINS[site.name];
      const unitChange = NCCL_ENV_VALUE_CHANGES[site.name];
      if (twin && !unitChange) {
        this.ctx.report({
          message: `${site.name} → ${twin} (environment variable)`,
          start: site.start,
          end: site.end,
          fix: { edits: [{ start: site.start, end: site.end, content: twin }], safety: 'safe' },
        });
      } else {
        this.ctx.report({
          ruleId: NO_TWIN,
          message: twin ? `${site.name}: ${twin} takes other units` : `${site.name} has no HCCL twin`,
          start: site.start,
          end: site.end,
          hint: unitChange ?? ncclNoTwinHint(site.name),
        });
      }
    }
  }

  // --- 7. every other "nccl": its role is not shown

  private otherStrings(): void {
    for (const str of this.ncclStrings()) {
      this.convertString(str, 'role not shown', 'unsafe', false, 'the code does not show that this string names the process-group backend; on NPU the backend is "hccl"');
    }
  }

  // --- helpers

  /** String literals whose value is exactly "nccl" (any case), outside docstrings and message text. */
  private ncclStrings(): SyntaxNode[] {
    const out: SyntaxNode[] = [];
    for (const str of nodesOfType(this.ctx.root, 'string')) {
      const lit = stringLiteral(str);
      if (!lit || lit.isBytes || lit.value === undefined || !/^nccl$/i.test(lit.value)) continue;
      if (this.handled.has(str.startIndex) || isDocstring(str) || this.isMessageText(str)) continue;
      out.push(str);
    }
    return out;
  }

  /**
   * Report the conversion of one string. `backendSpec`: the string is a backend argument,
   * so "cpu:gloo,cuda:nccl" (a per-device backend list) is converted too.
   */
  private convertString(str: SyntaxNode, role: string, safety: FixSafety, backendSpec: boolean, hint?: string): void {
    if (str.type !== 'string' || this.handled.has(str.startIndex)) return;
    const lit = stringLiteral(str);
    if (!lit || lit.isBytes || lit.value === undefined) return;
    const next = backendSpec ? hcclSpec(lit.value) : /^nccl$/i.test(lit.value) ? hcclName(lit.value) : null;
    if (next === null) return;
    this.handled.add(str.startIndex);
    this.ctx.report({
      ruleId: safety === 'unsafe' ? ROLE_NOT_SHOWN : undefined,
      message: `"${lit.value}" → "${next}" (${role})`,
      start: str.startIndex,
      end: str.endIndex,
      fix: { edits: [{ start: lit.contentStart, end: lit.contentEnd, content: next }], safety },
      hint,
    });
  }

  /** "nccl" elements of a list / tuple / set of strings, unless it already holds "hccl". */
  private convertCollection(node: SyntaxNode, role: string): void {
    const coll = unparen(node);
    if (!/^(list|tuple|set)$/.test(coll.type)) return;
    const values = coll.namedChildren.map((n) => stringLiteral(n)?.value);
    if (values.some((v) => v !== undefined && /^hccl$/i.test(v))) {
      for (const el of coll.namedChildren) this.handled.add(el.startIndex); // already lists both: leave it
      return;
    }
    for (const el of coll.namedChildren) this.convertString(el, role, 'safe', false);
  }

  /** print / log / warnings / exception / help text. */
  private isMessageText(str: SyntaxNode): boolean {
    let n = str;
    for (;;) {
      const p = n.parent;
      if (!p) return false;
      if (/^(binary_operator|concatenated_string|parenthesized_expression|conditional_expression)$/.test(p.type)) {
        n = p;
        continue;
      }
      if (p.type === 'attribute' && p.childForFieldName('object')?.id === n.id) {
        const call = p.parent; // "...".format(...)
        if (call?.type !== 'call' || call.childForFieldName('function')?.id !== p.id) return false;
        n = call;
        continue;
      }
      if (p.type === 'keyword_argument') return MESSAGE_KEYWORDS.has(p.childForFieldName('name')?.text ?? '');
      if (p.type === 'raise_statement') return true;
      if (p.type === 'assert_statement') return p.namedChildren[0]?.id !== n.id;
      if (p.type !== 'argument_list') return false;
      const fn = p.parent?.childForFieldName('function');
      if (!fn) return false;
      // an argument of "...{}...".format(...): the text it goes into decides
      if (fn.type === 'attribute' && fn.childForFieldName('attribute')!.text === 'format' && unparen(fn.childForFieldName('object')!).type === 'string') {
        n = p.parent!;
        continue;
      }
      if (fn.type === 'identifier') return fn.text === 'print' || /(Error|Exception|Warning)$/.test(fn.text);
      if (fn.type === 'attribute') {
        const attr = fn.childForFieldName('attribute')!.text;
        return LOG_METHODS.has(attr) || this.ctx.bindings.qualify(fn) === 'warnings.warn' || /(Error|Exception|Warning)$/.test(attr);
      }
      return false;
    }
  }
}

/** `torch.distributed.X` / `torch.distributed.distributed_c10d.X` → `X`. */
function distMember(q: string | null): string | null {
  if (!q) return null;
  for (const m of DIST_MODULES) if (q.startsWith(m + '.')) return q.slice(m.length + 1);
  return null;
}

/** "nccl" → "hccl", keeping the case. */
function hcclName(v: string): string {
  if (v === v.toUpperCase()) return 'HCCL';
  return 'hccl';
}

/** A backend argument: "nccl", or a per-device list such as "cpu:gloo,cuda:nccl" → "cpu:gloo,npu:hccl". */
function hcclSpec(v: string): string | null {
  if (/^nccl$/i.test(v)) return hcclName(v);
  if (!/nccl/i.test(v) || !v.includes(':')) return null;
  const parts = v.split(',').map((part) => {
    const m = /^(\s*)cuda(\s*):(\s*)nccl(\s*)$/i.exec(part);
    return m ? `${m[1]}npu${m[2]}:${m[3]}hccl${m[4]}` : part;
  });
  const out = parts.join(',');
  return out === v || /nccl/i.test(out) ? null : out;
}

/** A "nccl" given to a keyword, variable, attribute, dict key or parameter named like a backend. */
function backendNamedTarget(str: SyntaxNode): { role: string; carrier?: SyntaxNode } | null {
  let n = str;
  while (n.parent && (n.parent.type === 'parenthesized_expression' || (n.parent.type === 'conditional_expression' && n.parent.namedChildren[1]?.id !== n.id))) {
    n = n.parent;
  }
  const p = n.parent;
  if (!p) return null;
  const isBackend = (name: string | undefined) => !!name && /backend/i.test(name);
  if (p.type === 'keyword_argument' && p.childForFieldName('value')?.id === n.id) {
    const name = p.childForFieldName('name')?.text;
    return isBackend(name) ? { role: `${name}=` } : null;
  }
  if (p.type === 'assignment' && p.childForFieldName('right')?.id === n.id) {
    let left = p.childForFieldName('left');
    let top = p;
    while (top.parent?.type === 'assignment') top = top.parent; // `a = b = "nccl"`: any target
    const targets: SyntaxNode[] = [];
    for (let a: SyntaxNode | null = top; a && a.type === 'assignment'; a = a.childForFieldName('right')) {
      const l = a.childForFieldName('left');
      if (l) targets.push(unparen(l));
    }
    left = targets.find((t) =>
      (t.type === 'identifier' && isBackend(t.text)) || (t.type === 'attribute' && isBackend(t.childForFieldName('attribute')?.text)),
    ) ?? null;
    if (left) return { role: `${left.text} = ...`, carrier: left };
    // os.environ["DIST_BACKEND"] = "nccl", cfg["backend"] = "nccl"
    const sub = targets.find((t) => t.type === 'subscript' && isBackend(stringLiteral(t.childForFieldName('subscript') ?? t)?.value));
    return sub ? { role: `${sub.text} = ...` } : null;
  }
  if (p.type === 'pair' && p.childForFieldName('value')?.id === n.id) {
    const k = p.childForFieldName('key');
    const key = k ? stringLiteral(k)?.value : undefined;
    return isBackend(key) ? { role: `"${key}" key` } : null;
  }
  if ((p.type === 'default_parameter' || p.type === 'typed_default_parameter') && p.childForFieldName('value')?.id === n.id) {
    const name = p.childForFieldName('name');
    return name && isBackend(name.text) ? { role: `parameter ${name.text}`, carrier: name } : null;
  }
  return null;
}

function short(n: SyntaxNode): string {
  const t = n.text.replace(/\s+/g, ' ');
  return t.length > 40 ? `${t.slice(0, 37)}...` : t;
}
