import { parse } from '../python/parser';
import { Bindings } from '../python/bindings';
import { applyEdits } from '../core/apply';
import { planImports } from './importer';
import { TORCH_NPU, TRANSFER_TO_NPU, type ImportRequest } from './request';

function addImports(code: string, requests: ImportRequest[]): string {
  const root = parse(code).rootNode;
  const plan = planImports(code, root, new Bindings(root), requests, '\n');
  return applyEdits(code, plan.edits);
}

const OS: ImportRequest = { module: 'os', placement: 'top' };
const HELPER: ImportRequest = { module: 'ascendify_ddp', name: 'wrap', placement: 'top' };

describe('planImports', () => {
  it('adds top imports after the leading import block', () => {
    expect(addImports('"""Doc."""\nimport sys\nimport json\n\nx = 1\n', [OS, HELPER])).toBe(
      '"""Doc."""\nimport sys\nimport json\nimport os\nfrom ascendify_ddp import wrap\n\nx = 1\n',
    );
  });

  it('adds nothing that is already imported', () => {
    expect(addImports('import os\nfrom ascendify_ddp import wrap\n', [OS, HELPER])).toBe('import os\nfrom ascendify_ddp import wrap\n');
  });

  it('does not count `import os as o` or a name imported from elsewhere', () => {
    expect(addImports('import os as o\nfrom other import wrap\n', [OS, HELPER])).toBe(
      'import os as o\nfrom other import wrap\nimport os\nfrom ascendify_ddp import wrap\n',
    );
  });

  it('dedupes repeated requests and orders `import` before `from`', () => {
    expect(addImports('import torch\n', [TRANSFER_TO_NPU, TORCH_NPU, TORCH_NPU])).toBe(
      'import torch\nimport torch_npu\nfrom torch_npu.contrib import transfer_to_npu\n',
    );
  });

  it('keeps from __future__ first and the shebang on line 1', () => {
    expect(addImports('#!/usr/bin/env python\nfrom __future__ import annotations\n\nx = 1\n', [OS])).toBe(
      '#!/usr/bin/env python\nfrom __future__ import annotations\n\nimport os\nx = 1\n',
    );
  });

  it('handles an empty file and a file of comments', () => {
    expect(addImports('', [OS])).toBe('import os\n');
    expect(addImports('# only a comment', [OS])).toBe('# only a comment\nimport os');
  });

  it('does not anchor on an import that shares its line with another statement', () => {
    expect(addImports('import torch; x = 1\ny = t.npu()\n', [TORCH_NPU])).toBe('import torch; x = 1\nimport torch_npu\ny = t.npu()\n');
  });
});
