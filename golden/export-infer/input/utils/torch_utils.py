"""Device selection and timing helpers."""
import os
import time

import torch


def select_device(device=""):
    # device = "cpu", "0" or "0,1"
    device = str(device).strip().lower().replace("cuda:", "")
    cpu = device == "cpu"
    if cpu:
        os.environ["CUDA_VISIBLE_DEVICES"] = "-1"
    elif device:
        os.environ["CUDA_VISIBLE_DEVICES"] = device
    cuda = not cpu and torch.cuda.is_available()
    if cuda:
        arg = "cuda:0"
        print(f"Using CUDA device {torch.cuda.get_device_name(0)}")
    else:
        arg = "cpu"
    return torch.device(arg)


def time_sync():
    # accurate time: wait for the device queue first
    if torch.cuda.is_available():
        torch.cuda.synchronize()
    return time.time()
