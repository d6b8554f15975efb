"""torch.nn.DataParallel -> DistributedDataParallel on Ascend NPUs (added by ascendify).

DataParallel does not run on NPUs. to_ddp(module, device_ids, output_device,
dim) takes DataParallel's arguments and returns the module wrapped in
torch.nn.parallel.DistributedDataParallel, which runs one process per NPU.
Start the program with

    torchrun --nproc_per_node=N train.py ...    # N processes, one NPU each

Started as "python train.py ...", it runs one process on one NPU.

What to_ddp does in each process:
1. picks the process's NPU, device_ids[LOCAL_RANK] (LOCAL_RANK itself when
   device_ids is None), and makes it the current device;
2. initialises the default process group on "hccl", unless the program did:
   from RANK, WORLD_SIZE, MASTER_ADDR and MASTER_PORT when a launcher such as
   torchrun set them, else as a single process (world size 1) on 127.0.0.1;
3. moves the module to that NPU and wraps it; the wrapper keeps .module.

Unlike DataParallel, which split each batch across the devices, every process
loads its own batches: shard the data with
torch.utils.data.distributed.DistributedSampler, divide the batch size by the
number of processes, and log and save checkpoints on rank 0 only.
"""
import os
import socket

import torch
import torch_npu  # noqa: F401  registers the NPU device and the hccl backend
import torch.distributed as dist

BACKEND = "hccl"


def to_ddp(module, device_ids=None, output_device=None, dim=0):
    """DistributedDataParallel in place of DataParallel(module, device_ids, output_device, dim).

    output_device is not used: each process keeps its outputs on its own NPU.
    """
    index = device_index(device_ids)
    torch.npu.set_device(index)
    init_process_group()
    module.to(f"npu:{index}")
    # DataParallel accepts parameters that get no gradient in a step;
    # DistributedDataParallel raises an error on them unless told to look.
    return torch.nn.parallel.DistributedDataParallel(
        module, device_ids=[index], dim=dim, find_unused_parameters=True
    )


def device_index(device_ids=None):
    """Index of this process's NPU: device_ids[LOCAL_RANK], or LOCAL_RANK."""
    local_rank = int(os.environ.get("LOCAL_RANK", "0"))
    if device_ids is None:
        return local_rank
    ids = list(device_ids)
    if local_rank >= len(ids):
        raise RuntimeError(
            f"LOCAL_RANK is {local_rank} but device_ids lists {len(ids)} devices: "
            f"start at most {len(ids)} processes per node (torchrun --nproc_per_node={len(ids)})"
        )
    device = ids[local_rank]
    return device if isinstance(device, int) else torch.device(device).index


def init_process_group():
    """Initialise the default process group once: from the launcher, or as one process."""
    if dist.is_initialized():
        return
    if "RANK" in os.environ and "WORLD_SIZE" in os.environ:
        # env:// reads RANK, WORLD_SIZE, MASTER_ADDR and MASTER_PORT
        dist.init_process_group(BACKEND, init_method="env://")
    else:
        address = f"tcp://127.0.0.1:{free_port()}"
        dist.init_process_group(BACKEND, init_method=address, rank=0, world_size=1)


def free_port():
    """A TCP port on 127.0.0.1 that is free now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
