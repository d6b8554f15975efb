"""Tests of the helper module that data-parallel-to-ddp adds (ascendify_ddp.py).

Runs on CPU PyTorch (Debian: apt-get install python3-torch) with stand-ins for
what only exists on an Ascend machine:
- `torch_npu` is an empty module and `torch.npu.set_device` records its argument;
- the backend is "gloo" instead of "hccl";
- the test model's `.to()` records the device instead of moving to an NPU;
- DistributedDataParallel is built without device_ids (CPU modules take none),
  and the device_ids the helper asked for are recorded.

Usage: python3 test_ascendify_ddp.py <directory holding ascendify_ddp.py>
"""
import os
import subprocess
import sys
import types
import unittest

HELPER_DIR = os.path.abspath(sys.argv.pop(1) if len(sys.argv) > 1 else os.environ["ASCENDIFY_DDP_DIR"])

import torch  # noqa: E402
import torch.distributed as dist  # noqa: E402

CALLS = {"set_device": [], "ddp_device_ids": []}
REAL_DDP = torch.nn.parallel.DistributedDataParallel


def fake_ddp(module, device_ids=None, **kwargs):
    CALLS["ddp_device_ids"].append(device_ids)
    return REAL_DDP(module, **kwargs)


def install_stand_ins():
    sys.modules.setdefault("torch_npu", types.ModuleType("torch_npu"))
    torch.npu = types.SimpleNamespace(set_device=CALLS["set_device"].append)
    torch.nn.parallel.DistributedDataParallel = fake_ddp
    if HELPER_DIR not in sys.path:
        sys.path.insert(0, HELPER_DIR)
    import ascendify_ddp

    ascendify_ddp.BACKEND = "gloo"
    return ascendify_ddp


class Model(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = torch.nn.Linear(2, 1, bias=False)
        self.unused = torch.nn.Linear(2, 2)  # gets no gradient
        self.moved_to = None

    def to(self, *args, **kwargs):
        self.moved_to = args[0] if args else kwargs.get("device")
        return self

    def forward(self, x):
        return self.linear(x)


class DeviceIndex(unittest.TestCase):
    def setUp(self):
        self.helper = install_stand_ins()
        os.environ.pop("LOCAL_RANK", None)

    def tearDown(self):
        os.environ.pop("LOCAL_RANK", None)

    def test_no_launcher_no_device_ids(self):
        self.assertEqual(self.helper.device_index(None), 0)

    def test_local_rank_without_device_ids(self):
        os.environ["LOCAL_RANK"] = "3"
        self.assertEqual(self.helper.device_index(None), 3)

    def test_device_ids_indexed_by_local_rank(self):
        os.environ["LOCAL_RANK"] = "1"
        self.assertEqual(self.helper.device_index([4, 6]), 6)
        self.assertEqual(self.helper.device_index(range(2, 4)), 3)

    def test_device_objects(self):
        self.assertEqual(self.helper.device_index([torch.device("cpu", 5)]), 5)
        self.assertEqual(self.helper.device_index(["cpu:2"]), 2)

    def test_more_processes_than_device_ids(self):
        os.environ["LOCAL_RANK"] = "2"
        with self.assertRaisesRegex(RuntimeError, r"nproc_per_node=2"):
            self.helper.device_index([0, 1])


class SingleProcess(unittest.TestCase):
    """`python train.py`: no launcher variables, a world of one process."""

    def test_wraps_in_ddp(self):
        helper = install_stand_ins()
        for name in ("RANK", "WORLD_SIZE", "LOCAL_RANK", "MASTER_ADDR", "MASTER_PORT"):
            os.environ.pop(name, None)
        model = Model()
        wrapped = helper.to_ddp(model, device_ids=[2, 3], output_device=2)
        self.assertIsInstance(wrapped, REAL_DDP)
        self.assertIs(wrapped.module, model)
        self.assertEqual(CALLS["set_device"][-1], 2)
        self.assertEqual(CALLS["ddp_device_ids"][-1], [2])
        self.assertEqual(model.moved_to, "npu:2")
        self.assertTrue(dist.is_initialized())
        self.assertEqual(dist.get_world_size(), 1)
        self.assertEqual(dist.get_rank(), 0)
        # trains: forward and backward through the wrapper, with an unused parameter
        for _ in range(2):  # DDP checks the previous step's reduction on the next forward
            wrapped(torch.ones(4, 2)).sum().backward()
        self.assertEqual(model.linear.weight.grad.tolist(), [[8.0, 8.0]])
        # a second wrapper reuses the process group
        again = helper.to_ddp(Model())
        self.assertIsInstance(again, REAL_DDP)
        self.assertEqual(CALLS["set_device"][-1], 0)
        dist.destroy_process_group()


def worker():
    """One process of a torchrun-like launch: RANK, WORLD_SIZE, LOCAL_RANK, MASTER_* set."""
    helper = install_stand_ins()
    rank = int(os.environ["RANK"])
    model = Model()
    wrapped = helper.to_ddp(model, device_ids=[5, 7])
    # each rank feeds different data; DDP averages the gradients
    wrapped(torch.full((1, 2), float(rank + 1))).sum().backward()
    grad = model.linear.weight.grad.tolist()
    print(f"rank={dist.get_rank()} world={dist.get_world_size()} set_device={CALLS['set_device']} "
          f"ddp_device_ids={CALLS['ddp_device_ids']} moved_to={model.moved_to} grad={grad}")
    dist.destroy_process_group()


class Launcher(unittest.TestCase):
    """`torchrun --nproc_per_node=2`: two processes that find each other through the environment."""

    def test_two_processes(self):
        helper = install_stand_ins()
        port = str(helper.free_port())
        procs = []
        for rank in range(2):
            env = dict(os.environ, RANK=str(rank), LOCAL_RANK=str(rank), WORLD_SIZE="2",
                       MASTER_ADDR="127.0.0.1", MASTER_PORT=port)
            procs.append(subprocess.Popen([sys.executable, __file__, HELPER_DIR, "--worker"], env=env,
                                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
        outs = [p.communicate(timeout=120) for p in procs]
        for p, (out, err) in zip(procs, outs):
            self.assertEqual(p.returncode, 0, err)
        self.assertEqual(outs[0][0].strip(),
                         "rank=0 world=2 set_device=[5] ddp_device_ids=[[5]] moved_to=npu:5 grad=[[1.5, 1.5]]")
        self.assertEqual(outs[1][0].strip(),
                         "rank=1 world=2 set_device=[7] ddp_device_ids=[[7]] moved_to=npu:7 grad=[[1.5, 1.5]]")


if __name__ == "__main__":
    if "--worker" in sys.argv:
        worker()
    else:
        unittest.main(argv=[sys.argv[0], "-v"])
