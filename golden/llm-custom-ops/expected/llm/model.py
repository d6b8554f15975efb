"""A small decoder-only transformer.

Uses flash_attn when it is installed, else torch.nn.functional.scaled_dot_product_attention.
"""
import math

import torch
import torch_npu
import torch.nn as nn
import torch.nn.functional as F

try:
    from flash_attn import flash_attn_func
except ImportError:  # CPU-only installs
    flash_attn_func = None

import tiny_llm_ops


class RMSNorm(nn.Module):
    def __init__(self, dim, eps=1e-6):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x):
        if x.is_npu:
            return tiny_llm_ops.rms_norm(x, self.weight, self.eps)
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


class Attention(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(dim, 3 * dim, bias=False)
        self.out = nn.Linear(dim, dim, bias=False)

    def forward(self, x):
        b, t, d = x.shape
        q, k, v = self.qkv(x).view(b, t, 3, self.heads, d // self.heads).unbind(2)
        if flash_attn_func is not None:
            y = flash_attn_func(q, k, v, causal=True)
        else:
            y = F.scaled_dot_product_attention(q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2), is_causal=True)
            y = y.transpose(1, 2)
        return self.out(y.reshape(b, t, d))


class TinyLM(nn.Module):
    def __init__(self, vocab=32000, dim=512, layers=4, heads=8):
        super().__init__()
        self.embed = nn.Embedding(vocab, dim)
        self.blocks = nn.ModuleList([Attention(dim, heads) for _ in range(layers)])
        self.norm = RMSNorm(dim)
        self.head = nn.Linear(dim, vocab, bias=False)

    def forward(self, idx):
        x = self.embed(idx) * math.sqrt(self.embed.embedding_dim)
        for blk in self.blocks:
            torch.cuda.nvtx.range_push("block")
            x = x + blk(x)
            torch.cuda.nvtx.range_pop()
        return self.head(self.norm(x))
