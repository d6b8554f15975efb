/**
 * Import requests: passes ask for imports, the importer adds them once.
 */

export interface ImportRequest {
  /** `import torch_npu` → module 'torch_npu'; `from a.b import c` → module 'a.b', name 'c'. */
  module: string;
  name?: string;
  /**
   * Where the statement goes:
   * - 'torch': next to the first module-level torch import (torch_npu must be loaded before torch.npu is used);
   * - 'top': at the end of the file's leading import block.
   */
  placement: 'torch' | 'top';
  /**
   * The import is wanted for its side effect only (`import torch_npu` registers the NPU
   * backend): any import of the module or of a submodule satisfies it.
   */
  sideEffect?: boolean;
}

export const TORCH_NPU: ImportRequest = { module: 'torch_npu', placement: 'torch', sideEffect: true };
export const TRANSFER_TO_NPU: ImportRequest = { module: 'torch_npu.contrib', name: 'transfer_to_npu', placement: 'torch' };

export function importStatement(r: ImportRequest): string {
  return r.name ? `from ${r.module} import ${r.name}` : `import ${r.module}`;
}

export function requestKey(r: ImportRequest): string {
  return `${r.placement}|${importStatement(r)}`;
}

/** Stable order: `import x` before `from x import y`, then by text. */
export function compareRequests(a: ImportRequest, b: ImportRequest): number {
  const ka = (a.name ? '1' : '0') + importStatement(a);
  const kb = (b.name ? '1' : '0') + importStatement(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}
