"""
Train a detection model on a custom dataset.

Usage - Single-GPU training:
    $ python train.py --data data/coco128.yaml --weights model.pt --img 640

Usage - Multi-GPU DDP training:
    $ python -m torch.distributed.run --nproc_per_node 4 --master_port 1 train.py --device 0,1,2,3
"""
import argparse
import math
import os
import random
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch_npu
import torch.distributed as dist
import torch.nn as nn
from torch.optim import lr_scheduler
from torch.utils.data import DataLoader, TensorDataset, distributed

import val as validate  # for end-of-epoch mAP
from models.yolo import Model
from utils.autobatch import autobatch
from utils.general import LOGGER, check_file, init_seeds
from utils.torch_utils import ModelEMA, de_parallel, select_device, smart_DDP, torch_distributed_zero_first
from ascendify_ddp import to_ddp

LOCAL_RANK = int(os.getenv("LOCAL_RANK", -1))  # https://pytorch.org/docs/stable/elastic/run.html
RANK = int(os.getenv("RANK", -1))
WORLD_SIZE = int(os.getenv("WORLD_SIZE", 1))


def create_dataloader(n, imgsz, batch_size, rank=-1, workers=8, shuffle=True, seed=0):
    dataset = TensorDataset(torch.rand(n, 3, imgsz, imgsz), torch.zeros(n, 6))
    sampler = None if rank == -1 else distributed.DistributedSampler(dataset, shuffle=shuffle)
    generator = torch.Generator()
    generator.manual_seed(6148914691236517205 + seed + RANK)
    loader = DataLoader(
        dataset,
        batch_size=batch_size,
        shuffle=shuffle and sampler is None,
        num_workers=workers,
        sampler=sampler,
        pin_memory=True,
        generator=generator,
    )
    return loader, dataset


def compute_loss(pred, targets):
    return (pred.float() ** 2).mean() + 0 * targets.sum()


def train(hyp, opt, device):
    epochs, batch_size, weights = opt.epochs, opt.batch_size, opt.weights
    cuda = device.type != "cpu"
    init_seeds(opt.seed + 1 + RANK, deterministic=True)

    # Model
    with torch_distributed_zero_first(LOCAL_RANK):
        ckpt = torch.load(weights, map_location="cpu") if weights else None  # load checkpoint to CPU to avoid CUDA memory leak
    model = Model(opt.cfg, ch=3, nc=80).to(device)  # create
    if ckpt:
        model.load_state_dict(ckpt["model"], strict=False)

    # Batch size
    if RANK == -1 and batch_size == -1:  # single-GPU only, estimate best batch size
        batch_size = autobatch(model, opt.imgsz)

    optimizer = torch.optim.SGD(model.parameters(), lr=hyp["lr0"], momentum=hyp["momentum"], nesterov=True)
    lf = lambda x: (1 - x / epochs) * (1.0 - hyp["lrf"]) + hyp["lrf"]  # linear
    scheduler = lr_scheduler.LambdaLR(optimizer, lr_lambda=lf)

    # DP mode
    if cuda and RANK == -1 and torch.npu.device_count() > 1:
        LOGGER.warning("WARNING: DP not recommended, use torch.distributed.run for best DDP Multi-GPU results.")
        model = to_ddp(model)

    # SyncBatchNorm
    if opt.sync_bn and cuda and RANK != -1:
        model = torch.nn.SyncBatchNorm.convert_sync_batchnorm(model).to(device)
        LOGGER.info("Using SyncBatchNorm()")

    train_loader, dataset = create_dataloader(64, opt.imgsz, batch_size // WORLD_SIZE, rank=LOCAL_RANK, workers=opt.workers, seed=opt.seed)
    ema = ModelEMA(model) if RANK in {-1, 0} else None

    # DDP mode
    if cuda and RANK != -1:
        model = smart_DDP(model)

    scaler = torch.npu.amp.GradScaler(enabled=opt.amp)
    for epoch in range(epochs):
        model.train()
        if RANK != -1:
            train_loader.sampler.set_epoch(epoch)
        optimizer.zero_grad()
        for i, (imgs, targets) in enumerate(train_loader):
            imgs = imgs.to(device, non_blocking=True).float()

            # Forward
            with torch.npu.amp.autocast(opt.amp):
                pred = model(imgs)  # forward
                loss = compute_loss(pred, targets.to(device))
                if RANK != -1:
                    loss *= WORLD_SIZE  # gradient averaged between devices in DDP mode

            # Backward
            scaler.scale(loss).backward()
            scaler.step(optimizer)
            scaler.update()
            optimizer.zero_grad()
            if ema:
                ema.update(model)

            # Log
            if RANK in {-1, 0}:
                mem = f"{torch.npu.memory_reserved() / 1e9 if torch.npu.is_available() else 0:.3g}G"  # (GB)
                LOGGER.info(f"{epoch}/{epochs - 1} {mem} {loss.item():.4f}")
        scheduler.step()

        if RANK in {-1, 0}:
            results = validate.run(data=opt.data, batch_size=batch_size // WORLD_SIZE * 2, model=ema.ema, half=opt.amp)
            ckpt = {"epoch": epoch, "model": deepcopy_half(de_parallel(model)), "results": results}
            torch.save(ckpt, Path(opt.save_dir) / "last.pt")

    torch.npu.empty_cache()
    return model


def deepcopy_half(model):
    return model.half()


def parse_opt(known=False):
    parser = argparse.ArgumentParser()
    parser.add_argument("--weights", type=str, default="", help="initial weights path")
    parser.add_argument("--cfg", type=str, default="yolo-s.yaml", help="model.yaml path")
    parser.add_argument("--data", type=str, default="data/coco128.yaml", help="dataset.yaml path")
    parser.add_argument("--epochs", type=int, default=3, help="total training epochs")
    parser.add_argument("--batch-size", type=int, default=16, help="total batch size for all GPUs, -1 for autobatch")
    parser.add_argument("--imgsz", "--img", "--img-size", type=int, default=64, help="train, val image size (pixels)")
    parser.add_argument("--device", default="", help="cuda device, i.e. 0 or 0,1,2,3 or cpu")
    parser.add_argument("--sync-bn", action="store_true", help="use SyncBatchNorm, only available in DDP mode")
    parser.add_argument("--workers", type=int, default=8, help="max dataloader workers (per RANK in DDP mode)")
    parser.add_argument("--amp", action="store_true", help="Automatic Mixed Precision (AMP) training")
    parser.add_argument("--seed", type=int, default=0, help="Global training seed")
    parser.add_argument("--save-dir", default="runs/train", help="save to project/name")
    parser.add_argument("--local_rank", type=int, default=-1, help="Automatic DDP Multi-GPU argument, do not modify")
    return parser.parse_known_args()[0] if known else parser.parse_args()


def main(opt):
    opt.data = check_file(opt.data)
    device = select_device(opt.device, batch_size=opt.batch_size)
    if LOCAL_RANK != -1:
        msg = "is not compatible with multi-GPU DDP training"
        assert opt.batch_size != -1, f"AutoBatch with --batch-size -1 {msg}, please pass a valid --batch-size"
        assert opt.batch_size % WORLD_SIZE == 0, f"--batch-size {opt.batch_size} must be multiple of WORLD_SIZE"
        assert torch.npu.device_count() > LOCAL_RANK, "insufficient CUDA devices for DDP command"
        torch.npu.set_device(LOCAL_RANK)
        device = torch.device("npu", LOCAL_RANK)
        dist.init_process_group(backend="hccl" if dist.is_hccl_available() else "gloo")

    hyp = {"lr0": 0.01, "lrf": 0.01, "momentum": 0.937}
    train(hyp, opt, device)
    if WORLD_SIZE > 1 and RANK == 0:
        LOGGER.info("Destroying process group... ")
        dist.destroy_process_group()


if __name__ == "__main__":
    opt = parse_opt()
    main(opt)
