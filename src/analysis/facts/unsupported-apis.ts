/**
 * torch APIs that are unsupported on NPU: GPU2Ascend's `resource/op_list_2_8.json`
 * (MSTT, 2026-04-07; 240 names, all with tip "-"), ascend-facts.md §1.11, plus the
 * torch.backends rows of the torch_npu support table (§3.4).
 *
 * The list mixes three kinds of names; the analyzer treats them differently
 * (docs/analysis.md, "Method-style entries"):
 * - module-level functions and classes (`torch.nn.functional.pdist`, `torch.nn.GRU`):
 *   matched on the qualified name a use resolves to, through any import alias;
 * - methods of a class the code constructs (`torch.optim.Adam.step`): matched on
 *   `x.step()` when `x` was assigned from the constructor in the same scope;
 * - methods of tensors and modules (`torch.Tensor.sspaddmm`): the receiver's type
 *   is not known statically, so only names no other common library uses are
 *   reported, as "possible" findings of a lower level.
 */
import { table } from '../../facts/table';

/** §1.11 op_list_2_8.json, verbatim and in its order. */
export const OP_LIST_2_8: readonly string[] = [
  'torch.sparse.check_sparse_tensor_invariants', 'torch.sparse.check_sparse_tensor_invariants.disable',
  'torch.sparse.check_sparse_tensor_invariants.enable', 'torch.sparse.check_sparse_tensor_invariants.is_enabled',
  'torch.sparse.as_sparse_gradcheck', 'torch.utils.mobile_optimizer.optimize_for_mobile',
  'torch.optim.Adadelta.step', 'torch.optim.Adam.step', 'torch.optim.LBFGS.step',
  'torch.distributed.elastic.rendezvous.etcd_rendezvous_backend.create_backend',
  'torch.distributed.elastic.rendezvous.etcd_rendezvous_backend.EtcdRendezvousBackend',
  'torch.distributed.elastic.rendezvous.etcd_rendezvous_backend.EtcdRendezvousBackend.get_state',
  'torch.distributed.elastic.rendezvous.etcd_rendezvous_backend.EtcdRendezvousBackend.name',
  'torch.distributed.elastic.rendezvous.etcd_rendezvous_backend.EtcdRendezvousBackend.set_state',
  'torch.distributed.elastic.rendezvous.etcd_rendezvous.EtcdRendezvousHandler',
  'torch.distributed.elastic.rendezvous.etcd_store.EtcdStore',
  'torch.distributed.elastic.rendezvous.etcd_store.EtcdStore.add',
  'torch.distributed.elastic.rendezvous.etcd_store.EtcdStore.check',
  'torch.distributed.elastic.rendezvous.etcd_store.EtcdStore.get',
  'torch.distributed.elastic.rendezvous.etcd_store.EtcdStore.set',
  'torch.distributed.elastic.rendezvous.etcd_store.EtcdStore.wait',
  'torch.distributed.elastic.rendezvous.etcd_server.EtcdServer', 'torch.onnx.enable_fake_mode',
  'torch.onnx.ONNXProgram.model_proto', 'torch.onnx.OnnxExporterError', 'torch.fx.GraphModule.code',
  'torch.fx.GraphModule.graph', 'torch.fx.Graph.nodes', 'torch.fx.Node.all_input_nodes', 'torch.fx.Node.args',
  'torch.fx.Node.kwargs', 'torch.fx.Node.next', 'torch.fx.Node.prev', 'torch.fx.Node.stack_trace',
  'torch.utils.cpp_extension.load', 'torch.Tensor.sspaddmm', 'torch.Tensor.chalf', 'torch.Tensor.int_repr',
  'torch.Tensor.is_shared', 'torch.Tensor.smm', 'torch.Tensor.mode', 'torch.Tensor.qscheme',
  'torch.Tensor.share_memory_', 'torch.Tensor.sparse_mask', 'torch.Tensor.to_mkldnn', 'torch.Tensor.to_dense',
  'torch.Tensor.to_sparse', 'to_sparse', 'torch.Tensor.to_sparse_csr', 'torch.Tensor.to_sparse_csc',
  'torch.Tensor.to_sparse_bsr', 'torch.Tensor.to_sparse_bsc', 'torch.Tensor.unique_consecutive',
  'torch.autograd.profiler.emit_nvtx', 'torch.autograd.profiler.emit_itt', 'torch.autograd.profiler.load_nvprof',
  'torch.utils.dlpack.from_dlpack', 'torch.utils.dlpack.to_dlpack', 'torch.nn.functional.avg_pool3d',
  'torch.nn.functional.max_pool1d', 'torch.nn.functional.max_unpool3d', 'torch.nn.functional.adaptive_max_pool1d',
  'torch.nn.functional.adaptive_max_pool2d', 'torch.nn.functional.gumbel_softmax',
  'torch.nn.functional.embedding_bag', 'torch.nn.functional.pdist',
  'torch.nn.functional.multilabel_soft_margin_loss', 'torch.nn.functional.triplet_margin_loss',
  'torch.nn.functional.triplet_margin_with_distance_loss', 'torch.nn.parallel.data_parallel',
  'torch.utils.generate_methods_for_privateuse1_backend', 'torch.utils.get_cpp_backtrace', 'torch.cuda.memory_usage',
  'torch.cuda.comm.scatter', 'torch.cuda.comm.gather', 'torch.distributed.optim.DistributedOptimizer',
  'torch.distributed.optim.DistributedOptimizer.step', 'torch.TypedStorage.float8_e4m3fn',
  'torch.TypedStorage.float8_e5m2', 'torch.TypedStorage.hpu', 'torch.TypedStorage.is_cuda',
  'torch.TypedStorage.is_hpu', 'torch.TypedStorage.share_memory_', 'torch.UntypedStorage.float8_e4m3fn',
  'torch.UntypedStorage.float8_e5m2', 'torch.UntypedStorage.from_file', 'torch.UntypedStorage.hpu',
  'torch.UntypedStorage.is_cuda', 'torch.UntypedStorage.is_hpu', 'torch.UntypedStorage.mps', 'torch.QUInt8Storage',
  'torch.QUInt8Storage.dtype', 'torch.QInt8Storage', 'torch.QInt32Storage', 'torch.QUInt4x2Storage',
  'torch.QUInt2x4Storage', 'torch.ao.nn.intrinsic.LinearReLU', 'torch.ao.nn.intrinsic.qat.LinearReLU',
  'torch.ao.nn.intrinsic.qat.ConvBn1d', 'torch.ao.nn.intrinsic.qat.ConvBnReLU1d',
  'torch.ao.nn.intrinsic.qat.ConvBnReLU2d', 'torch.ao.nn.qat.Linear', 'torch.ao.nn.quantizable.LSTM',
  'torch.ao.nn.quantized.dynamic.Linear', 'torch.ao.ns.fx.utils.compute_sqnr', 'torch.jit.ScriptModule.add_module',
  'torch.jit.ScriptModule.bfloat16', 'torch.jit.ScriptModule.code', 'torch.jit.ScriptModule.code_with_constants',
  'torch.jit.ScriptModule.compile', 'torch.jit.ScriptModule.get_extra_state', 'torch.jit.ScriptModule.graph',
  'torch.jit.ScriptModule.inlined_graph', 'torch.jit.ScriptModule.register_buffer',
  'torch.jit.ScriptModule.register_module', 'torch.jit.ScriptModule.register_parameter',
  'torch.jit.ScriptModule.set_extra_state', 'torch.jit.ScriptModule.share_memory', 'torch.jit.Attribute.type',
  'torch.jit.Attribute.value', 'torch.export.export', 'torch.export.save', 'torch.export.load',
  'torch.export.ExportedProgram', 'torch.export.ExportedProgram.module', 'torch.export.ExportGraphSignature',
  'torch.export.ModuleCallSignature', 'torch.export.ModuleCallEntry', 'torch.sparse_csr_tensor',
  'torch.sparse_csc_tensor', 'torch.sparse_bsr_tensor', 'torch.sparse_bsc_tensor', 'torch.from_dlpack',
  'torch.quantize_per_tensor', 'torch.quantize_per_channel', 'torch.heaviside', 'torch.scatter_reduce',
  'torch.poisson', 'torch.nanquantile', 'torch.std_mean', 'torch.unique_consecutive', 'torch.var_mean',
  'torch.is_deterministic_algorithms_warn_only_enabled',
  'torch.distributed.fsdp.FullyShardedDataParallel.flatten_sharded_optim_state_dict',
  'torch.distributed.fsdp.FullyShardedDataParallel.get_state_dict_type',
  'torch.distributed.fsdp.FullyShardedDataParallel.module',
  'torch.distributed.fsdp.FullyShardedDataParallel.optim_state_dict',
  'torch.distributed.fsdp.FullyShardedDataParallel.rekey_optim_state_dict',
  'torch.distributed.fsdp.FullyShardedDataParallel.scatter_full_optim_state_dict',
  'torch.distributed.fsdp.FullyShardedDataParallel.set_state_dict_type',
  'torch.distributed.fsdp.FullyShardedDataParallel.shard_full_optim_state_dict',
  'torch.distributed.fsdp.FullyShardedDataParallel.sharded_optim_state_dict',
  'torch.distributed.fsdp.FullyShardedDataParallel.summon_full_params', 'torch.nn.Module.ipu',
  'torch.nn.Module.share_memory', 'torch.nn.Module.xpu',
  'torch.nn.modules.module.register_module_full_backward_pre_hook',
  'torch.nn.modules.module.register_module_buffer_registration_hook',
  'torch.nn.modules.module.register_module_module_registration_hook',
  'torch.nn.modules.module.register_module_parameter_registration_hook', 'torch.nn.MaxPool1d', 'torch.nn.MaxPool3d',
  'torch.nn.MaxUnpool3d', 'torch.nn.AvgPool3d', 'torch.nn.AdaptiveMaxPool1d', 'torch.nn.AdaptiveMaxPool2d',
  'torch.nn.ReflectionPad3d', 'torch.nn.ReplicationPad3d', 'torch.nn.RReLU', 'torch.nn.AdaptiveLogSoftmaxWithLoss',
  'torch.nn.AdaptiveLogSoftmaxWithLoss.log_prob', 'torch.nn.AdaptiveLogSoftmaxWithLoss.predict', 'torch.nn.RNNBase',
  'torch.nn.RNNBase.flatten_parameters', 'torch.nn.RNN', 'torch.nn.GRU', 'torch.nn.RNNCell', 'torch.nn.Transformer',
  'torch.nn.TransformerEncoder', 'torch.nn.TransformerDecoder', 'torch.nn.TransformerDecoder.forward',
  'torch.nn.TransformerEncoderLayer.forward', 'torch.nn.TransformerDecoderLayer.forward',
  'torch.nn.LazyLinear.cls_to_become', 'torch.nn.MultiLabelMarginLoss', 'torch.nn.CosineEmbeddingLoss',
  'torch.nn.DataParallel', 'torch.nn.utils.clip_grad_norm', 'torch.nn.utils.rnn.PackedSequence.is_cuda',
  'torch.nn.utils.rnn.pack_padded_sequence', 'torch.nn.utils.rnn.pad_packed_sequence',
  'torch.nn.utils.rnn.pack_sequence', 'torch.nn.utils.rnn.unpack_sequence', 'torch.nn.utils.rnn.unpad_sequence',
  'torch.func.vmap', 'torch.func.vjp', 'torch.func.jvp', 'torch.func.jacrev', 'torch.func.jacfwd',
  'torch.func.hessian', 'torch.func.functionalize', 'torch.func.replace_all_batch_norm_modules_',
  'torch.linalg.ldl_factor', 'torch.compiler.compile', 'torch.compiler.reset', 'torch.compiler.allow_in_graph',
  'torch.compiler.assume_constant_result', 'torch.compiler.list_backends', 'torch.compiler.disable',
  'torch.fft.ihfft2', 'torch.fft.ihfftn', 'torch.fft.fftfreq', 'torch.fft.rfftfreq', 'torch.fft.fftshift',
  'torch.fft.ifftshift', 'torch.backends.cuda.preferred_linalg_library', 'torch.backends.cuda.flash_sdp_enabled',
  'torch.backends.cuda.enable_mem_efficient_sdp', 'torch.backends.cuda.mem_efficient_sdp_enabled',
  'torch.backends.cuda.enable_flash_sdp', 'torch.backends.cuda.math_sdp_enabled',
  'torch.backends.cuda.enable_math_sdp', 'torch.backends.cuda.sdp_kernel', 'torch.backends.cudnn.benchmark_limit',
  'torch.backends.opt_einsum.enabled', 'torch.backends.opt_einsum.strategy',
  'torch.distributed.tensor.parallel.parallelize_module', 'torch.distributed.tensor.parallel.ColwiseParallel',
  'torch.distributed.tensor.parallel.RowwiseParallel', 'torch.distributed.tensor.parallel.PrepareModuleInput',
  'torch.profiler._KinetoProfile.events', 'torch.profiler._KinetoProfile.key_averages',
  'torch.profiler.itt.is_available', 'torch.profiler.itt.mark', 'torch.profiler.itt.range_push',
  'torch.profiler.itt.range_pop', 'torch.nested.to_padded_tensor', 'torch.nested.nested_tensor_from_jagged',
  'torch.nested.masked_select', 'torch.nested.narrow',
];

const OP_SET: ReadonlySet<string> = new Set(OP_LIST_2_8);

/** Names handled by other rules (custom-cuda/cpp-extension, unsupported-api/torch-cuda), not by torch-api. */
export const OP_LIST_ELSEWHERE: ReadonlySet<string> = new Set([
  'torch.utils.cpp_extension.load',
]);

/** Is this qualified name in the unsupported list (and matched by the torch-api rule)? */
export function isUnsupportedApi(qualified: string): boolean {
  return OP_SET.has(qualified) && !OP_LIST_ELSEWHERE.has(qualified) && !/^torch\.(cuda|backends)\./.test(qualified);
}

/**
 * Re-exports: other qualified names of the same object, mapped to the name in the
 * list (torch.nn.parallel re-exports DataParallel, torch.nn re-exports it again).
 */
export const CANONICAL_NAMES: Readonly<Record<string, string>> = table({
  'torch.nn.parallel.DataParallel': 'torch.nn.DataParallel',
  'torch.nn.parallel.data_parallel.DataParallel': 'torch.nn.DataParallel',
  'torch.nn.parallel.data_parallel.data_parallel': 'torch.nn.parallel.data_parallel',
  'torch.nn.modules.rnn.RNN': 'torch.nn.RNN',
  'torch.nn.modules.rnn.GRU': 'torch.nn.GRU',
  'torch.nn.modules.rnn.RNNCell': 'torch.nn.RNNCell',
  'torch.nn.modules.rnn.RNNBase': 'torch.nn.RNNBase',
});

/**
 * Methods of classes the code constructs: class → method names in the list.
 * Subclasses that inherit a listed method count (torch.nn.RNN, GRU and LSTM are
 * RNNBase subclasses; their flatten_parameters is RNNBase's).
 */
export const CLASS_METHODS: Readonly<Record<string, readonly string[]>> = table({
  'torch.optim.Adam': ['step'],
  'torch.optim.Adadelta': ['step'],
  'torch.optim.LBFGS': ['step'],
  'torch.distributed.optim.DistributedOptimizer': ['step'],
  'torch.nn.AdaptiveLogSoftmaxWithLoss': ['log_prob', 'predict'],
  'torch.nn.RNNBase': ['flatten_parameters'],
  'torch.nn.RNN': ['flatten_parameters'],
  'torch.nn.GRU': ['flatten_parameters'],
  'torch.nn.LSTM': ['flatten_parameters'],
});

/** The list entry a (class, method) pair reports, e.g. torch.nn.LSTM.flatten_parameters → torch.nn.RNNBase.flatten_parameters. */
export function classMethodEntry(cls: string, method: string): string {
  const own = `${cls}.${method}`;
  return OP_SET.has(own) ? own : `torch.nn.RNNBase.${method}`;
}

/**
 * torch.Tensor / torch.nn.Module methods of the list whose names no other common
 * library (numpy, pandas, scipy, the standard library) uses for a method, so a call
 * `x.<name>(...)` in a file that imports torch is very likely the unsupported one.
 * Left out on purpose: `mode`, `is_shared`, `share_memory_` of storages, the
 * torch.fx / torch.jit properties (`args`, `code`, `graph`, `nodes`, ...): too common.
 */
export const DISTINCT_METHODS: Readonly<Record<string, string>> = table({
  sspaddmm: 'torch.Tensor.sspaddmm',
  chalf: 'torch.Tensor.chalf',
  int_repr: 'torch.Tensor.int_repr',
  smm: 'torch.Tensor.smm',
  qscheme: 'torch.Tensor.qscheme',
  share_memory_: 'torch.Tensor.share_memory_',
  sparse_mask: 'torch.Tensor.sparse_mask',
  to_mkldnn: 'torch.Tensor.to_mkldnn',
  to_dense: 'torch.Tensor.to_dense',
  to_sparse: 'torch.Tensor.to_sparse',
  to_sparse_csr: 'torch.Tensor.to_sparse_csr',
  to_sparse_csc: 'torch.Tensor.to_sparse_csc',
  to_sparse_bsr: 'torch.Tensor.to_sparse_bsr',
  to_sparse_bsc: 'torch.Tensor.to_sparse_bsc',
  unique_consecutive: 'torch.Tensor.unique_consecutive',
  share_memory: 'torch.nn.Module.share_memory',
  ipu: 'torch.nn.Module.ipu',
  xpu: 'torch.nn.Module.xpu',
});

const FALLBACK =
  'not supported on NPU (torch_npu 2.8 unsupported-API list): it fails or runs on the CPU; replace it with supported ops or move this computation to the CPU explicitly';

/** Hints with the NPU alternative where the facts name one. */
const API_HINTS: Readonly<Record<string, string>> = table({
  // §1.12, §3.7
  'torch.nn.DataParallel':
    'DataParallel does not run on NPU: use torch.nn.parallel.DistributedDataParallel, one process per NPU on the hccl backend (the data-parallel-to-ddp pass converts the plain calls)',
  'torch.nn.parallel.data_parallel':
    'data_parallel does not run on NPU: wrap the model in torch.nn.parallel.DistributedDataParallel (hccl backend) instead',
  // §3.3, §3.9
  'torch.autograd.profiler.emit_nvtx': 'NVTX ranges have no NPU form: use torch_npu.npu.mstx ranges or torch_npu.profiler.profile',
  'torch.autograd.profiler.load_nvprof': 'nvprof traces do not exist on NPU: profile with torch_npu.profiler.profile',
  'torch.autograd.profiler.emit_itt': 'ITT ranges are not supported on NPU: use torch_npu.npu.mstx ranges or torch_npu.profiler.profile',
  // §1.11: clip_grad_norm_ left the list in 2026-04
  'torch.nn.utils.clip_grad_norm': 'use torch.nn.utils.clip_grad_norm_ (the current name, not in the unsupported list)',
  // §3.6
  'torch.optim.Adam.step': 'use the NPU fused optimizer torch_npu.optim.NpuFusedAdam (or apex.optimizers.NpuFusedAdam from Ascend\'s apex)',
  'torch.optim.Adadelta.step': 'use the NPU fused optimizer torch_npu.optim.NpuFusedAdadelta (or apex.optimizers.NpuFusedAdadelta from Ascend\'s apex)',
});

export function apiHint(name: string): string {
  return API_HINTS[name] ?? FALLBACK;
}

/** §3.4: torch.backends names that are not accepted on NPU, or have another NPU name. */
export const BACKENDS: Readonly<Record<string, { equivalent?: string; hint: string }>> = table({
  'torch.backends.cuda.cufft_plan_cache': {
    equivalent: 'torch.npu.backends.fft_plan_cache',
    hint: 'use torch.npu.backends.fft_plan_cache (same size / max_size / clear; max_size 1-99)',
  },
  'torch.backends.cuda.preferred_linalg_library': { hint: 'no NPU equivalent (unsupported on A2/A3); remove the call' },
  'torch.backends.cudnn.benchmark_limit': { hint: 'no NPU equivalent (unsupported on A2/A3); remove the setting' },
  'torch.backends.opt_einsum.enabled': { hint: 'unsupported on NPU (A2/A3); remove the setting' },
  'torch.backends.opt_einsum.strategy': { hint: 'unsupported on NPU (A2/A3); remove the setting' },
});

const SDP =
  'scaled-dot-product backend switches are unsupported on NPU (A2/A3); remove the call - the fused attention op on NPU is torch_npu.npu_fusion_attention';

/** The torch.backends entry for a qualified name (longest listed prefix), or undefined when it is fine on NPU. */
export function backendsEntry(qualified: string): { name: string; equivalent?: string; hint: string } | undefined {
  const parts = qualified.split('.');
  for (let n = parts.length; n >= 3; n--) {
    const name = parts.slice(0, n).join('.');
    const e = BACKENDS[name];
    if (e) return { name, ...e };
    if (n === 4 && /^torch\.backends\.cuda\.(\w*sdp\w*|sdp_kernel)$/.test(name)) return { name, hint: SDP };
  }
  return undefined;
}
