import { parse, syntaxErrors } from '../python/parser';
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

  // An anchor that shares its line: the import goes right after it on that line, so it binds before the rest of the line runs.
  it.each([
    ['import torch; x = y.npu()\n', 'import torch; import torch_npu; x = y.npu()\n'],
    ['import torch; x = 1\ny = t.npu()\n', 'import torch; import torch_npu; x = 1\ny = t.npu()\n'],
    ['import torch; import os\ny = t.npu()\n', 'import torch; import torch_npu; import os\ny = t.npu()\n'],
    ['import torch;\ny = t.npu()\n', 'import torch; import torch_npu;\ny = t.npu()\n'],
    ['import os; import torch  # c\ny = t.npu()\n', 'import os; import torch; import torch_npu  # c\ny = t.npu()\n'],
    ['import torch; \\\n    y = t.npu()\n', 'import torch; import torch_npu; \\\n    y = t.npu()\n'],
    ['try:\n    import torch; y = t.npu()\nexcept ImportError:\n    pass\n', 'try:\n    import torch; import torch_npu; y = t.npu()\nexcept ImportError:\n    pass\n'],
    ['if True: import torch; y = t.npu()\n', 'if True: import torch; import torch_npu; y = t.npu()\n'],
    // the anchor loads torch.npu: before it
    ['import torch.npu; y = t.npu()\n', 'import torch_npu; import torch.npu; y = t.npu()\n'],
  ])('torch anchor sharing its line: %j', (code, want) => {
    const out = addImports(code, [TORCH_NPU]);
    expect(out).toBe(want);
    expect(syntaxErrors(parse(out)).count).toBe(0);
    expect(addImports(out, [TORCH_NPU])).toBe(out); // a second run adds nothing
  });

  it('puts several imports on the shared line in order, and follows an inline torch_npu', () => {
    expect(addImports('import torch; y = t.npu()\n', [TRANSFER_TO_NPU, TORCH_NPU])).toBe(
      'import torch; import torch_npu; from torch_npu.contrib import transfer_to_npu; y = t.npu()\n',
    );
    expect(addImports('import torch_npu; y = t.npu()\n', [TRANSFER_TO_NPU])).toBe(
      'import torch_npu; from torch_npu.contrib import transfer_to_npu; y = t.npu()\n',
    );
  });

  it('keeps own-line placement for a comment after the anchor and for a `\\` continued anchor', () => {
    expect(addImports('import torch  # noqa\ny = t.npu()\n', [TORCH_NPU])).toBe('import torch  # noqa\nimport torch_npu\ny = t.npu()\n');
    expect(addImports('import torch, \\\n    os\ny = t.npu()\n', [TORCH_NPU])).toBe('import torch, \\\n    os\nimport torch_npu\ny = t.npu()\n');
  });

  it('top placement on a shared line: after the last leading import or the docstring on that line, else a line before', () => {
    expect(addImports('import os; x = wrap(m)\n', [HELPER])).toBe('import os; from ascendify_ddp import wrap; x = wrap(m)\n');
    expect(addImports('"""Doc."""; x = os.sep\n', [OS])).toBe('"""Doc."""; import os; x = os.sep\n');
    expect(addImports('x = os.sep; y = 2\n', [OS])).toBe('import os\nx = os.sep; y = 2\n');
  });
});
