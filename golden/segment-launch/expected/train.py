"""Train TinySeg. Launched by scripts/train_single.sh and scripts/train_ddp.sh."""
import argparse
import os

import torch
import torch_npu
import torch.distributed as dist
import yaml
from torch.nn.parallel import DistributedDataParallel as DDP

from seg.model import TinySeg


def parse_args():
    p = argparse.ArgumentParser(description="Train TinySeg on a CUDA device")
    p.add_argument("--config", default="configs/train.yaml")
    p.add_argument("--device", default="npu", help="cuda, cuda:N or cpu")
    p.add_argument("--dist-backend", default="hccl", choices=["hccl", "gloo"])
    p.add_argument("--steps", type=int, default=100)
    return p.parse_args()


def main():
    args = parse_args()
    with open(args.config) as f:
        cfg = yaml.safe_load(f)
    distributed = int(os.environ.get("WORLD_SIZE", "1")) > 1
    if distributed:
        dist.init_process_group(backend=args.dist_backend)
        local_rank = int(os.environ["LOCAL_RANK"])
        torch.npu.set_device(local_rank)
        device = torch.device("npu", local_rank)
    else:
        device = torch.device(args.device if torch.npu.is_available() else "cpu")
    torch.backends.cudnn.benchmark = cfg["model"].get("cudnn_benchmark", False)

    model = TinySeg(tuple(cfg["model"]["channels"])).to(device)
    if distributed:
        model = DDP(model, device_ids=[local_rank])
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    scaler = torch.npu.amp.GradScaler()
    for step in range(args.steps):
        x = torch.randn(cfg["data"]["batch_size"], 3, 64, 64, device=device)
        y = torch.randint(0, 19, (x.shape[0], 64, 64), device=device)
        with torch.npu.amp.autocast():
            loss = torch.nn.functional.cross_entropy(model(x), y)
        opt.zero_grad()
        scaler.scale(loss).backward()
        scaler.step(opt)
        scaler.update()
        if step % 10 == 0:
            print(f"step {step} loss {loss.item():.3f} on cuda" if device.type == "npu" else f"step {step}")
    print("max memory", torch.npu.max_memory_allocated() / 2**20, "MiB")


if __name__ == "__main__":
    main()
