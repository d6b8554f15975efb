/**
 * Where torch takes a device, and which calls return a device index
 * (used by cuda-device-to-npu).
 *
 * Sources (see ../shared/reference/ascend-facts.md):
 * - §2.3 transfer_to_npu rewrites `cuda` → `npu` in the keyword arguments
 *   `device, device_type, map_location, device_id` (`device_kwargs_list`), in
 *   `torch.*` factories, `Tensor.to`, `Tensor.new_*`, `Tensor.pin_memory`, `Module.to/to_empty`,
 *   `torch.cuda.*` device arguments and `torch.autocast('cuda')`; bare ints become
 *   `'npu:{i}'` only for `to` / `to_empty`.
 * - §3.5 `torch.autocast` is supported with `device_type='npu'`.
 * - §3.9 device strings `'npu'`, `'npu:0'`, `torch.device('npu', i)`, `tensor.npu()`,
 *   `module.npu()`, `tensor.is_npu`; `torch_npu.npu.set_device` takes int / str / device.
 * - §1.13 `Tensor.to(<int>)` fails on NPU.
 * Positions of the other arguments follow the PyTorch signatures.
 */
import { table } from './table';

/** Keyword arguments that take a device in any call (§2.3 `device_kwargs_list`, plus DataLoader's `pin_memory_device`). */
export const DEVICE_KEYWORDS: ReadonlySet<string> = new Set([
  'device',
  'device_type',
  'map_location',
  'device_id',
  'pin_memory_device',
]);

/** Calls whose positional argument at the given index is a device (or device type). */
export const DEVICE_POSITIONAL: Readonly<Record<string, number>> = table({
  'torch.device': 0,
  'torch.set_default_device': 0,
  'torch.get_device_module': 0,
  // autocast / GradScaler take the device type first (§2.3, §3.5)
  'torch.autocast': 0,
  'torch.amp.autocast': 0,
  'torch.amp.autocast_mode.autocast': 0,
  'torch.amp.GradScaler': 0,
  'torch.amp.grad_scaler.GradScaler': 0,
  'torch.is_autocast_enabled': 0,
  'torch.set_autocast_enabled': 0,
  'torch.get_autocast_dtype': 0,
  'torch.set_autocast_dtype': 0,
  // torch.load(f, map_location=None, ...); load_state_dict_from_url(url, model_dir=None, map_location=None, ...)
  'torch.load': 1,
  'torch.hub.load_state_dict_from_url': 2,
  'torch.distributed.device_mesh.init_device_mesh': 0,
  'torch.distributed.device_mesh.DeviceMesh': 0,
});

/** Keyword arguments that take a device in particular calls (`torch.device(type="cuda", index=0)`). */
export const DEVICE_CALL_KEYWORDS: Readonly<Record<string, readonly string[]>> = table({
  'torch.device': ['type'],
});

/** Modules whose direct members take a device first (`torch.cuda.set_device("cuda:1")`, §2.3, §3.9); not their submodules (`nvtx`). */
export const DEVICE_MODULES: readonly string[] = ['torch.cuda.', 'torch.npu.', 'torch_npu.npu.'];

/** Methods whose first positional argument is a device (§2.3: `to`, `to_empty`; `cuda`/`npu` take an index or device). */
export const DEVICE_METHODS: ReadonlySet<string> = new Set(['to', 'to_empty', 'cuda', 'npu']);

/** Methods that take an integer device only where CUDA reads it as `cuda:N` (§2.3, §1.13). */
export const INT_DEVICE_METHODS: ReadonlySet<string> = new Set(['to', 'to_empty']);

/**
 * Classes whose unbound methods `cuda` / `is_cuda` / `to` are the tensor and module
 * ones (§2.3: `torch.Tensor.cuda = torch.Tensor.npu`, `torch.nn.Module.cuda = torch.nn.Module.npu`).
 */
export const TORCH_DEVICE_CLASSES: ReadonlySet<string> = new Set([
  'torch.Tensor',
  'torch.nn.Module',
  'torch.nn.Parameter',
  'torch.nn.parameter.Parameter',
  'torch.nn.modules.module.Module',
]);

/** Calls that return an int (a rank, a device index or a count). */
export const INT_RETURNING: ReadonlySet<string> = new Set([
  'torch.distributed.get_rank',
  'torch.distributed.get_world_size',
  'torch.distributed.get_node_local_rank',
  'torch.cuda.current_device',
  'torch.cuda.device_count',
  'torch.npu.current_device',
  'torch.npu.device_count',
  'torch_npu.npu.current_device',
  'torch_npu.npu.device_count',
]);

/** Owned by the generator-to-cpu pass: its device arguments are never touched here. */
export const GENERATOR = 'torch.Generator';

/**
 * Integer devices outside `to` / `to_empty`. Plain PyTorch reads a lone int device
 * as a CUDA device (`torch.device(1)` is `device(type='cuda', index=1)`, PyTorch
 * "Tensor Attributes" note, and `device=1` in factories likewise). transfer_to_npu
 * leaves positional ints alone outside `to`/`to_empty` but rewrites an int given to
 * one of its device keywords (`device`, `device_type`, `map_location`, `device_id`)
 * of a wrapped function to `'npu:{i}'` (§2.2 `device_kwargs_list`, §2.3
 * `_replace_cuda_to_npu_in_kwargs`): these tables are where the static conversion
 * does the same.
 */

/** torch functions whose `device=` keyword transfer_to_npu rewrites (§2.2 `torch_fn_white_list`, §2.3 fft). */
export const INT_DEVICE_FUNCTIONS: ReadonlySet<string> = new Set(
  [
    'logspace', 'randint', 'hann_window', 'rand', 'full_like', 'ones_like', 'rand_like', 'randperm', 'arange',
    'frombuffer', 'normal', 'empty_strided', 'empty_like', 'scalar_tensor', 'tril_indices', 'bartlett_window', 'ones',
    'sparse_coo_tensor', 'randn', 'kaiser_window', 'tensor', 'triu_indices', 'as_tensor', 'zeros', 'randint_like',
    'full', 'eye', 'empty', 'blackman_window', 'zeros_like', 'range', 'sparse_csr_tensor', 'randn_like', 'from_file',
    'linspace', 'hamming_window', 'sparse_compressed_tensor', 'fft.fftfreq', 'fft.rfftfreq',
  ].map((n) => `torch.${n}`),
);

/** Tensor methods whose `device=` keyword transfer_to_npu rewrites (§2.2 `torch_tensor_fn_white_list`, without `to`). */
export const INT_DEVICE_TENSOR_METHODS: ReadonlySet<string> = new Set([
  'new_empty', 'new_empty_strided', 'new_full', 'new_ones', 'new_tensor', 'new_zeros',
]);

/**
 * Calls whose `device_id=` int is converted to `"npu:N"`: FSDP (it builds
 * `torch.device(device_id)` from anything that is not a `torch.device`, so the
 * string is taken). transfer_to_npu also rewrites `init_process_group`'s
 * (§2.3), but that one is deliberately not here: PyTorch 2.3-2.5 read
 * `device_id.type` / `.index` (a `torch.device` only, a string fails), and the
 * versions that take an int map it to the current accelerator, which is the
 * NPU under torch_npu, so an int there is already right and is left as is.
 */
export const INT_DEVICE_ID_CALLS: ReadonlySet<string> = new Set([
  'torch.distributed.fsdp.FullyShardedDataParallel',
  'torch.distributed.fsdp.fully_sharded_data_parallel.FullyShardedDataParallel',
]);
