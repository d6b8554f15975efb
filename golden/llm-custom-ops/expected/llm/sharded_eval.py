"""Evaluation with the model split across workers: each stage runs on a remote
worker, reached through torch RPC, and the scores are gathered on this rank.
"""
import os

import torch
import torch_npu
import torch.distributed.rpc as rpc

LOCAL_RANK = int(os.environ.get("LOCAL_RANK", 0))

# where the stages are placed on every worker
STAGE_DEVICES = ("cuda:0", "cuda:1")


class ShardedEval:
    def __init__(self, workers):
        self.workers = workers
        self.local_rank = LOCAL_RANK
        self.device = torch.device(f"npu:{self.local_rank}")

    def build_stages(self, stage_cls, *args):
        # every remote stage is built on its worker's first device
        return [rpc.remote(w, stage_cls, args=("cuda:0",) + args) for w in self.workers]

    def gather(self, futures):
        scores = torch.zeros(len(futures), device=f"npu:{self.local_rank}")
        for i, fut in enumerate(futures):
            scores[i] = fut.to_here().to(self.device).mean()
        print("gathered %d scores on %s" % (len(futures), "cuda"))
        return scores


def to_stage(batch, stage_rank):
    return batch.to(stage_rank, non_blocking=True)
