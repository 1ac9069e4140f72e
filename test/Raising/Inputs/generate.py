#!/usr/bin/env python3
"""Writes the torch-mlir inputs of the raising tests: real PyTorch attention
modules exported by torch-mlir's FX importer to linalg on tensors.

Regenerate (torch and torch-mlir from PyPI, e.g. in bench/.venv):
    python test/Raising/Inputs/generate.py
"""
import os

import torch
import torch.nn.functional as F
from torch_mlir import fx

HERE = os.path.dirname(os.path.abspath(__file__))
torch.manual_seed(0)


class SdpaCausal(torch.nn.Module):
    def forward(self, q, k, v):
        return F.scaled_dot_product_attention(q, k, v, is_causal=True)


class SdpaDense(torch.nn.Module):
    def forward(self, q, k, v):
        return F.scaled_dot_product_attention(q, k, v, scale=0.3)


class SdpaBoolMask(torch.nn.Module):
    def forward(self, q, k, v, mask):
        return F.scaled_dot_product_attention(q, k, v, attn_mask=mask)


class SdpaFloatMask(torch.nn.Module):
    def forward(self, q, k, v, bias):
        return F.scaled_dot_product_attention(q, k, v, attn_mask=bias)


class SdpaGqa(torch.nn.Module):
    def forward(self, q, k, v):
        return F.scaled_dot_product_attention(q, k, v, is_causal=True, enable_gqa=True)


class ManualSoftmax(torch.nn.Module):
    """softmax(q k^T / sqrt(d)) v as model code writes it."""

    def forward(self, q, k, v):
        scores = torch.matmul(q, k.transpose(-2, -1)) / (q.shape[-1] ** 0.5)
        return torch.matmul(torch.softmax(scores, dim=-1), v)


class ManualMaskedFill(torch.nn.Module):
    """GPT-2 style: a registered lower-triangular buffer, masked_fill."""

    def __init__(self, length):
        super().__init__()
        self.register_buffer("tril", torch.tril(torch.ones(length, length)))

    def forward(self, q, k, v):
        scores = (q @ k.transpose(-2, -1)) * (1.0 / (q.shape[-1] ** 0.5))
        scores = scores.masked_fill(self.tril == 0, float("-inf"))
        return F.softmax(scores, dim=-1) @ v


class ManualWindow(torch.nn.Module):
    """A sliding window built from aranges in forward."""

    def forward(self, q, k, v):
        length = q.shape[-2]
        i = torch.arange(length)[:, None]
        j = torch.arange(length)[None, :]
        allowed = (j <= i) & (i - j <= 4)
        scores = torch.matmul(q, k.transpose(-2, -1)) * 0.25
        scores = torch.where(allowed, scores, torch.tensor(float("-inf")))
        return torch.matmul(torch.softmax(scores, dim=-1), v)


class TransformerBlock(torch.nn.Module):
    """Attention of a decoder block: projections, heads, causal SDPA, merge,
    output projection."""

    def __init__(self, dim=32, heads=4):
        super().__init__()
        self.heads = heads
        self.qkv = torch.nn.Linear(dim, 3 * dim)
        self.proj = torch.nn.Linear(dim, dim)

    def forward(self, x):
        b, t, c = x.shape
        q, k, v = self.qkv(x).split(c, dim=2)
        q, k, v = (y.view(b, t, self.heads, c // self.heads).transpose(1, 2) for y in (q, k, v))
        y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        return self.proj(y.transpose(1, 2).contiguous().view(b, t, c))


class GemmaSoftcap(torch.nn.Module):
    """Gemma 2's attention logit soft-cap: cap * tanh(scores / cap), then
    the causal mask."""

    def forward(self, q, k, v):
        scores = torch.matmul(q, k.transpose(-2, -1)) * (q.shape[-1] ** -0.5)
        scores = torch.tanh(scores / 2.0) * 2.0
        length = q.shape[-2]
        causal = torch.tril(torch.ones(length, length, dtype=torch.bool))
        scores = scores.masked_fill(~causal, float("-inf"))
        return torch.matmul(torch.softmax(scores, dim=-1), v)


class HeadTemperature(torch.nn.Module):
    """A learned temperature per head, and Hugging Face GPT-2's causal
    mask by torch.where with the dtype's lowest finite value."""

    def __init__(self, heads=2):
        super().__init__()
        self.temperature = torch.nn.Parameter(torch.rand(1, heads, 1, 1) + 0.5)

    def forward(self, q, k, v):
        scores = torch.matmul(q, k.transpose(-2, -1)) * self.temperature
        length = q.shape[-2]
        causal = torch.tril(torch.ones(length, length, dtype=torch.bool))
        scores = torch.where(causal, scores, torch.finfo(scores.dtype).min)
        return torch.matmul(torch.softmax(scores, dim=-1), v)


class CappedPositionBias(torch.nn.Module):
    """A distance bias from aranges added before a soft-cap, in a sliding
    window: the cap applies to the biased scores."""

    def forward(self, q, k, v):
        length = q.shape[-2]
        i = torch.arange(length)[:, None]
        j = torch.arange(length)[None, :]
        scores = torch.matmul(q, k.transpose(-2, -1)) * 0.3
        scores = scores - 0.1 * (i - j).abs()
        scores = 3.0 * torch.tanh(scores / 3.0)
        allowed = (j <= i) & (i - j <= 6)
        scores = torch.where(allowed, scores, torch.tensor(float("-inf")))
        return torch.matmul(torch.softmax(scores, dim=-1), v)


class EagerBf16(torch.nn.Module):
    """Hugging Face's eager attention in bf16: bf16 scores (a matmul that
    accumulates in f32 and rounds), an additive causal mask of bf16's
    lowest value, the softmax in f32 rounded back to bf16, a bf16 P V."""

    def forward(self, q, k, v):
        length = q.shape[-2]
        mask = torch.full((length, length), torch.finfo(q.dtype).min, dtype=q.dtype).triu(1)
        weights = torch.matmul(q, k.transpose(2, 3)) * (q.shape[-1] ** -0.5)
        weights = torch.softmax(weights + mask, dim=-1, dtype=torch.float32).to(q.dtype)
        return torch.matmul(weights, v)


class AlibiBias(torch.nn.Module):
    """ALiBi built in the graph: per-head slopes times the key's distance
    behind the query, [H, L, L], added to the scaled scores before the
    causal mask."""

    def __init__(self, heads=4):
        super().__init__()
        self.register_buffer("slopes", torch.tensor([2 ** (-8 * (h + 1) / heads)
                                                     for h in range(heads)]))

    def forward(self, q, k, v):
        length = q.shape[-2]
        i = torch.arange(length)[:, None]
        j = torch.arange(length)[None, :]
        bias = self.slopes[:, None, None] * (j - i)[None, :, :]
        scores = torch.matmul(q, k.transpose(-2, -1)) * (q.shape[-1] ** -0.5) + bias
        scores = scores.masked_fill(j > i, float("-inf"))
        return torch.matmul(torch.softmax(scores, dim=-1), v)


def export(name, module, *args):
    imported = fx.export_and_import(module, *args, output_type="linalg-on-tensors",
                                    func_name=name)
    text = str(imported)
    with open(os.path.join(HERE, f"{name}.mlir"), "w") as f:
        f.write(f"// Generated by test/Raising/Inputs/generate.py from PyTorch "
                f"{torch.__version__} through torch-mlir's FX importer "
                f"(output_type=linalg-on-tensors). Do not edit.\n")
        f.write(text)


def qkv(b=1, hq=2, hkv=2, lq=16, lkv=16, d=8):
    return torch.randn(b, hq, lq, d), torch.randn(b, hkv, lkv, d), torch.randn(b, hkv, lkv, d)


if __name__ == "__main__":
    export("sdpa_causal", SdpaCausal(), *qkv())
    export("sdpa_dense", SdpaDense(), *qkv(lq=12, lkv=20))
    export("sdpa_bool_mask", SdpaBoolMask(), *qkv(), torch.rand(16, 16) > 0.3)
    export("sdpa_float_mask", SdpaFloatMask(), *qkv(), torch.randn(1, 2, 16, 16))
    export("sdpa_gqa", SdpaGqa(), *qkv(hq=4, hkv=2))
    export("manual_softmax", ManualSoftmax(), *qkv())
    export("manual_masked_fill", ManualMaskedFill(16), *qkv())
    export("manual_window", ManualWindow(), *qkv())
    export("transformer_block", TransformerBlock(), torch.randn(2, 16, 32))
    export("gemma_softcap", GemmaSoftcap(), *qkv())
    export("head_temperature", HeadTemperature(), *qkv())
    export("capped_position_bias", CappedPositionBias(), *qkv())
    export("eager_bf16", EagerBf16(), *(x.to(torch.bfloat16) for x in qkv()))
    export("sdpa_gqa_bf16", SdpaGqa(), *(x.to(torch.bfloat16) for x in qkv(hq=4, hkv=2)))
    export("alibi_bias", AlibiBias(), *qkv(hq=4, hkv=4))
