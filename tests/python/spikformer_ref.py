"""An independent PyTorch Spikformer (CIFAR variant of the public code's names and semantics),
written here as the second implementation the import is checked against.

Conventions reproduced: multi-step LIF (tau 2, decay input, hard reset to 0, threshold 1; the
attention LIF 0.5), SSA scale 0.125, four Conv3x3-BN-LIF stages with max pools (3x3, stride 2,
padding 1) after the last two, RPE added to the pooled spikes, the real-valued residual stream,
mean over tokens then over time before the head. Parameter names are the public code's
(patch_embed.proj_conv, block.{i}.attn.q_linear, ...), including the LayerNorms its Block
declares and never calls.
"""
import gzip
import os

import numpy as np
import torch
import torch.nn as nn


class _Spike(torch.autograd.Function):
    """Heaviside forward, sigmoid surrogate (alpha 4) backward."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return (x >= 0).to(x.dtype)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        s = torch.sigmoid(4.0 * x)
        return g * 4.0 * s * (1.0 - s)


class MultiStepLIF(nn.Module):
    """x: [T, ...] currents -> spikes; V = 0 at the start, H = V + (X - V) / tau."""

    def __init__(self, threshold=1.0, tau=2.0):
        super().__init__()
        self.threshold, self.tau = threshold, tau

    def forward(self, x):
        v = torch.zeros_like(x[0])
        out = []
        for t in range(x.shape[0]):
            h = v + (x[t] - v) / self.tau
            s = _Spike.apply(h - self.threshold)
            v = h * (1.0 - s.detach())  # hard reset, no gradient through the reset
            out.append(s)
        return torch.stack(out)


def _linear_bn(x, linear, bn, lif):
    """[T, B, N, C] -> LIF(BN(Linear(x))), BN over channels as the public code does."""
    T, B, N, _ = x.shape
    y = linear(x.flatten(0, 1))
    y = bn(y.transpose(-1, -2)).transpose(-1, -2).reshape(T, B, N, -1).contiguous()
    return lif(y)


class SPS(nn.Module):
    def __init__(self, in_channels, embed_dims):
        super().__init__()
        d = embed_dims
        widths = [in_channels, d // 8, d // 4, d // 2, d]
        for i, suffix in enumerate(["", "1", "2", "3"]):
            setattr(self, "proj_conv" + suffix, nn.Conv2d(widths[i], widths[i + 1], 3, 1, 1, bias=False))
            setattr(self, "proj_bn" + suffix, nn.BatchNorm2d(widths[i + 1]))
            setattr(self, "proj_lif" + suffix, MultiStepLIF())
        self.maxpool2 = nn.MaxPool2d(3, 2, 1)
        self.maxpool3 = nn.MaxPool2d(3, 2, 1)
        self.rpe_conv = nn.Conv2d(d, d, 3, 1, 1, bias=False)
        self.rpe_bn = nn.BatchNorm2d(d)
        self.rpe_lif = MultiStepLIF()

    def _stage(self, x, suffix, record, name):
        T, B = x.shape[:2]
        y = getattr(self, "proj_conv" + suffix)(x.flatten(0, 1))
        y = getattr(self, "proj_bn" + suffix)(y)
        s = getattr(self, "proj_lif" + suffix)(y.reshape(T, B, *y.shape[1:]))
        if record is not None:
            record[name] = s
        return s

    def forward(self, x, record=None):
        T, B = x.shape[:2]
        x = self._stage(x, "", record, "sps.conv0")
        x = self._stage(x, "1", record, "sps.conv1")
        x = self._stage(x, "2", record, "sps.conv2")
        x = self.maxpool2(x.flatten(0, 1))
        x = self._stage(x.reshape(T, B, *x.shape[1:]), "3", record, "sps.conv3")
        x = self.maxpool3(x.flatten(0, 1))
        x_feat = x.reshape(T, B, *x.shape[1:])
        y = self.rpe_bn(self.rpe_conv(x))
        r = self.rpe_lif(y.reshape(T, B, *y.shape[1:]))
        if record is not None:
            record["sps.rpe"] = r
        x = x_feat + r
        return x.flatten(-2).transpose(-1, -2)  # [T, B, N, C]


class SSA(nn.Module):
    def __init__(self, dim, num_heads):
        super().__init__()
        self.num_heads, self.scale = num_heads, 0.125
        for n in ["q", "k", "v", "proj"]:
            setattr(self, n + "_linear", nn.Linear(dim, dim))
            setattr(self, n + "_bn", nn.BatchNorm1d(dim))
            setattr(self, n + "_lif", MultiStepLIF())
        self.attn_lif = MultiStepLIF(threshold=0.5)

    def forward(self, x, record=None, prefix=""):
        T, B, N, C = x.shape
        q, k, v = (_linear_bn(x, getattr(self, n + "_linear"), getattr(self, n + "_bn"),
                              getattr(self, n + "_lif")) for n in ["q", "k", "v"])
        if record is not None:
            record[prefix + "q"], record[prefix + "k"], record[prefix + "v"] = q, k, v
        h = self.num_heads

        def heads(s):
            return s.reshape(T, B, N, h, C // h).permute(0, 1, 3, 2, 4)

        # the public code computes (Q K^T * scale) V; Q (K^T V) * scale is the same numbers (0/1
        # spikes: every sum is an exact integer in float32, the scale a power of two) for a
        # third of the work at 49 tokens
        y = (heads(q) @ (heads(k).transpose(-2, -1) @ heads(v))) * self.scale
        y = y.transpose(2, 3).reshape(T, B, N, C).contiguous()
        y = self.attn_lif(y)
        if record is not None:
            record[prefix + "attn"] = y
        y = _linear_bn(y, self.proj_linear, self.proj_bn, self.proj_lif)
        if record is not None:
            record[prefix + "proj"] = y
        return y


class MLP(nn.Module):
    def __init__(self, dim, hidden):
        super().__init__()
        self.fc1_linear, self.fc1_bn, self.fc1_lif = nn.Linear(dim, hidden), nn.BatchNorm1d(hidden), MultiStepLIF()
        self.fc2_linear, self.fc2_bn, self.fc2_lif = nn.Linear(hidden, dim), nn.BatchNorm1d(dim), MultiStepLIF()

    def forward(self, x, record=None, prefix=""):
        h = _linear_bn(x, self.fc1_linear, self.fc1_bn, self.fc1_lif)
        y = _linear_bn(h, self.fc2_linear, self.fc2_bn, self.fc2_lif)
        if record is not None:
            record[prefix + "fc1"], record[prefix + "fc2"] = h, y
        return y


class Block(nn.Module):
    def __init__(self, dim, num_heads, mlp_ratio):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim)  # declared, never called (as in the public code)
        self.attn = SSA(dim, num_heads)
        self.norm2 = nn.LayerNorm(dim)
        self.mlp = MLP(dim, int(dim * mlp_ratio))

    def forward(self, x, record=None, prefix=""):
        x = x + self.attn(x, record, prefix + "attn.")
        return x + self.mlp(x, record, prefix + "ffn.")


class Spikformer(nn.Module):
    def __init__(self, in_channels=1, num_classes=10, embed_dims=32, num_heads=2, mlp_ratio=4,
                 depths=1, T=4):
        super().__init__()
        self.T = T
        self.patch_embed = SPS(in_channels, embed_dims)
        self.block = nn.ModuleList([Block(embed_dims, num_heads, mlp_ratio) for _ in range(depths)])
        self.head = nn.Linear(embed_dims, num_classes)

    def forward(self, x, record=None):
        """x: [B, C, H, W] float images (pixels / 255) -> logits [B, classes]."""
        x = x.unsqueeze(0).repeat(self.T, 1, 1, 1, 1)
        x = self.patch_embed(x, record)
        for i, blk in enumerate(self.block):
            x = blk(x, record, "blocks.%d." % i)
        return self.head(x.mean(2).mean(0))


def engine_layout(s):
    """A recorded spike tensor in the engine's dump layout [B, T, tokens, channels]."""
    if s.dim() == 5:  # [T, B, C, H, W] tokenizer stage
        s = s.flatten(-2).transpose(-1, -2)
    return s.transpose(0, 1).contiguous().to(torch.uint8).numpy()


def fashion_mnist(split, count, root="/usr/share/datasets/fashion-mnist"):
    """uint8 images [count, 1, 28, 28] and int64 labels of Debian's dataset-fashion-mnist."""
    prefix = "train" if split == "train" else "t10k"
    with gzip.open(os.path.join(root, prefix + "-images-idx3-ubyte.gz")) as f:
        images = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 1, 28, 28)[:count]
    with gzip.open(os.path.join(root, prefix + "-labels-idx1-ubyte.gz")) as f:
        labels = np.frombuffer(f.read(), np.uint8, offset=8)[:count].astype(np.int64)
    return images.copy(), labels
