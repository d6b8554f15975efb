/**
 * The one importer: adds the imports passes requested, once, in the right place.
 *
 * - A request already satisfied by the file's module-level imports adds nothing
 *   (so a second run adds nothing).
 * - 'torch' placement: on the line after the first module-level torch import
 *   (inside the same `try:`/`if` block, with its indentation), or before it when
 *   that import itself loads `torch.npu`; after `import torch_npu` when the file
 *   has it (so `transfer_to_npu` follows it). Imports under `if TYPE_CHECKING:`
 *   are never anchors.
 * - 'top' placement, or no torch import: after the leading import block, which
 *   starts after the shebang, encoding line, module docstring and
 *   `from __future__` imports; and never above the first module-level torch /
 *   torch_npu import: when statements precede torch on purpose
 *   (`import comet_ml` then `comet_ml.init()`, `os.environ["X"] = ...` set
 *   before `import torch`), the imports go after the block of consecutive
 *   imports that starts with the first torch import (so after its last torch
 *   line). A module the passes ask for (the DDP helper, torch.nn.parallel)
 *   loads torch itself, so above that point it would run before them.
 * - An anchor that shares its line with other simple statements
 *   (`import torch; x = y.npu()`) gets the new imports on that line, right
 *   after it (`import torch; import torch_npu; x = y.npu()`), or right before
 *   it when they go before: the next line would bind them after the rest of
 *   the line has run. A multi-line anchor (brackets, `\` continuation) that
 *   ends its last line is followed by a line of its own as usual.
 */
import type { Bindings, ImportStatement } from '../python/bindings';
import type { SyntaxNode } from '../python/parser';
import { indentAt, stringLiteral } from '../python/nodes';
import type { Edit } from '../core/edit';
import { compareRequests, importStatement, type ImportRequest } from './request';

export interface PlannedImport {
  request: ImportRequest;
  /** Offset of the statement the new import is attached to (for the change log). */
  anchor: number;
}

export interface ImportPlan {
  edits: Edit[];
  added: PlannedImport[];
}

export function planImports(
  text: string,
  root: SyntaxNode,
  bindings: Bindings,
  requests: ImportRequest[],
  eol: string,
): ImportPlan {
  const missing = dedupe(requests).filter((r) => !isSatisfied(r, bindings));
  if (missing.length === 0) return { edits: [], added: [] };

  const groups = new Map<string, Spot & { reqs: ImportRequest[] }>();
  for (const r of missing) {
    const spot = (r.placement === 'torch' && torchSpot(text, bindings)) || topSpot(text, root, bindings);
    const key = `${spot.at}|${spot.before}|${spot.inline}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { ...spot, reqs: [] }));
    g.reqs.push(r);
  }

  const edits: Edit[] = [];
  const added: PlannedImport[] = [];
  for (const g of [...groups.values()].sort((a, b) => a.at - b.at)) {
    g.reqs.sort(compareRequests);
    let content: string;
    if (g.inline) {
      const stmts = g.reqs.map((r) => importStatement(r)).join('; ');
      content = g.before ? `${stmts}; ` : `; ${stmts}`;
      edits.push({ start: g.at, end: g.at, content });
      for (const r of g.reqs) added.push({ request: r, anchor: g.anchor });
      continue;
    }
    const lines = g.reqs.map((r) => g.indent + importStatement(r));
    if (g.at === text.length && text.length > 0 && !/[\r\n]$/.test(text)) content = eol + lines.join(eol);
    else content = lines.join(eol) + eol;
    edits.push({ start: g.at, end: g.at, content });
    for (const r of g.reqs) added.push({ request: r, anchor: g.anchor });
  }
  return { edits, added };
}

function dedupe(requests: ImportRequest[]): ImportRequest[] {
  const seen = new Map<string, ImportRequest>();
  for (const r of requests) {
    const k = importStatement(r);
    const prev = seen.get(k);
    // 'torch' placement wins: it is the stricter one
    if (!prev || (prev.placement === 'top' && r.placement === 'torch')) seen.set(k, r);
  }
  return [...seen.values()];
}

function isSatisfied(r: ImportRequest, bindings: Bindings): boolean {
  const live = bindings.moduleImports.filter((s) => !s.typeCheckingOnly);
  if (r.name) return bindings.resolveAtModule(r.name) === `${r.module}.${r.name}`;
  if (r.sideEffect) return live.some((s) => importedModules(s).some((m) => m === r.module || m.startsWith(r.module + '.')));
  // `import a.b` must bind `a` the plain way: `import a.b as x` does not count
  return live.some((s) => s.kind === 'import' && s.names.some((n) => !n.aliasNode && n.nameNode.text.replace(/\s+/g, '') === r.module));
}

/** Modules a statement loads: `import a.b` → a.b; `from a.b import c` → a.b (and a.b.c if a submodule). */
function importedModules(s: ImportStatement): string[] {
  if (s.kind === 'import') return s.names.map((n) => n.nameNode.text.replace(/\s+/g, ''));
  return s.module ? [s.module, ...s.names.map((n) => n.qualified)] : [];
}

interface Spot {
  at: number;
  indent: string;
  before: boolean;
  /** On the anchor's own line, separated by `;` (it shares that line with other statements). */
  inline: boolean;
  anchor: number;
}

/** Where to put imports attached to a statement: on their own line when it owns its line, else beside it on that line. */
function beside(text: string, node: SyntaxNode, before: boolean): Spot {
  const anchor = node.startIndex;
  if (!ownsLine(text, node)) return { at: before ? node.startIndex : node.endIndex, indent: '', before, inline: true, anchor };
  const indent = indentAt(text, node.startIndex);
  return before
    ? { at: lineStartOf(text, node.startIndex), indent, before, inline: false, anchor }
    : { at: afterLine(text, node.endIndex), indent, before, inline: false, anchor };
}

function torchSpot(text: string, bindings: Bindings): Spot | null {
  const live = bindings.moduleImports.filter((s) => !s.typeCheckingOnly);
  // torch_npu already imported: what else goes with it (transfer_to_npu) follows it
  const npu = live.find((s) => s.kind === 'import' && importedModules(s).includes('torch_npu'));
  if (npu) return beside(text, npu.node, false);
  const isTorch = (m: string) => m === 'torch' || m.startsWith('torch.');
  const first = live.find((s) => importedModules(s).some(isTorch));
  if (!first) return null;
  const loadsNpu = importedModules(first).some((m) => m === 'torch.npu' || m.startsWith('torch.npu.'));
  return beside(text, first.node, loadsNpu);
}

/** Does the statement load torch or torch_npu (`import torch.nn as nn`, `from torch import optim`, `import torch_npu`)? */
function loadsTorch(s: ImportStatement): boolean {
  return importedModules(s).some((m) => m === 'torch' || m.startsWith('torch.') || m === 'torch_npu' || m.startsWith('torch_npu.'));
}

function topSpot(text: string, root: SyntaxNode, bindings: Bindings): Spot {
  const stmts = root.namedChildren.filter((c) => c.type !== 'comment');
  const head = leadingSpot(text, stmts);
  // the first module-level torch import, as the module-level statement that holds it (a `try:` / `if` block)
  const first = bindings.moduleImports.find((s) => !s.typeCheckingOnly && loadsTorch(s));
  if (!first) return head;
  let k = stmts.findIndex((c) => c.startIndex <= first.node.startIndex && first.node.endIndex <= c.endIndex);
  if (k < 0) return head;
  while (stmts[k + 1] && (stmts[k + 1].type === 'import_statement' || stmts[k + 1].type === 'import_from_statement')) k++;
  const afterTorch = beside(text, stmts[k], false);
  return afterTorch.at > head.at ? afterTorch : head;
}

/** After the leading import block (past the docstring and `from __future__` imports), or before the first statement. */
function leadingSpot(text: string, stmts: SyntaxNode[]): Spot {
  let i = 0;
  if (stmts[0]?.type === 'expression_statement' && stmts[0].namedChildCount === 1 && stringLiteral(stmts[0].namedChildren[0])) i++;
  while (stmts[i]?.type === 'future_import_statement') i++;
  let lastImport: SyntaxNode | undefined;
  while (stmts[i] && (stmts[i].type === 'import_statement' || stmts[i].type === 'import_from_statement')) lastImport = stmts[i++];
  if (lastImport) return beside(text, lastImport, false);
  const next = stmts[i];
  // a line of its own before the first statement, when that statement starts its line
  if (next && text.slice(lineStartOf(text, next.startIndex), next.startIndex).trim() === '') {
    return { at: lineStartOf(text, next.startIndex), indent: '', before: true, inline: false, anchor: next.startIndex };
  }
  const prev = stmts[i - 1];
  if (prev) return beside(text, prev, false);
  if (next) return beside(text, next, true);
  return { at: text.length, indent: '', before: false, inline: false, anchor: 0 };
}

/** The statement starts its line and nothing but a comment follows it on its last line. */
function ownsLine(text: string, node: SyntaxNode): boolean {
  const ls = lineStartOf(text, node.startIndex);
  if (text.slice(ls, node.startIndex).trim() !== '') return false;
  const rest = text.slice(node.endIndex, afterLine(text, node.endIndex));
  return /^[ \t]*(#.*)?(\r\n|\r|\n)?$/.test(rest);
}

function lineStartOf(text: string, offset: number): number {
  let i = offset;
  while (i > 0 && text[i - 1] !== '\n' && text[i - 1] !== '\r') i--;
  return i;
}

/** Offset just after the line ending that follows `offset` (or the end of the text). */
function afterLine(text: string, offset: number): number {
  for (let i = offset; i < text.length; i++) {
    if (text[i] === '\n') return i + 1;
    if (text[i] === '\r') return text[i + 1] === '\n' ? i + 2 : i + 1;
  }
  return text.length;
}
