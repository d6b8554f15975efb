import * as path from 'node:path';
import { runPassCases } from '../../src/testing/pass-tester';
import { runFixtures } from '../../src/testing/fixtures';
import { injectTorchNpu } from './inject-torch-npu';

runPassCases(injectTorchNpu, {
  valid: [
    // merely imports torch: left alone (GPU2Ascend would add the import here)
    'import torch\nx = torch.zeros(3)\n',
    'import torch.nn as nn\n\nclass M(nn.Module):\n    pass\n',
    // already imported, in any of the forms that load torch_npu
    'import torch\nimport torch_npu\nx = torch.npu.device_count()\n',
    // imported on a shared line counts too
    'import torch; import torch_npu; y = x.npu()\n',
    'import torch  # noqa\nimport torch_npu; y = x.npu()\n',
    'import torch_npu\nimport torch\nx = t.npu()\n',
    'import torch\nimport torch_npu as tnpu\ny = x.npu()\n',
    'import torch\ntry:\n    import torch_npu\nexcept ImportError:\n    torch_npu = None\nd = "npu"\n',
    'import torch\nfrom torch_npu.contrib import transfer_to_npu\n\nif __name__ == "__main__":\n    main()\n',
    // NPU mentioned only in comments, docstrings, log text, bytes, or as an attribute that is not called
    'import torch\n# run on npu:0\nx = 1\n',
    '"""Trains on npu:0 or cuda."""\nimport torch\n',
    'import torch\n\ndef f():\n    print("moving the model to npu")\n    log.info(f"npu count {n}")\n',
    'import torch\nb = b"npu"\n',
    'import torch\nflag = cfg.npu\n',
    // `npu` of another module
    'import torch\nimport mylib\nr = mylib.npu.run()\n',
    // entry files without a runtime torch import
    'if __name__ == "__main__":\n    main()\n',
    'from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import torch\n\nif __name__ == "__main__":\n    main()\n',
    'import numpy as np\n\nif __name__ == "__main__":\n    print(np.zeros(2))\n',
    // a __main__ check inside a function is not an entry point
    'import torch\n\ndef f():\n    if __name__ == "__main__":\n        pass\n',
    // --transfer-to-npu: library files (no entry point) that do not use NPU are left alone
    { code: 'import torch\nx = torch.ones(2)\n', transferToNpu: true },
    // CPU devices and code not yet converted do not use NPU
    'import torch\nx = torch.device("cpu")\n',
    'import torch\nmodel = model.cuda()\n',
    'import torch\nvisible = os.environ.get("ASCEND_RT_VISIBLE_DEVICES")\n',
    // a user function or variable called npu is not the NPU API
    'import torch\n\ndef npu():\n    pass\n\nx = npu()\n',
    'import torch\nnpu = 3\nx = str(npu)\n',
    // transfer_to_npu already loads torch_npu
    'import torch\nfrom torch_npu.contrib import transfer_to_npu\nx = torch.npu.device_count()\n',
    // issue 10, item 13: not entry files. Module-level work, but imported by another module (the runner's import graph says so)
    { code: 'import torch\nmodel = Net()\nfor epoch in range(3):\n    model.train()\n', transferToNpu: true, project: { importedByOthers: true } },
    // a package's __init__.py runs on import; setup.py is a build script
    { code: 'import torch\nregister(torch.nn.Linear)\n', path: 'pkg/__init__.py', transferToNpu: true },
    { code: 'from torch.utils.cpp_extension import BuildExtension\nsetup(name="ops", cmdclass={"build_ext": BuildExtension})\n', path: 'setup.py', transferToNpu: true },
    // library code: definitions and assignments only (a call in an assignment or a function is not module-level work)
    {
      code: 'import logging\nimport torch\nlogger = logging.getLogger(__name__)\nDEVICE = torch.device("cpu")\n\ndef run():\n    main()\n',
      transferToNpu: true,
    },
    { code: 'import torch\nif torch.__version__ >= "2":\n    FAST = True\nelse:\n    FAST = False\n', transferToNpu: true },
    // a script without torch gets nothing
    { code: 'import numpy as np\nfor i in range(3):\n    print(np.zeros(i))\n', transferToNpu: true },
  ],
  invalid: [
    {
      name: 'torch.npu API: after the first torch import',
      code: 'import os\nimport torch\nimport torch.nn as nn\n\nn = torch.npu.device_count()\n',
      output: 'import os\nimport torch\nimport torch_npu\nimport torch.nn as nn\n\nn = torch.npu.device_count()\n',
      changes: ['import torch_npu'],
    },
    {
      name: 'alias import torch as th',
      code: 'import torch as th\nth.npu.synchronize()\n',
      output: 'import torch as th\nimport torch_npu\nth.npu.synchronize()\n',
    },
    {
      name: 'first torch import is a from-import',
      code: 'from torch import nn\n\nx = t.npu()\n',
      output: 'from torch import nn\nimport torch_npu\n\nx = t.npu()\n',
    },
    {
      name: 'is_npu attribute',
      code: 'import torch\nok = x.is_npu\n',
      output: 'import torch\nimport torch_npu\nok = x.is_npu\n',
    },
    {
      name: 'first torch import loads torch.npu: before it',
      code: 'import os\nfrom torch.npu.amp import autocast\nimport torch\n',
      output: 'import os\nimport torch_npu\nfrom torch.npu.amp import autocast\nimport torch\n',
    },
    {
      name: 'import torch.npu',
      code: 'import torch.npu\n',
      output: 'import torch_npu\nimport torch.npu\n',
    },
    {
      name: 'from torch import npu as cuda',
      code: 'import torch\nfrom torch import npu as cuda\n',
      output: 'import torch\nimport torch_npu\nfrom torch import npu as cuda\n',
    },
    {
      name: 'device strings',
      code: 'import torch\nd = torch.device("npu:0")\n',
      output: 'import torch\nimport torch_npu\nd = torch.device("npu:0")\n',
    },
    {
      name: 'device f-string',
      code: "import torch\nd = f'npu:{rank}'\n",
      output: "import torch\nimport torch_npu\nd = f'npu:{rank}'\n",
    },
    {
      name: 'device format string',
      code: 'import torch\nd = "npu:{}".format(i)\n',
      output: 'import torch\nimport torch_npu\nd = "npu:{}".format(i)\n',
    },
    {
      name: 'bare "npu" keyword',
      code: 'import torch\nx = torch.zeros(2, device="npu")\n',
      output: 'import torch\nimport torch_npu\nx = torch.zeros(2, device="npu")\n',
    },
    {
      name: 'entry file that imports torch',
      code: 'import torch\n\n\ndef main():\n    pass\n\n\nif __name__ == "__main__":\n    main()\n',
      output: 'import torch\nimport torch_npu\n\n\ndef main():\n    pass\n\n\nif __name__ == "__main__":\n    main()\n',
    },
    {
      name: "entry file with '__main__' on the left",
      code: "import torch.nn\nif '__main__' == __name__:\n    run()\n",
      output: "import torch.nn\nimport torch_npu\nif '__main__' == __name__:\n    run()\n",
    },
    {
      name: '--transfer-to-npu: entry files also get transfer_to_npu',
      code: 'import torch\n\nif __name__ == "__main__":\n    main()\n',
      output: 'import torch\nimport torch_npu\nfrom torch_npu.contrib import transfer_to_npu\n\nif __name__ == "__main__":\n    main()\n',
      transferToNpu: true,
      changes: ['import torch_npu', 'from torch_npu.contrib import transfer_to_npu'],
    },
    {
      name: '--transfer-to-npu: torch_npu present, transfer_to_npu added once',
      code: 'import torch\nimport torch_npu\n\nif __name__ == "__main__":\n    main()\n',
      output: 'import torch\nimport torch_npu\nfrom torch_npu.contrib import transfer_to_npu\n\nif __name__ == "__main__":\n    main()\n',
      transferToNpu: true,
    },
    {
      name: '--transfer-to-npu: a library file using NPU only gets torch_npu',
      code: 'import torch\ny = x.npu()\n',
      output: 'import torch\nimport torch_npu\ny = x.npu()\n',
      transferToNpu: true,
    },
    // issue 10, item 13: entry files without a main guard (script-style trainers run as `python train.py`)
    {
      name: 'script-style trainer, --transfer-to-npu: both imports after import torch',
      code: 'import torch\nfrom model import Net\n\nmodel = Net()\nopt = torch.optim.SGD(model.parameters(), lr=0.1)\nfor epoch in range(3):\n    opt.step()\n',
      output:
        'import torch\nimport torch_npu\nfrom torch_npu.contrib import transfer_to_npu\nfrom model import Net\n\nmodel = Net()\nopt = torch.optim.SGD(model.parameters(), lr=0.1)\nfor epoch in range(3):\n    opt.step()\n',
      transferToNpu: true,
      changes: ['import torch_npu', 'from torch_npu.contrib import transfer_to_npu'],
    },
    {
      name: 'script-style trainer without --transfer-to-npu: torch_npu only',
      code: 'import torch\nmain()\n',
      output: 'import torch\nimport torch_npu\nmain()\n',
    },
    {
      name: 'module-level work inside try / with blocks',
      code: 'import torch\ntry:\n    main()\nexcept KeyboardInterrupt:\n    pass\n',
      output: 'import torch\nimport torch_npu\nfrom torch_npu.contrib import transfer_to_npu\ntry:\n    main()\nexcept KeyboardInterrupt:\n    pass\n',
      transferToNpu: true,
    },
    {
      name: 'module-level with block',
      code: 'import torch\nwith torch.no_grad():\n    y = model(x)\n',
      output: 'import torch\nimport torch_npu\nwith torch.no_grad():\n    y = model(x)\n',
    },
    {
      name: 'library module with a self-test main guard that another module imports: torch_npu, never transfer_to_npu',
      code: 'import torch\n\nclass Net(torch.nn.Module):\n    pass\n\nif __name__ == "__main__":\n    print(Net())\n',
      output: 'import torch\nimport torch_npu\n\nclass Net(torch.nn.Module):\n    pass\n\nif __name__ == "__main__":\n    print(Net())\n',
      transferToNpu: true,
      project: { importedByOthers: true },
      changes: ['import torch_npu'],
    },
    {
      name: 'main guard, imported by nobody: an entry, as before',
      code: 'import torch\n\nif __name__ == "__main__":\n    main()\n',
      output: 'import torch\nimport torch_npu\nfrom torch_npu.contrib import transfer_to_npu\n\nif __name__ == "__main__":\n    main()\n',
      transferToNpu: true,
      path: 'tools/train.py',
      project: { importedByOthers: false },
    },
    {
      name: 'torch_npu after the torch block anchor, below what must precede torch',
      code: 'import comet_ml  # must be imported before torch\nimport torch\n\nmain()\n',
      output: 'import comet_ml  # must be imported before torch\nimport torch\nimport torch_npu\nfrom torch_npu.contrib import transfer_to_npu\n\nmain()\n',
      transferToNpu: true,
    },
    {
      name: 'torch import inside try: the new import joins it',
      code: 'try:\n    import torch\nexcept ImportError:\n    torch = None\n\ny = x.npu()\n',
      output: 'try:\n    import torch\n    import torch_npu\nexcept ImportError:\n    torch = None\n\ny = x.npu()\n',
    },
    {
      name: 'TYPE_CHECKING imports are never the anchor',
      code: 'from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import torch\nimport torch\ny = x.npu()\n',
      output: 'from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import torch\nimport torch\nimport torch_npu\ny = x.npu()\n',
    },
    {
      name: 'torch_npu under TYPE_CHECKING does not count',
      code: 'from typing import TYPE_CHECKING\nimport torch\nif TYPE_CHECKING:\n    import torch_npu\ny = x.npu()\n',
      output: 'from typing import TYPE_CHECKING\nimport torch\nimport torch_npu\nif TYPE_CHECKING:\n    import torch_npu\ny = x.npu()\n',
    },
    {
      name: 'comment after the anchor import',
      code: 'import torch  # noqa: F401\ny = x.npu()\n',
      output: 'import torch  # noqa: F401\nimport torch_npu\ny = x.npu()\n',
    },
    {
      name: 'multi-line anchor import',
      code: 'from torch import (\n    nn,\n    optim,\n)\ny = x.npu()\n',
      output: 'from torch import (\n    nn,\n    optim,\n)\nimport torch_npu\ny = x.npu()\n',
    },
    {
      name: 'no torch import: after docstring, __future__ and the leading imports',
      code: '#!/usr/bin/env python\n# -*- coding: utf-8 -*-\n"""Helpers."""\nfrom __future__ import annotations\nimport os\n\n\ndef f(x):\n    return x.npu()\n',
      output: '#!/usr/bin/env python\n# -*- coding: utf-8 -*-\n"""Helpers."""\nfrom __future__ import annotations\nimport os\nimport torch_npu\n\n\ndef f(x):\n    return x.npu()\n',
    },
    {
      name: 'no import at all: before the first statement, after the header comments',
      code: '# Copyright header\n"""Doc."""\n\ny = x.npu()\n',
      output: '# Copyright header\n"""Doc."""\n\nimport torch_npu\ny = x.npu()\n',
    },
    {
      name: 'anchor sharing its line with the use: the import binds before it, on that line',
      code: 'import torch; y = x.npu()\n',
      output: 'import torch; import torch_npu; y = x.npu()\n',
    },
    {
      name: 'anchor sharing its line with another import',
      code: 'import torch; import os\ny = x.npu(os.sep)\n',
      output: 'import torch; import torch_npu; import os\ny = x.npu(os.sep)\n',
    },
    {
      name: 'anchor sharing its line, --transfer-to-npu entry file',
      code: 'import torch; y = x.npu()\nif __name__ == "__main__":\n    main()\n',
      output: 'import torch; import torch_npu; from torch_npu.contrib import transfer_to_npu; y = x.npu()\nif __name__ == "__main__":\n    main()\n',
      transferToNpu: true,
    },
    {
      name: 'anchor continued with a backslash: a line of its own after it',
      code: 'import torch, \\\n    os\ny = x.npu()\n',
      output: 'import torch, \\\n    os\nimport torch_npu\ny = x.npu()\n',
    },
    {
      name: 'anchor without trailing newline at end of file',
      code: 'x.npu()\nimport torch',
      output: 'x.npu()\nimport torch\nimport torch_npu',
    },
  ],
});

runFixtures(injectTorchNpu, path.join(__dirname, 'fixtures'));
