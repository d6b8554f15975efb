#!/usr/bin/env bash
# Launch 4-GPU training on one node.
set -euo pipefail
export ASCEND_RT_VISIBLE_DEVICES=0,1,2,3
export NCCL_DEBUG=INFO
python main.py -a resnet50 --dist-url 'tcp://127.0.0.1:23456' --dist-backend 'hccl' \
  --multiprocessing-distributed --world-size 1 --rank 0 "$@"
