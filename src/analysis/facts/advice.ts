/**
 * Performance and precision advice: GPU2Ascend's `resource/precision_performance_advice.json`
 * (ascend-facts.md §1.11) and the torch_npu facts it rests on (§3.6, §3.9, §1.12).
 */
import { table } from '../../facts/table';

/**
 * §1.11 api_performance_dict: torch.optim classes with an NPU fused twin. §3.6 lists them
 * in torch_npu.optim too (NpuFusedSGD, NpuFusedAdam, NpuFusedAdamW, NpuFusedAdadelta,
 * NpuFusedRMSprop, ...). GPU2Ascend's Lamb / BertAdam / AdamP / RMSpropTF entries name
 * classes torch.optim does not have, so they cannot match and are left out.
 */
export const FUSED_OPTIMIZERS: Readonly<Record<string, string>> = table({
  'torch.optim.SGD': 'NpuFusedSGD',
  'torch.optim.Adam': 'NpuFusedAdam',
  'torch.optim.AdamW': 'NpuFusedAdamW',
  'torch.optim.Adadelta': 'NpuFusedAdadelta',
  'torch.optim.RMSprop': 'NpuFusedRMSprop',
});

export function fusedOptimizerHint(fused: string, cls: string): string {
  const memory = cls === 'torch.optim.AdamW' ? ' (GPU2Ascend notes ~70% more memory for AdamW)' : '';
  return (
    `torch_npu.optim.${fused} (or apex.optimizers.${fused} from Ascend's apex) fuses the parameter update${memory}; ` +
    'create it after the model is on the NPU and do not re-allocate the parameters afterwards (no .cpu() on the model)'
  );
}

/**
 * §1.11 api_parameters_performance_dict for torch.utils.data.DataLoader: pin_memory expected
 * True, num_workers 0 unexpected. GPU2Ascend's indexes (8, 6) count from 1; in
 * DataLoader(dataset, batch_size, shuffle, sampler, batch_sampler, num_workers,
 * collate_fn, pin_memory, ...) they are positions 7 and 5 counting from 0.
 */
export const DATALOADER = {
  names: new Set(['torch.utils.data.DataLoader', 'torch.utils.data.dataloader.DataLoader']),
  numWorkersPosition: 5,
  pinMemoryPosition: 7,
  pinMemoryHint: 'pin_memory=True lets host-to-NPU copies run asynchronously (with .to(..., non_blocking=True))',
  numWorkersHint: 'num_workers > 0 loads batches in worker processes so the NPU does not wait for data',
};

/** §1.11 api_performance_dict: "... delete it for better performance." */
export const ANOMALY_DETECTION: ReadonlySet<string> = new Set([
  'torch.autograd.set_detect_anomaly',
  'torch.autograd.detect_anomaly',
  'torch.autograd.gradcheck',
  'torch.autograd.anomaly_mode.set_detect_anomaly',
  'torch.autograd.anomaly_mode.detect_anomaly',
  'torch.autograd.gradcheck.gradcheck',
]);

export const ANOMALY_HINT =
  'anomaly detection / gradcheck checks every backward op and slows training on NPU a lot: delete it (or guard it with a debug flag) for real runs';

/** §1.11 api_precision_dict, verbatim advice. */
export const PRECISION: Readonly<Record<string, string>> = table({
  'torch.baddbmm': 'may overflow in the computation on NPU; try torch.bmm() + add',
  'torch.reshape':
    'may overflow in backward on NPU; try torch_npu.npu_confusion_transpose (= permute + reshape) where a permute follows',
  'torch.nn.Embedding': 'backward results may be nondeterministic on NPU; compare against a CPU run if accuracy matters',
  'torch.nn.functional.embedding':
    'backward results may be nondeterministic on NPU; compare against a CPU run if accuracy matters',
  'torch.matmul': 'results may differ from CUDA on NPU; compare against a reference run if accuracy matters',
  'torch.Tensor.matmul': 'results may differ from CUDA on NPU; compare against a reference run if accuracy matters',
});

/** §1.11 performance_configuration_dict, §1.12, §3.9. */
export const COMPILE_MODE = {
  call: 'torch_npu.npu.set_compile_mode',
  hint:
    'after `import torch_npu`, call torch_npu.npu.set_compile_mode(jit_compile=False) when input shapes vary (dynamic shapes), jit_compile=True when they are fixed; with mp.spawn, in the spawned worker',
};

/**
 * `fused=` on a torch.optim optimizer. torch runs the fused step only where the device
 * has a `_fused_adam(w)_` kernel; torch_npu's support is version-dependent, and no
 * torch_npu document in the facts lists it (ascend-facts.md §3.6 lists the
 * torch_npu.optim.NpuFused* optimizers). Public evidence both ways: torchtune's Ascend
 * recipe sets `fused: False  # not supported on Ascend NPU device`
 * (meta-pytorch/torchtune PR #2646), a later Megatron-LM-FL change selects
 * `torch.optim.AdamW(fused=True)` on a verified torch_npu stack, where it runs
 * aclnnApplyAdamWV2 (flagos-ai/Megatron-LM-FL PR #135).
 */
export const FUSED_FLAG_HINT =
  'fused=True needs a fused optimizer kernel for the NPU: whether your torch_npu version has one is version-dependent (some torch_npu releases reject it, newer stacks run AdamW(fused=True) on aclnnApplyAdamWV2); if the first step fails, drop fused=True or use torch_npu.optim.NpuFused* (NpuFusedAdamW, NpuFusedAdam, NpuFusedSGD, ...), which fuse the update on every torch_npu release (create it after the model is on the NPU, no .cpu() on the model afterwards)';

/**
 * torch.compile with the default backend (inductor). The TorchAir guide (HIASCEND
 * Pytorch/60RC2 torchair_0003) says the default backend "inductor" is not supported on
 * Ascend NPU and that NPU graph mode has one backend, torchair.get_npu_backend()
 * (passed as torch.compile(model, backend=npu_backend)); `mode` and `options` are not
 * supported either. Newer torch_npu (v2.7.1: torch_npu/_inductor,
 * TORCHINDUCTOR_NPU_BACKEND) ships an Inductor backend for NPU: version-dependent.
 */
export const TORCH_COMPILE = {
  names: new Set(['torch.compile']),
  /** Backends that need CUDA / are the default Inductor. */
  cudaBackends: new Set(['inductor', 'cudagraphs']),
  hint:
    'torch.compile with the default backend (inductor): older torch_npu releases do not support it on NPU (TorchAir guide: NPU graph mode uses torchair.get_npu_backend(), passed as torch.compile(model, backend=npu_backend); mode= and options= unsupported), torch_npu 2.7.1 ships an Inductor NPU backend: version-dependent. For a first NPU run keep the model eager (turn the compile switch off), then try the TorchAir backend or your torch_npu version\'s Inductor support',
};
