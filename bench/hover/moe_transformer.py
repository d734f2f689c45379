"""A decoder-only language model with a sparse Mixture-of-Experts feed-forward in every one of its
64 layers (64 experts, 8 active per token): the shape of today's open MoE LMs, written here as the
benchmark's model code. Module paths: `model.layers.{i}.mlp` are the MoE layers."""

import math
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass
class MoeConfig:
    vocab_size: int = 50304
    hidden_size: int = 2048
    intermediate_size: int = 1024
    num_hidden_layers: int = 64
    num_attention_heads: int = 16
    num_key_value_heads: int = 16
    num_experts: int = 64
    num_experts_per_tok: int = 8
    max_position_embeddings: int = 4096
    rope_theta: float = 10000.0
    rms_norm_eps: float = 1e-5
    router_aux_loss_coef: float = 0.01
    norm_topk_prob: bool = False


class RMSNorm(nn.Module):
    def __init__(self, dim, eps=1e-5):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(dim))
        self.eps = eps

    def forward(self, x):
        variance = x.float().pow(2).mean(-1, keepdim=True)
        return (x.float() * torch.rsqrt(variance + self.eps)).type_as(x) * self.weight


class RotaryEmbedding(nn.Module):
    def __init__(self, dim, max_positions=4096, theta=10000.0):
        super().__init__()
        inv_freq = 1.0 / (theta ** (torch.arange(0, dim, 2).float() / dim))
        self.register_buffer("inv_freq", inv_freq, persistent=False)
        self.max_positions = max_positions

    def forward(self, positions):
        freqs = torch.outer(positions.float(), self.inv_freq)
        emb = torch.cat((freqs, freqs), dim=-1)
        return emb.cos(), emb.sin()


def rotate_half(x):
    x1, x2 = x.chunk(2, dim=-1)
    return torch.cat((-x2, x1), dim=-1)


def apply_rotary(q, k, cos, sin):
    return q * cos + rotate_half(q) * sin, k * cos + rotate_half(k) * sin


class Attention(nn.Module):
    def __init__(self, config: MoeConfig, layer_idx: int):
        super().__init__()
        self.layer_idx = layer_idx
        self.num_heads = config.num_attention_heads
        self.num_kv_heads = config.num_key_value_heads
        self.head_dim = config.hidden_size // config.num_attention_heads
        self.q_proj = nn.Linear(config.hidden_size, self.num_heads * self.head_dim, bias=False)
        self.k_proj = nn.Linear(config.hidden_size, self.num_kv_heads * self.head_dim, bias=False)
        self.v_proj = nn.Linear(config.hidden_size, self.num_kv_heads * self.head_dim, bias=False)
        self.o_proj = nn.Linear(self.num_heads * self.head_dim, config.hidden_size, bias=False)
        self.q_norm = RMSNorm(self.num_heads * self.head_dim, config.rms_norm_eps)
        self.k_norm = RMSNorm(self.num_kv_heads * self.head_dim, config.rms_norm_eps)
        self.rotary = RotaryEmbedding(self.head_dim, config.max_position_embeddings, config.rope_theta)

    def forward(self, x, positions, mask=None):
        b, t, _ = x.shape
        q = self.q_norm(self.q_proj(x)).view(b, t, self.num_heads, self.head_dim).transpose(1, 2)
        k = self.k_norm(self.k_proj(x)).view(b, t, self.num_kv_heads, self.head_dim).transpose(1, 2)
        v = self.v_proj(x).view(b, t, self.num_kv_heads, self.head_dim).transpose(1, 2)
        cos, sin = self.rotary(positions)
        q, k = apply_rotary(q, k, cos, sin)
        if self.num_kv_heads != self.num_heads:
            repeat = self.num_heads // self.num_kv_heads
            k = k.repeat_interleave(repeat, dim=1)
            v = v.repeat_interleave(repeat, dim=1)
        scores = q @ k.transpose(-2, -1) / math.sqrt(self.head_dim)
        if mask is not None:
            scores = scores + mask
        out = scores.softmax(dim=-1) @ v
        return self.o_proj(out.transpose(1, 2).reshape(b, t, -1))


class ExpertMLP(nn.Module):
    """SwiGLU feed-forward: one expert."""

    def __init__(self, config: MoeConfig):
        super().__init__()
        self.gate_proj = nn.Linear(config.hidden_size, config.intermediate_size, bias=False)
        self.up_proj = nn.Linear(config.hidden_size, config.intermediate_size, bias=False)
        self.down_proj = nn.Linear(config.intermediate_size, config.hidden_size, bias=False)

    def forward(self, x):
        return self.down_proj(F.silu(self.gate_proj(x)) * self.up_proj(x))


class SparseMoeBlock(nn.Module):
    """Token-choice top-k routing over `num_experts` SwiGLU experts."""

    def __init__(self, config: MoeConfig):
        super().__init__()
        self.num_experts = config.num_experts
        self.top_k = config.num_experts_per_tok
        self.norm_topk_prob = config.norm_topk_prob
        self.gate = nn.Linear(config.hidden_size, self.num_experts, bias=False)
        self.experts = nn.ModuleList([ExpertMLP(config) for _ in range(self.num_experts)])

    def forward(self, x):
        b, t, d = x.shape
        flat = x.reshape(-1, d)
        router_logits = self.gate(flat)
        probs = F.softmax(router_logits, dim=-1, dtype=torch.float)
        weights, chosen = torch.topk(probs, self.top_k, dim=-1)
        if self.norm_topk_prob:
            weights = weights / weights.sum(dim=-1, keepdim=True)
        out = torch.zeros_like(flat)
        mask = F.one_hot(chosen, num_classes=self.num_experts).permute(2, 1, 0)
        for e in range(self.num_experts):
            slot, token = torch.where(mask[e])
            if token.numel() == 0:
                continue
            y = self.experts[e](flat[token]) * weights[token, slot, None]
            out.index_add_(0, token, y.to(flat.dtype))
        return out.reshape(b, t, d), router_logits


class DecoderLayer(nn.Module):
    def __init__(self, config: MoeConfig, layer_idx: int):
        super().__init__()
        self.self_attn = Attention(config, layer_idx)
        self.mlp = SparseMoeBlock(config)
        self.input_layernorm = RMSNorm(config.hidden_size, config.rms_norm_eps)
        self.post_attention_layernorm = RMSNorm(config.hidden_size, config.rms_norm_eps)

    def forward(self, x, positions, mask=None):
        x = x + self.self_attn(self.input_layernorm(x), positions, mask)
        moe_out, router_logits = self.mlp(self.post_attention_layernorm(x))
        return x + moe_out, router_logits


class MoeModel(nn.Module):
    def __init__(self, config: MoeConfig):
        super().__init__()
        self.embed_tokens = nn.Embedding(config.vocab_size, config.hidden_size)
        self.layers = nn.ModuleList(
            [DecoderLayer(config, i) for i in range(config.num_hidden_layers)]
        )
        self.norm = RMSNorm(config.hidden_size, config.rms_norm_eps)

    def forward(self, input_ids):
        b, t = input_ids.shape
        positions = torch.arange(t, device=input_ids.device)
        mask = torch.full((t, t), float("-inf"), device=input_ids.device).triu(1)
        x = self.embed_tokens(input_ids)
        all_router_logits = []
        for layer in self.layers:
            x, router_logits = layer(x, positions, mask)
            all_router_logits.append(router_logits)
        return self.norm(x), all_router_logits


def load_balancing_loss(all_router_logits, num_experts, top_k):
    """Switch-style auxiliary loss N * sum_i f_i * P_i averaged over layers."""
    losses = []
    for logits in all_router_logits:
        probs = logits.softmax(dim=-1)
        _, chosen = torch.topk(probs, top_k, dim=-1)
        f = F.one_hot(chosen, num_experts).float().sum(dim=1).mean(dim=0) / top_k
        losses.append(num_experts * (f * probs.mean(dim=0)).sum())
    return torch.stack(losses).mean()


class MoeForCausalLM(nn.Module):
    def __init__(self, config: MoeConfig):
        super().__init__()
        self.config = config
        self.model = MoeModel(config)
        self.lm_head = nn.Linear(config.hidden_size, config.vocab_size, bias=False)

    def forward(self, input_ids, labels=None):
        hidden, all_router_logits = self.model(input_ids)
        logits = self.lm_head(hidden)
        if labels is None:
            return logits
        loss = F.cross_entropy(logits[:, :-1].flatten(0, 1), labels[:, 1:].flatten())
        aux = load_balancing_loss(all_router_logits, self.config.num_experts, self.config.num_experts_per_tok)
        return logits, loss + self.config.router_aux_loss_coef * aux

    @torch.no_grad()
    def generate(self, input_ids, max_new_tokens=32, temperature=1.0):
        for _ in range(max_new_tokens):
            logits = self(input_ids[:, -self.config.max_position_embeddings:])[:, -1]
            probs = (logits / temperature).softmax(dim=-1)
            next_id = torch.multinomial(probs, 1)
            input_ids = torch.cat([input_ids, next_id], dim=1)
        return input_ids


ROUTER_NODE = "/model/layers.17/mlp/gate/MatMul"
WATCHED_LAYERS = ["model.layers.0.mlp", "model.layers.31.mlp", "model.layers.63.mlp"]
