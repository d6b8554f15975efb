"""Box decoding: a Triton kernel on CUDA tensors, plain torch elsewhere."""
import torch
import torch_npu
import triton
import triton.language as tl


@triton.jit
def decode_kernel(out_ptr, in_ptr, n, stride: tl.constexpr, BLOCK: tl.constexpr):
    i = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    mask = i < n
    x = tl.load(in_ptr + i, mask=mask)
    tl.store(out_ptr + i, x * stride, mask=mask)


def decode_boxes(raw, stride):
    if not raw.is_cuda:
        return raw * stride
    out = torch.empty_like(raw)
    n = raw.numel()
    decode_kernel[(triton.cdiv(n, 1024),)](out, raw, n, stride, BLOCK=1024)
    return out


def scale_boxes(boxes, gain):
    # the same maths on any device
    if boxes.is_npu:
        boxes = boxes.float()
    return boxes * gain
