/**
 * cuda-device-to-npu and CUDA-only consumers (issue 10, items 1 and 4): `x.is_cuda` and
 * device tests whose result launches Triton / CuPy / custom CUDA kernels or picks a GPU build
 * stay as they are and are listed; device strings given to a library that cannot take an NPU
 * (TensorRT, onnxruntime) or used in a branch that runs TensorRT are left and listed. Their
 * neighbours that guard torch device work are converted.
 */
import { runPassCases } from '../../src/testing/pass-tester';
import { cudaDeviceToNpu } from './cuda-device-to-npu';

const TRITON = 'import torch\nimport triton\nimport triton.language as tl\n\n\n@triton.jit\ndef add_kernel(x_ptr, n, BLOCK: tl.constexpr):\n    pass\n\n\n';
const KEPT_TRITON = /^\[manual\] x\.is_cuda kept: its result selects a Triton kernel \(add_kernel\)$/;
const same = (code: string) => ({ code, output: code });

runPassCases(cudaDeviceToNpu, {
  valid: [
    // kernels launched without an is_cuda test; provider names alone
    `${TRITON}def add(x):\n    add_kernel[(1,)](x, x.numel(), BLOCK=1024)\n    return x\n`,
    'import onnxruntime as ort\nsess = ort.InferenceSession(w, providers=["CUDAExecutionProvider"])\n',
    // already migrated tests are not looked at
    `${TRITON}def add(x):\n    if x.is_npu:\n        add_kernel[(1,)](x, x.numel(), BLOCK=1024)\n    return x\n`,
    // CPU device strings given to TensorRT / onnxruntime
    'import onnxruntime as ort\nv = ort.OrtValue.ortvalue_from_numpy(x, "cpu", 0)\n',
    'import torch_tensorrt\ninp = torch_tensorrt.Input((1, 3), dtype=torch.half)\n',
    // a TensorRT branch without device strings
    'import torch\nif engine:\n    import tensorrt as trt\n    logger = trt.Logger(trt.Logger.INFO)\n',
  ],
  invalid: [
    { name: 'is_cuda guarding a Triton launch is kept', ...same(`${TRITON}def add(x):\n    if x.is_cuda:\n        add_kernel[(1,)](x, x.numel(), BLOCK=1024)\n        return x\n    return x + 1\n`), manual: [KEPT_TRITON] },
    {
      name: 'is_cuda: an early return to the torch path guards the kernel after it',
      ...same(`${TRITON}def add(x):\n    if not x.is_cuda:\n        return x + 1\n    add_kernel[(1,)](x, x.numel(), BLOCK=1024)\n    return x\n`),
      manual: [KEPT_TRITON],
    },
    { name: 'assert x.is_cuda before a Triton launch is kept', ...same(`${TRITON}def add(x):\n    assert x.is_cuda\n    add_kernel[(1,)](x, x.numel(), BLOCK=1024)\n`), manual: [KEPT_TRITON] },
    {
      name: 'is_cuda guarding a cpp_extension built from .cu sources',
      ...same('import torch\nfrom torch.utils.cpp_extension import load\n\next = load("fused", sources=["fused.cpp", "fused_kernel.cu"])\n\n\ndef norm(x):\n    if x.is_cuda:\n        return ext.rms_norm(x)\n    return x\n'),
      manual: [/^\[manual\] x\.is_cuda kept: its result selects a custom CUDA kernel \(ext\)$/],
    },
    {
      name: 'is_cuda guarding CuPy',
      ...same('import torch\n\n\ndef nms(x):\n    if x.is_cuda:\n        import cupy as cp\n        return cp.asarray(x)\n    return x.numpy()\n'),
      manual: [/^\[manual\] x\.is_cuda kept: its result selects CuPy \(import cupy as cp\)$/],
    },
    {
      name: 'is_cuda guarding a numba.cuda kernel (flag through a name)',
      ...same('import torch\nfrom numba import cuda as ncuda\n\n\n@ncuda.jit\ndef k(a):\n    pass\n\n\ndef run(x):\n    on_gpu = x.is_cuda\n    if on_gpu:\n        k[1, 32](x)\n'),
      manual: [/^\[manual\] x\.is_cuda kept: its result selects a numba\.cuda kernel \(k\)$/],
    },
    {
      name: 'is_cuda for a kernel and for torch device work: kept, split the flag',
      ...same(`${TRITON}def add(x):\n    if x.is_cuda:\n        y = x.to("cuda:1")\n        add_kernel[(1,)](y, y.numel(), BLOCK=1024)\n`),
      manual: [
        /^\[manual\] x\.is_cuda kept: its result selects a Triton kernel \(add_kernel\) and also torch device work \(\.to\(\)\)$/,
        /^\[manual\] "cuda:1" kept: the device of code that runs a Triton kernel \(add_kernel\), which cannot take an NPU$/,
      ],
    },
    {
      name: 'a device test choosing tensorflow / tensorflow-cpu (item 4)',
      ...same('import torch\ncheck_requirements("tensorflow" if device.type == "cuda" else "tensorflow-cpu")\n'),
      manual: [/^\[manual\] device\.type == "cuda" kept: its result selects TensorFlow's GPU build \("tensorflow"\)$/],
    },
    {
      name: 'a TensorRT input device (item 4)',
      ...same('import torch\nimport torch_tensorrt\ninp = torch_tensorrt.Input((1, 3), device="cuda:0")\n'),
      manual: [/^\[manual\] "cuda:0" kept: a device for TensorRT \(torch_tensorrt\.Input\), not a torch device$/],
    },
    {
      name: 'an onnxruntime device, positional and through a name (item 4)',
      ...same('import onnxruntime as ort\nv = ort.OrtValue.ortvalue_from_numpy(x, "cuda", 0)\ndev = "cuda"\nw = ort.OrtValue.ortvalue_from_numpy(y, dev, 0)\n'),
      manual: [
        /^\[manual\] "cuda" kept: a device for onnxruntime \(ort\.OrtValue\.ortvalue_from_numpy\), not a torch device$/,
        /^\[manual\] "cuda" kept: a device for onnxruntime \(ort\.OrtValue\.ortvalue_from_numpy\), not a torch device$/,
      ],
    },
    {
      name: 'the device of a TensorRT engine branch is kept; the torch branch next to it converts (item 4)',
      code:
        'import torch\n\n\ndef load(w, device, engine):\n    if engine:\n        import tensorrt as trt\n\n        if device.type == "cpu":\n            device = torch.device("cuda:0")\n        runtime = trt.Runtime(trt.Logger())\n    else:\n        model = torch.load(w).to("cuda:0")\n',
      output:
        'import torch\n\n\ndef load(w, device, engine):\n    if engine:\n        import tensorrt as trt\n\n        if device.type == "cpu":\n            device = torch.device("cuda:0")\n        runtime = trt.Runtime(trt.Logger())\n    else:\n        model = torch.load(w).to("npu:0")\n',
      manual: [/^\[manual\] "cuda:0" kept: the device of code that runs TensorRT \(import tensorrt as trt\), which cannot take an NPU$/],
    },
    {
      name: 'a device string in a function that builds a TensorRT engine (no branch around it) is kept',
      ...same('import torch\n\n\ndef export_engine(model, f):\n    import tensorrt as trt\n\n    im = torch.zeros(1, 3, 64, 64, device="cuda")\n    builder = trt.Builder(trt.Logger())\n'),
      manual: [/^\[manual\] "cuda" kept: the device of code that runs TensorRT \(import tensorrt as trt\), which cannot take an NPU$/],
    },
    // neighbours that are still converted
    {
      name: 'is_cuda guarding plain torch work is converted, next to a kernel it does not guard',
      code: `${TRITON}def add(x):\n    if x.is_cuda:\n        return x.float()\n    return x\n\n\ndef launch(x):\n    add_kernel[(1,)](x, x.numel(), BLOCK=1024)\n`,
      output: `${TRITON}def add(x):\n    if x.is_npu:\n        return x.float()\n    return x\n\n\ndef launch(x):\n    add_kernel[(1,)](x, x.numel(), BLOCK=1024)\n`,
    },
    {
      name: 'is_cuda with log text that names CUDA-only code is converted',
      code: 'import torch\nif x.is_cuda:\n    print("Triton kernel on CUDAExecutionProvider")\n',
      output: 'import torch\nif x.is_npu:\n    print("Triton kernel on CUDAExecutionProvider")\n',
    },
    {
      name: 'a name that is not the decorated kernel (a local of the same name) is no kernel',
      code: `${TRITON}def add(x, add_kernel):\n    if x.is_cuda:\n        add_kernel(x)\n`,
      output: `${TRITON}def add(x, add_kernel):\n    if x.is_npu:\n        add_kernel(x)\n`,
    },
    {
      name: 'a cpp_extension without CUDA sources is no CUDA kernel',
      code: 'import torch\nfrom torch.utils.cpp_extension import load\n\next = load("ops", sources=["ops.cpp"])\nif x.is_cuda:\n    y = ext.op(x)\n',
      output: 'import torch\nfrom torch.utils.cpp_extension import load\n\next = load("ops", sources=["ops.cpp"])\nif x.is_npu:\n    y = ext.op(x)\n',
    },
    {
      name: 'a device test choosing torch settings is converted',
      code: 'import torch\npin = True if device.type == "cuda" else False\nloader = DataLoader(ds, pin_memory=pin)\n',
      output: 'import torch\npin = True if device.type == "npu" else False\nloader = DataLoader(ds, pin_memory=pin)\n',
    },
    {
      name: 'a device= of a library not in the table stays a device',
      code: 'import torch\nimport timm\nm = timm.create_model("resnet50", device="cuda")\n',
      output: 'import torch\nimport timm\nm = timm.create_model("resnet50", device="npu")\n',
    },
    {
      name: 'a function that does not touch TensorRT converts, next to one that does',
      code: 'import torch\nimport tensorrt as trt\n\n\ndef build():\n    return trt.Builder(trt.Logger())\n\n\ndef to_dev(x):\n    return x.to("cuda")\n',
      output: 'import torch\nimport tensorrt as trt\n\n\ndef build():\n    return trt.Builder(trt.Logger())\n\n\ndef to_dev(x):\n    return x.to("npu")\n',
    },
    {
      name: 'a module-level TensorRT import does not make every device string TensorRT\'s',
      code: 'import torch\nimport tensorrt as trt\nx = torch.zeros(3, device="cuda")\n',
      output: 'import torch\nimport tensorrt as trt\nx = torch.zeros(3, device="npu")\n',
    },
  ],
});
