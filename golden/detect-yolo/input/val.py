"""Validate a trained detection model on a dataset."""
import argparse
import sys
from pathlib import Path

import numpy as np
import torch
from tqdm import tqdm

from models.common import DetectBackend
from utils.general import LOGGER, check_file
from utils.torch_utils import select_device, time_sync


@torch.no_grad()
def run(data, weights=None, batch_size=32, imgsz=64, device="", half=True, model=None, dataloader=None):
    training = model is not None
    if training:  # called by train.py
        device, pt = next(model.parameters()).device, True  # get model device, PyTorch model
        half &= device.type != "cpu"  # half precision only supported on CUDA
        model.half() if half else model.float()
    else:  # called directly
        device = select_device(device, batch_size=batch_size)
        model = DetectBackend(weights, device=device, fp16=half)
        model.warmup(imgsz=(1, 3, imgsz, imgsz))

    cuda = device.type != "cpu"
    model.eval()
    seen, dt = 0, [0.0, 0.0]
    batches = dataloader or [(torch.rand(2, 3, imgsz, imgsz), torch.zeros(2, 6))]
    for batch_i, (im, targets) in enumerate(tqdm(batches, desc="val")):
        t1 = time_sync()
        if cuda:
            im = im.to(device, non_blocking=True)
            targets = targets.to(device)
        im = im.half() if half else im.float()  # uint8 to fp16/32
        t2 = time_sync()
        dt[0] += t2 - t1
        preds = model(im)
        dt[1] += time_sync() - t2
        seen += im.shape[0]
    t = tuple(x / max(seen, 1) * 1e3 for x in dt)  # speeds per image
    LOGGER.info(f"Speed: %.1fms pre-process, %.1fms inference per image" % t)
    return (float(preds.float().mean()),)


def parse_opt():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=str, default="data/coco128.yaml", help="dataset.yaml path")
    parser.add_argument("--weights", type=str, default="model.pt", help="model path")
    parser.add_argument("--batch-size", type=int, default=32, help="batch size")
    parser.add_argument("--device", default="", help="cuda device, i.e. 0 or 0,1,2,3 or cpu")
    parser.add_argument("--half", action="store_true", help="use FP16 half-precision inference")
    opt = parser.parse_args()
    opt.data = check_file(opt.data)
    return opt


if __name__ == "__main__":
    opt = parse_opt()
    run(**vars(opt))
