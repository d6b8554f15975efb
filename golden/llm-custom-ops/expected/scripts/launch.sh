#!/usr/bin/env bash
# Launch on 8 GPUs of one node. Check free GPUs with nvidia-smi first.
set -euo pipefail
export ASCEND_RT_VISIBLE_DEVICES=0,1,2,3,4,5,6,7
export HCCL_SOCKET_IFNAME=eth0
export NCCL_IB_DISABLE=1   # no InfiniBand on this cluster
echo "using CUDA_VISIBLE_DEVICES=$ASCEND_RT_VISIBLE_DEVICES with the nccl backend"
nvidia-smi --query-gpu=memory.used --format=csv
torchrun --nproc_per_node=8 train.py --data tokens.pt --device npu --dist-backend hccl "$@"
