"""Device selection and timing helpers."""
import os
import time

import torch
import torch_npu


def select_device(device=""):
    # device = "cpu", "0" or "0,1"
    device = str(device).strip().lower().replace("cuda:", "")
    cpu = device == "cpu"
    if cpu:
        os.environ["ASCEND_RT_VISIBLE_DEVICES"] = "-1"
    elif device:
        os.environ["ASCEND_RT_VISIBLE_DEVICES"] = device
    cuda = not cpu and torch.npu.is_available()
    if cuda:
        arg = "npu:0"
        print(f"Using CUDA device {torch.npu.get_device_name(0)}")
    else:
        arg = "cpu"
    return torch.device(arg)


def time_sync():
    # accurate time: wait for the device queue first
    if torch.npu.is_available():
        torch.npu.synchronize()
    return time.time()
