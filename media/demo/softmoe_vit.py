"""The model in softmoe_vit.onnx: a small Vision Transformer for Fashion-MNIST whose blocks 2 and
3 replace the MLP with a Soft MoE layer (Puigcerver et al., "From Sparse to Soft Mixtures of
Experts"). Module names are those of the checkpoint, so MoE Scope's layers `blocks.2.mlp` and
`blocks.3.mlp` are the `self.mlp` of those blocks: analyse softmoe_vit.onnx, then hover `mlp`
below to see how its experts are used.

Patches of 7x7 pixels give 16 tokens of width 64; 4 pre-norm blocks; mean pool; 10 classes.
"""

import torch
import torch.nn as nn

WIDTH = 64
HEADS = 4
HIDDEN = 128
PATCH = 7
TOKENS = (28 // PATCH) ** 2
FASHION_MEAN, FASHION_STD = 0.2860, 0.3530


class Mlp(nn.Module):
    """Two-layer MLP: the feed-forward of the dense blocks and each expert of the Soft MoE."""

    def __init__(self, d=WIDTH, hidden=HIDDEN):
        super().__init__()
        self.fc1 = nn.Linear(d, hidden)
        self.act = nn.GELU()
        self.fc2 = nn.Linear(hidden, d)

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))


def l2_normalize(x, dim, eps=1e-6):
    return x * torch.rsqrt((x * x).sum(dim=dim, keepdim=True) + eps)


class SoftMoE(nn.Module):
    """Soft MoE with n experts of p slots each. Every slot is a softmax-weighted mix of all tokens
    (dispatch, softmax over tokens); every token mixes all slot outputs (combine, softmax over
    slots). Tokens and slot parameters are l2-normalised and scaled, as in the reference code."""

    def __init__(self, d=WIDTH, experts=8, slots=2):
        super().__init__()
        self.n, self.p = experts, slots
        self.phi = nn.Parameter(torch.randn(d, experts, slots) * d**-0.5)
        self.scale = nn.Parameter(torch.ones(()))
        self.experts = nn.ModuleList([Mlp(d) for _ in range(experts)])

    def forward(self, x):
        b, m, d = x.shape
        phi = self.scale * l2_normalize(self.phi, dim=0)
        logits = torch.einsum("bmd,dnp->bmnp", l2_normalize(x, dim=-1), phi)
        logits = logits.reshape(b, m, self.n * self.p)
        dispatch = torch.softmax(logits, dim=1)  # over tokens: what each slot reads
        combine = torch.softmax(logits, dim=2)  # over slots: what each token gets back
        slots = torch.einsum("bms,bmd->bsd", dispatch, x).reshape(b, self.n, self.p, d)
        outs = torch.stack([expert(slots[:, i]) for i, expert in enumerate(self.experts)], dim=1)
        return torch.einsum("bms,bsd->bmd", combine, outs.reshape(b, self.n * self.p, d))


class Attention(nn.Module):
    def __init__(self, d=WIDTH, heads=HEADS):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(d, 3 * d)
        self.proj = nn.Linear(d, d)

    def forward(self, x):
        b, t, d = x.shape
        qkv = self.qkv(x).reshape(b, t, 3, self.heads, d // self.heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        attn = (q @ k.transpose(-2, -1) * (d // self.heads) ** -0.5).softmax(dim=-1)
        return self.proj((attn @ v).transpose(1, 2).reshape(b, t, d))


class Block(nn.Module):
    """Pre-norm residual block; its feed-forward `mlp` is a Soft MoE in the MoE blocks."""

    def __init__(self, moe: bool, d=WIDTH):
        super().__init__()
        self.norm1 = nn.LayerNorm(d)
        self.attn = Attention(d)
        self.norm2 = nn.LayerNorm(d)
        self.mlp = SoftMoE(d, experts=8, slots=2) if moe else Mlp(d)

    def forward(self, x):
        x = x + self.attn(self.norm1(x))
        return x + self.mlp(self.norm2(x))


class ViT(nn.Module):
    def __init__(self, depth=4, moe_blocks=(2, 3), classes=10):
        super().__init__()
        self.register_buffer("mean", torch.tensor(FASHION_MEAN))
        self.register_buffer("std", torch.tensor(FASHION_STD))
        self.patch_embed = nn.Conv2d(1, WIDTH, kernel_size=PATCH, stride=PATCH)
        self.pos_embed = nn.Parameter(torch.randn(1, TOKENS, WIDTH) * 0.02)
        self.blocks = nn.ModuleList([Block(moe=i in moe_blocks) for i in range(depth)])
        self.norm = nn.LayerNorm(WIDTH)
        self.head = nn.Linear(WIDTH, classes)

    def forward(self, pixels):
        x = (pixels - self.mean) / self.std  # pixels: raw bytes / 255
        x = self.patch_embed(x).flatten(2).transpose(1, 2) + self.pos_embed
        for block in self.blocks:
            x = block(x)
        return self.head(self.norm(x).mean(dim=1))


if __name__ == "__main__":
    # Exports an untrained copy: its ONNX node scopes (/blocks.2/mlp/...) are the checkpoint's.
    model = ViT().eval()
    torch.onnx.export(
        model,
        torch.rand(1, 1, 28, 28),
        "softmoe_vit_untrained.onnx",
        input_names=["pixels"],
        output_names=["logits"],
        dynamic_axes={"pixels": {0: "batch"}, "logits": {0: "batch"}},
        opset_version=17,
    )
