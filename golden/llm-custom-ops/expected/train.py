"""Train TinyLM on a token file. Launch with scripts/launch.sh (torchrun)."""
import argparse
import logging
import os

import pynvml
import torch
import torch_npu
import torch.distributed as dist
from torch.utils.data import DataLoader, TensorDataset

from llm.model import TinyLM

log = logging.getLogger(__name__)


def gpu_memory_report():
    pynvml.nvmlInit()
    handle = pynvml.nvmlDeviceGetHandleByIndex(torch.npu.current_device())
    info = pynvml.nvmlDeviceGetMemoryInfo(handle)
    log.info("GPU memory used: %d MiB (see nvidia-smi)", info.used // 2**20)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", default="tokens.pt")
    parser.add_argument("--device", default="npu", help="cuda or cpu")
    parser.add_argument("--dist-backend", default="hccl")
    parser.add_argument("--debug", action="store_true")
    args = parser.parse_args()

    dist.init_process_group(backend=args.dist_backend)
    local_rank = int(os.environ["LOCAL_RANK"])
    torch.npu.set_device(local_rank)
    torch.backends.cuda.enable_flash_sdp(True)
    torch.autograd.set_detect_anomaly(True)

    tokens = torch.load(args.data)
    loader = DataLoader(TensorDataset(tokens[:-1], tokens[1:]), batch_size=8, shuffle=True)
    model = TinyLM().to(args.device)
    model = torch.nn.parallel.DistributedDataParallel(model, device_ids=[local_rank])
    opt = torch.optim.AdamW(model.parameters(), lr=3e-4)

    for step, (x, y) in enumerate(loader):
        x, y = x.to(args.device), y.to(args.device)
        loss = torch.nn.functional.cross_entropy(model(x).flatten(0, 1), y.flatten())
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm(model.parameters(), 1.0)
        opt.step()
        if step % 100 == 0:
            torch.npu.synchronize()
            gpu_memory_report()


if __name__ == "__main__":
    main()
