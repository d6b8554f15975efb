/**
 * NVIDIA apex on Ascend: what each apex API becomes on NPU (used by apex-to-npu).
 *
 * Sources:
 * - ascend-facts.md §1.5 (GPU2Ascend's RemoveImportRule deletes `import amp_C`), §1.12 (FusedAdam is
 *   not migrated by the tool; `import amp_C` must be removed; DDP goes after amp.initialize), §3.5
 *   (Ascend's apex: amp O1/O2, static/dynamic loss scale, `combine_grad=True` in amp.initialize,
 *   fused optimizers adadelta, adam, adamp, adamw, sgd, lamb, rmsprop, rmsprop_tf as
 *   apex.optimizers.NpuFused*), §3.6 (torch_npu.optim.NpuFused*: params must not be re-allocated),
 *   §3.7 (DDP with device_ids=[local_rank]);
 * - NVIDIA/apex apex/optimizers/fused_adam.py (adam_w_mode=True, weight_decay=0 by default: an AdamW),
 *   fused_lamb.py (weight_decay=0.01, max_grad_norm=1.0 by default);
 * - Ascend/op-plugin docs/context/torch_npu-optim-NpuFused{Adam,AdamW,SGD,Lamb}.md (signatures:
 *   NpuFusedAdam weight_decay=0, NpuFusedAdamW weight_decay=1e-2, NpuFusedLamb weight_decay=0 and no
 *   max_grad_norm, NpuFusedSGD(params, lr, momentum, dampening, weight_decay, nesterov)).
 */
import type { CallArgs } from '../python/nodes';
import { table } from './table';

export interface ApexAdvice {
  /** Short text for the report: what to use instead. */
  message: string;
  hint: string;
}

const NOT_REALLOCATED = 'the model parameters must not be re-allocated after it is created (no .cpu() on the model, §3.6)';
const ASCEND_FUSED = 'Ascend\'s fused optimizers are Adadelta, Adam, AdamP, AdamW, SGD, Lamb, RMSprop and RMSpropTF (torch_npu.optim.NpuFused*, apex.optimizers.NpuFused* in Ascend\'s apex, §3.5-3.6)';
const NOT_IN_ASCEND_APEX = 'Ascend\'s apex documents amp and the NpuFused optimizers only (§3.5)';

/** Submodule paths of the public names. */
const ALIASES: Readonly<Record<string, string>> = table({
  'apex.optimizers.fused_adam.FusedAdam': 'apex.optimizers.FusedAdam',
  'apex.optimizers.fused_lamb.FusedLAMB': 'apex.optimizers.FusedLAMB',
  'apex.optimizers.fused_sgd.FusedSGD': 'apex.optimizers.FusedSGD',
  'apex.optimizers.fused_novograd.FusedNovoGrad': 'apex.optimizers.FusedNovoGrad',
  'apex.optimizers.fused_adagrad.FusedAdagrad': 'apex.optimizers.FusedAdagrad',
  'apex.optimizers.fused_mixed_precision_lamb.FusedMixedPrecisionLamb': 'apex.optimizers.FusedMixedPrecisionLamb',
  'apex.amp.frontend.initialize': 'apex.amp.initialize',
  'apex.parallel.distributed.DistributedDataParallel': 'apex.parallel.DistributedDataParallel',
  'apex.parallel.optimized_sync_batchnorm.SyncBatchNorm': 'apex.parallel.SyncBatchNorm',
  'apex.parallel.sync_batchnorm.SyncBatchNorm': 'apex.parallel.SyncBatchNorm',
  'apex.normalization.fused_layer_norm.FusedLayerNorm': 'apex.normalization.FusedLayerNorm',
  'apex.normalization.fused_layer_norm.MixedFusedLayerNorm': 'apex.normalization.MixedFusedLayerNorm',
  'apex.normalization.fused_layer_norm.FusedRMSNorm': 'apex.normalization.FusedRMSNorm',
});

/** The keyword's literal value: 'True' / 'False' / other source text; undefined when absent. */
function kw(args: CallArgs | null, name: string): string | undefined {
  return args?.keywords.get(name)?.value.text;
}

type Describe = (args: CallArgs | null) => ApexAdvice | null;

const APIS: Readonly<Record<string, Describe>> = table({
  'apex.optimizers.FusedAdam': (args) => {
    // with **kwargs and no explicit adam_w_mode, the mode is not known
    const mode = kw(args, 'adam_w_mode') ?? (args?.hasSplat ? '**kwargs' : undefined);
    if (mode === 'False') {
      return {
        message: 'use torch_npu.optim.NpuFusedAdam',
        hint: `adam_w_mode=False is Adam with L2 weight decay: torch_npu.optim.NpuFusedAdam(params, lr, betas, eps, weight_decay) (apex.optimizers.NpuFusedAdam in Ascend's apex); drop adam_w_mode, bias_correction, set_grad_none, capturable; ${NOT_REALLOCATED}`,
      };
    }
    const which = mode === undefined || mode === 'True' ? 'NpuFusedAdamW' : 'NpuFusedAdamW when adam_w_mode is true, NpuFusedAdam when false';
    const wd = args && !args.keywords.has('weight_decay') && !args.hasSplat
      ? '; pass weight_decay=0 to keep FusedAdam\'s default (NpuFusedAdamW defaults to 1e-2)'
      : '';
    return {
      message: `use torch_npu.optim.${mode === undefined || mode === 'True' ? 'NpuFusedAdamW' : 'NpuFusedAdamW / NpuFusedAdam'}`,
      hint: `FusedAdam defaults to adam_w_mode=True (decoupled weight decay, an AdamW): use torch_npu.optim.${which} (apex.optimizers.NpuFusedAdamW in Ascend's apex)${wd}; drop adam_w_mode, bias_correction, set_grad_none, capturable; ${NOT_REALLOCATED}`,
    };
  },
  'apex.optimizers.FusedLAMB': (args) => {
    const wd = args && !args.keywords.has('weight_decay') && !args.hasSplat
      ? ' pass weight_decay=0.01 to keep FusedLAMB\'s default (NpuFusedLamb defaults to 0);'
      : '';
    return {
      message: 'use torch_npu.optim.NpuFusedLamb',
      hint: `torch_npu.optim.NpuFusedLamb(params, lr, betas, eps, weight_decay) (apex.optimizers.NpuFusedLamb in Ascend's apex);${wd} FusedLAMB clips the global gradient norm (max_grad_norm=1.0 by default) and NpuFusedLamb does not: clip with torch.nn.utils.clip_grad_norm_ before step(); ${NOT_REALLOCATED}`,
    };
  },
  'apex.optimizers.FusedSGD': () => ({
    message: 'use torch_npu.optim.NpuFusedSGD',
    hint: `torch_npu.optim.NpuFusedSGD(params, lr, momentum, dampening, weight_decay, nesterov) (apex.optimizers.NpuFusedSGD in Ascend's apex); wd_after_momentum, materialize_master_grads and set_grad_none have no equivalent; ${NOT_REALLOCATED}`,
  }),
  'apex.optimizers.FusedNovoGrad': () => ({ message: 'no NPU twin', hint: `NovoGrad has no fused NPU version; ${ASCEND_FUSED}. Use a plain PyTorch implementation` }),
  'apex.optimizers.FusedAdagrad': () => ({ message: 'no NPU twin', hint: `${ASCEND_FUSED}; use torch.optim.Adagrad` }),
  'apex.optimizers.FusedLANS': () => ({ message: 'no NPU twin', hint: `${ASCEND_FUSED}; use a plain PyTorch implementation` }),
  'apex.optimizers.FusedMixedPrecisionLamb': () => ({
    message: 'no NPU twin',
    hint: `${ASCEND_FUSED}; torch_npu.optim.NpuFusedLamb is the closest (it keeps no separate master weights)`,
  }),
  'apex.amp.initialize': (args) => {
    if (args && args.keywords.has('combine_grad')) return null; // already set for NPU
    return {
      message: 'add combine_grad=True on NPU',
      hint: 'Ascend\'s apex supports amp.initialize (O1/O2, static and dynamic loss scale); on NPU pass combine_grad=True to fuse the gradient handling (§3.5), and wrap the model in DistributedDataParallel after amp.initialize (§1.12)',
    };
  },
  'apex.parallel.DistributedDataParallel': () => ({
    message: 'use torch.nn.parallel.DistributedDataParallel',
    hint: `${NOT_IN_ASCEND_APEX}; wrap the model with torch.nn.parallel.DistributedDataParallel(model, device_ids=[local_rank]) after init_process_group(backend="hccl") (§3.7); delay_allreduce and message_size have no equivalent`,
  }),
  'apex.parallel.SyncBatchNorm': () => ({
    message: 'use torch.nn.SyncBatchNorm',
    hint: `${NOT_IN_ASCEND_APEX}; use torch.nn.SyncBatchNorm (torch_npu.contrib.module.FastSyncBatchNorm is an NPU variant, §3.6)`,
  }),
  'apex.parallel.convert_syncbn_model': () => ({
    message: 'use torch.nn.SyncBatchNorm.convert_sync_batchnorm',
    hint: `${NOT_IN_ASCEND_APEX}; torch.nn.SyncBatchNorm.convert_sync_batchnorm(model) does the same conversion`,
  }),
  'apex.normalization.FusedLayerNorm': () => ({
    message: 'use torch.nn.LayerNorm',
    hint: `${NOT_IN_ASCEND_APEX}; torch.nn.LayerNorm takes the same arguments (normalized_shape, eps, elementwise_affine)`,
  }),
  'apex.normalization.MixedFusedLayerNorm': () => ({
    message: 'use torch.nn.LayerNorm',
    hint: `${NOT_IN_ASCEND_APEX}; torch.nn.LayerNorm(normalized_shape, eps) under autocast gives the mixed-precision behaviour`,
  }),
  'apex.normalization.FusedRMSNorm': () => ({
    message: 'use torch.nn.RMSNorm or torch_npu.npu_rms_norm',
    hint: `${NOT_IN_ASCEND_APEX}; torch.nn.RMSNorm (PyTorch 2.4+) or the fused torch_npu.npu_rms_norm (beta, §3.6)`,
  }),
});

/** Advice for a use of the apex name `qualified` (any submodule path), given the call's arguments if it is called. */
export function apexAdvice(qualified: string, args: CallArgs | null): { name: string; advice: ApexAdvice } | null | undefined {
  const name = ALIASES[qualified] ?? qualified;
  const describe = APIS[name];
  if (!describe) return undefined; // not a known apex API
  const advice = describe(args);
  return advice ? { name, advice } : null; // null: known, nothing to say here
}

/** Is `qualified` (after aliases) a name the table knows? */
export function isKnownApexName(qualified: string): boolean {
  return (ALIASES[qualified] ?? qualified) in APIS;
}

/** apex submodules that Ascend's apex does not document (reported once per import). */
export const UNDOCUMENTED_APEX_MODULES = ['apex.contrib', 'apex.transformer', 'apex.mlp', 'apex.fused_dense', 'apex.fp16_utils', 'apex.reparameterization', 'apex.RNN'];

export const UNDOCUMENTED_APEX_HINT = `${NOT_IN_ASCEND_APEX}; replace this module's layers and functions with plain PyTorch or torch_npu equivalents`;

export const AMP_C_IMPORT_HINT =
  'Ascend\'s apex does not build the amp_C CUDA extension (GPU2Ascend deletes this import, §1.5, §1.12): remove the import and replace the amp_C.* calls listed for this file with torch ops';

/** What to use instead of one amp_C kernel. */
export function ampCHint(fn: string): string {
  if (fn === 'multi_tensor_l2norm') {
    return 'compute the norm with torch ops, e.g. torch.linalg.vector_norm(torch.stack([torch.linalg.vector_norm(g) for g in grads])), or clip with torch.nn.utils.clip_grad_norm_';
  }
  if (fn === 'multi_tensor_scale') return 'scale with torch ops: torch._foreach_mul(src, scale), then copy into the destination tensors';
  if (fn === 'multi_tensor_axpby') return 'compute a * x + b * y per tensor with torch ops (torch._foreach_mul / torch._foreach_add)';
  if (/^multi_tensor_(adam|lamb|sgd|novograd|adagrad)/.test(fn)) {
    return `call the optimizer instead of the raw kernel: ${ASCEND_FUSED}`;
  }
  return 'amp_C has no NPU build; replace the call with torch ops';
}
