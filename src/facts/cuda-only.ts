/**
 * CUDA-only consumers: third-party code that runs on NVIDIA GPUs and has no NPU
 * path through torch_npu. A CUDA check (`torch.cuda.is_available()`, `x.is_cuda`,
 * `device.type == "cuda"`) whose result selects one of them must stay a CUDA check:
 * turned into an NPU check it makes an Ascend host install CUDA wheels or launch
 * CUDA kernels. Used by cuda-api-to-npu and cuda-device-to-npu through
 * transforms/cuda-device-to-npu/cuda-only.ts.
 *
 * Sources (see ../shared/reference/ascend-facts.md):
 * - §3.10: onnxruntime has a CANN execution provider (`"CANNExecutionProvider"`, in
 *   onnxruntime builds made with CANN), the NPU alternative to `"CUDAExecutionProvider"`;
 *   TensorRT, `paddlepaddle-gpu`, CuPy, PyCUDA, numba.cuda and Triton's CUDA backend have
 *   no NPU path through torch_npu.
 * - §2.3: transfer_to_npu makes torch see `has_triton() == False` (no Triton on NPU).
 * - §1.13: libraries that read `torch.cuda.is_available()` as "CUDA is here" pick the
 *   wrong backend once it is true on NPU (accelerate #3020, FlagTree #1022).
 * TensorFlow is in none of these: the table only says that ascendify knows no NPU path
 * for it, which is why a CUDA check choosing between its GPU and CPU builds is kept.
 */
import { table } from './table';

export interface CudaOnlyConsumer {
  /** Stable id (used in record messages and tests). */
  id: string;
  /** What the user reads in the message: "onnxruntime's CUDA execution provider". */
  name: string;
  /** The library, for device messages ("a device for onnxruntime"). */
  library: string;
  /** Qualified-name prefixes: any reference resolving to one of them (or below) is this consumer. */
  modules?: readonly string[];
  /** String literal contents (each literal piece of a string, f-string pieces too) that name it. */
  strings?: readonly RegExp[];
  /** Method names whose call is this consumer (`config.enable_use_gpu(...)`). */
  methods?: readonly string[];
  /** Keyword arguments that are this consumer when the callee resolves under `keywordCallees`. */
  keywords?: readonly string[];
  keywordCallees?: readonly string[];
  /**
   * Modules whose device arguments are their own, not torch's: a `"cuda"` string given to
   * them (`device=`, positional) is not a torch device and cannot become `"npu"`.
   */
  deviceModules?: readonly string[];
  /** The NPU alternative, for the hint. */
  alternative: string;
}

export const CUDA_ONLY_CONSUMERS: readonly CudaOnlyConsumer[] = [
  {
    id: 'onnxruntime-cuda',
    name: "onnxruntime's CUDA build / CUDA execution provider",
    library: 'onnxruntime',
    strings: [/^CUDAExecutionProvider$/, /^onnxruntime-gpu([<>=!~].*)?$/],
    deviceModules: ['onnxruntime'],
    // §3.10
    alternative:
      'on Ascend use onnxruntime\'s "CANNExecutionProvider" (an onnxruntime build made with CANN, ascend-facts §3.10) where this code picks "CUDAExecutionProvider" / onnxruntime-gpu, or keep the CPU provider',
  },
  {
    id: 'tensorrt',
    name: 'TensorRT',
    library: 'TensorRT',
    modules: ['tensorrt', 'torch_tensorrt', 'torch2trt'],
    strings: [/^TensorrtExecutionProvider$/, /^(nvidia-)?tensorrt(-cu\d+)?([<>=!~].*)?$/, /^torch[-_]tensorrt([<>=!~].*)?$/, /^torch2trt$/],
    methods: ['enable_tensorrt_engine'],
    deviceModules: ['tensorrt', 'torch_tensorrt', 'torch2trt'],
    // §3.10
    alternative:
      'TensorRT has no NPU path through torch_npu (ascend-facts §3.10): on Ascend run the torch model on the NPU, or export ONNX and run it with onnxruntime\'s "CANNExecutionProvider"',
  },
  {
    id: 'paddle-gpu',
    name: "PaddlePaddle's GPU build",
    library: 'PaddlePaddle',
    strings: [/^paddlepaddle-gpu([<>=!~].*)?$/],
    methods: ['enable_use_gpu'],
    keywords: ['use_gpu'],
    keywordCallees: ['paddle', 'paddleocr'],
    deviceModules: ['paddle'],
    // §3.10
    alternative:
      'paddlepaddle-gpu has no NPU path through torch_npu (ascend-facts §3.10): keep Paddle on its CPU build on an Ascend host, or run the model with torch on the NPU',
  },
  {
    id: 'tensorflow-gpu',
    name: "TensorFlow's GPU build",
    library: 'TensorFlow',
    strings: [/^tensorflow(-gpu)?([<>=!~].*)?$/, /^tf-nightly(-gpu)?$/],
    deviceModules: ['tensorflow'],
    alternative:
      'ascendify knows no NPU path for TensorFlow through torch_npu: on an Ascend host choose the CPU build (tensorflow-cpu) here, whatever torch.npu.is_available() says',
  },
  {
    id: 'triton',
    name: 'a Triton kernel',
    library: 'Triton',
    modules: ['triton'],
    deviceModules: ['triton'],
    // §3.10, §2.3
    alternative:
      "Triton's CUDA backend has no NPU path (ascend-facts §3.10; torch_npu reports Triton unavailable, §2.3): keep the plain torch path for NPU tensors, or port the kernel to torch / torch_npu ops",
  },
  {
    id: 'cupy',
    name: 'CuPy',
    library: 'CuPy',
    modules: ['cupy', 'cupyx'],
    strings: [/^cupy-cuda\w*$/],
    deviceModules: ['cupy', 'cupyx'],
    // §3.10
    alternative: 'CuPy has no NPU path (ascend-facts §3.10): keep the torch / numpy path for NPU tensors, or port the array code to torch ops',
  },
  {
    id: 'pycuda',
    name: 'PyCUDA',
    library: 'PyCUDA',
    modules: ['pycuda'],
    deviceModules: ['pycuda'],
    // §3.10
    alternative: 'PyCUDA has no NPU path (ascend-facts §3.10): keep the torch path for NPU tensors, or port the kernel to torch / torch_npu ops',
  },
  {
    id: 'numba-cuda',
    name: 'a numba.cuda kernel',
    library: 'numba.cuda',
    modules: ['numba.cuda'],
    deviceModules: ['numba.cuda'],
    // §3.10
    alternative: 'numba.cuda has no NPU path (ascend-facts §3.10): keep the torch path for NPU tensors, or port the kernel to torch / torch_npu ops',
  },
  {
    id: 'cuda-extension',
    name: 'a custom CUDA kernel',
    library: 'a CUDA extension',
    // `load(name, sources=["k.cpp", "k.cu"])`, `load_inline(..., cuda_sources=...)`, a `.cu` file name
    strings: [/^[\w./\\-]+\.cuh?$/],
    keywords: ['cuda_sources'],
    keywordCallees: ['torch.utils.cpp_extension'],
    alternative:
      'CUDA C++ kernels do not build for Ascend: keep the torch path for NPU tensors, or write the operator with torch_npu ops or as an Ascend C custom operator',
  },
  {
    id: 'gpu-build',
    name: 'the GPU build of a third-party package',
    library: 'a third-party package',
    // faiss-gpu, mxnet-cu112, jaxlib-cuda12, ...: a distribution name that says GPU / CUDA
    strings: [/^[A-Za-z][\w.]*-(gpu|cuda\d*x?|cu\d{2,3})([<>=!~].*)?$/],
    alternative: 'a CUDA build has no NPU path through torch_npu: on an Ascend host choose the CPU build here',
  },
];

/** Decorators that make a function a CUDA kernel (calling it, or `kernel[grid](...)`, launches it). */
export const KERNEL_DECORATORS: Readonly<Record<string, string>> = table({
  'triton.jit': 'triton',
  'triton.autotune': 'triton',
  'triton.heuristics': 'triton',
  'numba.cuda.jit': 'numba-cuda',
});

/** Calls that build a custom extension; with CUDA sources their result is a custom CUDA kernel module. */
export const EXTENSION_LOADERS: ReadonlySet<string> = new Set([
  'torch.utils.cpp_extension.load',
  'torch.utils.cpp_extension.load_inline',
]);

/** `torch.cuda.X()` members whose result is a "CUDA is here" check (cuda-api-to-npu consults the flow for them). */
export const CUDA_CHECK_MEMBERS: ReadonlySet<string> = new Set(['is_available', 'device_count', 'is_initialized']);

/**
 * A file whose text matches none of these words has no CUDA-only consumer the
 * table can name (every module, method, keyword, keyword callee and string of
 * CUDA_ONLY_CONSUMERS, the kernel decorators and extension loaders spell one of
 * them; test: src/facts/cuda-only.test.ts), so the flow has nothing to find.
 * A star import may bind a consumer under an alias the text does not spell, so
 * it counts too. Case-insensitive (TensorrtExecutionProvider).
 */
export const CUDA_ONLY_TEXT =
  /tensorrt|torch2trt|triton|cupy|pycuda|numba|onnxruntime|executionprovider|paddle|tensorflow|tf-nightly|use_gpu|cuda_sources|cpp_extension|\.cuh?\b|-(gpu|cuda|cu\d)|import\s*\*/i;

export function consumerById(id: string): CudaOnlyConsumer {
  const c = CUDA_ONLY_CONSUMERS.find((x) => x.id === id);
  if (!c) throw new Error(`unknown CUDA-only consumer ${id}`);
  return c;
}

/** The consumer a literal piece of a string names, if any. */
export function consumerOfString(text: string): CudaOnlyConsumer | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  return CUDA_ONLY_CONSUMERS.find((c) => c.strings?.some((re) => re.test(t)));
}

/** The consumer a qualified name belongs to (`trt.Builder` → tensorrt), if any. */
export function consumerOfModule(qualified: string): CudaOnlyConsumer | undefined {
  return CUDA_ONLY_CONSUMERS.find((c) => c.modules?.some((m) => qualified === m || qualified.startsWith(m + '.')));
}

/** The library whose device arguments a call to `qualified` takes (not torch's), if any. */
export function deviceConsumerOfModule(qualified: string): CudaOnlyConsumer | undefined {
  return CUDA_ONLY_CONSUMERS.find((c) => c.deviceModules?.some((m) => qualified === m || qualified.startsWith(m + '.')));
}
