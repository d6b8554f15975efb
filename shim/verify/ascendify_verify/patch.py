"""Patches torch (once, right after `import torch`) so that a converted program runs on a simulated NPU.

The simulated NPU is the CPU: a device argument "npu" / "npu:N" / torch.device("npu", N) is turned into
"cpu" / "cpu:N" where torch receives it, and counted as an NPU use at the user's file:line. CUDA is made
loud: torch.cuda.<name>, Tensor.cuda(), Module.cuda(), "cuda" / int devices, the nccl backend and
torch.nn.DataParallel are CUDA sites, recorded at the user's file:line and, unless --allow-cuda, raised as
RuntimeError so that the program cannot quietly fall back to the CPU. torch.cuda.is_available() and
device_count() are probes: recorded, not raised, and answered as on an Ascend machine (False / 0).

After `import torch_npu.contrib.transfer_to_npu` the CUDA forms that the real transfer_to_npu redirects
(ascend-facts §2.2-§2.3) are NPU uses instead: torch.cuda.<name in torch_npu.npu.__all__>, Tensor.cuda(),
Module.cuda(), "cuda" devices in the functions of its white lists, nccl → hccl. The rest stays a CUDA site,
as it does on a real Ascend machine.
"""
import functools
import os
import re
import sys
import types

from . import config, hit, skip_dir, caller_is_internal, write

STATE = {"transfer": False, "allow_cuda": False, "torch": None, "installed": False}

_DEVICE = re.compile(r"^\s*(npu|cuda)\s*(?::\s*(\d+))?\s*$")
PROBES = ("is_available", "device_count")


class CudaReached(RuntimeError):
    """Raised where the program reaches CUDA (ascendify verify's simulated Ascend machine has none)."""


def npu_use(what, depth=1):
    hit("npu", what, depth + 1)


def cuda_site(what, depth=1, why="CUDA does not exist on an Ascend machine"):
    filename, line = hit("cuda", what, depth + 1)
    if not STATE["allow_cuda"]:
        where = f"{filename}:{line}" if filename else "(no Python frame outside torch)"
        raise CudaReached(
            f"ascendify verify: CUDA reached at {where}: {what} ({why}; convert it to the NPU form, "
            f"or run verify with --allow-cuda to record every CUDA site without stopping)"
        )


def map_device(value, ints_are_devices=False, depth=1):
    """A device argument as torch on the CPU takes it: npu → cpu (counted), cuda → CUDA site."""
    torch = STATE["torch"]
    depth += 1
    if isinstance(value, str):
        m = _DEVICE.match(value)
        if not m:
            return value
        kind, index = m.group(1), m.group(2)
    elif isinstance(value, torch._C.device) and value.type == "cuda":
        kind, index = "cuda", None if value.index is None else str(value.index)
    elif ints_are_devices and isinstance(value, int) and not isinstance(value, bool):
        if STATE["transfer"]:
            npu_use(f"device {value} (npu:{value} by transfer_to_npu)", depth)
            return torch._C.device("cpu", value)
        cuda_site(f"device {value}", depth, why=f"an int device is CUDA device {value} in torch; write 'npu:{value}'")
        return torch._C.device("cpu", value)
    elif isinstance(value, dict):
        return {map_device(k, False, depth): map_device(v, False, depth) for k, v in value.items()}
    else:
        return value
    target = "cpu" if index is None else f"cpu:{index}"
    shown = f"'{kind}'" if index is None else f"'{kind}:{index}'"
    if kind == "npu":
        npu_use(f"device {shown}", depth)
    elif STATE["transfer"]:
        npu_use(f"device {shown} (npu by transfer_to_npu)", depth)
    else:
        cuda_site(f"device {shown}", depth)
    return target


def _map_kwargs(kwargs, depth):
    for key in ("device", "device_type", "map_location", "device_id"):
        if key in kwargs and kwargs[key] is not None:
            kwargs[key] = map_device(kwargs[key], key == "device_id", depth + 1)


def wrap_device_args(owner, name, first_positional=False, ints=False, positional_index=None):
    """Map the device arguments of owner.name (kwargs, and the first / a given positional)."""
    original = getattr(owner, name, None)
    if original is None or getattr(original, "_ascendify_wrapped", False):
        return

    @functools.wraps(original)
    def wrapper(*args, **kwargs):
        if kwargs:
            _map_kwargs(kwargs, 1)
        index = 0 if first_positional else positional_index
        if index is not None and len(args) > index:
            args = list(args)
            args[index] = map_device(args[index], ints, 1)
        return original(*args, **kwargs)

    wrapper._ascendify_wrapped = True
    setattr(owner, name, wrapper)


class _ProxyMeta(type):
    """A stand-in for a C type: calling it maps the device argument; isinstance / issubclass still see the C type."""

    def __instancecheck__(cls, obj):
        return isinstance(obj, cls._real)

    def __subclasscheck__(cls, sub):
        return issubclass(sub, cls._real)

    def __call__(cls, *args, **kwargs):
        return cls._make(*args, **kwargs)


def _device_proxy(torch):
    real = torch._C.device if hasattr(torch._C, "device") else torch.device

    def make(*args, **kwargs):
        if args and isinstance(args[0], str):
            m = _DEVICE.match(args[0])
            if m:
                kind, index = m.group(1), m.group(2)
                if index is None and len(args) > 1:
                    index = str(args[1])
                elif index is None and kwargs.get("index") is not None:
                    index = str(kwargs["index"])
                if kind == "npu":
                    npu_use("torch.device('npu')" if index is None else f"torch.device('npu:{index}')", 2)
                    return real("cpu") if index is None else real("cpu", int(index))
                # a CUDA device object: a site when the user's code builds it (not torch itself, not under
                # transfer_to_npu, which converts it where it is used, ascend-facts §2.3)
                if not STATE["transfer"] and not caller_is_internal(2):
                    cuda_site("torch.device('cuda')" if index is None else f"torch.device('cuda:{index}')", 2)
        return real(*args, **kwargs)

    proxy = _ProxyMeta("device", (), {"_real": real, "_make": staticmethod(make), "__module__": "torch",
                                      "__doc__": real.__doc__})
    proxy.__qualname__ = "device"
    import copyreg

    # pickle names a device "torch.device"; make that name resolve to the proxy while the shim is on
    copyreg.pickle(real, lambda d: (proxy, (str(d),)))
    return proxy


class _CudaModule(types.ModuleType):
    """torch.cuda with every public attribute a user reaches counted (the module object stays the same)."""

    def __getattribute__(self, name):
        get = types.ModuleType.__getattribute__
        if name.startswith("_") or caller_is_internal(1):
            return get(self, name)
        if STATE["transfer"]:
            from . import sim

            if name in sim.transfer_names():
                npu_use(f"torch.cuda.{name} (torch.npu.{name} by transfer_to_npu)", 1)
                return getattr(sim.npu_module(), name)
        if name in PROBES:
            hit("probe", f"torch.cuda.{name}", 1)
            return get(self, name)
        cuda_site(f"torch.cuda.{name}", 1)
        from . import sim

        twin = sim.npu_twin(name)  # --allow-cuda: the NPU twin when there is one, on the CPU
        return twin if twin is not None else get(self, name)


def _patch_cuda(torch):
    for module_name in ("torch.cuda",):
        module = sys.modules.get(module_name)
        if module is not None and type(module) is types.ModuleType:
            module.__class__ = _CudaModule

    def tensor_cuda(self, device=None, non_blocking=False, **kwargs):
        if STATE["transfer"]:
            npu_use("Tensor.cuda() (Tensor.npu() by transfer_to_npu)", 1)
        else:
            cuda_site("Tensor.cuda()", 1)
        return self.to("cpu" if device is None else map_device(device, True, 1), non_blocking=non_blocking)

    def module_cuda(self, device=None):
        if STATE["transfer"]:
            npu_use("Module.cuda() (Module.npu() by transfer_to_npu)", 1)
        else:
            cuda_site("Module.cuda()", 1)
        return self

    torch.Tensor.cuda = tensor_cuda
    torch.nn.Module.cuda = module_cuda

    def tensor_npu(self, device=None, non_blocking=False, **kwargs):
        npu_use("Tensor.npu()", 1)
        target = "cpu" if device is None else map_device(device if not isinstance(device, int) else f"npu:{device}")
        return self.to(target, non_blocking=non_blocking)

    def module_npu(self, device=None):
        npu_use("Module.npu()", 1)
        return self

    torch.Tensor.npu = tensor_npu
    torch.nn.Module.npu = module_npu
    # The CPU backing cannot tell a tensor "on the NPU" from one on the CPU: every CPU tensor answers True.
    torch.Tensor.is_npu = property(lambda self: self.device.type == "cpu")

    original_dp_init = torch.nn.DataParallel.__init__

    @functools.wraps(original_dp_init)
    def dp_init(self, *args, **kwargs):
        cuda_site("torch.nn.DataParallel", 1, why="DataParallel is CUDA-only and unsupported on NPUs (ascend-facts §3.7); "
                  "use DistributedDataParallel")
        original_dp_init(self, *args, **kwargs)

    torch.nn.DataParallel.__init__ = dp_init


def _patch_devices(torch, api):
    torch.device = _device_proxy(torch)
    lists = api["transfer_to_npu"]
    # the functions transfer_to_npu rewrites device arguments of (ascend-facts §2.2), so "npu" reaches them
    for name in lists["torch_fn_white_list"]:
        if name in ("set_default_device", "get_device_module"):
            continue
        if hasattr(torch, name) and callable(getattr(torch, name)) and not isinstance(getattr(torch, name), type):
            wrap_device_args(torch, name, positional_index=1 if name == "load" else None)
    for name in lists["torch_tensor_fn_white_list"]:
        if name != "to":
            wrap_device_args(torch.Tensor, name)
    # Tensor.to(self, device): the first positional after self
    _wrap_method_positional(torch.Tensor, "to")
    _wrap_method_positional(torch.nn.Module, "to")
    wrap_device_args(torch.nn.Module, "to_empty")
    wrap_device_args(torch.fft, "fftfreq")
    wrap_device_args(torch.fft, "rfftfreq")

    base = torch.amp.autocast_mode.autocast if hasattr(torch, "amp") and hasattr(torch.amp, "autocast_mode") else None
    if base is not None:
        class autocast(base):  # noqa: N801  torch.autocast("npu") runs as disabled CPU autocast (fp32)
            def __init__(self, device_type, dtype=None, enabled=True, cache_enabled=None):
                mapped = map_device(device_type, False, 1)
                if mapped != device_type:
                    enabled = False
                kwargs = {} if cache_enabled is None else {"cache_enabled": cache_enabled}
                if dtype is not None and mapped == device_type:
                    kwargs["dtype"] = dtype
                super().__init__(mapped.split(":")[0], enabled=enabled, **kwargs)

        autocast.__module__ = base.__module__
        torch.autocast = autocast

    real_generator = torch.Generator

    def make_generator(device="cpu"):
        return real_generator(map_device(device, True, 2))

    torch.Generator = _ProxyMeta("Generator", (), {"_real": real_generator, "_make": staticmethod(make_generator),
                                                   "__module__": "torch"})


def _wrap_method_positional(owner, name):
    original = getattr(owner, name)
    if getattr(original, "_ascendify_positional", False):
        return

    @functools.wraps(original)
    def wrapper(self, *args, **kwargs):
        if args:
            args = (map_device(args[0], True, 1),) + args[1:]
        if kwargs:
            _map_kwargs(kwargs, 1)
        return original(self, *args, **kwargs)

    wrapper._ascendify_wrapped = True
    wrapper._ascendify_positional = True
    setattr(owner, name, wrapper)


def _patch_distributed(torch):
    try:
        import torch.distributed as dist
        import torch.distributed.distributed_c10d as c10d
    except ImportError:
        return
    if not dist.is_available():
        return

    def backend(value, depth):
        if value is None:
            return value
        name = str(value).lower()
        if name == "hccl":
            npu_use("backend 'hccl' (gloo on the CPU)", depth + 1)
            return "gloo"
        if name == "nccl":
            if STATE["transfer"]:
                npu_use("backend 'nccl' (hccl by transfer_to_npu; gloo on the CPU)", depth + 1)
            else:
                cuda_site("backend 'nccl'", depth + 1, why="NCCL does not exist on Ascend; the backend is 'hccl'")
            return "gloo"
        return value

    for name in ("init_process_group", "new_group"):
        original = getattr(c10d, name)

        def make(original, name):
            @functools.wraps(original)
            def wrapper(*args, **kwargs):
                if name == "init_process_group" and args:
                    args = (backend(args[0], 1),) + tuple(args[1:])
                if "backend" in kwargs:
                    kwargs["backend"] = backend(kwargs["backend"], 1)
                return original(*args, **kwargs)

            return wrapper

        wrapped = make(original, name)
        setattr(c10d, name, wrapped)
        setattr(dist, name, wrapped)
    dist.is_hccl_available = lambda: True  # registered by torch_npu (ascend-facts §3.7)
    if not hasattr(dist.Backend, "HCCL"):
        dist.Backend.HCCL = "hccl"
    original_nccl = dist.is_nccl_available

    def is_nccl_available():
        if not caller_is_internal(1):
            hit("probe", "torch.distributed.is_nccl_available", 1)
        return False if not STATE["transfer"] else True

    dist.is_nccl_available = is_nccl_available
    del original_nccl

    ddp = torch.nn.parallel.DistributedDataParallel
    original_init = ddp.__init__

    @functools.wraps(original_init)
    def ddp_init(self, module, device_ids=None, output_device=None, *args, **kwargs):
        # DDP over NPU devices: the module lives on the CPU, where torch takes no device_ids
        # an int in device_ids / output_device indexes the module's device type: the NPU here
        for d in list(device_ids or []) + ([] if output_device is None else [output_device]):
            if isinstance(d, int) and not isinstance(d, bool):
                npu_use(f"DistributedDataParallel device {d}", 1)
            else:
                map_device(d, False, 1)
        device_ids = output_device = None
        original_init(self, module, device_ids, output_device, *args, **kwargs)

    ddp.__init__ = ddp_init


def _patch_optimizer(torch, steps):
    if steps <= 0:
        return
    counter = {"n": 0}
    optimizer = torch.optim.Optimizer
    original_init = optimizer.__init__

    def wrap_step(step):
        @functools.wraps(step)
        def counted_step(self, *args, **kwargs):
            result = step(self, *args, **kwargs)
            counter["n"] += 1
            if counter["n"] >= steps:
                write({"t": "step", "steps": counter["n"]})
                raise SystemExit(0)
            return result

        counted_step._ascendify_steps = True
        return counted_step

    @functools.wraps(original_init)
    def init(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        cls = type(self)
        if not getattr(cls.step, "_ascendify_steps", False):
            cls.step = wrap_step(cls.step)

    optimizer.__init__ = init


def install(torch):
    if STATE["installed"]:
        return
    STATE["installed"] = True
    cfg = config()
    STATE["torch"] = torch
    STATE["allow_cuda"] = cfg["allow_cuda"]
    skip_dir(os.path.dirname(os.path.abspath(torch.__file__)))
    from . import sim

    api = sim.api()
    _patch_cuda(torch)
    _patch_devices(torch, api)
    _patch_distributed(torch)
    _patch_optimizer(torch, cfg["steps"])
    npu = sim.npu_module()
    torch.npu = npu
    sys.modules["torch.npu"] = npu
    write({"t": "torch", "torch": torch.__version__, "torch_npu": sim.version()})
