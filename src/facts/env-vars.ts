/**
 * CUDA / NCCL environment variables and their Ascend equivalents
 * (ascend-facts.md §3.8). Names not listed have no known twin and are reported,
 * never guessed.
 */
import { table } from './table';

/** CUDA runtime / allocator variables (used by cuda-device-to-npu). */
export const CUDA_ENV_TWINS: Readonly<Record<string, string>> = table({
  CUDA_VISIBLE_DEVICES: 'ASCEND_RT_VISIBLE_DEVICES',
  CUDA_LAUNCH_BLOCKING: 'ASCEND_LAUNCH_BLOCKING',
  PYTORCH_CUDA_ALLOC_CONF: 'PYTORCH_NPU_ALLOC_CONF',
  PYTORCH_NO_CUDA_MEMORY_CACHING: 'PYTORCH_NO_NPU_MEMORY_CACHING',
});

/** NCCL variables with an HCCL twin (used by nccl-to-hccl). */
export const NCCL_ENV_TWINS: Readonly<Record<string, string>> = table({
  TORCH_NCCL_BLOCKING_WAIT: 'TORCH_HCCL_BLOCKING_WAIT',
  TORCH_NCCL_ASYNC_ERROR_HANDLING: 'TORCH_HCCL_ASYNC_ERROR_HANDLING',
  TORCH_NCCL_DESYNC_DEBUG: 'TORCH_HCCL_DESYNC_DEBUG',
  NCCL_SOCKET_IFNAME: 'HCCL_SOCKET_IFNAME',
  NCCL_BUFFSIZE: 'HCCL_BUFFSIZE',
  // PyTorch's older names of the three TORCH_NCCL_* variables above (ProcessGroupNCCL still
  // reads them as aliases): same twins.
  NCCL_BLOCKING_WAIT: 'TORCH_HCCL_BLOCKING_WAIT',
  NCCL_ASYNC_ERROR_HANDLING: 'TORCH_HCCL_ASYNC_ERROR_HANDLING',
  NCCL_DESYNC_DEBUG: 'TORCH_HCCL_DESYNC_DEBUG',
});

/**
 * NCCL twins whose value is in other units: renaming alone would change the setting,
 * so these are reported, not renamed. HCCL_BUFFSIZE is in MB, default 200 (HIASCEND CANN
 * envref HCCL_BUFFSIZE, envref_07_0080); NCCL_BUFFSIZE is in bytes, default 4194304.
 */
export const NCCL_ENV_VALUE_CHANGES: Readonly<Record<string, string>> = table({
  NCCL_BUFFSIZE:
    'HCCL_BUFFSIZE is the twin, but it takes MB (default 200) where NCCL_BUFFSIZE takes bytes: rename it and divide the value by 1048576',
});

const HCCL_LINKS = 'links inside a server are chosen with HCCL_INTRA_PCIE_ENABLE / HCCL_INTRA_ROCE_ENABLE (§3.8)';
const HCCL_NIC = 'HCCL selects its network interface with HCCL_SOCKET_IFNAME or HCCL_IF_IP (§3.8)';
const HCCL_LOG =
  'CANN components, HCCL included, log at the level set by ASCEND_GLOBAL_LOG_LEVEL (0 debug, 1 info, 2 warning, 3 error; CANN envref ASCEND_GLOBAL_LOG_LEVEL)';

/** NCCL variables with no HCCL twin, and the closest Ascend setting (§3.8). */
export const NCCL_NO_TWIN_HINTS: Readonly<Record<string, string>> = table({
  NCCL_DEBUG: `no HCCL twin; ${HCCL_LOG}`,
  NCCL_DEBUG_SUBSYS: `no HCCL twin; ${HCCL_LOG}`,
  NCCL_DEBUG_FILE: `no HCCL twin; ${HCCL_LOG}`,
  NCCL_P2P_DISABLE: `no HCCL twin; ${HCCL_LINKS}`,
  NCCL_P2P_LEVEL: `no HCCL twin; ${HCCL_LINKS}`,
  NCCL_SHM_DISABLE: `no HCCL twin; ${HCCL_LINKS}`,
  NCCL_IB_DISABLE: `no HCCL twin; ${HCCL_NIC}`,
  NCCL_NET: `no HCCL twin; ${HCCL_NIC}`,
  NCCL_ALGO: 'HCCL_ALGO exists but its value syntax differs from NCCL_ALGO; set it from the CANN HCCL environment reference or drop the line',
});

/** Hint for an NCCL_* / TORCH_NCCL_* variable that has no twin. */
export function ncclNoTwinHint(name: string): string {
  const known = NCCL_NO_TWIN_HINTS[name];
  if (known) return known;
  if (/^NCCL_(IB|NET)_/.test(name)) return `no HCCL twin; ${HCCL_NIC}`;
  if (name.startsWith('TORCH_NCCL_')) {
    return 'no documented TORCH_HCCL_* twin (torch_npu documents TORCH_HCCL_BLOCKING_WAIT, TORCH_HCCL_ASYNC_ERROR_HANDLING, TORCH_HCCL_DESYNC_DEBUG); remove it or check torch_npu\'s environment variable list';
  }
  return 'NCCL tuning variable with no HCCL twin; remove it, or pick the HCCL setting from the CANN HCCL environment reference (HCCL_CONNECT_TIMEOUT, HCCL_EXEC_TIMEOUT, HCCL_ALGO, HCCL_BUFFSIZE, HCCL_INTRA_PCIE_ENABLE, HCCL_INTRA_ROCE_ENABLE, ...)';
}

/** Notes for the user about variables whose meaning differs on Ascend. */
export const ENV_NOTES: Readonly<Record<string, string>> = table({
  ASCEND_RT_VISIBLE_DEVICES: 'the device list must be in ascending order; devices are renumbered from 0 (CANN envref)',
  NCCL_SOCKET_IFNAME: 'HCCL_IF_IP, when set, takes priority over HCCL_SOCKET_IFNAME',
});
