/**
 * Third-party packages with CUDA-only builds or NPU-specific replacements, with
 * what to do on Ascend. Where ascend-facts.md covers a package the hint cites it;
 * where it does not, the hint says what is known about the package itself and
 * names no Ascend package that the facts do not name.
 *
 * Matched on import statements (module names) and on dependency declarations
 * (distribution names, PEP 503-normalised: lower case, runs of `-_.` → `-`).
 */
import type { Severity } from '../types';

export interface ThirdPartyPackage {
  /** Display name (the CSV's Package column). */
  name: string;
  /** Importable modules (`nvidia.dali` matches `import nvidia.dali.fn`). */
  modules: readonly string[];
  /** Normalised distribution names. */
  dists: readonly string[];
  /** Normalised distribution-name prefixes (`cupy-cuda12x`, `nvidia-dali-cuda120`). */
  distPrefixes?: readonly string[];
  level: Severity;
  hint: string;
}

export const THIRD_PARTY: readonly ThirdPartyPackage[] = [
  {
    name: 'apex',
    modules: ['apex', 'amp_C'],
    dists: ['apex'],
    level: 'warning',
    // §3.5 (APEX README), §1.12
    hint:
      "install Ascend's apex build (Ascend/apex: NVIDIA apex + NPU patch; amp O1/O2, combine_grad=True) instead of NVIDIA's; its fused optimizers are apex.optimizers.NpuFusedAdam/AdamW/SGD/Lamb/... (FusedAdam is not migrated), and `import amp_C` must go",
  },
  {
    name: 'flash_attn',
    modules: ['flash_attn'],
    dists: ['flash-attn'],
    level: 'error',
    // §3.6
    hint:
      'CUDA-only kernels: use torch_npu.npu_fusion_attention (the FlashAttention analogue) for training, torch_npu.npu_fused_infer_attention_score for inference',
  },
  {
    name: 'xformers',
    modules: ['xformers'],
    dists: ['xformers'],
    level: 'error',
    hint:
      'its attention kernels are CUDA builds (no Ascend build known to ascendify): replace xformers.ops.memory_efficient_attention with torch_npu.npu_fusion_attention or plain torch attention',
  },
  {
    name: 'bitsandbytes',
    modules: ['bitsandbytes'],
    dists: ['bitsandbytes'],
    level: 'error',
    hint:
      "8-bit optimizers and k-bit quantization run on CUDA kernels (no Ascend build known to ascendify): use torch.optim / torch_npu.optim optimizers, and torch_npu's quantized matmul ops (npu_quant_matmul, npu_weight_quant_batchmatmul) for quantization",
  },
  {
    name: 'deepspeed',
    modules: ['deepspeed'],
    dists: ['deepspeed'],
    level: 'warning',
    hint:
      "DeepSpeed's CUDA ops (fused optimizers, op_builder kernels) do not build on Ascend; check that your DeepSpeed version has an NPU accelerator that uses torch_npu, and turn off features that need CUDA kernels",
  },
  {
    name: 'mmcv',
    modules: ['mmcv'],
    dists: ['mmcv', 'mmcv-full'],
    level: 'warning',
    hint:
      "mmcv.ops are compiled C++/CUDA ops: install an mmcv built for Ascend NPU (mmcv's docs describe the NPU build) and replace the ops that have no NPU implementation",
  },
  {
    name: 'transformer_engine',
    modules: ['transformer_engine'],
    dists: ['transformer-engine'],
    distPrefixes: ['transformer-engine-'],
    level: 'error',
    hint:
      'NVIDIA Transformer Engine (FP8 kernels for NVIDIA GPUs) does not run on Ascend: use plain torch layers (torch.nn.Linear, LayerNorm) under bf16/fp16 autocast',
  },
  {
    name: 'triton',
    modules: ['triton'],
    dists: ['triton'],
    level: 'error',
    // §2.3: transfer_to_npu makes torch see has_triton() == False
    hint:
      'Triton compiles kernels for NVIDIA (and AMD) GPUs; no Ascend backend is known to ascendify, and torch_npu reports Triton as unavailable to torch: rewrite the kernels with torch / torch_npu ops or as Ascend C custom operators',
  },
  {
    name: 'cupy',
    modules: ['cupy', 'cupyx'],
    dists: ['cupy'],
    distPrefixes: ['cupy-cuda', 'cupy-rocm'],
    level: 'error',
    hint: 'CuPy arrays live on CUDA devices: port the array code to torch tensors on the NPU (or numpy on the CPU)',
  },
  {
    name: 'pycuda',
    modules: ['pycuda'],
    dists: ['pycuda'],
    level: 'error',
    hint: 'CUDA driver bindings: port the kernels and device-memory code to torch / torch_npu ops',
  },
  {
    name: 'numba.cuda',
    modules: ['numba.cuda'],
    dists: [],
    level: 'error',
    hint: "numba's CUDA target compiles kernels for NVIDIA GPUs: port the kernels to torch / torch_npu ops (numba's CPU @jit is fine)",
  },
  {
    name: 'nvidia-dali',
    modules: ['nvidia.dali'],
    dists: ['nvidia-dali'],
    distPrefixes: ['nvidia-dali-'],
    level: 'error',
    hint:
      'DALI decodes and augments on NVIDIA GPUs: replace the pipeline with torch.utils.data.DataLoader and CPU (torchvision) transforms',
  },
  {
    name: 'tensorrt',
    modules: ['tensorrt', 'torch_tensorrt'],
    dists: ['tensorrt', 'torch-tensorrt'],
    distPrefixes: ['tensorrt-cu'],
    level: 'error',
    hint:
      "NVIDIA TensorRT is an inference engine for NVIDIA GPUs: run inference with torch on the NPU, or with Ascend's own inference tooling (ascendify does not convert inference engines)",
  },
  {
    name: 'pynvml',
    modules: ['pynvml'],
    dists: ['pynvml', 'nvidia-ml-py', 'nvidia-ml-py3'],
    level: 'warning',
    // §3.1, §3.3
    hint:
      'NVML queries NVIDIA GPUs only: use torch.npu.utilization(), torch.npu.mem_get_info(), torch.npu.memory_allocated() or `npu-smi info`',
  },
  {
    name: 'GPUtil',
    modules: ['GPUtil'],
    dists: ['gputil'],
    level: 'warning',
    hint:
      'GPUtil reads nvidia-smi: use torch.npu.utilization(), torch.npu.mem_get_info() or `npu-smi info` on Ascend',
  },
  {
    name: 'spconv',
    modules: ['spconv'],
    dists: ['spconv'],
    distPrefixes: ['spconv-cu'],
    level: 'error',
    hint: 'sparse-convolution CUDA kernels (no Ascend build known to ascendify): the layers need an NPU implementation',
  },
  {
    name: 'onnxruntime-gpu',
    modules: [],
    dists: ['onnxruntime-gpu'],
    level: 'warning',
    hint:
      "the CUDA build of ONNX Runtime: on an Ascend machine install onnxruntime (CPU) or an ONNX Runtime build with Ascend (CANN) support",
  },
];

/** PyTorch built for CUDA (a `+cuXXX` version or the CUDA wheel index): on Ascend, torch (CPU build) + torch_npu. */
export const TORCH_CUDA_BUILD = {
  name: 'torch (CUDA build)',
  level: 'warning' as Severity,
  hint: 'a CUDA build of PyTorch: on Ascend install the CPU build of the same torch version together with the matching torch_npu',
};

/** Conda packages that pull in the CUDA toolkit for PyTorch (environment.yml). */
export const CONDA_CUDA_PACKAGES: ReadonlySet<string> = new Set(['cudatoolkit', 'pytorch-cuda', 'cuda-toolkit', 'cudnn']);

/** PEP 503 normalisation. */
export function normaliseDist(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

/**
 * The project config's `[third_party]` packages (docs/config.md), for this
 * thread: set by the runner before a file is analysed (the same list on every
 * thread: it travels in EngineOptions). They come before the built-in table.
 */
let extra: readonly ThirdPartyPackage[] = [];
let extraFrom: unknown;
let extraWords: RegExp | undefined;

export function useExtraPackages(list: readonly { name: string; hint: string; level: Severity; modules: readonly string[] }[] | undefined): void {
  if (list === extraFrom) return;
  extraFrom = list;
  extra = (list ?? []).map((p) => ({ name: p.name, modules: p.modules, dists: [normaliseDist(p.name)], level: p.level, hint: p.hint }));
  const words = [...new Set(extra.flatMap((p) => p.modules.map((m) => m.split('.')[0])))];
  extraWords = words.length > 0 ? new RegExp(words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'u') : undefined;
}

/** Does the text mention a module of the config's extra packages (the analysis trigger, src/analysis/python.ts)? */
export function mentionsExtraPackage(text: string): boolean {
  return extraWords !== undefined && extraWords.test(text);
}

function table(): readonly ThirdPartyPackage[] {
  return extra.length === 0 ? THIRD_PARTY : [...extra, ...THIRD_PARTY];
}

/** The package a distribution name belongs to. */
export function packageForDist(dist: string): ThirdPartyPackage | undefined {
  const d = normaliseDist(dist);
  return table().find((p) => p.dists.includes(d) || (p.distPrefixes ?? []).some((x) => d.startsWith(x)));
}

/** The package a (dotted) module name belongs to. */
export function packageForModule(module: string): ThirdPartyPackage | undefined {
  return table().find((p) => p.modules.some((m) => module === m || module.startsWith(m + '.')));
}
