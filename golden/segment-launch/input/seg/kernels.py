"""Post-processing kernels: a CUDA-only fast path and a portable NPU version."""
import torch


def cuda_mask_nms(masks, scores, iou=0.5):
    """Mask NMS with the fused CUDA extension (GPU only)."""
    from fastseg import _C

    return _C.mask_nms(masks.cuda(), scores.cuda(), iou)


def npu_mask_nms(masks, scores, iou=0.5):
    """Mask NMS in plain torch ops, for Ascend NPUs (and the CPU)."""
    order = scores.argsort(descending=True)
    flat = masks.flatten(1).float()
    keep = []
    suppressed = torch.zeros(len(order), dtype=torch.bool, device=masks.device)
    for i, idx in enumerate(order.tolist()):
        if suppressed[i]:
            continue
        keep.append(idx)
        inter = (flat[order] * flat[idx]).sum(1)
        union = flat[order].sum(1) + flat[idx].sum() - inter
        suppressed |= inter / union.clamp(min=1) > iou
    return torch.tensor(keep, dtype=torch.long, device=masks.device)
