/**
 * CUDA / NCCL environment variables and their Ascend equivalents
 * (ascend-facts.md §3.8). Names not listed have no known twin and are reported,
 * never guessed.
 */

/** CUDA runtime / allocator variables (used by cuda-device-to-npu). */
export const CUDA_ENV_TWINS: Readonly<Record<string, string>> = {
  CUDA_VISIBLE_DEVICES: 'ASCEND_RT_VISIBLE_DEVICES',
  CUDA_LAUNCH_BLOCKING: 'ASCEND_LAUNCH_BLOCKING',
  PYTORCH_CUDA_ALLOC_CONF: 'PYTORCH_NPU_ALLOC_CONF',
  PYTORCH_NO_CUDA_MEMORY_CACHING: 'PYTORCH_NO_NPU_MEMORY_CACHING',
};

/** NCCL variables with an HCCL twin (used by nccl-to-hccl). */
export const NCCL_ENV_TWINS: Readonly<Record<string, string>> = {
  TORCH_NCCL_BLOCKING_WAIT: 'TORCH_HCCL_BLOCKING_WAIT',
  TORCH_NCCL_ASYNC_ERROR_HANDLING: 'TORCH_HCCL_ASYNC_ERROR_HANDLING',
  TORCH_NCCL_DESYNC_DEBUG: 'TORCH_HCCL_DESYNC_DEBUG',
  NCCL_SOCKET_IFNAME: 'HCCL_SOCKET_IFNAME',
  NCCL_BUFFSIZE: 'HCCL_BUFFSIZE',
};

/** Notes for the user about variables whose meaning differs on Ascend. */
export const ENV_NOTES: Readonly<Record<string, string>> = {
  ASCEND_RT_VISIBLE_DEVICES: 'the device list must be in ascending order; devices are renumbered from 0 (CANN envref)',
  NCCL_SOCKET_IFNAME: 'HCCL_IF_IP, when set, takes priority over HCCL_SOCKET_IFNAME',
};
