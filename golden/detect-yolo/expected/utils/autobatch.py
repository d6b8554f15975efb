"""Pick the largest batch size that fits in CUDA memory."""
import numpy as np
import torch
import torch_npu

from utils.general import LOGGER, colorstr
from utils.torch_utils import time_sync


def autobatch(model, imgsz=640, fraction=0.8, batch_size=16):
    prefix = colorstr("AutoBatch: ")
    LOGGER.info(f"{prefix}Computing optimal batch size for --imgsz {imgsz}")
    device = next(model.parameters()).device  # get model device
    if device.type == "cpu":
        LOGGER.info(f"{prefix}CUDA not detected, using default CPU batch-size {batch_size}")
        return batch_size
    if torch.backends.cudnn.benchmark:
        LOGGER.info(f"{prefix} Requires torch.backends.cudnn.benchmark=False, using default batch-size {batch_size}")
        return batch_size

    gb = 1 << 30  # bytes to GiB (1024 ** 3)
    d = str(device).upper()  # "CUDA:0"
    properties = torch.npu.get_device_properties(device)
    t = properties.total_memory / gb  # total
    r = torch.npu.memory_reserved(device) / gb  # reserved
    a = torch.npu.memory_allocated(device) / gb  # allocated
    f = t - (r + a)  # free
    LOGGER.info(f"{prefix}{d} ({properties.name}) {t:.2f}G total, {r:.2f}G reserved, {a:.2f}G allocated, {f:.2f}G free")

    batch_sizes = [1, 2, 4, 8, 16]
    results = []
    for b in batch_sizes:
        img = torch.empty(b, 3, imgsz, imgsz, device=device)
        t0 = time_sync()
        model(img)
        torch.npu.synchronize()
        results.append((b, torch.npu.max_memory_allocated(device) / gb, time_sync() - t0))
        torch.npu.empty_cache()
    y = [x[1] for x in results]
    p = np.polyfit(batch_sizes[: len(y)], y, deg=1)
    b = int((f * fraction - p[1]) / p[0])
    LOGGER.info(f"{prefix}Using batch-size {b} for {d} {t * fraction:.2f}G/{t:.2f}G ({fraction * 100:.0f}%)")
    return b
