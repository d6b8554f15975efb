/**
 * custom-mappings: the project's own API renames, from the `[mappings]` table
 * of the project config (docs/config.md), e.g. `"mylib.cuda_sync" = "mylib.npu_sync"`.
 *
 *   import mylib; mylib.cuda_sync()              → import mylib; mylib.npu_sync()
 *   import mylib as M; M.cuda_sync()             → import mylib as M; M.npu_sync()
 *   from mylib import cuda_sync as s; s()        → from mylib import npu_sync as s; s()
 *   from mylib import cuda_sync; cuda_sync()     → from mylib import npu_sync as cuda_sync; cuda_sync()
 *   from mylib.cuda import sync  ("mylib.cuda" = "mylib.npu") → from mylib.npu import sync
 *   import mylib.cuda as mc                      → import mylib.npu as mc
 *
 * Why: a team's own CUDA helpers have NPU twins the built-in tables cannot
 * know; the mapping goes through the engine like any other pass (records,
 * change_list.csv, the patch, the syntax guard), never as text substitution.
 *
 * The rule: a mapping changes what the code imports and the attribute chains
 * that name the mapped thing, never a local name the code binds. An import
 * that binds the mapped name itself keeps its local name (`as cuda_sync` is
 * added when there was no alias), so every use, a re-export and a
 * `from this_module import cuda_sync` elsewhere keep working.
 *
 * Names are resolved through the file's imports and Python's scoping
 * (src/python/bindings.ts): a parameter, local or class attribute of the same
 * name is not the library's; strings, comments and docstrings are never read.
 * The longest mapping wins (`mylib.cuda.sync` before `mylib.cuda`).
 *
 * Safety: safe (the user asked for the rename). Manual, with a hint:
 * - a mapped name assigned to or deleted (`mylib.cuda_sync = patched`):
 *   the code patches the library; which name it should patch is the user's call;
 * - `from mylib import *` when a mapping names something of `mylib`;
 * - a from-import of several names where one moves to another module, and a
 *   plain `import a.b` whose first name would change (the binding would change).
 */
import type { Pass, PassContext } from '../../src/core/pass';
import type { Edit } from '../../src/core/edit';
import type { ImportStatement, ImportedName } from '../../src/python/bindings';
import type { SyntaxNode } from '../../src/python/parser';
import { unparen } from '../../src/python/nodes';

const ID = 'custom-mappings';
const PATCHED = `${ID}/patched`;
const NOT_CONVERTED = `${ID}/not-converted`;

export const customMappings: Pass = {
  id: ID,
  summary: 'the project config\'s [mappings] ("mylib.cuda_sync" = "mylib.npu_sync"): imports and attribute chains renamed; runs only when the config has mappings',
  levels: ['safe', 'manual'],
  // a mapped name reaches the code through an import; without mappings the pass is not enabled at all
  triggers: /\bimport\b/,
  enabled: (options) => options.mappings !== undefined && Object.keys(options.mappings).length > 0,
  // every form the pass converts names the first part of a mapped name (in an import statement)
  triggersFor: (options) => mappedTops(options.mappings ?? {}),
  rounds: 'feeds', // a target may be code another pass converts (`torch.cuda.X`)
  run(ctx) {
    const table = ctx.options.mappings;
    if (!table) return;
    const m = new Mapper(table);
    if (m.empty) return;
    for (const stmt of ctx.bindings.imports) convertImport(ctx, stmt, m);
    convertChains(ctx, m);
  },
};

const topsCache = new WeakMap<object, RegExp>();

/** `\b(mylib|cupy)\b` for the first names of the mapped names (cached per table: the same object for a whole run). */
function mappedTops(table: Readonly<Record<string, string>>): RegExp {
  let re = topsCache.get(table);
  if (!re) {
    const tops = [...new Set(Object.keys(table).map(top))].sort();
    re = tops.length > 0 ? new RegExp(`(?<![\\p{L}\\p{N}_])(?:${tops.join('|')})(?![\\p{L}\\p{N}_])`, 'u') : /(?!)/;
    topsCache.set(table, re);
  }
  return re;
}

/** The mapping table, longest source first. */
class Mapper {
  private readonly sources: string[];
  constructor(private readonly table: Readonly<Record<string, string>>) {
    this.sources = Object.keys(table).sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
  }

  get empty(): boolean {
    return this.sources.length === 0;
  }

  /** The longest mapping that covers `name` (equal, or a dotted prefix of it). */
  covering(name: string): { from: string; to: string } | undefined {
    const from = this.sources.find((s) => name === s || name.startsWith(s + '.'));
    return from === undefined ? undefined : { from, to: this.table[from] };
  }

  /** `name` with its mapping applied, or undefined. */
  map(name: string): string | undefined {
    const c = this.covering(name);
    return c ? c.to + name.slice(c.from.length) : undefined;
  }

  /** Is `prefix` a strict dotted prefix of some source (so chains below it may need a rename)? */
  below(prefix: string): boolean {
    return this.sources.some((s) => s.startsWith(prefix + '.'));
  }

  /** Sources directly inside module `module` (`mylib` → `mylib.cuda_sync`), for star imports. */
  inside(module: string): string[] {
    return this.sources.filter((s) => s.startsWith(module + '.')).sort();
  }
}

function parent(name: string): string {
  const i = name.lastIndexOf('.');
  return i < 0 ? '' : name.slice(0, i);
}

function last(name: string): string {
  return name.slice(name.lastIndexOf('.') + 1);
}

function top(name: string): string {
  const i = name.indexOf('.');
  return i < 0 ? name : name.slice(0, i);
}

function dottedText(n: SyntaxNode): string {
  return n.type === 'dotted_name' ? n.namedChildren.map((c) => c.text).join('.') : n.text;
}

function manual(ctx: PassContext, node: SyntaxNode, message: string, hint: string, ruleId = NOT_CONVERTED): void {
  ctx.report({ ruleId, message, start: node.startIndex, end: node.endIndex, hint });
}

// ---------------------------------------------------------------- import statements

function convertImport(ctx: PassContext, stmt: ImportStatement, m: Mapper): void {
  if (stmt.kind === 'import') {
    for (const n of stmt.names) convertPlainImport(ctx, n, m);
    return;
  }
  if (stmt.module === null || stmt.module === '__future__') return; // relative imports: the package's own code
  const moduleTo = m.map(stmt.module);
  if (stmt.wildcard) {
    const inside = m.inside(stmt.module);
    if (moduleTo !== undefined) {
      replace(ctx, stmt.moduleNode!, moduleTo, `from ${stmt.module} import * → from ${moduleTo} import *`);
    } else if (inside.length > 0) {
      manual(
        ctx,
        stmt.node,
        `from ${stmt.module} import *: ${inside.map((s) => `${s} is mapped to ${m.map(s)}`).join(', ')}; the names the star binds cannot be followed`,
        `import the mapped names by name (from ${parent(m.map(inside[0])!)} import ${last(m.map(inside[0])!)} as ${last(inside[0])})`,
      );
    }
    return;
  }
  const newModule = moduleTo ?? stmt.module;
  const nameEdits: Edit[] = [];
  const renamed: string[] = [];
  for (const n of stmt.names) {
    const q = n.qualified;
    const c = m.covering(q);
    // a mapping of the module itself (or above it) is the module's rename: the names stay
    if (!c || c.from.length <= stmt.module.length) continue;
    const to = m.map(q)!;
    if (parent(to) !== newModule) {
      if (stmt.names.length === 1 && moduleTo === undefined) {
        // the statement's only name moves to another module: the module changes with it
        const local = n.local;
        const content = last(to) === local || n.aliasNode ? last(to) : `${last(to)} as ${local}`;
        ctx.report({
          message: `from ${stmt.module} import ${n.nameNode.text} → from ${parent(to)} import ${last(to)}${n.aliasNode || last(to) === local ? '' : ` as ${local}`}`,
          start: stmt.node.startIndex,
          end: stmt.node.endIndex,
          fix: {
            edits: [
              { start: stmt.moduleNode!.startIndex, end: stmt.moduleNode!.endIndex, content: parent(to) },
              { start: n.nameNode.startIndex, end: n.nameNode.endIndex, content },
            ],
            safety: 'safe',
          },
        });
        return;
      }
      manual(
        ctx,
        n.nameNode,
        `${q} is mapped to ${to}, another module than the other names of this import`,
        `import it on its own line: from ${parent(to)} import ${last(to)}${last(to) === n.local ? '' : ` as ${n.local}`}`,
      );
      continue;
    }
    const newName = last(to);
    const content = n.aliasNode || newName === n.local ? newName : `${newName} as ${n.local}`;
    nameEdits.push({ start: n.nameNode.startIndex, end: n.nameNode.endIndex, content });
    renamed.push(`${n.nameNode.text} → ${content}`);
  }
  const edits: Edit[] = [...nameEdits];
  if (moduleTo !== undefined) edits.unshift({ start: stmt.moduleNode!.startIndex, end: stmt.moduleNode!.endIndex, content: moduleTo });
  if (edits.length === 0) return;
  const message =
    moduleTo !== undefined && renamed.length === 0
      ? `from ${stmt.module} import → from ${moduleTo} import`
      : `from ${stmt.module} import ${renamed.join(', ')}${moduleTo !== undefined ? ` (module → ${moduleTo})` : ''}`;
  ctx.report({ message, start: stmt.node.startIndex, end: stmt.node.endIndex, fix: { edits, safety: 'safe' } });
}

/** `import a.b [as x]`: the dotted name is renamed; without an alias the bound first name must not change. */
function convertPlainImport(ctx: PassContext, n: ImportedName, m: Mapper): void {
  const dotted = dottedText(n.nameNode);
  const to = m.map(dotted);
  if (to === undefined) return;
  if (n.aliasNode) {
    replace(ctx, n.nameNode, to, `import ${dotted} as ${n.local} → import ${to} as ${n.local}`);
    return;
  }
  if (top(to) === top(dotted)) {
    replace(ctx, n.nameNode, to, `import ${dotted} → import ${to}`);
    return;
  }
  if (!dotted.includes('.')) {
    // `import cupy` → `import numpy as cupy`: the name the code uses stays bound
    replace(ctx, n.nameNode, `${to} as ${dotted}`, `import ${dotted} → import ${to} as ${dotted}`);
    return;
  }
  manual(
    ctx,
    n.nameNode,
    `import ${dotted}: mapped to ${to}, but the statement binds ${top(dotted)}, which the new name would not bind`,
    `write import ${to} (and use ${to} where the code uses ${dotted}), or import ${to} as a name of its own`,
  );
}

function replace(ctx: PassContext, node: SyntaxNode, content: string, message: string): void {
  ctx.report({ message, start: node.startIndex, end: node.endIndex, fix: { edits: [{ start: node.startIndex, end: node.endIndex, content }], safety: 'safe' } });
}

// ---------------------------------------------------------------- attribute chains

/**
 * Uses through a name bound to something above a mapped name (`import mylib`
 * binds `mylib`, and `mylib.cuda_sync` is mapped): the chain is renamed from
 * the deepest part the old and new names share.
 */
function convertChains(ctx: PassContext, m: Mapper): void {
  const seen = new Set<string>();
  for (const { local, qualified } of ctx.bindings.boundNames()) {
    if (!m.below(qualified)) continue;
    const key = `${local}\0${qualified}`;
    if (seen.has(key)) continue;
    seen.add(key);
    for (const ref of ctx.bindings.references(local)) {
      if (ctx.bindings.resolve(ref) !== qualified) continue;
      convertChain(ctx, m, ref, qualified);
    }
  }
}

function convertChain(ctx: PassContext, m: Mapper, ref: SyntaxNode, base: string): void {
  // the chain above the identifier: (node, qualified name) from the inside out
  const chain: { node: SyntaxNode; name: string; attr?: SyntaxNode }[] = [{ node: ref, name: base }];
  let n = ref;
  for (let p = n.parent; p && p.type === 'attribute' && p.childForFieldName('object')?.id === n.id; p = n.parent) {
    const attr = p.childForFieldName('attribute');
    if (!attr) break;
    chain.push({ node: p, name: `${chain[chain.length - 1].name}.${attr.text}`, attr });
    n = p;
  }
  // the longest mapped prefix of the chain
  let hit = -1;
  for (let i = chain.length - 1; i > 0; i--) {
    const c = m.covering(chain[i].name);
    if (c && c.from === chain[i].name) {
      hit = i;
      break;
    }
  }
  if (hit < 0) return;
  const from = chain[hit].name;
  const to = m.map(from)!;
  const target = chain[hit].node;
  const outer = unparen(chain[chain.length - 1].node);
  if (isStoreTarget(outer) && hit === chain.length - 1) {
    manual(
      ctx,
      target,
      `${target.text}: ${from} (mapped to ${to}) is assigned to or deleted here`,
      `the code patches ${from}; decide whether it should patch ${to} and change it by hand`,
      PATCHED,
    );
    return;
  }
  // the deepest part of the chain that the new name keeps (`mylib` for mylib.cuda_sync → mylib.npu_sync)
  let keep = -1;
  for (let i = hit - 1; i >= 0; i--) {
    if (to.startsWith(chain[i].name + '.')) {
      keep = i;
      break;
    }
  }
  const message = `${from} → ${to}`;
  if (keep >= 0) {
    const oldRest = from.slice(chain[keep].name.length + 1).split('.');
    const newRest = to.slice(chain[keep].name.length + 1).split('.');
    if (oldRest.length === newRest.length) {
      const edits: Edit[] = [];
      oldRest.forEach((seg, i) => {
        const attr = chain[keep + 1 + i].attr!;
        if (seg !== newRest[i]) edits.push({ start: attr.startIndex, end: attr.endIndex, content: newRest[i] });
      });
      ctx.report({ message, start: target.startIndex, end: target.endIndex, fix: { edits, safety: 'safe' } });
      return;
    }
    const start = chain[keep].node.endIndex;
    const text = ctx.source.slice(start, target.endIndex);
    if (/^(\.[\p{L}\p{N}_]+)+$/u.test(text)) {
      ctx.report({ message, start: target.startIndex, end: target.endIndex, fix: { edits: [{ start, end: target.endIndex, content: '.' + newRest.join('.') }], safety: 'safe' } });
      return;
    }
    manual(ctx, target, `${target.text}: ${from} is mapped to ${to}, but the chain spans lines or comments`, `write ${to} here by hand`);
    return;
  }
  // nothing in common with the name the code has: the new name is written in full, its top module imported
  const head = top(to);
  if (ctx.bindings.isBound(head, target) && ctx.bindings.resolveAtModule(head) !== head) {
    manual(ctx, target, `${target.text}: ${from} is mapped to ${to}, but ${head} means something else here`, `write ${to} here by hand (import ${parent(to) || to})`);
    return;
  }
  const module = parent(to) || to;
  ctx.report({
    message,
    start: target.startIndex,
    end: target.endIndex,
    fix: { edits: [{ start: target.startIndex, end: target.endIndex, content: to }], safety: 'safe', imports: [{ module, placement: 'top' }] },
  });
}

/** The target of an assignment, augmented assignment or `del`. */
function isStoreTarget(node: SyntaxNode): boolean {
  let n = node;
  while (n.parent && /^(pattern_list|tuple_pattern|list_pattern|tuple|list|parenthesized_expression|expression_list)$/.test(n.parent.type)) n = n.parent;
  const p = n.parent;
  if (!p) return false;
  if (p.type === 'delete_statement') return true;
  return /^(assignment|augmented_assignment)$/.test(p.type) && p.childForFieldName('left')?.id === n.id;
}
