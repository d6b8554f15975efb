/**
 * cuda-api-to-npu and CUDA-only consumers (issue 10, item 1): `torch.cuda.is_available()`,
 * `device_count()`, `is_initialized()` whose result selects CUDA-only code stay CUDA checks
 * and are listed; the same checks next to them that guard torch device work are converted.
 */
import { runPassCases } from '../../src/testing/pass-tester';
import { cudaApiToNpu } from './cuda-api-to-npu';

const KEPT_ORT = /^\[manual\] torch\.cuda\.is_available\(\) kept: its result selects onnxruntime's CUDA build \/ CUDA execution provider \("CUDAExecutionProvider"\)$/;

runPassCases(cudaApiToNpu, {
  valid: [
    // provider lists chosen by something that is not a torch check
    'providers = ["CUDAExecutionProvider", "CPUExecutionProvider"] if use_gpu else ["CPUExecutionProvider"]\n',
    'import torch\nimport onnxruntime as ort\nsess = ort.InferenceSession(w, providers=["CUDAExecutionProvider"])\n',
    // already migrated: only torch.cuda checks are this pass's business
    'import torch\nimport torch_npu\ncuda = torch.npu.is_available()\nproviders = ["CUDAExecutionProvider"] if cuda else ["CPUExecutionProvider"]\n',
    // CUDA-only libraries used without any torch check
    'import tensorrt as trt\nlogger = trt.Logger(trt.Logger.INFO)\n',
    'import torch\ncheck_requirements("onnxruntime-gpu")\n',
    // a user's own flag named cuda, no torch check in sight
    'cuda = args.cuda\nif cuda:\n    import tensorrt as trt\n',
  ],
  invalid: [
    {
      name: 'a flag that picks the onnxruntime providers is kept (detect-backend form)',
      code:
        'import torch\n\n\ndef load(w, device):\n    cuda = torch.cuda.is_available() and device.type != "cpu"  # use CUDA\n    import onnxruntime\n\n    providers = ["CUDAExecutionProvider", "CPUExecutionProvider"] if cuda else ["CPUExecutionProvider"]\n    return onnxruntime.InferenceSession(w, providers=providers)\n',
      output:
        'import torch\n\n\ndef load(w, device):\n    cuda = torch.cuda.is_available() and device.type != "cpu"  # use CUDA\n    import onnxruntime\n\n    providers = ["CUDAExecutionProvider", "CPUExecutionProvider"] if cuda else ["CPUExecutionProvider"]\n    return onnxruntime.InferenceSession(w, providers=providers)\n',
      manual: [KEPT_ORT],
    },
    {
      name: 'the kept check does not stop the neighbouring torch.cuda calls',
      code: 'import torch\ncuda = torch.cuda.is_available()\nproviders = ["CUDAExecutionProvider"] if cuda else ["CPUExecutionProvider"]\ntorch.cuda.synchronize()\nn = torch.cuda.device_count()\n',
      output: 'import torch\ncuda = torch.cuda.is_available()\nproviders = ["CUDAExecutionProvider"] if cuda else ["CPUExecutionProvider"]\ntorch.npu.synchronize()\nn = torch.npu.device_count()\n',
      changes: ['torch.cuda.synchronize → torch.npu.synchronize', 'torch.cuda.device_count → torch.npu.device_count'],
      manual: [KEPT_ORT],
    },
    {
      name: 'a requirement choice onnxruntime-gpu / onnxruntime, inline',
      code: 'import torch\ncheck_requirements(("onnxruntime-gpu" if torch.cuda.is_available() else "onnxruntime", "onnx-simplifier"))\n',
      output: 'import torch\ncheck_requirements(("onnxruntime-gpu" if torch.cuda.is_available() else "onnxruntime", "onnx-simplifier"))\n',
      manual: [/kept: its result selects onnxruntime's CUDA build \/ CUDA execution provider \("onnxruntime-gpu"\)$/],
    },
    {
      name: 'tensorflow vs tensorflow-cpu in an f-string (item 4)',
      code: 'import torch\ncheck_requirements(f"tensorflow{\'\' if torch.cuda.is_available() else \'-cpu\'}<=2.15.1")\n',
      output: 'import torch\ncheck_requirements(f"tensorflow{\'\' if torch.cuda.is_available() else \'-cpu\'}<=2.15.1")\n',
      manual: [/torch\.cuda\.is_available\(\) kept: its result selects TensorFlow's GPU build \("tensorflow…"\)$/],
    },
    {
      name: 'device_count through an alias guarding a TensorRT branch',
      code: 'import torch as th\n\nif th.cuda.device_count() > 0:\n    import tensorrt as trt\n    runtime = trt.Runtime(logger)\nelse:\n    runtime = None\n',
      output: 'import torch as th\n\nif th.cuda.device_count() > 0:\n    import tensorrt as trt\n    runtime = trt.Runtime(logger)\nelse:\n    runtime = None\n',
      manual: [/^\[manual\] torch\.cuda\.device_count\(\) kept: its result selects TensorRT \(import tensorrt as trt\)$/],
    },
    {
      name: 'paddle inference: enable_use_gpu and paddlepaddle-gpu',
      code:
        'import torch\n\n\ndef paddle_backend(w):\n    cuda = torch.cuda.is_available()\n    check_requirements("paddlepaddle-gpu" if cuda else "paddlepaddle")\n    import paddle.inference as pdi\n\n    config = pdi.Config(w)\n    if cuda:\n        config.enable_use_gpu(memory_pool_init_size_mb=2048, device_id=0)\n    return config\n',
      output:
        'import torch\n\n\ndef paddle_backend(w):\n    cuda = torch.cuda.is_available()\n    check_requirements("paddlepaddle-gpu" if cuda else "paddlepaddle")\n    import paddle.inference as pdi\n\n    config = pdi.Config(w)\n    if cuda:\n        config.enable_use_gpu(memory_pool_init_size_mb=2048, device_id=0)\n    return config\n',
      manual: [/kept: its result selects PaddlePaddle's GPU build \("paddlepaddle-gpu"\)$/],
    },
    {
      name: 'a flag kept on self and read in another method',
      code:
        'import torch\nimport onnxruntime as ort\n\n\nclass Backend:\n    def __init__(self):\n        self.cuda = torch.cuda.is_available()\n\n    def session(self, w):\n        if self.cuda:\n            return ort.InferenceSession(w, providers=["CUDAExecutionProvider"])\n        return ort.InferenceSession(w)\n',
      output:
        'import torch\nimport onnxruntime as ort\n\n\nclass Backend:\n    def __init__(self):\n        self.cuda = torch.cuda.is_available()\n\n    def session(self, w):\n        if self.cuda:\n            return ort.InferenceSession(w, providers=["CUDAExecutionProvider"])\n        return ort.InferenceSession(w)\n',
      manual: [KEPT_ORT],
    },
    {
      name: 'an early return on "no CUDA" guards what follows',
      code:
        'import torch\nimport onnxruntime as ort\n\n\ndef session(w):\n    if not torch.cuda.is_available():\n        return ort.InferenceSession(w)\n    return ort.InferenceSession(w, providers=["CUDAExecutionProvider"])\n',
      output:
        'import torch\nimport onnxruntime as ort\n\n\ndef session(w):\n    if not torch.cuda.is_available():\n        return ort.InferenceSession(w)\n    return ort.InferenceSession(w, providers=["CUDAExecutionProvider"])\n',
      manual: [KEPT_ORT],
    },
    {
      name: 'walrus flag',
      code: 'import torch\nif (cuda := torch.cuda.is_available()):\n    pass\nproviders = ["CUDAExecutionProvider"] if cuda else ["CPUExecutionProvider"]\n',
      output: 'import torch\nif (cuda := torch.cuda.is_available()):\n    pass\nproviders = ["CUDAExecutionProvider"] if cuda else ["CPUExecutionProvider"]\n',
      manual: [KEPT_ORT],
    },
    {
      name: 'a flag for torch device work and for onnxruntime: kept, the record asks to split it',
      code: 'import torch\ncuda = torch.cuda.is_available()\ndevice = torch.device("cuda:0" if cuda else "cpu")\nproviders = ["CUDAExecutionProvider"] if cuda else ["CPUExecutionProvider"]\n',
      output: 'import torch\ncuda = torch.cuda.is_available()\ndevice = torch.device("cuda:0" if cuda else "cpu")\nproviders = ["CUDAExecutionProvider"] if cuda else ["CPUExecutionProvider"]\n',
      manual: [/selects onnxruntime's CUDA build \/ CUDA execution provider \("CUDAExecutionProvider"\) and also torch device work \(a device string\)$/],
    },
    {
      name: 'from torch.cuda import is_available: the kept name stays on torch.cuda, the others move',
      code: 'from torch.cuda import is_available, synchronize\nproviders = ["CUDAExecutionProvider"] if is_available() else []\nsynchronize()\n',
      output: 'from torch.cuda import is_available\nfrom torch.npu import synchronize\nproviders = ["CUDAExecutionProvider"] if is_available() else []\nsynchronize()\n',
      manual: [KEPT_ORT],
    },
    {
      name: 'from torch import cuda: a kept check keeps the import (and lists the other uses)',
      code: 'from torch import cuda\nproviders = ["CUDAExecutionProvider"] if cuda.is_available() else []\ncuda.synchronize()\n',
      output: 'from torch import cuda\nproviders = ["CUDAExecutionProvider"] if cuda.is_available() else []\ncuda.synchronize()\n',
      manual: ['[manual] torch.cuda import kept: some of its uses have no NPU twin', KEPT_ORT],
    },
    // neighbours that are still converted
    {
      name: 'a flag that only picks the torch device is converted',
      code: 'import torch\ncuda = torch.cuda.is_available()\ndevice = torch.device("cuda:0" if cuda else "cpu")\nmodel.to(device)\n',
      output: 'import torch\ncuda = torch.npu.is_available()\ndevice = torch.device("cuda:0" if cuda else "cpu")\nmodel.to(device)\n',
    },
    {
      name: 'log text naming a provider is not a consumer',
      code: 'import torch\nif torch.cuda.is_available():\n    print("CUDAExecutionProvider available")\n    logger.info("install onnxruntime-gpu")\n',
      output: 'import torch\nif torch.npu.is_available():\n    print("CUDAExecutionProvider available")\n    logger.info("install onnxruntime-gpu")\n',
    },
    {
      name: 'a flag of the same name in another function is another binding',
      code:
        'import torch\n\n\ndef pick():\n    cuda = torch.cuda.is_available()\n    return torch.device("cuda" if cuda else "cpu")\n\n\ndef providers(cuda):\n    return ["CUDAExecutionProvider"] if cuda else ["CPUExecutionProvider"]\n',
      output:
        'import torch\n\n\ndef pick():\n    cuda = torch.npu.is_available()\n    return torch.device("cuda" if cuda else "cpu")\n\n\ndef providers(cuda):\n    return ["CUDAExecutionProvider"] if cuda else ["CPUExecutionProvider"]\n',
    },
    {
      name: 'onnxruntime itself (CPU provider) is not CUDA-only',
      code: 'import torch\nimport onnxruntime as ort\nif torch.cuda.is_available():\n    sess = ort.InferenceSession(w, providers=["CPUExecutionProvider"])\n',
      output: 'import torch\nimport onnxruntime as ort\nif torch.npu.is_available():\n    sess = ort.InferenceSession(w, providers=["CPUExecutionProvider"])\n',
    },
    {
      name: 'a CUDA-only branch the check does not guard',
      code: 'import torch\nif onnx:\n    providers = ["CUDAExecutionProvider"]\nif torch.cuda.is_available():\n    model.cuda()\n',
      output: 'import torch\nif onnx:\n    providers = ["CUDAExecutionProvider"]\nif torch.npu.is_available():\n    model.cuda()\n',
    },
    {
      name: 'an if body that does not end the flow guards only itself',
      code: 'import torch\nimport tensorrt as trt\n\n\ndef f(x):\n    if not torch.cuda.is_available():\n        x = x.float()\n    return trt.Runtime(logger)\n',
      output: 'import torch\nimport tensorrt as trt\n\n\ndef f(x):\n    if not torch.npu.is_available():\n        x = x.float()\n    return trt.Runtime(logger)\n',
    },
    {
      name: 'limit: a check returned by a helper is not followed into its callers',
      code: 'import torch\n\n\ndef use_cuda():\n    return torch.cuda.is_available()\n\n\nproviders = ["CUDAExecutionProvider"] if use_cuda() else []\n',
      output: 'import torch\n\n\ndef use_cuda():\n    return torch.npu.is_available()\n\n\nproviders = ["CUDAExecutionProvider"] if use_cuda() else []\n',
    },
  ],
});
