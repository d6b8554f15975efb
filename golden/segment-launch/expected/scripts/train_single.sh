#!/usr/bin/env bash
# Train on one GPU. Pick the card with nvidia-smi first.
set -euo pipefail
cd "$(dirname "$0")/.."

npu-smi info
ASCEND_RT_VISIBLE_DEVICES=0 python train.py --config configs/train.yaml --device npu:0 "$@"
echo "done on cuda device 0"
