/**
 * torch.nn.DataParallel and DistributedDataParallel: the qualified names under
 * which code reaches them (used by data-parallel-to-ddp).
 *
 * Sources (see ../shared/reference/ascend-facts.md):
 * - §1.12: `torch.nn.DataParallel` is unsupported on NPU, DDP is the way
 *   ("当前自动迁移和工具迁移不支持使用DP(distributed parallel)模式的模型迁移");
 * - §1.11: `torch.nn.DataParallel` and `torch.nn.parallel.data_parallel` are in
 *   GPU2Ascend's unsupported-API list;
 * - §3.7: DDP on NPU is `torch.nn.parallel.DistributedDataParallel(model,
 *   device_ids=[local_rank])` on the `hccl` backend.
 *
 * `torch.nn.parallel/__init__.py` re-exports `DataParallel` and `data_parallel`
 * from `torch.nn.parallel.data_parallel` and `DistributedDataParallel` from
 * `torch.nn.parallel.distributed`; `torch.nn` re-exports `DataParallel`.
 */

/** The DataParallel class. */
export const DATA_PARALLEL_NAMES: ReadonlySet<string> = new Set([
  'torch.nn.DataParallel',
  'torch.nn.parallel.DataParallel',
  'torch.nn.parallel.data_parallel.DataParallel',
]);

/** The functional form `data_parallel(module, inputs, device_ids, output_device, dim)`. */
export const DATA_PARALLEL_FUNCTIONS: ReadonlySet<string> = new Set([
  'torch.nn.parallel.data_parallel',
  'torch.nn.parallel.data_parallel.data_parallel',
]);

/** The DistributedDataParallel class. */
export const DDP_NAMES: ReadonlySet<string> = new Set([
  'torch.nn.parallel.DistributedDataParallel',
  'torch.nn.parallel.distributed.DistributedDataParallel',
]);

/** Modules through which an attribute chain can reach the names above. */
export const PARALLEL_MODULES: ReadonlySet<string> = new Set([
  'torch',
  'torch.nn',
  'torch.nn.parallel',
  'torch.nn.parallel.data_parallel',
  'torch.nn.parallel.distributed',
]);
