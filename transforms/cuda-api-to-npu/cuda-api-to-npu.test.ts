import * as path from 'node:path';
import { runPassCases } from '../../src/testing/pass-tester';
import { runFixtures } from '../../src/testing/fixtures';
import { cudaApiToNpu } from './cuda-api-to-npu';

runPassCases(cudaApiToNpu, {
  valid: [
    // no torch import: `torch` is not the module
    'torch.cuda.synchronize()\n',
    // issue 10, item 7: a star import followed inside the repository that binds no torch
    { code: 'from utils import *\nok = torch.cuda.is_available()\n', project: { stars: [{ module: 'utils', names: { np: 'numpy' } }] } },
    // star-bound torch shadowed by the file's own binding, or by a local
    { code: 'from utils import *\ntorch = load_backend()\nok = torch.cuda.is_available()\n', project: { stars: [{ module: 'utils', names: { torch: 'torch' } }] } },
    'from utils import *\n\ndef f(torch):\n    return torch.cuda.is_available()\n',
    // the star binds `th` to numpy, not torch
    { code: 'from utils import *\nok = th.cuda.is_available()\n', project: { stars: [{ module: 'utils', names: { th: 'numpy' } }] } },
    // only `torch` is assumed when a star import is not followed
    'from utils import *\nok = th.cuda.is_available()\n',
    // a star import inside a function binds nothing at module level
    'def f():\n    from utils import *\n\nok = torch.cuda.is_available()\n',
    // comments, docstrings and strings that mention CUDA
    'import torch\n# torch.cuda.synchronize()\nx = 1\n',
    'import torch\n\ndef f():\n    """Calls torch.cuda.synchronize() on CUDA."""\n    return 1\n',
    'import torch\nprint("torch.cuda.is_available() says", 1)\n',
    'import torch\nlog.info(f"using torch.cuda with {n} GPUs")\n',
    // a parameter, a local variable or a loop variable named torch
    'import torch\n\ndef f(torch):\n    torch.cuda.synchronize()\n',
    'import torch\n\ndef f():\n    torch = load()\n    return torch.cuda.x\n',
    'import torch\n\ndef f(xs):\n    for torch in xs:\n        torch.cuda.synchronize()\n',
    'import torch\nf = lambda torch: torch.cuda.device_count()\n',
    'import torch\n\nclass A:\n    def m(self, torch=None):\n        return torch.cuda.current_device()\n',
    // a module-level name that is not only the import
    'import torch\ntorch = Wrapper()\ntorch.cuda.synchronize()\n',
    // user identifiers named cuda; methods named cuda; unrelated modules
    'import torch\ncuda = torch.device("cuda")\nprint(cuda)\n',
    'import torch\nx = model.cuda()\ny = x.cuda.thing\n',
    'import torch\nself.cuda = True\n',
    'import numba\nfrom numba import cuda\ncuda.synchronize()\n',
    'import cupy\ncupy.cuda.Device(0).use()\n',
    // torch.backends.cudnn / torch.backends.cuda belong to other rules
    'import torch\ntorch.backends.cudnn.benchmark = True\ntorch.backends.cuda.matmul.allow_tf32 = True\n',
    // already migrated
    'import torch\nimport torch_npu\ntorch.npu.synchronize()\n',
    'import torch\nfrom torch.npu.amp import autocast\nfrom torch import npu as cuda\ncuda.synchronize()\n',
    'import torch\nimport torch.npu\nx = torch.npu.FloatTensor(2)\n',
    // relative import of a user module called cuda
    'from . import cuda\ncuda.helper()\n',
    'from .cuda import amp\namp.autocast()\n',
    // more text that only mentions CUDA: plain, bytes, triple-quoted, warnings, help text, trailing comments
    'import torch\nx = "torch.cuda.synchronize()"\n',
    'import torch\nx = b"torch.cuda.empty_cache()"\n',
    "import torch\nhelp_text = '''use torch.cuda.amp.autocast'''\n",
    'import torch\nwarnings.warn("torch.cuda.amp.GradScaler(args...) is deprecated")\n',
    'import torch\nparser.add_argument("--sync", help="call torch.cuda.synchronize() each step")\n',
    'import torch\nx = 1  # torch.cuda.empty_cache() is slow here\n',
    // more local names that shadow the module: *args, **kwargs, annotated defaults, with/except targets,
    // comprehension variables, walrus and for at module level (ambiguous)
    'import torch\n\ndef f(*torch):\n    return torch.cuda.synchronize()\n',
    'import torch\n\ndef f(**torch):\n    return torch.cuda.synchronize()\n',
    'import torch\n\ndef f(torch: "Module" = None):\n    torch.cuda.synchronize()\n',
    'import torch\n\ndef f(p):\n    with open(p) as torch:\n        torch.cuda.synchronize()\n',
    'import torch\nres = [torch.cuda.synchronize() for torch in modules]\n',
    'import torch\nif (torch := get()) is not None:\n    torch.cuda.synchronize()\n',
    'import torch\nfor torch in range(3):\n    pass\ntorch.cuda.synchronize()\n',
    // `cuda` that is not torch.cuda: attributes of other objects, other packages, user classes and functions
    'import torch\nx.torch.cuda.synchronize()\n',
    'import torch\nfrom mypkg import cuda\ncuda.synchronize()\n',
    'import torch\nimport mypkg.cuda as cuda\ncuda.synchronize()\n',
    'import torch\n\nclass cuda:\n    synchronize = None\n\ncuda.synchronize()\n',
    'import torch\n\nclass Model:\n    def cuda(self, device=None):\n        return self\n',
    // other torch APIs with cuda in their name: device strings and .cuda() are other passes' business
    'import torch\nif torch.version.cuda:\n    pass\n',
    'import torch\nt = torch.zeros(2).cuda()\n',
    'import torch\nkw = dict(device="cuda")\n',
    // already migrated, in more forms
    'import torch\nimport torch_npu\nwith torch.npu.amp.autocast():\n    pass\n',
    'import torch\nfrom torch.npu import amp\nscaler = amp.GradScaler()\n',
    'import torch\nimport torch_npu\ng = torch.npu.NPUGraph()\n',
    'import torch\nimport torch_npu\ntorch.npu.set_device("npu:0")\n',
  ],
  invalid: [
    // issue 10, item 7: torch bound only by a star import
    {
      name: 'star import followed in the repository: torch from utils',
      code: 'from utils import *\nok = torch.cuda.is_available()\n',
      output: 'from utils import *\nok = torch.npu.is_available()\n',
      project: { stars: [{ module: 'utils', names: { torch: 'torch' } }] },
      changes: ['torch.cuda.is_available → torch.npu.is_available (`torch` is torch, bound by `from utils import *`)'],
    },
    {
      name: 'star import followed: an alias it exports',
      code: 'from .common import *\n\ndef f():\n    th.cuda.synchronize()\n',
      output: 'from .common import *\n\ndef f():\n    th.npu.synchronize()\n',
      project: { stars: [{ module: '.common', names: { th: 'torch' } }] },
      changes: ['torch.cuda.synchronize → torch.npu.synchronize (`th` is torch, bound by `from .common import *`)'],
    },
    {
      name: 'star import not followed (no repository facts): a free torch is taken as torch',
      code: 'from utils import *\nok = torch.cuda.is_available()\n',
      output: 'from utils import *\nok = torch.npu.is_available()\n',
      changes: [
        'torch.cuda.is_available → torch.npu.is_available (`torch` taken as the torch module: the file binds it only through `from utils import *`, which was not followed)',
      ],
    },
    {
      name: 'star import of a package outside the repository: a free torch is taken as torch',
      code: 'from pylab import *\nfrom utils import *\ntorch.cuda.synchronize()\n',
      output: 'from pylab import *\nfrom utils import *\ntorch.npu.synchronize()\n',
      project: { stars: [{ module: 'pylab', names: null }, { module: 'utils', names: {} }] },
      changes: [
        'torch.cuda.synchronize → torch.npu.synchronize (`torch` taken as the torch module: the file binds it only through `from pylab import *`, which was not followed)',
      ],
    },
    {
      name: 'the import is rewritten; a local name cuda that shadows it is not',
      code: 'from torch import cuda\n\ndef f(cuda):\n    cuda.synchronize()\n\ndef g():\n    cuda = other\n    cuda.synchronize()\n',
      output: 'from torch import npu as cuda\n\ndef f(cuda):\n    cuda.synchronize()\n\ndef g():\n    cuda = other\n    cuda.synchronize()\n',
    },
    {
      name: 'plain call',
      code: 'import torch\ntorch.cuda.synchronize()\n',
      output: 'import torch\ntorch.npu.synchronize()\n',
      changes: ['torch.cuda.synchronize → torch.npu.synchronize'],
    },
    {
      name: 'alias import torch as th, nested in expressions',
      code: 'import torch as th\nn = th.cuda.device_count() if th.cuda.is_available() else 0\n',
      output: 'import torch as th\nn = th.npu.device_count() if th.npu.is_available() else 0\n',
    },
    {
      name: 'keyword and positional arguments kept',
      code: 'import torch\ntorch.cuda.set_device(args.local_rank)\nm = torch.cuda.max_memory_allocated(device=dev) / 1e9\n',
      output: 'import torch\ntorch.npu.set_device(args.local_rank)\nm = torch.npu.max_memory_allocated(device=dev) / 1e9\n',
    },
    {
      name: 'f-string interpolation is code',
      code: 'import torch\nmsg = f"{torch.cuda.memory_reserved() / 1e9:.3g}G"\n',
      output: 'import torch\nmsg = f"{torch.npu.memory_reserved() / 1e9:.3g}G"\n',
    },
    {
      name: 'amp through the torch module',
      code: 'import torch\nscaler = torch.cuda.amp.GradScaler(enabled=amp)\nwith torch.cuda.amp.autocast(enabled=amp):\n    y = m(x)\n',
      output: 'import torch\nscaler = torch.npu.amp.GradScaler(enabled=amp)\nwith torch.npu.amp.autocast(enabled=amp):\n    y = m(x)\n',
    },
    {
      name: 'from torch.cuda.amp import',
      code: 'from torch.cuda.amp import autocast, GradScaler\n',
      output: 'from torch.npu.amp import autocast, GradScaler\n',
      changes: ['from torch.cuda.amp import autocast, GradScaler → from torch.npu.amp import autocast, GradScaler'],
    },
    {
      name: 'from torch.cuda.amp import with aliases and parentheses',
      code: 'from torch.cuda.amp import (\n    autocast as ac,  # mixed precision\n    GradScaler,\n)\n',
      output: 'from torch.npu.amp import (\n    autocast as ac,  # mixed precision\n    GradScaler,\n)\n',
    },
    {
      name: 'from torch.cuda import amp',
      code: 'from torch.cuda import amp\nscaler = amp.GradScaler()\n',
      output: 'from torch.npu import amp\nscaler = amp.GradScaler()\n',
    },
    {
      name: 'from torch.cuda import amp as A',
      code: 'from torch.cuda import amp as A\nwith A.autocast():\n    pass\n',
      output: 'from torch.npu import amp as A\nwith A.autocast():\n    pass\n',
    },
    {
      name: 'custom_fwd / custom_bwd decorators',
      code: 'from torch.cuda.amp import custom_fwd, custom_bwd\n\n@custom_fwd\ndef f(x):\n    return x\n',
      output: 'from torch.npu.amp import custom_fwd, custom_bwd\n\n@custom_fwd\ndef f(x):\n    return x\n',
    },
    {
      name: 'from torch import cuda keeps the local name',
      code: 'from torch import nn, cuda\nif cuda.is_available():\n    cuda.empty_cache()\n',
      output: 'from torch import nn, npu as cuda\nif cuda.is_available():\n    cuda.empty_cache()\n',
      changes: ['from torch import cuda → from torch import npu as cuda'],
    },
    {
      name: 'from torch import cuda as C',
      code: 'from torch import cuda as C\nC.synchronize()\n',
      output: 'from torch import npu as C\nC.synchronize()\n',
    },
    {
      name: 'import torch.cuda',
      code: 'import torch.cuda\ntorch.cuda.synchronize()\n',
      output: 'import torch.npu\ntorch.npu.synchronize()\n',
      changes: ['import torch.cuda → torch.npu', 'torch.cuda.synchronize → torch.npu.synchronize'],
    },
    {
      name: 'import torch.cuda as tc',
      code: 'import torch.cuda as tc\ns = tc.Stream()\n',
      output: 'import torch.npu as tc\ns = tc.Stream()\n',
    },
    {
      name: 'import torch.cuda.amp as amp',
      code: 'import torch.cuda.amp as amp\nscaler = amp.GradScaler()\n',
      output: 'import torch.npu.amp as amp\nscaler = amp.GradScaler()\n',
    },
    {
      name: 'CUDAGraph is NPUGraph',
      code: 'import torch\ng = torch.cuda.CUDAGraph()\nwith torch.cuda.graph(g):\n    y = f(x)\n',
      output: 'import torch\ng = torch.npu.NPUGraph()\nwith torch.npu.graph(g):\n    y = f(x)\n',
      changes: ['torch.cuda.CUDAGraph → torch.npu.NPUGraph', 'torch.cuda.graph → torch.npu.graph'],
    },
    {
      name: 'from torch.cuda import CUDAGraph keeps the local name',
      code: 'from torch.cuda import CUDAGraph, graph\ng = CUDAGraph()\n',
      output: 'from torch.npu import NPUGraph as CUDAGraph, graph\ng = CUDAGraph()\n',
    },
    {
      name: 'renamed member through a module alias',
      code: 'import torch.cuda as tc\nalloc = tc.CUDAPluggableAllocator(path, "alloc", "free")\n',
      output: 'import torch.npu as tc\nalloc = tc.NPUPluggableAllocator(path, "alloc", "free")\n',
    },
    {
      name: 'typed tensors and isinstance',
      code: 'import torch\nt = torch.cuda.FloatTensor(3)\nok = isinstance(t, (torch.cuda.HalfTensor, torch.cuda.LongTensor))\n',
      output: 'import torch\nt = torch.npu.FloatTensor(3)\nok = isinstance(t, (torch.npu.HalfTensor, torch.npu.LongTensor))\n',
    },
    {
      name: 'streams and events, methods on them',
      code: 'import torch\ns = torch.cuda.Stream()\nwith torch.cuda.stream(s):\n    e = torch.cuda.Event(enable_timing=True)\n    e.record()\ntorch.cuda.current_stream().wait_stream(s)\n',
      output: 'import torch\ns = torch.npu.Stream()\nwith torch.npu.stream(s):\n    e = torch.npu.Event(enable_timing=True)\n    e.record()\ntorch.npu.current_stream().wait_stream(s)\n',
    },
    {
      name: 'seeding and rng state',
      code: 'import torch\ntorch.cuda.manual_seed(0)\ntorch.cuda.manual_seed_all(seed)\nst = torch.cuda.get_rng_state_all()\n',
      output: 'import torch\ntorch.npu.manual_seed(0)\ntorch.npu.manual_seed_all(seed)\nst = torch.npu.get_rng_state_all()\n',
    },
    {
      name: 'device context manager and properties',
      code: 'import torch\nwith torch.cuda.device(rank):\n    p = torch.cuda.get_device_properties(0)\n    name = torch.cuda.get_device_name()\n',
      output: 'import torch\nwith torch.npu.device(rank):\n    p = torch.npu.get_device_properties(0)\n    name = torch.npu.get_device_name()\n',
    },
    {
      name: 'annotations',
      code: 'import torch\n\ndef f(s: torch.cuda.Stream) -> torch.cuda.Event:\n    return s.record_event()\n',
      output: 'import torch\n\ndef f(s: torch.npu.Stream) -> torch.npu.Event:\n    return s.record_event()\n',
    },
    {
      name: 'import inside a function',
      code: 'def f():\n    import torch\n    return torch.cuda.is_available()\n',
      output: 'def f():\n    import torch\n    return torch.npu.is_available()\n',
    },
    {
      name: 'a shadowing parameter in one function does not hide the module in another',
      code: 'import torch\n\ndef f(torch):\n    return torch.cuda\n\ndef g():\n    return torch.cuda.device_count()\n',
      output: 'import torch\n\ndef f(torch):\n    return torch.cuda\n\ndef g():\n    return torch.npu.device_count()\n',
    },
    {
      name: 'try/except ImportError fallback keeps the module name',
      code: 'try:\n    import torch\nexcept ImportError:\n    torch = None\nif torch is not None:\n    torch.cuda.empty_cache()\n',
      output: 'try:\n    import torch\nexcept ImportError:\n    torch = None\nif torch is not None:\n    torch.npu.empty_cache()\n',
    },
    {
      name: 'amp fallback import in except',
      code: 'try:\n    from torch.amp import GradScaler\nexcept ImportError:\n    from torch.cuda.amp import GradScaler\n',
      output: 'try:\n    from torch.amp import GradScaler\nexcept ImportError:\n    from torch.npu.amp import GradScaler\n',
    },
    {
      name: 'global declaration reaches the module binding',
      code: 'import torch\n\ndef f():\n    global torch\n    return torch.cuda.is_available()\n',
      output: 'import torch\n\ndef f():\n    global torch\n    return torch.npu.is_available()\n',
    },
    {
      name: 'default value is evaluated outside the function',
      code: 'import torch\n\ndef f(torch_ok=torch.cuda.is_available()):\n    return torch_ok\n',
      output: 'import torch\n\ndef f(torch_ok=torch.npu.is_available()):\n    return torch_ok\n',
    },
    {
      name: 'comprehension',
      code: 'import torch\nnames = [torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count())]\n',
      output: 'import torch\nnames = [torch.npu.get_device_name(i) for i in range(torch.npu.device_count())]\n',
    },
    {
      name: 'sanitizer rename',
      code: 'import torch\ntorch.cuda._sanitizer.enable_cuda_sanitizer()\n',
      output: 'import torch\ntorch.npu._sanitizer.enable_npu_sanitizer()\n',
    },
    {
      name: 'memory history (torch.cuda.memory)',
      code: 'import torch\ntorch.cuda.memory._record_memory_history(max_entries=100000)\n',
      output: 'import torch\ntorch.npu.memory._record_memory_history(max_entries=100000)\n',
    },
    {
      name: 'comment at the end of the line is kept',
      code: 'import torch\ntorch.cuda.synchronize()  # wait for torch.cuda kernels\n',
      output: 'import torch\ntorch.npu.synchronize()  # wait for torch.cuda kernels\n',
    },
    {
      name: 'tabs and odd spacing kept',
      code: 'import torch\nif True:\n\tx = torch . cuda . device_count ( )\n',
      output: 'import torch\nif True:\n\tx = torch . npu . device_count ( )\n',
    },
    {
      name: 'non-ASCII text before the edit',
      code: 'import torch\ns = "é😀 训练"; torch.cuda.synchronize()\n',
      output: 'import torch\ns = "é😀 训练"; torch.npu.synchronize()\n',
    },
    {
      name: 'no trailing newline',
      code: 'import torch\ntorch.cuda.synchronize()',
      output: 'import torch\ntorch.npu.synchronize()',
    },
    // --- manual and unsafe ---
    {
      name: 'nvtx has no twin: manual with the mstx hint',
      code: 'import torch\ntorch.cuda.nvtx.range_push("fwd")\n',
      output: 'import torch\ntorch.cuda.nvtx.range_push("fwd")\n',
      manual: ['[manual] torch.cuda.nvtx.range_push has no NPU twin'],
    },
    {
      name: 'no-twin APIs are reported, twins converted',
      code: 'import torch\narchs = torch.cuda.get_arch_list()\ntorch.cuda.synchronize()\nout = torch.cuda.comm.broadcast(t, devices)\n',
      output: 'import torch\narchs = torch.cuda.get_arch_list()\ntorch.npu.synchronize()\nout = torch.cuda.comm.broadcast(t, devices)\n',
      manual: ['torch.cuda.get_arch_list has no NPU twin', 'torch.cuda.comm.broadcast has no NPU twin'],
    },
    {
      name: 'unknown torch.cuda name is not guessed',
      code: 'import torch\ntorch.cuda._lazy_init()\n',
      output: 'import torch\ntorch.cuda._lazy_init()\n',
      manual: ['torch.cuda._lazy_init has no NPU twin'],
    },
    {
      name: 'from torch.cuda import nvtx: manual',
      code: 'from torch.cuda import nvtx\nnvtx.range_push("x")\n',
      output: 'from torch.cuda import nvtx\nnvtx.range_push("x")\n',
      manual: ['torch.cuda.nvtx has no NPU twin'],
    },
    {
      name: 'mixed from-import is split',
      code: 'from torch.cuda import nvtx, amp\n',
      output: 'from torch.cuda import nvtx\nfrom torch.npu import amp\n',
      manual: ['torch.cuda.nvtx has no NPU twin'],
    },
    {
      name: 'mixed from-import with a comment is not split',
      code: 'from torch.cuda import (nvtx,  # profiling\n    amp)\n',
      output: 'from torch.cuda import (nvtx,  # profiling\n    amp)\n',
      manual: ['torch.cuda.nvtx has no NPU twin', 'mixes names with and without an NPU twin'],
    },
    {
      name: 'alias used with a member without twin keeps the import',
      code: 'from torch import cuda\ncuda.synchronize()\ncuda.nvtx.mark("x")\n',
      output: 'from torch import cuda\ncuda.synchronize()\ncuda.nvtx.mark("x")\n',
      manual: ['torch.cuda import kept', 'cuda.nvtx.mark (torch.cuda) has no NPU twin'],
    },
    {
      name: 'wildcard import from torch.cuda',
      code: 'from torch.cuda import *\n',
      output: 'from torch.cuda import *\n',
      manual: ['cannot be checked one by one'],
    },
    {
      name: 'wildcard import from torch.cuda.amp',
      code: 'from torch.cuda.amp import *\n',
      output: 'from torch.npu.amp import *\n',
    },
    {
      name: 'import torch.cuda.nvtx',
      code: 'import torch.cuda.nvtx\n',
      output: 'import torch.cuda.nvtx\n',
      manual: ['import torch.cuda.nvtx: no NPU twin'],
    },
    {
      name: 'DoubleTensor is unsafe, not applied by default',
      code: 'import torch\nt = torch.cuda.DoubleTensor(3)\n',
      output: 'import torch\nt = torch.cuda.DoubleTensor(3)\n',
      manual: ['[unsafe] torch.cuda.DoubleTensor → torch.npu.FloatTensor'],
    },
    {
      name: 'DoubleTensor with --unsafe',
      code: 'import torch\nt = torch.cuda.DoubleTensor(3)\n',
      output: 'import torch\nt = torch.npu.FloatTensor(3)\n',
      unsafe: true,
    },
    {
      name: 'bare module as a value is unsafe',
      code: 'import torch\nbackend = torch.cuda\n',
      output: 'import torch\nbackend = torch.cuda\n',
      manual: ['[unsafe] torch.cuda → torch.npu'],
    },
    {
      name: 'monkey-patching torch.cuda is unsafe',
      code: 'import torch\ntorch.cuda.is_available = lambda: False\n',
      output: 'import torch\ntorch.npu.is_available = lambda: False\n',
      unsafe: true,
    },
  ],
});

runFixtures(cudaApiToNpu, path.join(__dirname, 'fixtures'));
