/**
 * inject-torch-npu: `import torch_npu` where the converted code needs it.
 *
 * torch_npu registers the NPU backend (`torch.npu`, `.npu()`, "npu" devices)
 * when it is imported. The pass requests `import torch_npu` in
 * - every file that, after conversion, uses an NPU API (`torch.npu.*`,
 *   `import torch.npu`, `from torch import npu`), calls `.npu()` / reads `.is_npu`,
 *   or holds an NPU device string ("npu", "npu:0", f"npu:{rank}", "npu:{}".format(i));
 * - every entry file that imports torch: a top-level script, with a main guard
 *   (`if __name__ == "__main__":`) or module-level work (`main()`, a training
 *   loop), that no other module of the repository imports (src/python/nodes.ts
 *   `isEntryFile`; the import graph comes from src/runner/project-index.ts).
 *   A library module with a self-test main guard that train.py imports is not
 *   an entry; a script-style trainer without a guard is;
 * - every file with a main guard that imports torch (it may also be run
 *   directly: `python val.py`); `import torch_npu` is harmless on import.
 * Files that merely import torch are left alone, so the review diff stays small
 * (GPU2Ascend adds the import to every file that imports torch).
 *
 * With --transfer-to-npu, entry files also get
 * `from torch_npu.contrib import transfer_to_npu`, the runtime auto-migration
 * import (facts §2.1: `import torch`, `import torch_npu`, then this line, in
 * the entry file). Importing it patches torch for the whole process, hence
 * never in a module that others import, main guard or not.
 *
 * Runs again after every round that applied fixes (`rounds: 'reacts'`), so it
 * sees the text the other passes produced. The importer
 * places the line next to the first module-level torch import, never twice,
 * never under `if TYPE_CHECKING:`.
 */
import type { Pass, PassContext } from '../../src/core/pass';
import type { SyntaxNode } from '../../src/python/parser';
import { hasMainGuard, isDocstring, stringLiteral } from '../../src/python/nodes';
import { TORCH_NPU, TRANSFER_TO_NPU, type ImportRequest } from '../../src/imports/request';

export const injectTorchNpu: Pass = {
  id: 'inject-torch-npu',
  summary: 'import torch_npu in files that use NPU APIs or devices and in entry files (--transfer-to-npu: also transfer_to_npu)',
  levels: ['safe'],
  // It reports in a file that uses NPU APIs or devices or in an entry file
  // that imports torch (`torch` in the text: an entry may have no `__main__`
  // guard). An NPU use is the identifier `npu` or `is_npu`, or a string
  // starting with `npu`: never `npu` right after an ASCII letter or digit
  // (`input`, `inputs`). Code without torch and NPU is never parsed for it.
  triggers: /(?<![A-Za-z0-9])npu|torch/,
  rounds: 'reacts',
  run(ctx) {
    const torch = () => ctx.bindings.importsModule('torch');
    const entry = ctx.isEntry && torch();
    // `import torch_npu` also in a module that others import but that can run as a script
    // (a main guard): harmless when imported, needed when run. transfer_to_npu only in entries.
    const runnable = entry || (hasMainGuard(ctx.root) && torch());
    const imports: ImportRequest[] = [];
    if (runnable || usesNpu(ctx)) imports.push(TORCH_NPU);
    if (entry && ctx.options.transferToNpu) imports.push(TRANSFER_TO_NPU);
    if (imports.length === 0) return;
    ctx.report({
      message: imports.map((r) => (r.name ? `from ${r.module} import ${r.name}` : `import ${r.module}`)).join('; '),
      start: 0,
      end: 0,
      fix: { edits: [], imports, safety: 'safe' },
    });
  },
};

/** Does the file use the NPU backend that torch_npu registers? */
export function usesNpu(ctx: PassContext): boolean {
  const re = /npu/g;
  for (let m = re.exec(ctx.source); m; m = re.exec(ctx.source)) {
    const node = ctx.root.descendantForIndex(m.index, m.index + 3);
    if (node.type === 'identifier' ? identifierUsesNpu(ctx, node) : stringUsesNpu(node)) return true;
  }
  return false;
}

function identifierUsesNpu(ctx: PassContext, node: SyntaxNode): boolean {
  const name = node.text;
  const p = node.parent;
  if (!p) return false;
  // x.npu(), x.is_npu, torch.npu.X / th.npu.X
  if (p.type === 'attribute' && p.childForFieldName('attribute')?.id === node.id) {
    if (name === 'is_npu') return true;
    if (name !== 'npu') return false;
    if (p.parent?.type === 'call' && p.parent.childForFieldName('function')?.id === p.id) return true;
    const obj = p.childForFieldName('object');
    return !!obj && ctx.bindings.qualify(obj) === 'torch';
  }
  // import torch.npu / from torch.npu.amp import ... / from torch import npu
  if (p.type === 'dotted_name' && name === 'npu') {
    const stmt = p.parent?.type === 'aliased_import' ? p.parent.parent : p.parent;
    if (!stmt || !/^import(_from)?_statement$/.test(stmt.type)) return false;
    const full = stmt.type === 'import_from_statement' ? stmt.childForFieldName('module_name')?.text ?? '' : p.text;
    return /^torch\.npu\b/.test(p.text) || /^torch(\.npu\b|$)/.test(full);
  }
  return false;
}

function stringUsesNpu(node: SyntaxNode): boolean {
  const str = node.type === 'string' ? node : node.parent?.type === 'string' ? node.parent : null;
  if (!str) return false;
  const lit = stringLiteral(str);
  if (!lit || lit.isBytes || isDocstring(str)) return false;
  return lit.leadingText === 'npu' || lit.leadingText.startsWith('npu:');
}
