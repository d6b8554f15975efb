"""Turn the model's logits into instance masks."""
import seg.kernels as K
from seg.kernels import npu_mask_nms as nms


def instances(logits, threshold=0.5):
    masks = logits.sigmoid() > threshold
    scores = logits.amax(dim=(-2, -1))
    keep = K.npu_mask_nms(masks, scores)
    return masks[keep], scores[keep]


def instances_fast(logits):
    masks = logits.sigmoid() > 0.5
    return masks[nms(masks, logits.amax(dim=(-2, -1)), iou=0.7)]
