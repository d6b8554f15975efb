import * as path from 'node:path';
import { runPassCases } from '../../src/testing/pass-tester';
import { runFixtures } from '../../src/testing/fixtures';
import { cudaApiToNpu } from '../cuda-api-to-npu/cuda-api-to-npu';
import { cudaDeviceToNpu } from './cuda-device-to-npu';

const UNSAFE_ROLE = /^\[unsafe\] .*role not shown/;

runPassCases(cudaDeviceToNpu, {
  valid: [
    // comments, docstrings, log / print / help / exception text
    'import torch\n# x = x.cuda(); torch.device("cuda:0")\ny = 1\n',
    'import torch\n\ndef f(x):\n    """Moves x to "cuda" with x.cuda()."""\n    return x\n',
    '"""cuda"""\nimport torch\n',
    'import torch\nprint("cuda")\nprint("Using CUDA device", "cuda:0")\n',
    'import torch\nprint(f"running on {\'cuda\' if ok else \'cpu\'}")\n',
    'import logging\nlogger.info("device: %s", "cuda")\nlogging.warning("cuda:0")\n',
    'import warnings\nwarnings.warn("cuda")\n',
    'parser.add_argument("--amp", action="store_true", help="cuda")\n',
    'parser = argparse.ArgumentParser(description="cuda")\n',
    'raise RuntimeError("cuda")\n',
    'assert torch_ok, "cuda"\n',
    'sys.stdout.write("cuda")\n',
    'self.log("device", "cuda")\n',
    'name = f"model_{\'cuda\' if gpu else \'cpu\'}.pt"\n',
    // format text, exceptions built but not raised, containers in log calls
    'msg = "Using {}".format("cuda")\nmsg = "Using %s" % "cuda"\nmsg = "%s on %s" % (name, "cuda")\nmsg = "device: " + "cuda"\n',
    'err = ValueError("cuda")\nwarn_cls = UserWarning("cuda:0")\n',
    'print(("cuda", n))\nlogger.info(["cuda:0", "cuda:1"])\n',
    // annotations
    'def f(d: Literal["cuda", "cpu"]) -> None:\n    pass\n',
    // the user's own names: attributes, variables, functions called cuda
    'import torch\nself.cuda = torch.cuda.is_available()\nif self.cuda:\n    pass\n',
    'if args.cuda and opt.cuda:\n    pass\n',
    'cuda = True\nif cuda:\n    pass\n',
    'def cuda(x):\n    return x\n\ny = cuda(z)\n',
    'move = x.cuda\n',
    'self.is_cuda = True\nif self.is_cuda:\n    pass\n',
    // look-alike APIs of other libraries
    'import numba\nfrom numba import cuda\nd = cuda.to_device(a)\nnumba.cuda.synchronize()\n',
    'import cupy\ncupy.cuda.Device(0).use()\n',
    'import tvm\ndev = tvm.cuda(0)\n',
    'import utils\ny = utils.cuda(x)\n',
    'import pkg.gpu\nimport pkg.gpu as G\ny = pkg.gpu.cuda(x)\nz = G.cuda(x)\n',
    'import jax\nx = jax.device_put(x, jax.devices("gpu")[0])\n',
    // torch.cuda.* belongs to cuda-api-to-npu; cudnn is valid on NPU
    'import torch\ntorch.cuda.synchronize()\nok = torch.cuda.is_available()\n',
    'import torch\ntorch.backends.cudnn.benchmark = True\ntorch.backends.cudnn.deterministic = False\n',
    // lists of accelerator names; attribute names in a tuple
    'SUPPORTED_DEVICES = ["cuda", "mps", "cpu"]\n',
    'BACKENDS = ("cuda", "xpu")\nfor name in ["cuda", "cpu"]:\n    register(name)\n',
    'if k.startswith("_") or k in ("cuda", "training"):\n    pass\n',
    // strings that are not device strings
    'x = "Using CUDA device"\ny = "cudatoolkit"\nz = "cuda_version"\nw = "cuda is slow"\n',
    'key = b"cuda"\n',
    'backend = "cuda:nccl,cpu:gloo"\n',
    // torch.Generator belongs to generator-to-cpu
    'import torch\ng = torch.Generator(device="cuda")\n',
    'import torch\ng = torch.Generator("cuda:0")\n',
    'from torch import Generator\ng = Generator(device=torch.device("cuda"))\n',
    // .to() arguments that are not integer devices
    'x = x.to(device)\ny = y.to(torch.float16)\nz = z.to(dtype=torch.half, memory_format=torch.channels_last)\n',
    'x = x.to(other)\ny = y.to(self.device, non_blocking=True)\n',
    'for i in range(4):\n    x = x.to(i)\n',
    'import torch\nd = torch.device("npu", 0)\nx = x.to(d)\n',
    // ints that already mean an NPU index: DDP device_ids / output_device, set_device, barrier (ascend-facts §3.7, §3.9)
    'import os\nimport torch\nimport torch.distributed as dist\nlocal_rank = int(os.environ["LOCAL_RANK"])\ntorch.cuda.set_device(local_rank)\nm = torch.nn.parallel.DistributedDataParallel(m, device_ids=[local_rank], output_device=local_rank)\ndist.barrier(device_ids=[0])\n',
    // int devices given to the user's own functions, torch.cuda.* indices, the generator
    'import torch\nnet = Net(cfg, device=0)\nw = Worker(device_id=1)\nname = torch.cuda.get_device_name(device=0)\ng = torch.Generator(device=0)\n',
    // torch.device / device= with values that are not ints
    'import torch\n\ndef f(device, dev_name):\n    a = torch.device(device)\n    b = torch.device(dev_name)\n    return torch.zeros(2, device=device)\n',
    'import torch\nd = torch.device(args.device)\nt = torch.ones(1, device=torch.device("npu", 0))\nu = x.new_zeros(3, device=x.device)\n',
    'import torch\nfor i in range(4):\n    t = torch.zeros(1, device=i)\n',
    // an attribute the file gives a device, not an index
    'import torch\n\nclass T:\n    def __init__(self):\n        self.dev = torch.device("npu")\n\n    def run(self, x):\n        return x.to(self.dev)\n',
    // already migrated
    'import torch\nimport torch_npu\nx = x.npu()\nok = x.is_npu\nd = torch.device("npu:0")\n',
    'x = x.to(f"npu:{rank}")\ny = y.to("npu")\nz = torch.zeros(2, device="npu:1")\n',
    'import os\nos.environ["ASCEND_RT_VISIBLE_DEVICES"] = "0"\n',
    'device = "npu" if ok else "cpu"\nif device.type == "npu":\n    pass\n',
    'import torch\nm = torch.load(f, map_location={"cuda:0": "cpu", "npu:0": "cpu"})\n',
    // near misses: flags, help text, CUDA type names, other frameworks' device names
    'parser.add_argument("--cuda", action="store_true", help="enable cuda")\n',
    'parser.add_argument("--device", default="0", help="cuda device, i.e. 0 or 0,1,2,3 or cpu")\n',
    'import torch\ntorch.set_default_tensor_type("torch.cuda.FloatTensor")\n',
    'providers = ["CUDAExecutionProvider", "CPUExecutionProvider"]\n',
    'import tensorflow as tf\nwith tf.device("/GPU:0"):\n    pass\n',
    'import paddle\npaddle.set_device("gpu")\n',
    'import pycuda.autoinit\nimport pycuda.driver as drv\ndrv.init()\n',
    'd = str(device).upper()  # "CUDA:0"\n',
    'import torch\na = torch.load(f, map_location="cpu")\nb = torch.load(f, map_location=lambda s, loc: s)\n',
    'x = x.to(non_blocking=True)\nm = m.to_empty(device=device)\n',
    'import torch\nif torch.cuda.is_available():\n    x = x.npu()\n',
    'import torch\nx = x.to(torch.device("npu:0"))\n',
    'import os\nos.environ["CUBLAS_WORKSPACE_CONFIG"] = ":4096:8"\n',
    'LOG.debug(f"moved to {\'cuda:0\'}")\n',
    // environment variables that are not CUDA's
    'import os\nos.environ["NCCL_DEBUG"] = "INFO"\nr = os.getenv("LOCAL_RANK")\n',
    'cfg = {}\ncfg["CUDA_VISIBLE_DEVICES"] = "0"\n',
  ],
  invalid: [
    // --- .cuda() and .is_cuda ---
    {
      name: '.cuda() on a tensor',
      code: 'x = x.cuda()\n',
      output: 'x = x.npu()\n',
      changes: ['x.cuda() → x.npu()'],
    },
    {
      name: '.cuda(i) keeps its index, keyword arguments kept',
      code: 'model.cuda(args.gpu)\nimages = images.cuda(args.gpu, non_blocking=True)\ny = y.cuda(device=d)\n',
      output: 'model.npu(args.gpu)\nimages = images.npu(args.gpu, non_blocking=True)\ny = y.npu(device=d)\n',
      changes: ['model.cuda(...) → model.npu(...)', 'images.cuda(...) → images.npu(...)', 'y.cuda(...) → y.npu(...)'],
    },
    {
      name: 'nested calls, call receivers, super()',
      code: 'out = model(x.cuda()).cuda()\nnet = Net().cuda()\nm = nn.DataParallel(m).cuda()\n',
      output: 'out = model(x.npu()).npu()\nnet = Net().npu()\nm = nn.DataParallel(m).npu()\n',
    },
    {
      name: 'storage.cuda in a map_location lambda',
      code: 'import torch\nck = torch.load(path, map_location=lambda storage, loc: storage.cuda(args.gpu))\n',
      output: 'import torch\nck = torch.load(path, map_location=lambda storage, loc: storage.npu(args.gpu))\n',
    },
    {
      name: 'is_cuda → is_npu, in code inside a class',
      code: 'class A:\n    def f(self, x):\n        if x.is_cuda and not self.buf.is_cuda:\n            return x\n',
      output: 'class A:\n    def f(self, x):\n        if x.is_npu and not self.buf.is_npu:\n            return x\n',
      changes: ['x.is_cuda → x.is_npu', 'self.buf.is_cuda → self.buf.is_npu'],
    },
    {
      name: 'torch.Tensor.cuda through an import',
      code: 'from torch import Tensor\nxs = list(map(Tensor.cuda, xs))\ny = Tensor.cuda(x)\n',
      output: 'from torch import Tensor\nxs = list(map(Tensor.npu, xs))\ny = Tensor.npu(x)\n',
    },
    {
      name: 'a .cuda() call next to a user attribute called cuda',
      code: 'import torch\nself.cuda = torch.cuda.is_available()\nif self.cuda:\n    self.model.cuda()\n',
      output: 'import torch\nself.cuda = torch.cuda.is_available()\nif self.cuda:\n    self.model.npu()\n',
    },
    // --- device strings in device positions ---
    {
      name: 'torch.device forms',
      code: 'import torch\na = torch.device("cuda")\nb = torch.device("cuda", i)\nc = torch.device("cuda:0")\nd = torch.device(type="cuda", index=0)\n',
      output: 'import torch\na = torch.device("npu")\nb = torch.device("npu", i)\nc = torch.device("npu:0")\nd = torch.device(type="npu", index=0)\n',
      changes: ['"cuda" → "npu" (torch.device)', '"cuda" → "npu" (torch.device)', '"cuda:0" → "npu:0" (torch.device)', '"cuda" → "npu" (torch.device(type=))'],
    },
    {
      name: 'f-string, format and % device strings',
      code: 'import torch\na = torch.device(f"cuda:{rank}")\nb = torch.device("cuda:{}".format(i))\nc = x.to("cuda:%d" % i)\nd = x.to(device="cuda:" + str(i))\n',
      output: 'import torch\na = torch.device(f"npu:{rank}")\nb = torch.device("npu:{}".format(i))\nc = x.to("npu:%d" % i)\nd = x.to(device="npu:" + str(i))\n',
      changes: ['f"cuda:{rank}" → f"npu:{rank}" (torch.device)', '"cuda:{}" → "npu:{}" (torch.device)', '"cuda:%d" → "npu:%d" (.to())', '"cuda:" → "npu:" (device=)'],
    },
    {
      name: 'aliased torch and from-imported device',
      code: 'import torch as th\nfrom torch import device as D\na = th.device(\'cuda:1\')\nb = D(r"cuda")\n',
      output: 'import torch as th\nfrom torch import device as D\na = th.device(\'npu:1\')\nb = D(r"npu")\n',
    },
    {
      name: '.to() forms',
      code: 'x = x.to("cuda")\ny = y.to("cuda:1", non_blocking=True)\nz = z.to(device="cuda")\nm = model.to(dtype=torch.half, device="cuda")\n',
      output: 'x = x.to("npu")\ny = y.to("npu:1", non_blocking=True)\nz = z.to(device="npu")\nm = model.to(dtype=torch.half, device="npu")\n',
    },
    {
      name: 'device= keyword of any call, device-named keywords',
      code: 'import torch\nt = torch.zeros(2, 3, device="cuda")\nnet = Net(cfg, device="cuda:0")\ne = Engine(train_device="cuda")\n',
      output: 'import torch\nt = torch.zeros(2, 3, device="npu")\nnet = Net(cfg, device="npu:0")\ne = Engine(train_device="npu")\n',
      changes: ['"cuda" → "npu" (device=)', '"cuda:0" → "npu:0" (device=)', '"cuda" → "npu" (train_device=)'],
    },
    {
      name: 'map_location string, keyword and positional',
      code: 'import torch\na = torch.load(f, map_location="cuda:0")\nb = torch.load(f, "cuda")\n',
      output: 'import torch\na = torch.load(f, map_location="npu:0")\nb = torch.load(f, "npu")\n',
      changes: ['"cuda:0" → "npu:0" (map_location=)', '"cuda" → "npu" (torch.load)'],
    },
    {
      name: 'map_location dict: the CUDA key stays, the NPU key is added',
      code: 'import torch\nck = torch.load(f, map_location={"cuda:0": "cpu"})\n',
      output: 'import torch\nck = torch.load(f, map_location={"cuda:0": "cpu", "npu:0": "cpu"})\n',
      changes: ['map_location "cuda:0" kept (CUDA checkpoints), "npu:0": "cpu" added'],
    },
    {
      name: 'map_location dict through a variable (DDP tutorial)',
      code: "import torch\n\ndef load(rank):\n    map_location = {'cuda:%d' % 0: 'cuda:%d' % rank}\n    model.load_state_dict(torch.load(PATH, map_location=map_location))\n",
      output: "import torch\n\ndef load(rank):\n    map_location = {'cuda:%d' % 0: 'npu:%d' % rank, 'npu:%d' % 0: 'npu:%d' % rank}\n    model.load_state_dict(torch.load(PATH, map_location=map_location))\n",
    },
    {
      name: 'map_location dict given through another name',
      code: 'import torch\n\ndef load(p):\n    remap = {"cuda:1": "cuda:0"}\n    return torch.load(p, map_location=remap)\n',
      output: 'import torch\n\ndef load(p):\n    remap = {"cuda:1": "npu:0", "npu:1": "npu:0"}\n    return torch.load(p, map_location=remap)\n',
    },
    {
      name: 'a string given to a local name that is used as a device',
      code: 'import torch\n\ndef load(args):\n    loc = "cuda:{}".format(args.gpu)\n    return torch.load(args.resume, map_location=loc)\n',
      output: 'import torch\n\ndef load(args):\n    loc = "npu:{}".format(args.gpu)\n    return torch.load(args.resume, map_location=loc)\n',
      changes: ['"cuda:{}" → "npu:{}" (loc, used as map_location=)'],
    },
    {
      name: 'a test on such a name is converted with it',
      code: 'def run(model):\n    kind = "cuda"\n    model.to(device=kind)\n    if kind == "cuda":\n        pass\n',
      output: 'def run(model):\n    kind = "npu"\n    model.to(device=kind)\n    if kind == "npu":\n        pass\n',
      changes: ['"cuda" → "npu" (kind, used as device=)', '"cuda" → "npu" (device test)'],
    },
    {
      name: 'cuda / cpu choices, both orders',
      code: 'use = "cuda" if torch.cuda.is_available() else "cpu"\nalt = "cpu" if args.no_cuda else "cuda:0"\n',
      output: 'use = "npu" if torch.cuda.is_available() else "cpu"\nalt = "cpu" if args.no_cuda else "npu:0"\n',
      changes: ['"cuda" → "npu" (device choice)', '"cuda:0" → "npu:0" (device choice)'],
    },
    {
      name: 'a choice inside torch.device',
      code: 'import torch\ndevice = torch.device("cuda" if use_cuda else "cpu")\n',
      output: 'import torch\ndevice = torch.device("npu" if use_cuda else "cpu")\n',
      changes: ['"cuda" → "npu" (torch.device)'],
    },
    {
      name: 'autocast and GradScaler device types',
      code: 'import torch\nfrom torch.amp import autocast\nwith torch.autocast("cuda", dtype=torch.bfloat16):\n    pass\nwith autocast("cuda"):\n    pass\nwith torch.autocast(device_type="cuda"):\n    pass\nscaler = torch.amp.GradScaler("cuda")\n',
      output: 'import torch\nfrom torch.amp import autocast\nwith torch.autocast("npu", dtype=torch.bfloat16):\n    pass\nwith autocast("npu"):\n    pass\nwith torch.autocast(device_type="npu"):\n    pass\nscaler = torch.amp.GradScaler("npu")\n',
      changes: ['"cuda" → "npu" (torch.autocast)', '"cuda" → "npu" (torch.amp.autocast)', '"cuda" → "npu" (device_type=)', '"cuda" → "npu" (torch.amp.GradScaler)'],
    },
    {
      name: 'device argument of torch.cuda functions, with cuda-api-to-npu',
      code: 'import torch\ntorch.cuda.set_device("cuda:1")\nfree, total = torch.cuda.mem_get_info("cuda:0")\n',
      output: 'import torch\ntorch.npu.set_device("npu:1")\nfree, total = torch.npu.mem_get_info("npu:0")\n',
      passes: [cudaApiToNpu, cudaDeviceToNpu],
    },
    // --- integer devices ---
    {
      name: 'integer literal in .to()',
      code: 'x = x.to(0)\ny = y.to(device=1, non_blocking=True)\n',
      output: 'x = x.to("npu:0")\ny = y.to(device="npu:1", non_blocking=True)\n',
      changes: ['.to(0) → .to("npu:0") (integer device)', '.to(1) → .to("npu:1") (integer device)'],
    },
    {
      name: 'integer literal in a file that uses single quotes',
      code: "name = 'resnet'\nx = x.to(0)\n",
      output: "name = 'resnet'\nx = x.to('npu:0')\n",
    },
    {
      name: 'argparse type=int option with an int default',
      code: 'import argparse\np = argparse.ArgumentParser()\np.add_argument("--gpu", type=int, default=0)\nargs = p.parse_args()\nmodel.to(args.gpu)\n',
      output: 'import argparse\np = argparse.ArgumentParser()\np.add_argument("--gpu", type=int, default=0)\nargs = p.parse_args()\nmodel.to(f"npu:{args.gpu}")\n',
      changes: ['.to(args.gpu) → .to(f"npu:{args.gpu}") (integer device)'],
    },
    {
      name: 'LOCAL_RANK read from the environment with int()',
      code: 'import os\nlocal_rank = int(os.environ["LOCAL_RANK"])\n\ndef f(x):\n    return x.to(local_rank)\n',
      output: 'import os\nlocal_rank = int(os.environ["LOCAL_RANK"])\n\ndef f(x):\n    return x.to(f"npu:{local_rank}")\n',
    },
    {
      name: 'an int expression with double quotes inside takes single quotes',
      code: 'import os\nx = x.to(int(os.environ["LOCAL_RANK"]))\n',
      output: 'import os\nx = x.to(f\'npu:{int(os.environ["LOCAL_RANK"])}\')\n',
    },
    {
      name: 'an int expression with both quotes inside takes .format',
      code: 'import os\nx = x.to(int(os.environ.get("RANK", \'0\')))\n',
      output: 'import os\nx = x.to("npu:{}".format(int(os.environ.get("RANK", \'0\'))))\n',
    },
    {
      name: 'ranks, arithmetic and current_device are ints',
      code: 'import torch\nimport torch.distributed as dist\nrank = dist.get_rank()\nx = x.to(rank % torch.cuda.device_count())\ny = y.to(torch.cuda.current_device())\n',
      output: 'import torch\nimport torch.distributed as dist\nrank = dist.get_rank()\nx = x.to(f"npu:{rank % torch.cuda.device_count()}")\ny = y.to(f"npu:{torch.cuda.current_device()}")\n',
    },
    {
      name: 'a typed int parameter',
      code: 'def move(x, local_rank: int):\n    return x.to(local_rank)\n',
      output: 'def move(x, local_rank: int):\n    return x.to(f"npu:{local_rank}")\n',
    },
    {
      name: 'device = 0 feeding .to() and torch.device()',
      code: 'import torch\ndevice = 0\nd = torch.device(device)\nx = x.to(device)\nc = torch.device(1)\n',
      output: 'import torch\ndevice = 0\nd = torch.device(f"npu:{device}")\nx = x.to(f"npu:{device}")\nc = torch.device("npu:1")\n',
      changes: [
        'torch.device(device) → torch.device(f"npu:{device}") (integer device)',
        '.to(device) → .to(f"npu:{device}") (integer device)',
        'torch.device(1) → torch.device("npu:1") (integer device)',
      ],
    },
    {
      name: 'torch.device through aliases',
      code: 'import os\nimport torch as th\nfrom torch import device as D\nrank = int(os.environ["LOCAL_RANK"])\na = th.device(rank)\nb = D(rank)\n',
      output: 'import os\nimport torch as th\nfrom torch import device as D\nrank = int(os.environ["LOCAL_RANK"])\na = th.device(f"npu:{rank}")\nb = D(f"npu:{rank}")\n',
    },
    {
      name: 'LOCAL_RANK as device= of torch factories and Tensor.new_*',
      code: 'import os\nimport torch\nlocal_rank = int(os.environ["LOCAL_RANK"])\nt = torch.zeros(2, device=local_rank)\nr = torch.arange(8, dtype=torch.long, device=local_rank)\nn = t.new_ones(3, device=local_rank)\n',
      output: 'import os\nimport torch\nlocal_rank = int(os.environ["LOCAL_RANK"])\nt = torch.zeros(2, device=f"npu:{local_rank}")\nr = torch.arange(8, dtype=torch.long, device=f"npu:{local_rank}")\nn = t.new_ones(3, device=f"npu:{local_rank}")\n',
      changes: [
        'device=local_rank → device=f"npu:{local_rank}" (integer device)',
        'device=local_rank → device=f"npu:{local_rank}" (integer device)',
        'device=local_rank → device=f"npu:{local_rank}" (integer device)',
      ],
    },
    {
      name: 'argparse --local_rank type=int default=0: torch.device and FSDP device_id (init_process_group keeps its int: an accelerator index where PyTorch takes an int)',
      code: 'import argparse\nimport torch\nimport torch.distributed as dist\nfrom torch.distributed.fsdp import FullyShardedDataParallel as FSDP\np = argparse.ArgumentParser()\np.add_argument("--local_rank", type=int, default=0)\nargs = p.parse_args()\ndist.init_process_group("hccl", device_id=args.local_rank)\nd = torch.device(args.local_rank)\nm = FSDP(m, device_id=args.local_rank)\n',
      output: 'import argparse\nimport torch\nimport torch.distributed as dist\nfrom torch.distributed.fsdp import FullyShardedDataParallel as FSDP\np = argparse.ArgumentParser()\np.add_argument("--local_rank", type=int, default=0)\nargs = p.parse_args()\ndist.init_process_group("hccl", device_id=args.local_rank)\nd = torch.device(f"npu:{args.local_rank}")\nm = FSDP(m, device_id=f"npu:{args.local_rank}")\n',
      changes: [
        'torch.device(args.local_rank) → torch.device(f"npu:{args.local_rank}") (integer device)',
        'device_id=args.local_rank → device_id=f"npu:{args.local_rank}" (integer device)',
      ],
    },
    {
      name: 'an attribute the file assigns only ints is an int',
      code: 'import os\n\nclass Trainer:\n    def __init__(self):\n        self.local_rank = int(os.environ["LOCAL_RANK"])\n\n    def step(self, x):\n        return x.to(self.local_rank)\n',
      output: 'import os\n\nclass Trainer:\n    def __init__(self):\n        self.local_rank = int(os.environ["LOCAL_RANK"])\n\n    def step(self, x):\n        return x.to(f"npu:{self.local_rank}")\n',
    },
    {
      name: 'an attribute also bound by unpacking, or given None, stays unknown',
      code: 'class A:\n    def __init__(self, a):\n        self.rank = 0\n        self.rank, self.size = a\n        self.gpu = None\n        self.gpu = 0\n\n    def f(self, x):\n        return x.to(self.rank), x.to(self.gpu)\n',
      output: 'class A:\n    def __init__(self, a):\n        self.rank = 0\n        self.rank, self.size = a\n        self.gpu = None\n        self.gpu = 0\n\n    def f(self, x):\n        return x.to(self.rank), x.to(self.gpu)\n',
      manual: ['[unsafe] .to(self.rank) → .to(f"npu:{self.rank}") (integer device?)', '[unsafe] .to(self.gpu) → .to(f"npu:{self.gpu}") (integer device?)'],
    },
    {
      name: 'torch.device of an index-like parameter or an int option that may be None is unsafe',
      code: 'import argparse\nimport torch\np = argparse.ArgumentParser()\np.add_argument("--gpu", type=int, default=None)\nargs = p.parse_args()\ng = torch.device(args.gpu)\n\ndef setup(local_rank):\n    return torch.device(local_rank), torch.empty(1, device=local_rank)\n',
      output: 'import argparse\nimport torch\np = argparse.ArgumentParser()\np.add_argument("--gpu", type=int, default=None)\nargs = p.parse_args()\ng = torch.device(args.gpu)\n\ndef setup(local_rank):\n    return torch.device(local_rank), torch.empty(1, device=local_rank)\n',
      manual: [
        '[unsafe] torch.device(args.gpu) → torch.device(f"npu:{args.gpu}") (integer device?)',
        '[unsafe] torch.device(local_rank) → torch.device(f"npu:{local_rank}") (integer device?)',
        '[unsafe] device=local_rank → device=f"npu:{local_rank}" (integer device?)',
      ],
    },
    {
      name: 'the unknown torch.device int with --unsafe',
      code: 'import torch\n\ndef setup(local_rank):\n    return torch.device(local_rank)\n',
      output: 'import torch\n\ndef setup(local_rank):\n    return torch.device(f"npu:{local_rank}")\n',
      unsafe: true,
    },
    // --- device tests ---
    {
      name: 'device.type comparisons',
      code: 'if device.type == "cuda":\n    pass\nif x.device.type != "cuda":\n    pass\namp = self.device.type == \'cuda\'\n',
      output: 'if device.type == "npu":\n    pass\nif x.device.type != "npu":\n    pass\namp = self.device.type == \'npu\'\n',
      changes: ['"cuda" → "npu" (device test)', '"cuda" → "npu" (device test)', '\'cuda\' → \'npu\' (device test)'],
    },
    {
      name: 'in, tuples and startswith',
      code: 'a = "cuda" in device.type\nb = device.type in ("cuda",)\nc = str(device).startswith("cuda")\nd = device_type == "cuda"\ne = args.device not in ["cuda", "cuda:0"]\n',
      output: 'a = "npu" in device.type\nb = device.type in ("npu",)\nc = str(device).startswith("npu")\nd = device_type == "npu"\ne = args.device not in ["npu", "npu:0"]\n',
    },
    {
      name: 'a name bound to torch.device is a device',
      code: 'import torch\n\ndef f():\n    d = torch.device("cuda")\n    return d.type == "cuda"\n',
      output: 'import torch\n\ndef f():\n    d = torch.device("npu")\n    return d.type == "npu"\n',
    },
    // --- strings that configure a device ---
    {
      name: 'argparse default and choices of a device option',
      code: 'import argparse\np = argparse.ArgumentParser()\np.add_argument("--device", default="cuda", choices=["cuda", "cpu"], help="cuda or cpu")\np.set_defaults(device="cuda:0")\n',
      output: 'import argparse\np = argparse.ArgumentParser()\np.add_argument("--device", default="npu", choices=["npu", "cpu"], help="cuda or cpu")\np.set_defaults(device="npu:0")\n',
      changes: ['"cuda" → "npu" (--device default)', '"cuda" → "npu" (--device choices)', '"cuda:0" → "npu:0" (device=)'],
    },
    {
      name: 'assignments to names that name a device',
      code: 'device = "cuda"\ncfg.MODEL.DEVICE = "cuda"\nself.device = "cuda:0"\ncfg["device"] = "cuda"\ntorch_device: str = "cuda"\n',
      output: 'device = "npu"\ncfg.MODEL.DEVICE = "npu"\nself.device = "npu:0"\ncfg["device"] = "npu"\ntorch_device: str = "npu"\n',
      changes: [
        '"cuda" → "npu" (assigned to device)',
        '"cuda" → "npu" (assigned to cfg.MODEL.DEVICE)',
        '"cuda:0" → "npu:0" (assigned to self.device)',
        '"cuda" → "npu" (assigned to cfg["device"])',
        '"cuda" → "npu" (assigned to torch_device)',
      ],
    },
    {
      name: 'parameter defaults, config entries, device getters',
      code: 'class M:\n    def __init__(self, device="cuda", dev_type: str = "cuda"):\n        self.cfg = {"device": "cuda:0", "lr": 0.1}\n\ndef get_device():\n    return "cuda"\n',
      output: 'class M:\n    def __init__(self, device="npu", dev_type: str = "npu"):\n        self.cfg = {"device": "npu:0", "lr": 0.1}\n\ndef get_device():\n    return "npu"\n',
      changes: ['"cuda" → "npu" (default of device)', '"cuda" → "npu" (default of dev_type)', '"cuda:0" → "npu:0" ("device" entry)', '"cuda" → "npu" (returned by get_device())'],
    },
    // --- environment ---
    {
      name: 'CUDA_VISIBLE_DEVICES in every access form',
      code: 'import os\nos.environ["CUDA_VISIBLE_DEVICES"] = "0,1"\na = os.getenv("CUDA_VISIBLE_DEVICES")\nb = os.environ.get(\'CUDA_VISIBLE_DEVICES\', "")\nif "CUDA_VISIBLE_DEVICES" in os.environ:\n    pass\n',
      output: 'import os\nos.environ["ASCEND_RT_VISIBLE_DEVICES"] = "0,1"\na = os.getenv("ASCEND_RT_VISIBLE_DEVICES")\nb = os.environ.get(\'ASCEND_RT_VISIBLE_DEVICES\', "")\nif "ASCEND_RT_VISIBLE_DEVICES" in os.environ:\n    pass\n',
      changes: [
        'CUDA_VISIBLE_DEVICES → ASCEND_RT_VISIBLE_DEVICES (environment variable)',
        'CUDA_VISIBLE_DEVICES → ASCEND_RT_VISIBLE_DEVICES (environment variable)',
        'CUDA_VISIBLE_DEVICES → ASCEND_RT_VISIBLE_DEVICES (environment variable)',
        'CUDA_VISIBLE_DEVICES → ASCEND_RT_VISIBLE_DEVICES (environment variable)',
      ],
    },
    {
      name: 'launch blocking and allocator settings, env= of a process',
      code: 'import os, subprocess\nos.environ["CUDA_LAUNCH_BLOCKING"] = "1"\nos.environ.setdefault("PYTORCH_CUDA_ALLOC_CONF", "expandable_segments:True")\nsubprocess.run(cmd, env={**os.environ, "CUDA_VISIBLE_DEVICES": str(i)})\n',
      output: 'import os, subprocess\nos.environ["ASCEND_LAUNCH_BLOCKING"] = "1"\nos.environ.setdefault("PYTORCH_NPU_ALLOC_CONF", "expandable_segments:True")\nsubprocess.run(cmd, env={**os.environ, "ASCEND_RT_VISIBLE_DEVICES": str(i)})\n',
    },
    {
      name: 'from os import environ',
      code: 'from os import environ\nenviron["CUDA_VISIBLE_DEVICES"] = gpus\n',
      output: 'from os import environ\nenviron["ASCEND_RT_VISIBLE_DEVICES"] = gpus\n',
    },
    // --- byte-exactness ---
    {
      name: 'comments at the end of the line are kept',
      code: 'import torch\nx = x.cuda()  # move to cuda\nd = torch.device("cuda")  # "cuda"\n',
      output: 'import torch\nx = x.npu()  # move to cuda\nd = torch.device("npu")  # "cuda"\n',
    },
    {
      name: 'tabs, odd spacing, non-ASCII text before the edit',
      code: 'if True:\n\ts = "é😀 训练"; y = x . cuda ( )\n',
      output: 'if True:\n\ts = "é😀 训练"; y = x . npu ( )\n',
    },
    {
      name: 'no trailing newline',
      code: 'x = x.to("cuda")',
      output: 'x = x.to("npu")',
    },
    // --- unsafe and manual ---
    {
      name: 'a string whose role the code does not show is unsafe',
      code: 'if backend == "cuda":\n    run("cuda")\n',
      output: 'if backend == "cuda":\n    run("cuda")\n',
      manual: [
        '[unsafe] "cuda" → "npu" (role not shown: compared with backend)',
        '[unsafe] "cuda" → "npu" (role not shown: argument of run())',
      ],
    },
    {
      name: 'with --unsafe it is converted',
      code: 'if backend == "cuda":\n    run("cuda")\n',
      output: 'if backend == "npu":\n    run("npu")\n',
      unsafe: true,
    },
    {
      name: 'a device string in a tuple of call arguments is unsafe, never silent (rpc.remote)',
      code: 'import torch.distributed.rpc as rpc\nr = rpc.remote(worker, Shard, args=("cuda:0",) + args)\ns = rpc.remote(worker, Shard, args=(f"cuda:{i}", n))\n',
      output: 'import torch.distributed.rpc as rpc\nr = rpc.remote(worker, Shard, args=("cuda:0",) + args)\ns = rpc.remote(worker, Shard, args=(f"cuda:{i}", n))\n',
      manual: [
        '[unsafe] "cuda:0" → "npu:0" (role not shown: element of a tuple)',
        '[unsafe] f"cuda:{i}" → f"npu:{i}" (role not shown: element of a tuple)',
      ],
    },
    {
      name: 'the rpc.remote tuple with --unsafe',
      code: 'import torch.distributed.rpc as rpc\nr = rpc.remote(worker, Shard, args=("cuda:0",) + args)\n',
      output: 'import torch.distributed.rpc as rpc\nr = rpc.remote(worker, Shard, args=("npu:0",) + args)\n',
      unsafe: true,
    },
    {
      name: 'indexed devices in a list are devices, not names: unsafe',
      code: 'DEVICES = ["cuda:0", "cuda:1"]\nplan = [("cuda:0", 4), ("cpu", 1)]\nmixed = ["cuda:1", "cpu"]\n',
      output: 'DEVICES = ["cuda:0", "cuda:1"]\nplan = [("cuda:0", 4), ("cpu", 1)]\nmixed = ["cuda:1", "cpu"]\n',
      manual: [
        '[unsafe] "cuda:0" → "npu:0" (role not shown: element of a list)',
        '[unsafe] "cuda:1" → "npu:1" (role not shown: element of a list)',
        '[unsafe] "cuda:0" → "npu:0" (role not shown: element of a tuple)',
        '[unsafe] "cuda:1" → "npu:1" (role not shown: element of a list)',
      ],
    },
    {
      name: 'a one-name tuple and a template that builds a device are not text',
      code: 'KINDS = ("cuda",)\nname = "{}:{}".format("cuda", rank)\nother = "%s:%d" % ("cuda", rank)\n',
      output: 'KINDS = ("cuda",)\nname = "{}:{}".format("cuda", rank)\nother = "%s:%d" % ("cuda", rank)\n',
      manual: [
        '[unsafe] "cuda" → "npu" (role not shown: element of a tuple)',
        '[unsafe] "cuda" → "npu" (role not shown: argument of "{}:{}".format())',
        '[unsafe] "cuda" → "npu" (role not shown: element of a tuple)',
      ],
    },
    {
      name: 'device_ids= of DistributedDataParallel takes devices',
      code: 'import torch\nm = torch.nn.parallel.DistributedDataParallel(m, device_ids=["cuda:0"])\n',
      output: 'import torch\nm = torch.nn.parallel.DistributedDataParallel(m, device_ids=["npu:0"])\n',
      changes: ['"cuda:0" → "npu:0" (device_ids=)'],
    },
    {
      name: 'dict keys and other names are unsafe',
      code: 'BACKENDS = {"cuda": "nccl", "cpu": "gloo"}\nmode = "cuda"\nb = BACKENDS["cuda"]\n',
      output: 'BACKENDS = {"cuda": "nccl", "cpu": "gloo"}\nmode = "cuda"\nb = BACKENDS["cuda"]\n',
      manual: [UNSAFE_ROLE, UNSAFE_ROLE, UNSAFE_ROLE],
    },
    {
      name: 'a non-device argparse option is unsafe, its choices are left alone',
      code: 'p.add_argument("--backend", default="cuda", choices=["cuda", "triton"])\n',
      output: 'p.add_argument("--backend", default="cuda", choices=["cuda", "triton"])\n',
      manual: ['[unsafe] "cuda" → "npu" (role not shown: default= of p.add_argument())'],
    },
    {
      name: 'an int option that may be None is unsafe',
      code: 'import argparse\np = argparse.ArgumentParser()\np.add_argument("--gpu", default=None, type=int)\nargs = p.parse_args()\nmodel.to(args.gpu)\n',
      output: 'import argparse\np = argparse.ArgumentParser()\np.add_argument("--gpu", default=None, type=int)\nargs = p.parse_args()\nmodel.to(args.gpu)\n',
      manual: ['[unsafe] .to(args.gpu) → .to(f"npu:{args.gpu}") (integer device?)'],
    },
    {
      name: 'an index-like parameter is unsafe',
      code: 'def move(x, local_rank):\n    return x.to(local_rank)\n',
      output: 'def move(x, local_rank):\n    return x.to(local_rank)\n',
      manual: ['[unsafe] .to(local_rank) → .to(f"npu:{local_rank}") (integer device?)'],
    },
    {
      name: 'an index-like parameter with --unsafe',
      code: 'def move(x, local_rank):\n    return x.to(local_rank)\n',
      output: 'def move(x, local_rank):\n    return x.to(f"npu:{local_rank}")\n',
      unsafe: true,
    },
    {
      name: '.cuda() on an object imported from another module is unsafe',
      code: 'import models\nfrom models import net\nfrom . import helpers\nnet.cuda()\nhelpers.cuda(x)\nmodels.net.cuda()\n',
      output: 'import models\nfrom models import net\nfrom . import helpers\nnet.cuda()\nhelpers.cuda(x)\nmodels.net.cuda()\n',
      manual: ['[unsafe] net.cuda() → net.npu()', '[unsafe] helpers.cuda(...) → helpers.npu(...)', '[unsafe] models.net.cuda() → models.net.npu()'],
    },
    {
      name: 'a class with its own cuda method: reported, calls unsafe, its own calls left',
      code: 'class Boxes:\n    def cuda(self):\n        return Boxes(self.data.cuda())\n\n    def to_gpu(self):\n        return self.cuda()\n\nb = Boxes().cuda()\nt = t.cuda()\n',
      output: 'class Boxes:\n    def cuda(self):\n        return Boxes(self.data.cuda())\n\n    def to_gpu(self):\n        return self.cuda()\n\nb = Boxes().cuda()\nt = t.cuda()\n',
      manual: ['[manual] Boxes.cuda is defined here', '[unsafe] self.data.cuda() → self.data.npu()', '[unsafe] t.cuda() → t.npu()'],
    },
    {
      name: 'an nn.Module overriding cuda, with --unsafe',
      code: 'class Model(nn.Module):\n    def cuda(self, device=None):\n        self.anchors = self.anchors.cuda(device)\n        return super().cuda(device)\n',
      output: 'class Model(nn.Module):\n    def cuda(self, device=None):\n        self.anchors = self.anchors.npu(device)\n        return super().npu(device)\n',
      manual: ['[manual] Model.cuda is defined here'],
      unsafe: true,
    },
    {
      name: 'CUDA variables with no Ascend twin are manual',
      code: 'import os\nhome = os.environ.get("CUDA_HOME", "/usr/local/cuda")\nos.environ["CUDA_DEVICE_ORDER"] = "PCI_BUS_ID"\n',
      output: 'import os\nhome = os.environ.get("CUDA_HOME", "/usr/local/cuda")\nos.environ["CUDA_DEVICE_ORDER"] = "PCI_BUS_ID"\n',
      manual: ['[manual] CUDA_HOME: no Ascend twin', '[manual] CUDA_DEVICE_ORDER: no Ascend twin'],
    },
    {
      name: 'visible devices out of ascending order are reported',
      code: 'import os\nos.environ["CUDA_VISIBLE_DEVICES"] = "3,1"\n',
      output: 'import os\nos.environ["ASCEND_RT_VISIBLE_DEVICES"] = "3,1"\n',
      manual: ['[manual] ASCEND_RT_VISIBLE_DEVICES="3,1": devices not in ascending order'],
    },
    {
      name: 'a map_location key whose value cannot be written twice is manual',
      code: 'import torch\nck = torch.load(f, map_location={"cuda:0": pick()})\n',
      output: 'import torch\nck = torch.load(f, map_location={"cuda:0": pick()})\n',
      manual: ['[manual] map_location key "cuda:0": checkpoints saved on NPU use "npu:0"'],
    },
  ],
});

runFixtures(cudaDeviceToNpu, path.join(__dirname, 'fixtures'));
