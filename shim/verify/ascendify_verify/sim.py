"""The simulated torch_npu: modules that expose only the names the real one exports (torch_npu_api.json).

A name listed for the simulated version and implemented here runs on the CPU; a listed name that is not
implemented is a stand-in that fails when used ("unsimulated": it exists on Ascend, the simulation cannot
run it); a name that is not listed fails at once ("unknown": it does not exist in that torch_npu version).
"""
import importlib.abc
import json
import os
import sys
import types

from . import SHIM_DIR, config, hit, write

_API = None
_MODULES = {}
_BUILDING = False


def api():
    global _API
    if _API is None:
        with open(os.path.join(SHIM_DIR, "torch_npu_api.json"), encoding="utf-8") as f:
            data = json.load(f)
        name = config()["version"] or data["default"]
        if name not in data["versions"]:
            raise RuntimeError(f"ascendify verify: no torch_npu API list for version {name!r} "
                               f"(known: {', '.join(sorted(data['versions']))})")
        _API = dict(data["versions"][name], name=name)
    return _API


def version():
    return api()["name"]


def listed(module):
    entry = api()["modules"].get(module)
    return None if entry is None else entry


def transfer_names():
    """torch.cuda names that transfer_to_npu points at torch.npu: torch_npu.npu.__all__ (ascend-facts §2.3)."""
    entry = listed("torch_npu.npu")
    return set(entry["names"]) - {"amp", "memory", "random", "utils", "streams", "graphs", "backends",
                                  "npu_config", "default_generators"} | {"amp"}


def npu_twin(name):
    """torch.npu.<name> when the simulation implements it (used by --allow-cuda for torch.cuda.<name>)."""
    module = npu_module()
    if name in transfer_names() and name in module.__dict__:
        return module.__dict__[name]
    return None


class Unsimulated:
    """A real torch_npu name that the simulation cannot run: fails (and is recorded) when used."""

    def __init__(self, qualified):
        self._qualified = qualified

    def _fail(self, *args, **kwargs):
        hit("unsimulated", self._qualified, 2, version=version())
        raise RuntimeError(f"ascendify verify: {self._qualified} exists in torch_npu {version()} but the simulated "
                           f"NPU cannot run it (verify on Ascend hardware, or keep it off the verified path)")

    __call__ = _fail

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        self._fail()

    def __repr__(self):
        return f"<ascendify verify: unsimulated {self._qualified}>"


class ApiModule(types.ModuleType):
    """A module whose public names are checked against the API list of the simulated version."""

    def __getattribute__(self, name):
        get = types.ModuleType.__getattribute__
        if name.startswith("_"):
            return get(self, name)
        qualified_module = get(self, "__name__")
        entry = listed(qualified_module)
        if entry is not None and name not in entry["names"]:
            hit("unknown", f"{qualified_module}.{name}", 1, version=version(), complete=entry["complete"])
            note = "" if entry["complete"] else " (ascendify's list of this module is incomplete: if the name exists, " \
                                                "add it to shim/verify/torch_npu_api.json)"
            raise AttributeError(f"ascendify verify: module '{qualified_module}' has no attribute '{name}' "
                                 f"in torch_npu {version()}{note}")
        try:
            return get(self, name)
        except AttributeError:
            if f"{qualified_module}.{name}" in _MODULES:
                raise  # a simulated submodule not imported yet: `from torch_npu.contrib import transfer_to_npu` imports it
            return Unsimulated(f"{qualified_module}.{name}")


def _module(name, doc):
    module = ApiModule(name, doc)
    module.__file__ = os.path.join(SHIM_DIR, "ascendify_verify", "sim.py")
    entry = listed(name)
    if entry is not None:
        module.__all__ = [n for n in entry["names"] if not n.startswith("_")]
    _MODULES[name] = module
    return module


def npu_module():
    build()
    return _MODULES["torch_npu.npu"]


def build():
    global _BUILDING
    if _MODULES or _BUILDING:
        return
    _BUILDING = True
    try:
        import torch

        _build(torch)
    finally:
        _BUILDING = False


def _build(torch):
    from . import patch

    root = _module("torch_npu", "torch_npu simulated by ascendify verify (the NPU is the CPU)")
    root.__version__ = f"{version()}+ascendify.verify"
    root.__path__ = []
    npu = _module("torch_npu.npu", "torch_npu.npu (torch.npu) simulated by ascendify verify")
    npu.__path__ = []
    _fill_npu(npu, torch, patch)
    amp = _module("torch_npu.npu.amp", "torch_npu.npu.amp simulated: autocast is off (fp32 on the CPU)")
    amp.__path__ = []
    _fill_amp(amp, torch, patch)
    npu.amp = amp
    contrib = _module("torch_npu.contrib", "torch_npu.contrib simulated")
    contrib.__path__ = []
    transfer = _module("torch_npu.contrib.transfer_to_npu", "transfer_to_npu simulated: see ascendify_verify/patch.py")
    optim = _module("torch_npu.optim", "torch_npu.optim simulated: the fused optimizers are torch.optim's")
    for name, base in (("NpuFusedSGD", "SGD"), ("NpuFusedAdam", "Adam"), ("NpuFusedAdamW", "AdamW"),
                       ("NpuFusedAdadelta", "Adadelta"), ("NpuFusedRMSprop", "RMSprop")):
        setattr(optim, name, type(name, (getattr(torch.optim, base),), {"__module__": "torch_npu.optim"}))
    profiler = _module("torch_npu.profiler", "torch_npu.profiler simulated by torch.profiler on the CPU")
    _fill_profiler(profiler, torch, patch)
    distributed = _module("torch_npu.distributed", "torch_npu.distributed simulated")
    root.npu, root.contrib, root.optim, root.profiler, root.distributed = npu, contrib, optim, profiler, distributed
    for name, module in _MODULES.items():
        if module is not transfer:  # importing transfer_to_npu is what switches it on (Loader.exec_module)
            sys.modules.setdefault(name, module)


def _fill_npu(npu, torch, patch):
    state = {"device": 0, "initialized": False}

    def count():
        return max(1, int(os.environ.get("LOCAL_WORLD_SIZE", "1") or 1))

    def index_of(device):
        if device is None:
            return state["device"]
        if isinstance(device, int):
            return device
        if isinstance(device, str):
            device = patch.map_device(device, False, 2)
            return int(device.split(":")[1]) if ":" in device else state["device"]
        if isinstance(device, torch._C.device):
            return device.index if device.index is not None else state["device"]
        raise TypeError(f"torch.npu: invalid device {device!r}")

    def set_device(device):
        index = index_of(device)
        if index < 0 or index >= count():
            raise RuntimeError(f"ascendify verify: torch.npu.set_device({device!r}): the simulated machine has "
                               f"{count()} NPU(s) (one per local process: LOCAL_WORLD_SIZE)")
        patch.npu_use(f"torch.npu.set_device({device!r})", 1)
        state["device"] = index
        state["initialized"] = True

    def current_device():
        return state["device"]

    class device:  # noqa: N801  torch.npu.device(idx): context manager
        def __init__(self, device):
            self.idx = index_of(device)
            self.prev = None

        def __enter__(self):
            self.prev = state["device"]
            state["device"] = self.idx

        def __exit__(self, *exc):
            state["device"] = self.prev
            return False

    def device_of(obj):
        return device(getattr(obj, "device", None) and obj.device.index)

    class Stream:
        def __init__(self, device=None, priority=0, **kwargs):
            self.device = torch._C.device("cpu")

        def synchronize(self):
            pass

        def wait_stream(self, stream):
            pass

        def wait_event(self, event):
            pass

        def record_event(self, event=None):
            return event or Event()

        def query(self):
            return True

    class Event:
        def __init__(self, enable_timing=False, blocking=False, interprocess=False):
            import time

            self._time = time.perf_counter
            self.t = None

        def record(self, stream=None):
            self.t = self._time()

        def synchronize(self):
            pass

        def wait(self, stream=None):
            pass

        def query(self):
            return True

        def elapsed_time(self, end):
            return ((end.t or 0) - (self.t or 0)) * 1000.0

    class StreamContext:
        def __init__(self, stream):
            self.stream = stream

        def __enter__(self):
            return self.stream

        def __exit__(self, *exc):
            return False

    default = Stream()

    def properties(device=None):
        return types.SimpleNamespace(name="Ascend (simulated by ascendify verify)", total_memory=64 * 1024 ** 3,
                                     L2_cache_size=192 * 1024 ** 2, cube_core_num=24, vector_core_num=48)

    zero = lambda *a, **k: 0  # noqa: E731
    none = lambda *a, **k: None  # noqa: E731
    names = dict(
        is_available=lambda: True, device_count=count, set_device=set_device, current_device=current_device,
        is_initialized=lambda: state["initialized"], init=none, synchronize=none, empty_cache=none,
        device=device, device_of=device_of, Stream=Stream, Event=Event, StreamContext=StreamContext,
        stream=StreamContext, current_stream=lambda device=None: default, default_stream=lambda device=None: default,
        set_stream=none, get_device_name=lambda device=None: properties().name, get_device_properties=properties,
        get_device_capability=none,  # None unless TORCH_NPU_DEVICE_CAPABILITY is set (ascend-facts §3.3)
        mem_get_info=lambda device=None: (60 * 1024 ** 3, 64 * 1024 ** 3), utilization=zero,
        memory_allocated=zero, max_memory_allocated=zero, memory_reserved=zero, max_memory_reserved=zero,
        memory_cached=zero, max_memory_cached=zero, reset_peak_memory_stats=none, reset_max_memory_allocated=none,
        reset_max_memory_cached=none, reset_accumulated_memory_stats=none, memory_stats=lambda device=None: {},
        memory_summary=lambda device=None, abbreviated=False: "ascendify verify: simulated NPU, no memory statistics",
        manual_seed=lambda seed: torch.manual_seed(seed) and None, manual_seed_all=lambda seed: torch.manual_seed(seed) and None,
        seed=lambda: torch.seed() and None, seed_all=lambda: torch.seed() and None, initial_seed=torch.initial_seed,
        get_rng_state=lambda device="npu": torch.get_rng_state(), set_rng_state=lambda s, device="npu": torch.set_rng_state(s),
        get_rng_state_all=lambda: [torch.get_rng_state()], set_rng_state_all=lambda states: torch.set_rng_state(states[0]),
        is_bf16_supported=lambda: True, set_compile_mode=none, set_option=none, set_per_process_memory_fraction=none,
        get_amp_supported_dtype=lambda: [torch.float16, torch.bfloat16],
        is_autocast_enabled=lambda: False, set_sync_debug_mode=none, get_sync_debug_mode=zero,
        default_generators=(torch.default_generator,),
        config=types.SimpleNamespace(allow_internal_format=False),
        matmul=types.SimpleNamespace(allow_hf32=False), conv=types.SimpleNamespace(allow_hf32=True),
        mstx=types.SimpleNamespace(mark=none, range_push=none, range_pop=none, range_start=zero, range_end=none),
        FloatTensor=torch.FloatTensor, DoubleTensor=torch.DoubleTensor, HalfTensor=torch.HalfTensor,
        BFloat16Tensor=torch.BFloat16Tensor, IntTensor=torch.IntTensor, LongTensor=torch.LongTensor,
        ShortTensor=torch.ShortTensor, CharTensor=torch.CharTensor, ByteTensor=torch.ByteTensor,
        BoolTensor=torch.BoolTensor,
    )

    def counted(name, fn):
        if not callable(fn) or isinstance(fn, type) or name in ("device", "stream"):
            return fn

        def call(*args, **kwargs):
            hit("npu-api", f"torch.npu.{name}", 1)
            return fn(*args, **kwargs)

        call.__name__ = name
        call.__qualname__ = name
        return call

    for name, value in names.items():
        setattr(npu, name, value if name in ("set_device",) else counted(name, value))


def _fill_amp(amp, torch, patch):
    base = torch.cuda.amp.GradScaler

    class GradScaler(base):
        """torch.npu.amp.GradScaler on the simulated NPU: disabled (fp32 on the CPU: nothing to scale)."""

        def __init__(self, *args, **kwargs):
            patch.npu_use("torch.npu.amp.GradScaler", 1)
            kwargs["enabled"] = False
            super().__init__(*args, **kwargs)

    autocast_base = torch.cuda.amp.autocast.__mro__[1]  # torch.amp.autocast_mode.autocast

    class autocast(autocast_base):  # noqa: N801
        """torch.npu.amp.autocast on the simulated NPU: disabled CPU autocast (fp32)."""

        def __init__(self, enabled=True, dtype=None, cache_enabled=True):
            patch.npu_use("torch.npu.amp.autocast", 1)
            super().__init__("cpu", enabled=False, cache_enabled=cache_enabled)

    amp.GradScaler = GradScaler
    amp.autocast = autocast
    amp.custom_fwd = torch.cuda.amp.custom_fwd
    amp.custom_bwd = torch.cuda.amp.custom_bwd


def _fill_profiler(profiler, torch, patch):
    activity = types.SimpleNamespace(CPU=torch.profiler.ProfilerActivity.CPU, NPU=torch.profiler.ProfilerActivity.CPU)

    def profile(*args, activities=None, experimental_config=None, **kwargs):
        patch.npu_use("torch_npu.profiler.profile", 1)
        return torch.profiler.profile(*args, activities=[torch.profiler.ProfilerActivity.CPU], **kwargs)

    profiler.profile = profile
    profiler.schedule = torch.profiler.schedule
    profiler.tensorboard_trace_handler = torch.profiler.tensorboard_trace_handler
    profiler.ProfilerActivity = activity
    profiler.ProfilerAction = torch.profiler.ProfilerAction
    profiler.supported_activities = lambda: [activity.CPU, activity.NPU]
    profiler._ExperimentalConfig = lambda *a, **k: None


def activate_transfer():
    from . import patch

    if not patch.STATE["transfer"]:
        patch.STATE["transfer"] = True
        hit("transfer", "torch_npu.contrib.transfer_to_npu imported", 2)


def is_package(fullname):
    return fullname in ("torch_npu", "torch_npu.npu", "torch_npu.npu.amp", "torch_npu.contrib")


class Loader(importlib.abc.Loader):
    def create_module(self, spec):
        build()
        name = spec.name
        if name not in _MODULES:
            parent, _, leaf = name.rpartition(".")
            entry = listed(parent)
            if entry is not None and leaf not in entry["names"]:
                hit("unknown", name, 3, version=version(), complete=entry["complete"])
                raise ModuleNotFoundError(f"ascendify verify: no module named '{name}' in torch_npu {version()}")
            hit("unsimulated", name, 3, version=version())
            raise ModuleNotFoundError(f"ascendify verify: {name} exists in torch_npu {version()} but is not simulated")
        return _MODULES[name]

    def exec_module(self, module):
        if module.__name__ == "torch_npu.contrib.transfer_to_npu":
            activate_transfer()
