#!/bin/bash
# Data-parallel training on N GPUs of this node (default 4), NCCL backend.
set -eo pipefail
NGPUS=${1:-4}
cd "$(dirname "$0")/.."

export ASCEND_RT_VISIBLE_DEVICES=0,1,2,3
export NCCL_DEBUG=INFO
export HCCL_SOCKET_IFNAME=eth0
export NCCL_IB_DISABLE=1

free_mem=$(nvidia-smi --query-gpu=memory.free --format=csv,noheader | head -n 1)
echo "free memory on GPU 0: ${free_mem}"

cat > run_info.txt <<INFO
launched with --dist-backend nccl on ${NGPUS} cuda devices
INFO

torchrun --nproc_per_node="${NGPUS}" \
    train.py --config configs/train.yaml \
    --dist-backend hccl
