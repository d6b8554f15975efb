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
 *   `from __future__` imports.
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

  const groups = new Map<string, { at: number; indent: string; before: boolean; anchor: number; reqs: ImportRequest[] }>();
  for (const r of missing) {
    const spot = (r.placement === 'torch' && torchSpot(text, bindings)) || topSpot(text, root);
    const key = `${spot.at}|${spot.before}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { ...spot, reqs: [] }));
    g.reqs.push(r);
  }

  const edits: Edit[] = [];
  const added: PlannedImport[] = [];
  for (const g of [...groups.values()].sort((a, b) => a.at - b.at)) {
    g.reqs.sort(compareRequests);
    const lines = g.reqs.map((r) => g.indent + importStatement(r));
    let content: string;
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
  anchor: number;
}

function torchSpot(text: string, bindings: Bindings): Spot | null {
  const live = bindings.moduleImports.filter((s) => !s.typeCheckingOnly);
  // torch_npu already imported: what else goes with it (transfer_to_npu) follows it
  const npu = live.find((s) => s.kind === 'import' && importedModules(s).includes('torch_npu'));
  if (npu && ownsLine(text, npu.node)) {
    return { at: afterLine(text, npu.node.endIndex), indent: indentAt(text, npu.node.startIndex), before: false, anchor: npu.node.startIndex };
  }
  const isTorch = (m: string) => m === 'torch' || m.startsWith('torch.');
  const first = live.find((s) => importedModules(s).some(isTorch));
  if (!first || !ownsLine(text, first.node)) return null;
  const node = first.node;
  const indent = indentAt(text, node.startIndex);
  const loadsNpu = importedModules(first).some((m) => m === 'torch.npu' || m.startsWith('torch.npu.'));
  if (loadsNpu) return { at: lineStartOf(text, node.startIndex), indent, before: true, anchor: node.startIndex };
  return { at: afterLine(text, node.endIndex), indent, before: false, anchor: node.startIndex };
}

function topSpot(text: string, root: SyntaxNode): Spot {
  const stmts = root.namedChildren.filter((c) => c.type !== 'comment');
  let i = 0;
  if (stmts[0]?.type === 'expression_statement' && stmts[0].namedChildCount === 1 && stringLiteral(stmts[0].namedChildren[0])) i++;
  while (stmts[i]?.type === 'future_import_statement') i++;
  let lastImport: SyntaxNode | undefined;
  while (stmts[i] && (stmts[i].type === 'import_statement' || stmts[i].type === 'import_from_statement')) lastImport = stmts[i++];
  if (lastImport && ownsLine(text, lastImport)) {
    return { at: afterLine(text, lastImport.endIndex), indent: '', before: false, anchor: lastImport.startIndex };
  }
  const next = stmts[i];
  if (next && ownsLine(text, next)) {
    return { at: lineStartOf(text, next.startIndex), indent: '', before: true, anchor: next.startIndex };
  }
  const prev = stmts[i - 1];
  if (prev) return { at: afterLine(text, prev.endIndex), indent: '', before: false, anchor: prev.startIndex };
  return { at: text.length, indent: '', before: false, anchor: 0 };
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
