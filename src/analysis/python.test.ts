/**
 * The Python analyzer, rule by rule: positive cases (rule, lines, subject) and
 * must-not-report cases (comments, docstrings, strings and log text that mention
 * an API, shadowed names, look-alike APIs of other libraries, code that is already
 * NPU-ready). Every case is also run with CRLF line endings.
 */
import { analyzePython } from './python';
import type { AnalysisFinding } from './types';

function run(code: string): AnalysisFinding[] {
  return analyzePython(code).findings;
}

function brief(code: string): string[] {
  return run(code).map((f) => `${f.ruleId} ${f.startLine}-${f.endLine} ${f.subject}`);
}

/** Each case: code → exact list of `rule lines subject`, in order; [] = must not report. */
function cases(title: string, table: [string, string[]][]): void {
  describe(title, () => {
    it.each(table.map(([code, want], i) => [i, code, want] as const))('case %i', (_i, code, want) => {
      expect(brief(code)).toEqual(want);
      expect(brief(code.replace(/\n/g, '\r\n'))).toEqual(want);
    });
  });
}

cases('unsupported-api/torch-api', [
  ['import torch.nn.functional as F\nd = F.pdist(x)\n', ['unsupported-api/torch-api 2-2 torch.nn.functional.pdist']],
  ['from torch.nn.functional import pdist as pd\n\ndef f(x):\n    return pd(x)\n', ['unsupported-api/torch-api 4-4 torch.nn.functional.pdist']],
  ['import torch\n\nclass M(torch.nn.Module):\n    def __init__(self):\n        self.rnn = torch.nn.GRU(4, 4)\n', ['unsupported-api/torch-api 5-5 torch.nn.GRU']],
  ['from torch import nn\n\nclass R(nn.RNN):\n    pass\n', ['unsupported-api/torch-api 3-3 torch.nn.RNN']],
  ['import torch\ntorch.nn.utils.clip_grad_norm(\n    params, 1.0)\n', ['unsupported-api/torch-api 2-2 torch.nn.utils.clip_grad_norm']],
  ['from torch.nn.parallel import DataParallel as DP\nm = DP(model)\n', ['unsupported-api/torch-api 2-2 torch.nn.DataParallel']],
  ['import torch\ny = torch.unique_consecutive(x)\n', ['unsupported-api/torch-api 2-2 torch.unique_consecutive']],
  [
    'import torch\nopt = torch.optim.Adam(model.parameters())\nopt.step()\n',
    ['advice/fused-optimizer 2-2 torch.optim.Adam', 'unsupported-api/torch-api 3-3 torch.optim.Adam.step'],
  ],
  [
    'import torch\n\nclass T:\n    def __init__(self, m):\n        self.opt = torch.optim.Adadelta(m.parameters())\n\n    def train(self):\n        self.opt.step()\n',
    ['advice/fused-optimizer 5-5 torch.optim.Adadelta', 'unsupported-api/torch-api 8-8 torch.optim.Adadelta.step'],
  ],
  ['import torch\nlstm = torch.nn.LSTM(4, 4)\nlstm.flatten_parameters()\n', ['unsupported-api/torch-api 3-3 torch.nn.RNNBase.flatten_parameters']],
  ['import torch\nwith torch.autograd.profiler.emit_nvtx():\n    run()\n', ['unsupported-api/torch-api 2-2 torch.autograd.profiler.emit_nvtx']],
  // must not report
  ['import torch.nn.functional as F\n# d = F.pdist(x)\nd = F.relu(x)\n', []],
  ['import torch\n\ndef f():\n    """Uses torch.nn.functional.pdist and torch.nn.GRU."""\n    return 1\n', []],
  ['import torch\nprint("torch.nn.functional.pdist is slow")\nlog.info(f"F.pdist {x}")\n', []],
  ['import torch.nn.functional as F\n\ndef f(F):\n    return F.pdist(x)\n', []],
  ['from scipy.spatial.distance import pdist\nd = pdist(x)\n', []],
  ['import numpy as np\ny = np.unique(x)\n', []],
  ['import torch\ntorch.nn.utils.clip_grad_norm_(params, 1.0)\n', []],
  ['import torch\nok = isinstance(m, torch.nn.GRU)\ndef f(x: torch.nn.GRU) -> None: ...\n', []],
  ['import torch\nopt = torch.optim.SGD(model.parameters(), lr=0.1)\nopt.step()\n', ['advice/fused-optimizer 2-2 torch.optim.SGD']],
  ['import torch\nopt = make_optimizer()\nopt.step()\n', []],
  // the receiver was constructed in another function: not known
  ['import torch\n\ndef a():\n    opt = torch.optim.LBFGS(p)\n\ndef b(opt):\n    opt.step(closure)\n', []],
  ['pdist(x)\nGRU(4, 4)\n', []],
]);

cases('unsupported-api/torch-cuda', [
  ['import torch\ntorch.cuda.nvtx.range_push("fwd")\n', ['unsupported-api/torch-cuda 2-2 torch.cuda.nvtx.range_push']],
  ['import torch as th\n\ndef f(t):\n    return th.cuda.comm.gather(t)\n', ['unsupported-api/torch-cuda 4-4 torch.cuda.comm.gather']],
  ['from torch.cuda import nvtx\nnvtx.range_pop()\n', ['unsupported-api/torch-cuda 2-2 torch.cuda.nvtx.range_pop']],
  ['import torch\nn = torch.cuda.memory_usage()\n', ['unsupported-api/torch-cuda 2-2 torch.cuda.memory_usage']],
  ['import torch\ntorch.backends.cuda.enable_flash_sdp(False)\n', ['unsupported-api/torch-cuda 2-2 torch.backends.cuda.enable_flash_sdp']],
  ['import torch\nwith torch.backends.cuda.sdp_kernel(enable_math=False):\n    pass\n', ['unsupported-api/torch-cuda 2-2 torch.backends.cuda.sdp_kernel']],
  ['import torch\ntorch.backends.cuda.cufft_plan_cache.max_size = 32\n', ['unsupported-api/torch-cuda 2-2 torch.backends.cuda.cufft_plan_cache']],
  // must not report: names with a twin (the conversion handles them), accepted backends flags, other libraries
  ['import torch\ntorch.cuda.synchronize()\nx = torch.cuda.amp.GradScaler()\n', []],
  ['import torch\ntorch.backends.cudnn.benchmark = True\ntorch.backends.cuda.matmul.allow_tf32 = True\n', []],
  ['import torch\n# torch.cuda.nvtx.range_push("x")\ns = "torch.cuda.comm.gather"\n', []],
  ['import cupy\ncupy.cuda.Device(0).use()\n', ['third-party/import 1-1 cupy']],
  ['import torch\nimport torch_npu\ntorch.npu.synchronize()\ntorch_npu.npu.mstx.mark("x")\n', []],
]);

cases('unsupported-api/tensor-method', [
  ['import torch\ny = x.sspaddmm(a, b)\n', ['unsupported-api/tensor-method 2-2 torch.Tensor.sspaddmm']],
  ['import torch\n\ndef share(model):\n    model.share_memory()\n', ['unsupported-api/tensor-method 4-4 torch.nn.Module.share_memory']],
  ['import torch\nd = sp.to_dense().sum()\n', ['unsupported-api/tensor-method 2-2 torch.Tensor.to_dense']],
  // must not report: no torch import, a module receiver, common method names
  ['import scipy.sparse as sp\nd = m.to_dense()\n', []],
  ['import torch\nimport pandas as pd\nm = df.mode()\n', []],
  ['import torch\n# x.sspaddmm(a, b)\n', []],
]);

cases('custom-cuda (Python side)', [
  [
    'from torch.utils.cpp_extension import load\nops = load(name="ops", sources=["ops.cpp", "ops.cu"])\n',
    ['custom-cuda/cpp-extension 2-2 torch.utils.cpp_extension.load'],
  ],
  [
    'import torch.utils.cpp_extension as ext\nm = ext.load_inline("m", cpp_sources=c, cuda_sources=k)\n',
    ['custom-cuda/cpp-extension 2-2 torch.utils.cpp_extension.load_inline'],
  ],
  [
    'import triton\nimport triton.language as tl\n\n@triton.autotune(configs=[], key=["n"])\n@triton.jit\ndef add_kernel(x, y, n, BLOCK: tl.constexpr):\n    pass\n',
    ['third-party/import 1-1 triton', 'custom-cuda/triton-kernel 4-6 triton.autotune + triton.jit'],
  ],
  ['import triton\n\ndef f(x):\n    pass\n\nk = triton.jit(f)\n', ['third-party/import 1-1 triton', 'custom-cuda/triton-kernel 6-6 triton.jit']],
  [
    'from numba import cuda\n\n@cuda.jit\ndef k(a):\n    a[cuda.grid(1)] = 0\n',
    ['third-party/import 1-1 numba.cuda', 'custom-cuda/gpu-kernel 3-4 numba.cuda.jit'],
  ],
  ['import cupy as cp\nk = cp.RawKernel(src, "k")\n', ['third-party/import 1-1 cupy', 'custom-cuda/gpu-kernel 2-2 cupy.RawKernel']],
  [
    'import pycuda.autoinit\nfrom pycuda.compiler import SourceModule\nmod = SourceModule(src)\n',
    ['third-party/import 1-1 pycuda', 'custom-cuda/gpu-kernel 3-3 pycuda.compiler.SourceModule'],
  ],
  // must not report
  ['from numba import jit\n\n@jit(nopython=True)\ndef f(a):\n    return a\n', []],
  ['from torch.utils.cpp_extension import CppExtension\next = CppExtension("m", ["m.cpp"])\n', []],
  ['"""Uses @triton.jit kernels."""\n# import triton\nx = 1\n', []],
]);

cases('custom-cuda/setup-ext-modules and setup.py dependencies', [
  [
    'from setuptools import setup, Extension\nsetup(\n    name="x",\n    install_requires=["torch", "flash-attn>=2"],\n    ext_modules=[Extension("k", ["k.cu"])],\n)\n',
    ['third-party/requirement 4-4 flash_attn', 'custom-cuda/setup-ext-modules 5-5 ext_modules'],
  ],
  [
    'from setuptools import setup\nfrom torch.utils.cpp_extension import CUDAExtension, BuildExtension\nsetup(ext_modules=[CUDAExtension("k", ["k.cu"])], cmdclass={"build_ext": BuildExtension})\n',
    ['custom-cuda/cpp-extension 3-3 torch.utils.cpp_extension.BuildExtension', 'custom-cuda/cpp-extension 3-3 torch.utils.cpp_extension.CUDAExtension'],
  ],
  [
    'import setuptools\nREQS = [\n    "numpy",\n    "xformers==0.0.22",\n]\nsetuptools.setup(install_requires=REQS, extras_require={"q": ["bitsandbytes"]})\n',
    ['third-party/requirement 4-4 xformers', 'third-party/requirement 6-6 bitsandbytes'],
  ],
  // must not report: another library's setup(), a C++-free package
  ['from mylib import setup\nsetup(install_requires=["flash-attn"])\n', []],
  ['from setuptools import setup\nsetup(name="x", install_requires=["numpy"])\n', []],
]);

cases('third-party/import', [
  ['import apex\nfrom apex import amp\n', ['third-party/import 1-1 apex']],
  ['from flash_attn import flash_attn_func as faf\n', ['third-party/import 1-1 flash_attn']],
  ['import nvidia.dali.fn as fn\n', ['third-party/import 1-1 nvidia-dali']],
  ['import deepspeed, pynvml\n', ['third-party/import 1-1 deepspeed', 'third-party/import 1-1 pynvml']],
  ['def f():\n    import GPUtil\n    return GPUtil.getGPUs()\n', ['third-party/import 2-2 GPUtil']],
  // must not report
  ['import apexlib\nfrom .apex import helpers\nimport numba\n# import flash_attn\n', []],
  ['from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import deepspeed\n', []],
]);

describe('third-party/import levels', () => {
  it('lowers an optional import (inside try) by one level', () => {
    const [f] = run('try:\n    import flash_attn\nexcept ImportError:\n    flash_attn = None\n');
    expect(f).toMatchObject({ ruleId: 'third-party/import', subject: 'flash_attn', level: 'warning', message: 'imports flash_attn (optional import)' });
    expect(run('import flash_attn\n')[0].level).toBe('error');
  });
});

cases('advice', [
  ['import torch.optim as optim\nopt = optim.AdamW(params, lr=1e-3)\n', ['advice/fused-optimizer 2-2 torch.optim.AdamW']],
  ['from torch.utils.data import DataLoader\nloader = DataLoader(ds, batch_size=8)\n', ['advice/dataloader 2-2 torch.utils.data.DataLoader']],
  ['import torch\nl = torch.utils.data.DataLoader(ds, batch_size=8, num_workers=0, pin_memory=True)\n', ['advice/dataloader 2-2 torch.utils.data.DataLoader']],
  ['import torch\ntorch.autograd.set_detect_anomaly(True)\n', ['advice/anomaly-detection 2-2 torch.autograd.set_detect_anomaly']],
  ['import torch\nwith torch.autograd.detect_anomaly():\n    loss.backward()\n', ['advice/anomaly-detection 2-2 torch.autograd.detect_anomaly']],
  ['import torch\ny = torch.baddbmm(c, a, b)\n', ['advice/precision 2-2 torch.baddbmm']],
  ['import torch\ny = a.matmul(b)\n', ['advice/precision 2-2 torch.Tensor.matmul']],
  ['import torch\n\ndef main():\n    pass\n\nif __name__ == "__main__":\n    main()\n', ['advice/compile-mode 6-6 torch_npu.npu.set_compile_mode']],
  // must not report
  ['from torch.utils.data import DataLoader\nl = DataLoader(ds, batch_size=8, num_workers=4, pin_memory=True)\n', []],
  ['from torch.utils.data import DataLoader\nl = DataLoader(ds, 8, True, None, None, 4, None, True)\n', []],
  ['from torch.utils.data import DataLoader\nl = DataLoader(ds, **loader_kwargs)\n', []],
  ['from torch.utils.data import DataLoader\nl = DataLoader(ds, num_workers=args.workers, pin_memory=args.pin)\n', []],
  ['import torch\ntorch.autograd.set_detect_anomaly(False)\n', []],
  ['import torch\n\ndef helper():\n    return 1\n', []],
  [
    'import torch\nimport torch_npu\ntorch_npu.npu.set_compile_mode(jit_compile=False)\n\nif __name__ == "__main__":\n    pass\n',
    [],
  ],
  ['import numpy as np\ny = np.matmul(a, b)\n\nif __name__ == "__main__":\n    pass\n', []],
]);

cases('third-party/cuda-default', [
  // the form: a helper whose device defaults to "cuda", called with the flag only
  ['from ultralytics.utils.torch_utils import autocast\nwith autocast(amp):\n    y = model(x)\n', ['third-party/cuda-default 2-2 ultralytics']],
  ['from ultralytics.utils.torch_utils import autocast as ac\n\ndef step(m, x, amp):\n    with ac(enabled=amp):\n        return m(x)\n', ['third-party/cuda-default 4-4 ultralytics']],
  ['import ultralytics.utils.torch_utils as tu\nctx = tu.autocast(\n    True,\n)\n', ['third-party/cuda-default 2-4 ultralytics']],
  ['from timm.utils import NativeScaler\nloss_scaler = NativeScaler()\n', ['third-party/cuda-default 2-2 timm']],
  ['import timm.data\nloader = timm.data.create_loader(ds, (3, 224, 224), 64, is_training=True)\n', ['third-party/cuda-default 2-2 timm']],
  ['from mmdet.apis import init_detector\nmodel = init_detector(cfg, ckpt)\n', ['third-party/cuda-default 2-2 mmdet']],
  ['from mmseg.apis import init_model\nmodel = init_model(cfg)\n', ['third-party/cuda-default 2-2 mmseg']],
  ['import clip\nmodel, preprocess = clip.load("ViT-B/32")\n', ['third-party/cuda-default 2-2 clip']],
  // must not report: the device is passed (keyword, position, or possibly through *args / **kwargs)
  ['from ultralytics.utils.torch_utils import autocast\nwith autocast(amp, device="npu"):\n    pass\nwith autocast(amp, dev):\n    pass\n', []],
  ['from timm.utils import NativeScaler\ns = NativeScaler(device=args.device)\nt = NativeScaler("npu")\n', []],
  ['from mmdet.apis import init_detector\nm = init_detector(cfg, ckpt, device="npu:0")\nn = init_detector(*a)\no = init_detector(cfg, **kw)\n', []],
  // a third positional argument is the device in mmdet 2.x (palette in 3.x): not reported
  ['from mmdet.apis import init_detector\nm = init_detector(cfg, ckpt, dev)\n', []],
  ['import timm.data\nloader = timm.data.create_loader(ds, 224, 64, use_prefetcher=False)\n', []],
  ['import clip\nmodel, preprocess = clip.load("ViT-B/32", device)\n', []],
  // not a call; a same-named local function; torch's own autocast; another package's load
  ['from ultralytics.utils.torch_utils import autocast\nctx_factory = autocast\n', []],
  ['import torch\n\ndef autocast(enabled, device="cuda"):\n    return torch.autocast(device, enabled=enabled)\n\nwith autocast(True):\n    pass\n', []],
  ['from torch.cuda.amp import autocast\nwith autocast():\n    pass\n', []],
  ['import json\nimport torch\nd = json.load(f)\n# clip.load("ViT-B/32")\n', []],
]);

describe('third-party/cuda-default hints', () => {
  it('names the default and what to pass', () => {
    const [f] = run('from ultralytics.utils.torch_utils import autocast\nwith autocast(amp):\n    pass\n');
    expect(f.message).toBe('ultralytics.utils.torch_utils.autocast() without device=: defaults to device="cuda"');
    expect(f.hint).toMatch(/AMP is silently off/);
    expect(f.hint).toMatch(/device="npu"/);
    expect(f.level).toBeUndefined();
    expect(run('from timm.utils import NativeScaler\ns = NativeScaler()\n')[0].hint).toMatch(/older ones always use torch\.cuda\.amp\.GradScaler/);
  });
});

cases('advice/fused-flag and advice/torch-compile', [
  ['import torch\nopt = torch.optim.AdamW(model.parameters(), lr=1e-4, fused=True)\n', ['advice/fused-flag 2-2 torch.optim.AdamW(fused=)']],
  ['from torch import optim\nopt = optim.Adam(\n    params,\n    fused=use_fused,\n)\n', ['advice/fused-flag 2-5 torch.optim.Adam(fused=)']],
  ['import torch\nopt = torch.optim.Adagrad(params, fused=True)\n', ['advice/fused-flag 2-2 torch.optim.Adagrad(fused=)']],
  ['import torch\nmodel = torch.compile(model)\n', ['advice/torch-compile 2-2 torch.compile']],
  ['import torch\nif compile:\n    model = torch.compile(model, mode="max-autotune")\n', ['advice/torch-compile 3-3 torch.compile']],
  ['import torch\nm = torch.compile(m, backend="inductor")\n', ['advice/torch-compile 2-2 torch.compile']],
  ['import torch\n\n@torch.compile\ndef f(x):\n    return x * 2\n', ['advice/torch-compile 3-3 torch.compile']],
  ['from torch import compile as tc\n\n@tc(fullgraph=True)\ndef f(x):\n    return x\n', ['advice/torch-compile 3-3 torch.compile']],
  // must not report: the flag off or left at its default (the plain fused-optimizer advice stays), an NPU backend
  ['import torch\nopt = torch.optim.AdamW(params, fused=False)\n', ['advice/fused-optimizer 2-2 torch.optim.AdamW']],
  ['import torch\nopt = torch.optim.AdamW(params, fused=None, foreach=True)\n', ['advice/fused-optimizer 2-2 torch.optim.AdamW']],
  ['import torch\nopt = torch.optim.Adagrad(params)\n', []],
  ['import torch, torch_npu, torchair\nnpu_backend = torchair.get_npu_backend()\nm = torch.compile(m, backend=npu_backend)\n', []],
  ['import torch\nm = torch.compile(m, backend="eager")\nn = torch.compile(m, **compile_kwargs)\n', []],
  ['import torch\ncompile_fn = torch.compile\nre.compile(pattern)\n# model = torch.compile(model)\n', []],
  ['import torch\nopt = MyOptim(params, fused=True)\n', []],
]);

describe('advice facts', () => {
  it('says the facts are version-dependent', () => {
    expect(run('import torch\nopt = torch.optim.AdamW(p, fused=True)\n')[0].hint).toMatch(/version-dependent.*NpuFusedAdamW/);
    expect(run('import torch\nm = torch.compile(m)\n')[0].hint).toMatch(/torchair\.get_npu_backend\(\).*version-dependent/);
  });
});

describe('analyzePython', () => {
  it('parses nothing and reports nothing for a file no rule can match', () => {
    expect(analyzePython('x = 1\n')).toEqual({ findings: [] });
  });
  it('reports nothing for a file that does not parse (the conversion reports it)', () => {
    expect(analyzePython('import torch\ndef f(:\n    torch.cuda.nvtx.mark("x")\n')).toEqual({ findings: [] });
  });
  it('gives hints true to the facts', () => {
    const [f] = run('import torch\ntorch.cuda.nvtx.mark("x")\n');
    expect(f.hint).toMatch(/torch_npu\.npu\.mstx/);
    const [g] = run('import flash_attn\n');
    expect(g.hint).toMatch(/torch_npu\.npu_fusion_attention/);
  });
  it('marks a file that calls set_compile_mode', () => {
    expect(analyzePython('import torch_npu\ntorch_npu.npu.set_compile_mode(jit_compile=False)\n').setsCompileMode).toBe(true);
  });
});
