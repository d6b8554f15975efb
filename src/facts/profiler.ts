/**
 * torch.profiler → torch_npu.profiler: which names have an NPU twin (used by
 * profiler-to-npu).
 *
 * Sources (see ../shared/reference/ascend-facts.md):
 * - §1.6.1 GPU2Ascend's FuncNameModifyRule rows 38–42: `torch.profiler.profile`,
 *   `profile.export_chrome_trace`, `profile.step`, `schedule`,
 *   `tensorboard_trace_handler` → `torch_npu.profiler.*`;
 * - §1.6.3 ReplaceAttributeRule: `torch.profiler.ProfilerAction` /
 *   `ProfilerActivity` → `torch_npu.profiler.*`, and the attribute `CUDA` → `NPU`
 *   (`ProfilerActivity.CUDA`); ArgsModifyRule (§1.6.2): `experimental_config=` of
 *   `torch.profiler.profile` is deleted;
 * - §2.3 transfer_to_npu's profiler row: the same names, `ProfilerActivity.CUDA →
 *   torch_npu.profiler.ProfilerActivity.NPU`, `CPU → CPU`, and a non-NPU
 *   `experimental_config` removed with a warning asking for an NPU one;
 * - §3.9: `torch_npu.profiler` exports `profile`, `schedule`,
 *   `tensorboard_trace_handler`, `ProfilerActivity.{CPU,NPU}`, `ProfilerAction`,
 *   `_ExperimentalConfig` (`ProfilerLevel`, `AiCMetrics`, `ExportType`,
 *   `HostSystem`), `supported_activities()`;
 * - §1.11 / §3.3: `torch.autograd.profiler.emit_nvtx` and `load_nvprof` are in
 *   GPU2Ascend's unsupported list (the NPU analogue of NVTX ranges is
 *   `torch_npu.npu.mstx`).
 * `record_function` is in none of these tables and transfer_to_npu does not patch
 * it: it is left as it is.
 */
import { table } from './table';

/** Names of torch.profiler with a torch_npu.profiler twin of the same name. */
export const PROFILER_TWINS: ReadonlySet<string> = new Set([
  'profile',
  'schedule',
  'tensorboard_trace_handler',
  'ProfilerActivity',
  'ProfilerAction',
  'supported_activities',
]);

/** `ProfilerActivity` members: CUDA becomes NPU, CPU stays (§1.6.3, §2.3, §3.9). */
export const ACTIVITY_TWINS: Readonly<Record<string, string>> = table({ CPU: 'CPU', CUDA: 'NPU', NPU: 'NPU' });

/** Qualified names of the CUDA profiler's experimental config class. */
export const CUDA_EXPERIMENTAL_CONFIG: ReadonlySet<string> = new Set([
  'torch._C._profiler._ExperimentalConfig',
  'torch.profiler._ExperimentalConfig',
]);

/** The NPU profiler's experimental config (§3.9). */
export const NPU_EXPERIMENTAL_CONFIG = 'torch_npu.profiler._ExperimentalConfig';

/** Legacy autograd profiler names that have no NPU form (§1.11, §3.3). */
export const AUTOGRAD_PROFILER_NO_TWIN: Readonly<Record<string, string>> = table({
  'torch.autograd.profiler.emit_nvtx':
    'NVTX ranges do not exist on NPU: mark ranges with torch_npu.npu.mstx (range_push / range_pop / mstx_range) and profile with torch_npu.profiler.profile',
  'torch.autograd.profiler.load_nvprof':
    'nvprof traces do not exist on NPU: profile with torch_npu.profiler.profile and read its trace (tensorboard_trace_handler / export_chrome_trace)',
});
