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
  // Issue 10, item 3: a requested import loads torch itself (the DDP helper, torch.nn.parallel), so it never
  // goes above a statement that precedes the first torch import on purpose.
  const DDP: ImportRequest = { module: 'torch.nn.parallel', name: 'DistributedDataParallel', placement: 'top' };
  it.each([
    [
      'import comet_ml  # must be imported before torch\ncomet_ml.init()\nimport torch\nimport torch.nn as nn\n\nm = wrap(m)\n',
      'import comet_ml  # must be imported before torch\ncomet_ml.init()\nimport torch\nimport torch.nn as nn\nfrom ascendify_ddp import wrap\n\nm = wrap(m)\n',
    ],
    [
      'import os\nos.environ["CUDA_VISIBLE_DEVICES"] = "0"\nimport torch\n\nm = wrap(m)\n',
      'import os\nos.environ["CUDA_VISIBLE_DEVICES"] = "0"\nimport torch\nfrom ascendify_ddp import wrap\n\nm = wrap(m)\n',
    ],
    // no leading import: the environment is set first, then torch
    [
      '"""Doc."""\nos.environ.setdefault("X", "1")\nfrom torch import nn\nx = 1\n',
      '"""Doc."""\nos.environ.setdefault("X", "1")\nfrom torch import nn\nfrom ascendify_ddp import wrap\nx = 1\n',
    ],
    // the block after torch runs to its last import, torch_npu included
    [
      'import os\nos.environ["A"] = "1"\nimport torch\nimport torch_npu\nimport numpy as np\n\nx = 1\n',
      'import os\nos.environ["A"] = "1"\nimport torch\nimport torch_npu\nimport numpy as np\nfrom ascendify_ddp import wrap\n\nx = 1\n',
    ],
    // torch imported in a module-level try: after the whole statement, at module level
    [
      'import os\nos.environ["A"] = "1"\ntry:\n    import torch\nexcept ImportError:\n    torch = None\nx = 1\n',
      'import os\nos.environ["A"] = "1"\ntry:\n    import torch\nexcept ImportError:\n    torch = None\nfrom ascendify_ddp import wrap\nx = 1\n',
    ],
    // the anchor shares its line: on that line, after it
    ['import os\nos.environ["A"] = "1"\nimport torch; m = wrap(m)\n', 'import os\nos.environ["A"] = "1"\nimport torch; from ascendify_ddp import wrap; m = wrap(m)\n'],
  ])('top placement never lands above what precedes torch: %j', (code, want) => {
    const out = addImports(code, [HELPER]);
    expect(out).toBe(want);
    expect(syntaxErrors(parse(out)).count).toBe(0);
    expect(addImports(out, [HELPER])).toBe(out);
  });

  it.each([
    // torch in the leading block: the end of that block, as before (after numpy, not right after torch)
    ['import torch\nimport numpy as np\n\nx = 1\n', 'import torch\nimport numpy as np\nfrom ascendify_ddp import wrap\n\nx = 1\n'],
    // a later torch import after code does not pull the import down below that code
    ['import torch\nx = wrap(m)\nimport torch.distributed as dist\n', 'import torch\nfrom ascendify_ddp import wrap\nx = wrap(m)\nimport torch.distributed as dist\n'],
    // torch imported only in a function or under TYPE_CHECKING is no anchor
    ['import os\nos.environ["A"] = "1"\n\ndef f():\n    import torch\n', 'import os\nfrom ascendify_ddp import wrap\nos.environ["A"] = "1"\n\ndef f():\n    import torch\n'],
    [
      'from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import torch\nx = 1\n',
      'from typing import TYPE_CHECKING\nfrom ascendify_ddp import wrap\nif TYPE_CHECKING:\n    import torch\nx = 1\n',
    ],
    // keeps docstring, __future__ and shebang rules
    [
      '#!/usr/bin/env python\n"""Doc."""\nfrom __future__ import annotations\nimport torch\n',
      '#!/usr/bin/env python\n"""Doc."""\nfrom __future__ import annotations\nimport torch\nfrom ascendify_ddp import wrap\n',
    ],
  ])('top placement otherwise unchanged: %j', (code, want) => {
    expect(addImports(code, [HELPER])).toBe(want);
  });

  it('torch_npu goes right after the first torch import, the DDP import after the torch block (facts §1.7, §2.1)', () => {
    const code = 'import comet_ml\ncomet_ml.init()\nimport torch\nimport torch.nn as nn\nx = 1\n';
    expect(addImports(code, [TORCH_NPU, TRANSFER_TO_NPU, DDP])).toBe(
      'import comet_ml\ncomet_ml.init()\nimport torch\nimport torch_npu\nfrom torch_npu.contrib import transfer_to_npu\nimport torch.nn as nn\nfrom torch.nn.parallel import DistributedDataParallel\nx = 1\n',
    );
  });
});
