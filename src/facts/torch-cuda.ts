/**
 * torch.cuda → torch.npu: which names have an NPU twin, and what to tell the
 * user about those that have none.
 *
 * Sources (see ../shared/reference/ascend-facts.md):
 * - §3.1 the official torch.cuda support list of torch_npu (names and renames);
 * - §3.2 `torch_npu.npu.__all__` (what `torch.npu.*` exposes);
 * - §3.3 torch.cuda names with no torch_npu.npu counterpart;
 * - §3.5 `torch_npu.npu.amp.__all__`; §2.3 what transfer_to_npu patches.
 * `torch.npu` and `torch_npu.npu` are the same module once torch_npu is imported (§3.1).
 */
import { table } from './table';

/** §3.1: names whose NPU form differs from the CUDA name. */
export const RENAMED: Readonly<Record<string, string>> = table({
  CUDAGraph: 'NPUGraph',
  CUDAPluggableAllocator: 'NPUPluggableAllocator',
});

/** §3.1 support list (✔ rows) plus §3.2 `torch_npu.npu.__all__`: names that exist under torch.npu. */
export const NPU_TWINS: ReadonlySet<string> = new Set([
  // §3.1 support list
  'StreamContext', 'can_device_access_peer', 'current_blas_handle', 'current_stream', 'default_stream',
  'device_count', 'device_of', 'get_device_capability', 'get_device_name', 'get_device_properties',
  'get_sync_debug_mode', 'init', 'ipc_collect', 'is_available', 'is_initialized', 'set_device', 'set_stream',
  'set_sync_debug_mode', 'stream', 'synchronize', 'utilization', 'current_device', 'device', 'get_rng_state',
  'set_rng_state', 'set_rng_state_all', 'manual_seed', 'manual_seed_all', 'seed', 'seed_all', 'initial_seed',
  'Stream', 'Event', 'is_current_stream_capturing', 'graph_pool_handle', 'CUDAGraph', 'graph',
  'make_graphed_callables', 'empty_cache', 'mem_get_info', 'memory_stats', 'memory_summary', 'memory_allocated',
  'max_memory_allocated', 'reset_max_memory_allocated', 'memory_reserved', 'max_memory_reserved',
  'set_per_process_memory_fraction', 'memory_cached', 'max_memory_cached', 'reset_max_memory_cached',
  'reset_peak_memory_stats', 'caching_allocator_alloc', 'caching_allocator_delete', 'get_allocator_backend',
  'CUDAPluggableAllocator', 'change_current_allocator', 'reset_accumulated_host_memory_stats',
  'reset_peak_host_memory_stats', 'host_memory_stats_as_nested_dict', 'host_memory_stats',
  // §3.2 torch_npu.npu.__all__ names that torch.cuda has too
  'get_rng_state_all', 'memory_stats_as_nested_dict', 'reset_accumulated_memory_stats', 'memory_snapshot',
  'get_per_process_memory_fraction', 'MemPool', 'use_mem_pool', 'ExternalStream', 'is_bf16_supported',
  'BoolStorage', 'ByteStorage', 'ShortStorage', 'LongStorage', 'IntStorage', 'HalfStorage', 'CharStorage',
  'DoubleStorage', 'FloatStorage', 'BFloat16Storage',
  'BoolTensor', 'ByteTensor', 'CharTensor', 'FloatTensor', 'HalfTensor', 'IntTensor', 'LongTensor',
  'ShortTensor', 'BFloat16Tensor',
]);

/** Submodules of torch.cuda whose torch_npu.npu counterpart exists, with the members known to exist there. */
export const SUBMODULE_TWINS: Readonly<Record<string, ReadonlySet<string>>> = table({
  // §3.5: torch_npu.npu.amp.__all__, plus the modules transfer_to_npu maps (§2.3)
  amp: new Set(['autocast', 'GradScaler', 'custom_fwd', 'custom_bwd', 'autocast_mode', 'grad_scaler', 'common']),
  // §2.3: torch.cuda.memory._record_memory_history/_snapshot/_dump_snapshot = torch.npu.memory.*
  memory: new Set([...NPU_TWINS, '_record_memory_history', '_snapshot', '_dump_snapshot']),
  random: NPU_TWINS,
  streams: NPU_TWINS,
  graphs: NPU_TWINS,
});

/** §3.1: `_sanitizer.enable_cuda_sanitizer` → `_sanitizer.enable_npu_sanitizer`. */
export const SANITIZER = { module: '_sanitizer', cuda: 'enable_cuda_sanitizer', npu: 'enable_npu_sanitizer' };

/** Names with a twin whose use needs a human look (converted only as unsafe fixes). */
export const UNSAFE_TWINS: Readonly<Record<string, { to: string; hint: string }>> = table({
  // §3.3 / §2.3: no float64 on NPU; transfer_to_npu maps torch.cuda.DoubleTensor to torch.npu.FloatTensor
  DoubleTensor: {
    to: 'FloatTensor',
    hint: 'NPU has no float64 support; torch.npu.FloatTensor computes in float32 (what transfer_to_npu does) - check the precision this code needs',
  },
});

/** §3.3 and the tool's unsupported list: torch.cuda names with no NPU twin, and what to do instead. */
export const NO_TWIN_HINTS: Readonly<Record<string, string>> = table({
  nvtx: 'use torch_npu.npu.mstx (mark, range_push, range_pop, range_start, range_end, mstx_range) for NPU profiler ranges',
  comm: 'torch.cuda.comm has no NPU twin; use torch.distributed collectives (backend "hccl") or plain tensor ops',
  // §3.7: collectives on NPU go through an hccl process group
  nccl: 'torch.cuda.nccl has no NPU twin: use torch.distributed collectives on an "hccl" process group (init_process_group("hccl"), dist.all_reduce, ...); torch.cuda.nccl.version() has no HCCL counterpart',
  jiterator: 'CUDA JIT kernels have no NPU twin; express the op with torch ops or write an Ascend C custom operator',
  cudart: 'CUDA runtime bindings have no NPU twin; remove the call or guard it with torch.cuda.is_available()',
  get_arch_list: 'CUDA build information has no NPU twin; remove or guard the call',
  get_gencode_flags: 'CUDA build information has no NPU twin; remove or guard the call',
  memory_usage: 'no NPU twin; torch.npu.memory_allocated() / memory_reserved() report NPU memory use',
  list_gpu_processes: 'no NPU twin; use `npu-smi info` to list processes on NPUs',
  temperature: 'NVML metric with no NPU twin; use `npu-smi info`',
  power_draw: 'NVML metric with no NPU twin; use `npu-smi info`',
  clock_rate: 'NVML metric with no NPU twin; use `npu-smi info`',
  device_memory_used: 'NVML metric with no NPU twin; use torch.npu.mem_get_info() or `npu-smi info`',
  is_tf32_supported: 'no NPU twin; the NPU analogue of TF32 is HF32 (torch.npu.matmul.allow_hf32, torch.npu.conv.allow_hf32)',
  get_stream_from_external: 'no NPU twin; torch.npu.ExternalStream wraps an external NPU stream',
  tunable: 'TunableOp has no NPU twin; remove the tuning calls',
  gds: 'GPUDirect Storage has no NPU twin; load with torch.load and move to the NPU',
  MemPoolContext: 'no NPU twin; torch.npu.MemPool / use_mem_pool cover memory pools',
  OutOfMemoryError: 'torch_npu has no torch.npu.OutOfMemoryError; review what this except clause should catch on NPU',
});

export type CudaTwin =
  | { kind: 'twin'; path: string[] } // new attribute path under torch.npu
  | { kind: 'unsafe'; path: string[]; hint: string }
  | { kind: 'none'; hint: string };

/**
 * The NPU twin of `torch.cuda.<path...>` (path = attribute names after `cuda`,
 * e.g. ['amp', 'autocast']). Only the first one or two names are looked at:
 * `torch.cuda.Event.record` is converted because `Event` is.
 */
export function cudaTwin(path: readonly string[]): CudaTwin {
  if (path.length === 0) return { kind: 'twin', path: [] }; // `torch.cuda` itself
  const [first, second] = path;
  const sub = SUBMODULE_TWINS[first];
  if (sub) {
    if (second === undefined) return { kind: 'twin', path: [first] };
    if (sub.has(second)) return { kind: 'twin', path: [first, RENAMED[second] ?? second, ...path.slice(2)] };
    return { kind: 'none', hint: `torch.cuda.${first}.${second} is not known to exist under torch.npu.${first}; check the torch_npu API list` };
  }
  if (first === SANITIZER.module) {
    if (second === SANITIZER.cuda) return { kind: 'twin', path: [first, SANITIZER.npu, ...path.slice(2)] };
    return { kind: 'none', hint: `torch.cuda._sanitizer.${second ?? ''} has no documented NPU twin` };
  }
  const unsafe = UNSAFE_TWINS[first];
  if (unsafe) return { kind: 'unsafe', path: [unsafe.to, ...path.slice(1)], hint: unsafe.hint };
  if (NPU_TWINS.has(first)) return { kind: 'twin', path: [RENAMED[first] ?? first, ...path.slice(1)] };
  const hint = NO_TWIN_HINTS[first];
  if (hint) return { kind: 'none', hint };
  return {
    kind: 'none',
    hint: `torch.cuda.${first} is not in torch_npu's support list (unverified on NPU); check the torch_npu API documentation`,
  };
}
