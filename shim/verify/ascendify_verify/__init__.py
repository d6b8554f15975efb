"""The Python side of `ascendify verify`: records, the user's file:line, and the import hooks.

Records are JSON lines appended to <ASCENDIFY_VERIFY_DIR>/<pid>.jsonl (one file per process, so torchrun's and
mp.spawn's workers each write their own; every line is written with one os.write on an O_APPEND descriptor).
The Node side (src/verify/records.ts) reads every file. Kinds ("t"):
  start      the process started (mode "simulated" or "real", versions)
  cuda       first time a CUDA site is reached (what, file, line); later hits are only counted
  probe      first time a CUDA probe (torch.cuda.is_available / device_count) is reached
  npu        first time an NPU use happens at a site (what, file, line)
  unknown    a torch_npu / torch.npu name that the simulated torch_npu version does not have
  unsimulated a real torch_npu name the simulation does not implement
  step       the optimizer step limit was reached (steps)
  counts     at exit: every site with its count in this process
Configuration (set by src/verify/run.ts): ASCENDIFY_VERIFY_DIR, ASCENDIFY_VERIFY_STEPS (0: no limit),
ASCENDIFY_VERIFY_ALLOW_CUDA ("1": record CUDA sites and back them by the CPU instead of raising),
ASCENDIFY_VERIFY_TORCH_NPU (the torch_npu version to simulate; default: the data file's default).
"""
import atexit
import json
import os
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SHIM_DIR = os.path.dirname(HERE)

_lock = threading.RLock()
_fd = None
_fd_pid = None
_counts = {}  # (t, what, file, line) -> count in this process
_started = False


def config():
    steps = os.environ.get("ASCENDIFY_VERIFY_STEPS", "0")
    return {
        "dir": os.environ["ASCENDIFY_VERIFY_DIR"],
        "steps": int(steps) if steps.isdigit() else 0,
        "allow_cuda": os.environ.get("ASCENDIFY_VERIFY_ALLOW_CUDA") == "1",
        "version": os.environ.get("ASCENDIFY_VERIFY_TORCH_NPU") or None,
    }


def write(record):
    """Append one record (a dict) as one line; never raises into the program."""
    global _fd, _fd_pid
    record.setdefault("pid", os.getpid())
    record.setdefault("time", time.time())
    line = (json.dumps(record, default=str) + "\n").encode("utf-8")
    with _lock:
        try:
            if _fd is None or _fd_pid != os.getpid():  # a forked child writes its own file
                path = os.path.join(config()["dir"], f"{os.getpid()}.jsonl")
                _fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
                _fd_pid = os.getpid()
                if _counts and record["t"] != "start":
                    _counts.clear()  # counts of the parent belong to the parent's file
            os.write(_fd, line)
        except OSError as e:
            sys.stderr.write(f"ascendify verify: cannot write a record: {e}\n")


_skip_prefixes = [SHIM_DIR + os.sep]


def skip_dir(path):
    """Frames under `path` are never the user's (torch itself, the standard library)."""
    if path:
        _skip_prefixes.append(os.path.join(os.path.abspath(path), ""))


def _is_internal(filename):
    return filename.startswith("<frozen") or any(filename.startswith(p) for p in _skip_prefixes)


def user_frame(depth=1):
    """(file, line) of the first frame outside torch, the shim and the standard library."""
    try:
        frame = sys._getframe(depth + 1)
    except ValueError:
        return None, None
    while frame is not None:
        filename = frame.f_code.co_filename
        if not _is_internal(os.path.abspath(filename) if not filename.startswith("<") else filename):
            return filename, frame.f_lineno
        frame = frame.f_back
    return None, None


def caller_is_internal(depth=1):
    """True when the code that made this call (depth frames up from our caller) is torch or the shim itself."""
    try:
        filename = sys._getframe(depth + 1).f_code.co_filename
    except ValueError:
        return False
    return _is_internal(filename)


def hit(t, what, depth=1, **extra):
    """Count a site; write its record the first time this process reaches it. Returns (file, line)."""
    filename, line = user_frame(depth + 1)
    key = (t, what, filename, line)
    with _lock:
        first = key not in _counts
        _counts[key] = _counts.get(key, 0) + 1
    if first:
        write(dict(t=t, what=what, file=filename, line=line, **extra))
    return filename, line


def _write_counts():
    with _lock:
        sites = [{"t": t, "what": w, "file": f, "line": l, "count": c} for (t, w, f, l), c in _counts.items()]
    write({"t": "counts", "sites": sites})


class _TorchHook:
    """Meta-path finder that runs patch.install() right after `import torch` finishes."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname != "torch":
            return None
        import importlib.machinery

        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or spec.loader is None:
            return None
        exec_module = spec.loader.exec_module

        def exec_and_patch(module):
            exec_module(module)
            from . import patch

            patch.install(module)

        spec.loader.exec_module = exec_and_patch
        return spec


class _TorchNpuFinder:
    """Meta-path finder that serves the simulated torch_npu modules (only when the real one is absent)."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname != "torch_npu" and not fullname.startswith("torch_npu."):
            return None
        import importlib.util

        from . import sim

        return importlib.util.spec_from_loader(fullname, sim.Loader(), is_package=sim.is_package(fullname))


def _real_torch_npu_present():
    import importlib.machinery

    return importlib.machinery.PathFinder.find_spec("torch_npu") is not None


def start():
    global _started
    if _started:
        return
    _started = True
    import sysconfig

    for key in ("stdlib", "platstdlib"):
        skip_dir(sysconfig.get_paths().get(key))
    real = _real_torch_npu_present()
    write({"t": "start", "mode": "real" if real else "simulated", "argv": sys.argv, "python": sys.executable,
           "config": config()})
    atexit.register(_write_counts)
    if real:
        return
    sys.meta_path.insert(0, _TorchNpuFinder())
    if "torch" in sys.modules:  # imported by the hidden sitecustomize
        from . import patch

        patch.install(sys.modules["torch"])
    else:
        sys.meta_path.insert(0, _TorchHook())
