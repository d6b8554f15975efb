"""PyTorch utilities: device selection, DDP helpers, timing and model EMA.

Most helpers assume torch.cuda; CPU is the fallback.
"""
import math
import os
import time
from contextlib import contextmanager
from copy import deepcopy

import torch
import torch_npu
import torch.distributed as dist
import torch.nn as nn

from utils.general import LOGGER

LOCAL_RANK = int(os.getenv("LOCAL_RANK", -1))  # set by torch.distributed.run
RANK = int(os.getenv("RANK", -1))
WORLD_SIZE = int(os.getenv("WORLD_SIZE", 1))


@contextmanager
def torch_distributed_zero_first(local_rank: int):
    """Make every process wait until the local master has done something (e.g. a dataset cache)."""
    if local_rank not in [-1, 0]:
        dist.barrier(device_ids=[local_rank])
    yield
    if local_rank == 0:
        dist.barrier(device_ids=[0])


def select_device(device="", batch_size=0):
    # device = None or "cpu" or 0 or "0" or "0,1,2,3"
    s = f"detector torch-{torch.__version__} "
    device = str(device).strip().lower().replace("cuda:", "").replace("none", "")
    cpu = device == "cpu"
    if cpu:
        os.environ["ASCEND_RT_VISIBLE_DEVICES"] = "-1"  # force torch.cuda.is_available() = False
    elif device:
        os.environ["ASCEND_RT_VISIBLE_DEVICES"] = device  # must be set before torch.cuda.is_available()
        assert torch.npu.is_available() and torch.npu.device_count() >= len(device.replace(",", "")), (
            f"Invalid CUDA '--device {device}' requested, use '--device cpu' or pass valid CUDA device(s)"
        )

    if not cpu and torch.npu.is_available():
        devices = device.split(",") if device else "0"
        n = len(devices)
        if n > 1 and batch_size > 0:
            assert batch_size % n == 0, f"batch-size {batch_size} not multiple of GPU count {n}"
        space = " " * (len(s) + 1)
        for i, d in enumerate(devices):
            p = torch.npu.get_device_properties(i)
            s += f"{'' if i == 0 else space}CUDA:{d} ({p.name}, {p.total_memory / (1 << 20):.0f}MiB)\n"
        arg = "npu:0"
    else:
        s += "CPU\n"
        arg = "cpu"
    LOGGER.info(s)
    return torch.device(arg)


def time_sync():
    """Wall time after all pending CUDA kernels have finished."""
    if torch.npu.is_available():
        torch.npu.synchronize()
    return time.time()


def is_parallel(model):
    # True if model is of type DP or DDP
    return type(model) in (nn.parallel.DataParallel, nn.parallel.DistributedDataParallel)


def de_parallel(model):
    # De-parallelize a model: returns single-GPU model if model is of type DP or DDP
    return model.module if is_parallel(model) else model


def smart_DDP(model):
    return nn.parallel.DistributedDataParallel(model, device_ids=[LOCAL_RANK], output_device=LOCAL_RANK)


class ModelEMA:
    """Exponential moving average of model weights, kept on the model's device."""

    def __init__(self, model, decay=0.9999, tau=2000, updates=0):
        self.ema = deepcopy(de_parallel(model)).eval()
        self.updates = updates
        self.decay = lambda x: decay * (1 - math.exp(-x / tau))
        for p in self.ema.parameters():
            p.requires_grad_(False)

    def update(self, model):
        self.updates += 1
        d = self.decay(self.updates)
        msd = de_parallel(model).state_dict()
        for k, v in self.ema.state_dict().items():
            if v.dtype.is_floating_point:
                v *= d
                v += (1 - d) * msd[k].detach()
