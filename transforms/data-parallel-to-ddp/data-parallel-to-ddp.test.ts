import * as path from 'node:path';
import { runPassCases, convertWith } from '../../src/testing/pass-tester';
import { runFixtures } from '../../src/testing/fixtures';
import { convertSource } from '../../src/core/pipeline';
import { cudaApiToNpu } from '../cuda-api-to-npu/cuda-api-to-npu';
import { dataParallelToDdp } from './data-parallel-to-ddp';
import { HELPER_PATH, HELPER_SOURCE } from './ascendify-ddp';

const CALL = 'torch.nn.DataParallel → DistributedDataParallel (ascendify_ddp.to_ddp)';
const LAUNCH = '[manual] DistributedDataParallel (ascendify_ddp.to_ddp): launch with torchrun';
const IMPORT = 'from ascendify_ddp import to_ddp';

runPassCases(dataParallelToDdp, {
  valid: [
    // submodules wrapped in other things than DataParallel (issue 10 item 2: near misses)
    'import torch.nn as nn\nmodel.features = nn.Sequential(model.features)\nmodel.cuda()\n',
    'import torch.nn as nn\n\n\nclass Net(nn.Module):\n    def __init__(self, encoder):\n        super().__init__()\n        self.encoder = nn.Sequential(encoder)\n',
    'import torch.nn as nn\n# model.features = nn.DataParallel(model.features)\nmodel.cuda()\n',
    'import torch.nn as nn\n\n\nclass Net(nn.Module):\n    """self.encoder = nn.DataParallel(self.encoder) is not done here."""\n',
    'import torch.nn as nn\nhelp_text = "wrap model.features with nn.DataParallel(model.features)"\n',
    'import torch.nn as nn\n\n\nclass Net(nn.Module):\n    def __init__(self, DataParallel):\n        super().__init__()\n        self.encoder = DataParallel(self.encoder)\n',
    // comments, docstrings, log / print / help text, configuration strings
    'import torch.nn as nn\n# model = nn.DataParallel(model)\nmodel = nn.Linear(2, 2)\n',
    '"""Wraps the model in torch.nn.DataParallel when several GPUs are visible."""\nimport torch\n',
    'import logging\nimport torch\nlogging.warning("DP not recommended, use torch.distributed.run: nn.DataParallel(model)")\n',
    'import torch.nn as nn\nprint(f"wrapping {name} in nn.DataParallel")\n',
    'import argparse\nimport torch\np = argparse.ArgumentParser()\np.add_argument("--dp", action="store_true", help="use torch.nn.DataParallel")\n',
    'cfg = {"wrapper": "torch.nn.DataParallel"}\n',
    // a user's own DataParallel, a parameter named nn, an alias rebound in a function
    'class DataParallel:\n    def __init__(self, m):\n        self.module = m\n\n\nmodel = DataParallel(model)\n',
    'import torch.nn as nn\n\n\ndef wrap(nn, model):\n    return nn.DataParallel(model)\n',
    'from torch.nn.parallel import DataParallel as DP\n\n\ndef f(DP, model):\n    return DP(model)\n',
    'import mylib.nn as nn\nmodel = nn.DataParallel(model)\n',
    'import torch\nwrapped = parallel_utils.DataParallel(model)\n',
    // other libraries' look-alikes
    'from torch_geometric.nn import DataParallel\nmodel = DataParallel(model)\n',
    'from mmcv.parallel import MMDataParallel\nmodel = MMDataParallel(model, device_ids=[0])\n',
    'import paddle\nmodel = paddle.DataParallel(model)\n',
    'from apex.parallel import DistributedDataParallel as DDP\nmodel = DDP(model)\n',
    // already DDP, checks that already accept both wrappers (yolov5 is_parallel)
    'import os\nimport torch\nlocal_rank = int(os.environ["LOCAL_RANK"])\nmodel = torch.nn.parallel.DistributedDataParallel(model, device_ids=[local_rank])\n',
    'import torch.nn as nn\n\n\ndef is_parallel(model):\n    return type(model) in (nn.parallel.DataParallel, nn.parallel.DistributedDataParallel)\n',
    'import torch.nn as nn\nfrom torch.nn.parallel import DistributedDataParallel as DDP\nok = isinstance(m, (nn.DataParallel, DDP))\n',
    'import torch.nn as nn\nif type(m) not in (nn.DataParallel, nn.parallel.DistributedDataParallel):\n    pass\n',
    'import torch\nmodel = model.module if hasattr(model, "module") else model\n',
    // annotations have no run-time effect; an unused import is left as it is
    'import torch.nn as nn\n\n\ndef unwrap(m: nn.DataParallel) -> nn.Module:\n    return m.module\n',
    'from torch.nn.parallel import DataParallel\n',
    // a to_ddp that is not the helper: defined here, or possibly from a star import
    'def to_ddp(m):\n    return m\n\n\nmodel = to_ddp(model)\n',
    'from utils import *\nmodel = to_ddp(model)\n',
    'import utils\nmodel = utils.to_ddp(model)\nmodel.to_ddp = True\nname = "to_ddp"\n',
    'import ascendify_ddp\n',
    // more text, keys and names that only look like DataParallel
    'import torch.nn as nn\nb = b"nn.DataParallel(model)"\n',
    'from torch.nn.parallel import DataParallel as DP\nprint("DP(model) is not used")  # DP(model)\n',
    'import torch.nn as nn\nlogger.info(f"{model} wrapped in nn.DataParallel over {n} GPUs")\n',
    'import torch\nopts = {"DataParallel": True}\nbuild(DataParallel=True)\n__all__ = ["DataParallel"]\n',
    'import torch.nn as nn\nok = hasattr(nn, "DataParallel")\nwrapper = getattr(nn, "DataParallel")\n',
    'import torch.nn as nn\n\n\ndef f(m):\n    """Unwraps an nn.DataParallel."""\n    return m.module\n',
    'import torch\n\n\nclass C:\n    DataParallel = None\n\n    def wrap(self, m):\n        return self.DataParallel(m)\n',
    'from torch.nn import DataParallel\n\n\ndef f(m):\n    DataParallel = MyWrapper\n    return DataParallel(m)\n',
    'from mmcv.parallel import MMDistributedDataParallel\nmodel = MMDistributedDataParallel(model)\n',
    // DistributedDataParallel is not DataParallel
    'import torch.nn as nn\n\n\nclass MyDDP(nn.parallel.DistributedDataParallel):\n    pass\n',
    'import torch.nn as nn\nok = isinstance(m, nn.parallel.DistributedDataParallel)\n',
    'import torch.nn.parallel as par\nmodel = par.DistributedDataParallel(model, device_ids=[rank])\n',
    'from torch.nn.parallel import DistributedDataParallel\nmodel = DistributedDataParallel(model)\n',
    // more annotations
    'import torch.nn as nn\n\n\ndef f(m: "nn.DataParallel"):\n    return m\n',
    'from typing import Optional\nimport torch.nn as nn\n\n\nclass T:\n    def __init__(self):\n        self.model: Optional[nn.DataParallel] = None\n',
    'from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from torch.nn import DataParallel\n\n\ndef f(m: "DataParallel") -> None:\n    pass\n',
  ],
  invalid: [
    {
      // issue 10, item 3: the helper loads torch; it goes after the torch import block, never above what precedes torch
      name: 'helper import below statements that must run before torch (comet_ml, os.environ)',
      code: 'import comet_ml  # must be imported before torch\nimport os\nos.environ["CUDA_VISIBLE_DEVICES"] = "0,1"\nimport torch\nimport torch.nn as nn\n\nmodel = nn.DataParallel(model)\n',
      output: 'import comet_ml  # must be imported before torch\nimport os\nos.environ["CUDA_VISIBLE_DEVICES"] = "0,1"\nimport torch\nimport torch.nn as nn\nfrom ascendify_ddp import to_ddp\n\nmodel = to_ddp(model)\n',
      changes: [IMPORT, CALL],
      manual: [LAUNCH],
    },
    {
      name: 'nn.DataParallel: callee replaced, helper imported, launch note',
      code: 'import torch.nn as nn\n\nmodel = nn.DataParallel(model)\n',
      output: 'import torch.nn as nn\nfrom ascendify_ddp import to_ddp\n\nmodel = to_ddp(model)\n',
      changes: [IMPORT, CALL],
      manual: [LAUNCH],
    },
    {
      name: 'torch.nn.DataParallel with device_ids and output_device: arguments kept',
      code: 'import torch\nmodel = torch.nn.DataParallel(model, device_ids=[0, 1], output_device=0)\n',
      output: 'import torch\nfrom ascendify_ddp import to_ddp\nmodel = to_ddp(model, device_ids=[0, 1], output_device=0)\n',
      changes: [IMPORT, CALL],
      manual: [LAUNCH],
    },
    {
      name: 'from torch.nn.parallel import DataParallel as DP',
      code: 'from torch.nn.parallel import DataParallel as DP\nnet = DP(net)\n',
      output: 'from torch.nn.parallel import DataParallel as DP\nfrom ascendify_ddp import to_ddp\nnet = to_ddp(net)\n',
      changes: [IMPORT, 'torch.nn.parallel.DataParallel → DistributedDataParallel (ascendify_ddp.to_ddp)'],
      manual: [LAUNCH],
    },
    {
      name: 'import torch as th, chained .cuda() kept',
      code: 'import torch as th\nnet = th.nn.DataParallel(net).cuda()\n',
      output: 'import torch as th\nfrom ascendify_ddp import to_ddp\nnet = to_ddp(net).cuda()\n',
      manual: [LAUNCH],
    },
    {
      name: 'from torch import nn, positional device_ids',
      code: 'from torch import nn\nmodel = nn.DataParallel(model, [0, 1])\n',
      output: 'from torch import nn\nfrom ascendify_ddp import to_ddp\nmodel = to_ddp(model, [0, 1])\n',
      manual: [LAUNCH],
    },
    {
      name: 'from torch.nn import DataParallel, keyword module=',
      code: 'from torch.nn import DataParallel\nmodel = DataParallel(module=model, device_ids=gpus)\n',
      output: 'from torch.nn import DataParallel\nfrom ascendify_ddp import to_ddp\nmodel = to_ddp(module=model, device_ids=gpus)\n',
      manual: [LAUNCH],
    },
    {
      name: 'from torch.nn.parallel.data_parallel import DataParallel',
      code: 'from torch.nn.parallel.data_parallel import DataParallel\nmodel = DataParallel(model)\n',
      output: 'from torch.nn.parallel.data_parallel import DataParallel\nfrom ascendify_ddp import to_ddp\nmodel = to_ddp(model)\n',
      changes: [IMPORT, 'torch.nn.parallel.data_parallel.DataParallel → DistributedDataParallel (ascendify_ddp.to_ddp)'],
      manual: [LAUNCH],
    },
    {
      name: 'inside a method',
      code: 'import torch.nn as nn\n\n\nclass Trainer:\n    def __init__(self, model, gpus):\n        self.model = nn.DataParallel(model, device_ids=gpus)\n',
      output:
        'import torch.nn as nn\nfrom ascendify_ddp import to_ddp\n\n\nclass Trainer:\n    def __init__(self, model, gpus):\n        self.model = to_ddp(model, device_ids=gpus)\n',
      manual: [LAUNCH],
    },
    {
      name: 'conditional expression',
      code: 'import torch.nn as nn\nmodel = nn.DataParallel(model) if n_gpu > 1 else model\n',
      output: 'import torch.nn as nn\nfrom ascendify_ddp import to_ddp\nmodel = to_ddp(model) if n_gpu > 1 else model\n',
      manual: [LAUNCH],
    },
    {
      name: 'nested calls and list(range(n))',
      code: 'import torch.nn as nn\nmodel = nn.DataParallel(build(cfg).cuda(), device_ids=list(range(4)))\n',
      output: 'import torch.nn as nn\nfrom ascendify_ddp import to_ddp\nmodel = to_ddp(build(cfg).cuda(), device_ids=list(range(4)))\n',
      manual: [LAUNCH],
    },
    {
      name: 'multi-line call with a comment',
      code: 'import torch.nn as nn\nmodel = nn.DataParallel(\n    model,  # wrap for several GPUs\n    device_ids=[0, 1],\n)\n',
      output: 'import torch.nn as nn\nfrom ascendify_ddp import to_ddp\nmodel = to_ddp(\n    model,  # wrap for several GPUs\n    device_ids=[0, 1],\n)\n',
      manual: [LAUNCH],
    },
    {
      name: '**kwargs: to_ddp takes the arguments of DataParallel',
      code: 'import torch.nn as nn\nmodel = nn.DataParallel(model, **dp_kwargs)\n',
      output: 'import torch.nn as nn\nfrom ascendify_ddp import to_ddp\nmodel = to_ddp(model, **dp_kwargs)\n',
      manual: [LAUNCH],
    },
    {
      name: 'parenthesised callee',
      code: 'import torch.nn as nn\nmodel = (nn.DataParallel)(model)\n',
      output: 'import torch.nn as nn\nfrom ascendify_ddp import to_ddp\nmodel = (to_ddp)(model)\n',
      manual: [LAUNCH],
    },
    {
      name: 'lambda',
      code: 'import torch.nn as nn\nwrap = lambda m: nn.DataParallel(m)\n',
      output: 'import torch.nn as nn\nfrom ascendify_ddp import to_ddp\nwrap = lambda m: to_ddp(m)\n',
      manual: [LAUNCH],
    },
    {
      name: 'yolov5 pattern: DP under a device-count guard, log text untouched',
      code:
        'import torch\n\ncuda = device.type != "cpu"\nif cuda and RANK == -1 and torch.cuda.device_count() > 1:\n' +
        '    LOGGER.warning("WARNING: DP not recommended, use torch.distributed.run for best DDP Multi-GPU results.")\n' +
        '    model = torch.nn.DataParallel(model)\n',
      output:
        'import torch\nfrom ascendify_ddp import to_ddp\n\ncuda = device.type != "cpu"\nif cuda and RANK == -1 and torch.cuda.device_count() > 1:\n' +
        '    LOGGER.warning("WARNING: DP not recommended, use torch.distributed.run for best DDP Multi-GPU results.")\n' +
        '    model = to_ddp(model)\n',
      manual: [LAUNCH],
    },
    {
      name: 'yolov5 pattern together with cuda-api-to-npu',
      code: 'import torch\nif RANK == -1 and torch.cuda.device_count() > 1:\n    model = torch.nn.DataParallel(model)\n',
      output: 'import torch\nfrom ascendify_ddp import to_ddp\nif RANK == -1 and torch.npu.device_count() > 1:\n    model = to_ddp(model)\n',
      changes: [IMPORT, 'torch.cuda.device_count → torch.npu.device_count', CALL],
      manual: [LAUNCH],
      passes: [cudaApiToNpu, dataParallelToDdp],
    },
    {
      name: 'helper already imported: no second import',
      code: 'from ascendify_ddp import to_ddp\nimport torch.nn as nn\nmodel = nn.DataParallel(model)\n',
      output: 'from ascendify_ddp import to_ddp\nimport torch.nn as nn\nmodel = to_ddp(model)\n',
      changes: [CALL],
      manual: [LAUNCH],
    },
    {
      name: 'the file defines its own to_ddp: the module is imported instead',
      code: 'import torch.nn as nn\n\n\ndef to_ddp(m):\n    return m\n\n\nmodel = nn.DataParallel(model)\n',
      output: 'import torch.nn as nn\nimport ascendify_ddp\n\n\ndef to_ddp(m):\n    return m\n\n\nmodel = ascendify_ddp.to_ddp(model)\n',
      changes: ['import ascendify_ddp', CALL],
      manual: [LAUNCH],
    },
    {
      name: 'both helper names taken: reported',
      code: 'import torch.nn as nn\n\nascendify_ddp = None\n\n\ndef to_ddp(m):\n    return m\n\n\nmodel = nn.DataParallel(model)\n',
      output: 'import torch.nn as nn\n\nascendify_ddp = None\n\n\ndef to_ddp(m):\n    return m\n\n\nmodel = nn.DataParallel(model)\n',
      manual: ['[manual] torch.nn.DataParallel(...) not converted: to_ddp and ascendify_ddp are names of this file'],
    },
    {
      name: 'to_ddp is a parameter where the call is',
      code: 'import torch.nn as nn\n\n\ndef build(model, to_ddp=False):\n    if to_ddp:\n        model = nn.DataParallel(model)\n    return model\n',
      output:
        'import torch.nn as nn\nimport ascendify_ddp\n\n\ndef build(model, to_ddp=False):\n    if to_ddp:\n        model = ascendify_ddp.to_ddp(model)\n    return model\n',
      manual: [LAUNCH],
    },
    {
      name: 'imported inside a function: the helper import goes to the top',
      code: 'def main():\n    from torch.nn import DataParallel\n    model = DataParallel(model)\n',
      output: 'from ascendify_ddp import to_ddp\ndef main():\n    from torch.nn import DataParallel\n    model = to_ddp(model)\n',
      manual: [LAUNCH],
    },
    {
      name: 'already converted: only the launch note',
      code: 'from ascendify_ddp import to_ddp\nmodel = to_ddp(model, device_ids=[0, 1])\n',
      output: 'from ascendify_ddp import to_ddp\nmodel = to_ddp(model, device_ids=[0, 1])\n',
      manual: [LAUNCH],
    },

    // checks for the wrapper accept DistributedDataParallel too
    {
      name: 'isinstance(m, nn.DataParallel)',
      code: 'import torch.nn as nn\nif isinstance(model, nn.DataParallel):\n    model = model.module\n',
      output: 'import torch.nn as nn\nif isinstance(model, (nn.DataParallel, nn.parallel.DistributedDataParallel)):\n    model = model.module\n',
      changes: ['isinstance(…, torch.nn.DataParallel) → isinstance(…, (DataParallel, DistributedDataParallel))'],
    },
    {
      name: 'isinstance with a bare alias: DDP spelled through the torch import',
      code: 'import torch\nfrom torch.nn.parallel import DataParallel as DP\nok = isinstance(m, DP)\n',
      output: 'import torch\nfrom torch.nn.parallel import DataParallel as DP\nok = isinstance(m, (DP, torch.nn.parallel.DistributedDataParallel))\n',
    },
    {
      name: 'isinstance with a bare name and no torch import: DDP imported',
      code: 'from torch.nn import DataParallel\n\n\ndef unwrap(m):\n    return m.module if isinstance(m, DataParallel) else m\n',
      output:
        'from torch.nn import DataParallel\nfrom torch.nn.parallel import DistributedDataParallel\n\n\ndef unwrap(m):\n    return m.module if isinstance(m, (DataParallel, DistributedDataParallel)) else m\n',
      changes: ['from torch.nn.parallel import DistributedDataParallel', 'isinstance(…, torch.nn.DataParallel) → isinstance(…, (DataParallel, DistributedDataParallel))'],
    },
    {
      name: 'isinstance with a bare alias: the file’s DDP alias is used',
      code: 'from torch.nn.parallel import DataParallel as DP, DistributedDataParallel as DDP\nok = isinstance(m, DP)\n',
      output: 'from torch.nn.parallel import DataParallel as DP, DistributedDataParallel as DDP\nok = isinstance(m, (DP, DDP))\n',
    },
    {
      name: 'isinstance with a tuple: DDP added after DataParallel',
      code: 'import torch.nn as nn\nok = isinstance(m, (nn.DataParallel, MyWrapper))\n',
      output: 'import torch.nn as nn\nok = isinstance(m, (nn.DataParallel, nn.parallel.DistributedDataParallel, MyWrapper))\n',
      changes: ['isinstance(…, (…, torch.nn.DataParallel, …)): DistributedDataParallel added'],
    },
    {
      name: 'two spellings of DataParallel in one tuple: DDP added once',
      code: 'import torch.nn as nn\nfrom torch.nn.parallel import DataParallel as DP\nok = isinstance(m, (nn.DataParallel, (DP,)))\n',
      output: 'import torch.nn as nn\nfrom torch.nn.parallel import DataParallel as DP\nok = isinstance(m, (nn.DataParallel, nn.parallel.DistributedDataParallel, (DP,)))\n',
      changes: ['isinstance(…, (…, torch.nn.DataParallel, …)): DistributedDataParallel added'],
    },
    {
      name: 'issubclass through torch',
      code: 'import torch\nok = issubclass(type(m), torch.nn.DataParallel)\n',
      output: 'import torch\nok = issubclass(type(m), (torch.nn.DataParallel, torch.nn.parallel.DistributedDataParallel))\n',
    },
    {
      name: 'type(m) is nn.DataParallel',
      code: 'import torch.nn as nn\nif type(m) is nn.DataParallel:\n    m = m.module\n',
      output: 'import torch.nn as nn\nif type(m) in (nn.DataParallel, nn.parallel.DistributedDataParallel):\n    m = m.module\n',
      changes: ['`is torch.nn.DataParallel` → `in (DataParallel, DistributedDataParallel)`'],
    },
    {
      name: 'type(m) is not nn.parallel.DataParallel',
      code: 'import torch.nn as nn\nplain = type(m) is not nn.parallel.DataParallel\n',
      output: 'import torch.nn as nn\nplain = type(m) not in (nn.parallel.DataParallel, nn.parallel.DistributedDataParallel)\n',
    },
    {
      name: 'm.__class__ == DataParallel and != DataParallel',
      code: 'from torch import nn\na = m.__class__ == nn.DataParallel\nb = m.__class__ != nn.DataParallel\n',
      output:
        'from torch import nn\na = m.__class__ in (nn.DataParallel, nn.parallel.DistributedDataParallel)\nb = m.__class__ not in (nn.DataParallel, nn.parallel.DistributedDataParallel)\n',
    },
    {
      name: 'type(m) in a list without DDP',
      code: 'import torch.nn as nn\nok = type(m) in [nn.DataParallel]\n',
      output: 'import torch.nn as nn\nok = type(m) in [nn.DataParallel, nn.parallel.DistributedDataParallel]\n',
      changes: ['`in (…, torch.nn.DataParallel, …)`: DistributedDataParallel added'],
    },
    {
      name: 'check and call in one file',
      code:
        'import torch.nn as nn\n\n\ndef setup(model):\n    if not isinstance(model, nn.DataParallel):\n        model = nn.DataParallel(model)\n    return model\n',
      output:
        'import torch.nn as nn\nfrom ascendify_ddp import to_ddp\n\n\ndef setup(model):\n    if not isinstance(model, (nn.DataParallel, nn.parallel.DistributedDataParallel)):\n        model = to_ddp(model)\n    return model\n',
      manual: [LAUNCH],
    },

    // reported, not converted
    {
      name: 'DataParallel subclass',
      code: 'import torch.nn as nn\n\n\nclass MyDataParallel(nn.DataParallel):\n    def gather(self, outputs, device):\n        return outputs\n',
      output: 'import torch.nn as nn\n\n\nclass MyDataParallel(nn.DataParallel):\n    def gather(self, outputs, device):\n        return outputs\n',
      manual: ['[manual] class MyDataParallel(torch.nn.DataParallel): DataParallel subclass'],
    },
    {
      name: 'DataParallel used as a value',
      code: 'import functools\nimport torch.nn as nn\nwrap = functools.partial(nn.DataParallel, device_ids=[0, 1])\n',
      output: 'import functools\nimport torch.nn as nn\nwrap = functools.partial(nn.DataParallel, device_ids=[0, 1])\n',
      manual: ['[manual] torch.nn.DataParallel used as a value'],
    },
    {
      name: 'a check with DataParallel on the left',
      code: 'import torch.nn as nn\nok = nn.DataParallel is type(m)\n',
      output: 'import torch.nn as nn\nok = nn.DataParallel is type(m)\n',
      manual: ['[manual] torch.nn.DataParallel used as a value'],
    },
    {
      name: 'a check where the name DistributedDataParallel is taken and torch is not imported',
      code: 'from torch.nn import DataParallel\nfrom mylib import DistributedDataParallel\nok = isinstance(m, DataParallel)\n',
      output: 'from torch.nn import DataParallel\nfrom mylib import DistributedDataParallel\nok = isinstance(m, DataParallel)\n',
      manual: ['[manual] check for torch.nn.DataParallel does not accept DistributedDataParallel'],
    },
    {
      name: 'functional data_parallel',
      code: 'import torch\nout = torch.nn.parallel.data_parallel(model, x, device_ids=[0, 1])\n',
      output: 'import torch\nout = torch.nn.parallel.data_parallel(model, x, device_ids=[0, 1])\n',
      manual: ['[manual] torch.nn.parallel.data_parallel has no NPU form'],
    },
    {
      name: 'functional data_parallel, imported',
      code: 'from torch.nn.parallel import data_parallel\nout = data_parallel(model, x)\n',
      output: 'from torch.nn.parallel import data_parallel\nout = data_parallel(model, x)\n',
      manual: ['[manual] torch.nn.parallel.data_parallel has no NPU form'],
    },
    // issue 10 item 2: DataParallel around a submodule
    {
      name: 'ImageNet: model.features wrapped, model trained → manual',
      code:
        'import torch\nmodel = models.__dict__[args.arch]()\nmodel.features = torch.nn.DataParallel(model.features)\nmodel.cuda()\noptimizer = torch.optim.SGD(model.parameters(), lr=0.1)\n',
      output:
        'import torch\nmodel = models.__dict__[args.arch]()\nmodel.features = torch.nn.DataParallel(model.features)\nmodel.cuda()\noptimizer = torch.optim.SGD(model.parameters(), lr=0.1)\n',
      manual: ['[manual] torch.nn.DataParallel(model.features): wraps a submodule, not the model being trained'],
    },
    {
      name: 'submodule of a model that is called, alias DP, chained .cuda()',
      code: 'from torch.nn.parallel import DataParallel as DP\nnet.backbone = DP(net.backbone).cuda()\nout = net(x)\n',
      output: 'from torch.nn.parallel import DataParallel as DP\nnet.backbone = DP(net.backbone).cuda()\nout = net(x)\n',
      manual: ['[manual] torch.nn.parallel.DataParallel(net.backbone): wraps a submodule, not the model being trained'],
    },
    {
      name: 'submodule given as module= keyword',
      code: 'from torch import nn\nmodel.encoder = nn.DataParallel(module=model.encoder, device_ids=[0, 1])\nparams = model.named_parameters()\n',
      output: 'from torch import nn\nmodel.encoder = nn.DataParallel(module=model.encoder, device_ids=[0, 1])\nparams = model.named_parameters()\n',
      manual: ['[manual] torch.nn.DataParallel(model.encoder): wraps a submodule, not the model being trained'],
    },
    {
      name: 'self.encoder in an nn.Module __init__ → manual',
      code:
        'import torch.nn as nn\n\n\nclass Net(nn.Module):\n    def __init__(self, encoder):\n        super().__init__()\n        self.encoder = encoder\n        self.encoder = nn.DataParallel(self.encoder)\n',
      output:
        'import torch.nn as nn\n\n\nclass Net(nn.Module):\n    def __init__(self, encoder):\n        super().__init__()\n        self.encoder = encoder\n        self.encoder = nn.DataParallel(self.encoder)\n',
      manual: ['[manual] torch.nn.DataParallel(self.encoder): wraps a submodule, not the model being trained'],
    },
    {
      name: 'a new wrapper stored into an nn.Module (import torch as th) → manual',
      code:
        'import torch as th\n\n\nclass Net(th.nn.Module):\n    def __init__(self, head):\n        super().__init__()\n        self.head = th.nn.DataParallel(head)\n',
      output:
        'import torch as th\n\n\nclass Net(th.nn.Module):\n    def __init__(self, head):\n        super().__init__()\n        self.head = th.nn.DataParallel(head)\n',
      manual: ['[manual] torch.nn.DataParallel(head): wraps a submodule, not the model being trained'],
    },
    {
      name: 'a submodule of the model a trainer holds (self.model.backbone) → manual',
      code:
        'import torch.nn as nn\n\n\nclass Trainer:\n    def setup(self):\n        self.model.backbone = nn.DataParallel(self.model.backbone)\n        self.opt = make_opt(self.model.parameters())\n',
      output:
        'import torch.nn as nn\n\n\nclass Trainer:\n    def setup(self):\n        self.model.backbone = nn.DataParallel(self.model.backbone)\n        self.opt = make_opt(self.model.parameters())\n',
      manual: ['[manual] torch.nn.DataParallel(self.model.backbone): wraps a submodule, not the model being trained'],
    },
    {
      name: 'a class with forward and an imported base is a module',
      code:
        'from torch.nn import DataParallel\nfrom lib import Base\n\n\nclass Net(Base):\n    def build(self):\n        self.blocks[0] = DataParallel(self.blocks[0])\n\n    def forward(self, x):\n        return self.blocks(x)\n',
      output:
        'from torch.nn import DataParallel\nfrom lib import Base\n\n\nclass Net(Base):\n    def build(self):\n        self.blocks[0] = DataParallel(self.blocks[0])\n\n    def forward(self, x):\n        return self.blocks(x)\n',
      manual: ['[manual] torch.nn.DataParallel(self.blocks[0]): wraps a submodule, not the model being trained'],
    },
    {
      name: 'a class derived from a local nn.Module subclass',
      code:
        'import torch.nn as nn\n\n\nclass Base(nn.Module):\n    pass\n\n\nclass Net(Base):\n    def setup(self):\n        self.encoder = nn.DataParallel(self.encoder)\n',
      output:
        'import torch.nn as nn\n\n\nclass Base(nn.Module):\n    pass\n\n\nclass Net(Base):\n    def setup(self):\n        self.encoder = nn.DataParallel(self.encoder)\n',
      manual: ['[manual] torch.nn.DataParallel(self.encoder): wraps a submodule, not the model being trained'],
    },
    {
      name: 'whole model on a trainer: self.model = DP(self.model) in a plain class → converted',
      code: 'import torch.nn as nn\n\n\nclass Trainer(object):\n    def setup(self):\n        self.model = nn.DataParallel(self.model)\n',
      output:
        'import torch.nn as nn\nfrom ascendify_ddp import to_ddp\n\n\nclass Trainer(object):\n    def setup(self):\n        self.model = to_ddp(self.model)\n',
      changes: [IMPORT, CALL],
      manual: [LAUNCH],
    },
    {
      name: 'whole model: a trainer derived from a local plain class → converted',
      code:
        'import torch.nn as nn\n\n\nclass Base:\n    pass\n\n\nclass Trainer(Base):\n    def __init__(self, model):\n        self.model = nn.DataParallel(model)\n',
      output:
        'import torch.nn as nn\nfrom ascendify_ddp import to_ddp\n\n\nclass Base:\n    pass\n\n\nclass Trainer(Base):\n    def __init__(self, model):\n        self.model = to_ddp(model)\n',
      manual: [LAUNCH],
    },
    {
      name: 'whole model stored on an object of unknown kind: the wrapper wraps a plain name → converted',
      code: 'import torch.nn as nn\ntrainer.model = nn.DataParallel(model)\ntrainer.train()\n',
      output: 'import torch.nn as nn\nfrom ascendify_ddp import to_ddp\ntrainer.model = to_ddp(model)\ntrainer.train()\n',
      manual: [LAUNCH],
    },
    {
      name: 'the module taken out of a wrapper is the whole model → converted',
      code: 'import torch.nn as nn\nmodel = nn.DataParallel(model.module)\nmodel.cuda()\n',
      output: 'import torch.nn as nn\nfrom ascendify_ddp import to_ddp\nmodel = to_ddp(model.module)\nmodel.cuda()\n',
      manual: [LAUNCH],
    },
    {
      name: 'attribute of an object the code does not show to be a module → unsafe',
      code: 'import torch.nn as nn\ncfg.model = nn.DataParallel(cfg.model)\n',
      output: 'import torch.nn as nn\ncfg.model = nn.DataParallel(cfg.model)\n',
      manual: ['[unsafe] torch.nn.DataParallel → DistributedDataParallel'],
    },
    {
      name: 'self.net in a class with an imported base and no forward → unsafe; applied with --unsafe',
      code: 'import torch.nn as nn\nfrom lib import BaseRunner\n\n\nclass Runner(BaseRunner):\n    def setup(self):\n        self.net = nn.DataParallel(self.net)\n',
      output:
        'import torch.nn as nn\nfrom lib import BaseRunner\nfrom ascendify_ddp import to_ddp\n\n\nclass Runner(BaseRunner):\n    def setup(self):\n        self.net = to_ddp(self.net)\n',
      unsafe: true,
      manual: [LAUNCH],
    },
  ],
});

describe('data-parallel-to-ddp hints and support file', () => {
  const hintOf = (code: string, p = 'case.py') => {
    const r = convertSource(code, { passes: [dataParallelToDdp], path: p });
    return { r, hints: r.manual.map((m) => m.hint ?? '') };
  };

  it('adds ascendify_ddp.py once, at the repository root, with the helper source', () => {
    const r = convertWith(dataParallelToDdp, 'import torch.nn as nn\na = nn.DataParallel(a)\nb = nn.DataParallel(b)\n');
    expect(r.supportFiles).toEqual([{ path: HELPER_PATH, content: HELPER_SOURCE, passId: 'data-parallel-to-ddp' }]);
  });

  it('checks alone need no helper', () => {
    const r = convertWith(dataParallelToDdp, 'import torch.nn as nn\nok = isinstance(m, nn.DataParallel)\n');
    expect(r.supportFiles).toEqual([]);
  });

  it('the launch note names the process count from device_ids and the entry script', () => {
    const { hints } = hintOf(
      'import torch\nmodel = torch.nn.DataParallel(model, device_ids=list(range(4)))\n\nif __name__ == "__main__":\n    main()\n',
      'train.py',
    );
    expect(hints).toHaveLength(1);
    expect(hints[0]).toContain('`torchrun --nproc_per_node=4 train.py ...` (one process per device in device_ids)');
    expect(hints[0]).toContain('`python train.py ...` runs one process on one NPU');
    expect(hints[0]).toContain('divide the batch size by 4');
  });

  it('the launch note says N when the device list is not literal, and names no script in a library file', () => {
    const { hints } = hintOf('import torch\nmodel = torch.nn.DataParallel(model, device_ids=args.gpus)\n', 'trainer.py');
    expect(hints[0]).toContain('`torchrun --nproc_per_node=N <entry script> ...` (N = number of NPUs)');
  });

  it('the launch note warns about a device move chained after the wrapper', () => {
    const { hints } = hintOf('import torch\nmodel = torch.nn.DataParallel(model, device_ids=[0, 1]).cuda(0)\n');
    expect(hints[0]).toContain('moved again with .cuda(0)');
    const plain = hintOf('import torch\nmodel = torch.nn.DataParallel(model).cuda()\n').hints[0];
    expect(plain).not.toContain('moved again');
  });

  it('a file below the root: unsafe, with the sys.path hint; applied with --unsafe', () => {
    const code = 'import torch.nn as nn\n\nmodel = nn.DataParallel(model, device_ids=[0, 1])\n\nif __name__ == "__main__":\n    main()\n';
    const { r, hints } = hintOf(code, 'tools/train.py');
    expect(r.output).toBe(code);
    expect(r.supportFiles).toEqual([]);
    expect(r.manual.map((m) => `[${m.level}] ${m.message}`)).toEqual([`[unsafe] ${CALL}`]);
    expect(hints[0]).toContain('ascendify_ddp.py goes to the repository root and this file is in tools/');
    expect(hints[0]).toContain('`PYTHONPATH=. torchrun --nproc_per_node=2 tools/train.py ...`');

    const u = convertSource(code, { passes: [dataParallelToDdp], path: 'tools/train.py', unsafe: true });
    expect(u.output).toBe(
      'import torch.nn as nn\nfrom ascendify_ddp import to_ddp\n\nmodel = to_ddp(model, device_ids=[0, 1])\n\nif __name__ == "__main__":\n    main()\n',
    );
    expect(u.changes.map((c) => [c.message, c.safety])).toEqual([
      [IMPORT, 'safe'],
      [CALL, 'unsafe'],
    ]);
    expect(u.supportFiles.map((s) => s.path)).toEqual([HELPER_PATH]);
    expect(u.manual.map((m) => m.hint)).toEqual([expect.stringContaining('PYTHONPATH=. torchrun --nproc_per_node=2 tools/train.py')]);
  });
});

runFixtures(dataParallelToDdp, path.join(__dirname, 'fixtures'));
