"""A small GPT (nanoGPT-style) with an explicit KV cache, shared by the policy and the reward models.

The forward pass takes the same inputs as the Hugging Face Optimum decoder export (input ids or embeddings,
attention mask over past+current positions, position ids, past keys/values), so the ONNX export is this module.
"""
import math
from dataclasses import dataclass

import torch
import torch.nn as nn
from torch.nn import functional as F

from zoo.surprise import SurpriseBlock


@dataclass
class GPTConfig:
    vocab_size: int = 100
    block_size: int = 384
    n_layer: int = 4
    n_head: int = 4
    n_embd: int = 192
    dropout: float = 0.0
    # "lm": next-token logits (policy). "value": one scalar logit per position (ORM/PRM heads).
    head: str = "lm"
    # Index of a SurpriseBlock among the blocks (zoo/surprise.py; reward models on the policy), -1 for none.
    surprise_at: int = -1


class Attention(nn.Module):
    def __init__(self, cfg: GPTConfig):
        super().__init__()
        self.n_head, self.head_dim = cfg.n_head, cfg.n_embd // cfg.n_head
        self.qkv = nn.Linear(cfg.n_embd, 3 * cfg.n_embd)
        self.proj = nn.Linear(cfg.n_embd, cfg.n_embd)
        self.drop = nn.Dropout(cfg.dropout)

    def forward(self, x, mask, past_k, past_v):
        B, T, C = x.shape
        q, k, v = self.qkv(x).split(C, dim=2)
        q, k, v = (t.view(B, T, self.n_head, self.head_dim).transpose(1, 2) for t in (q, k, v))
        k = torch.cat([past_k, k], dim=2)  # (B, H, P+T, D)
        v = torch.cat([past_v, v], dim=2)
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(self.head_dim))
        att = att.masked_fill(~mask, -1e9)  # finite, so fully-masked pad rows stay NaN-free
        att = self.drop(F.softmax(att, dim=-1))
        y = (att @ v).transpose(1, 2).reshape(B, T, C)
        return self.proj(y), k, v


class Block(nn.Module):
    def __init__(self, cfg: GPTConfig):
        super().__init__()
        self.ln1, self.ln2 = nn.LayerNorm(cfg.n_embd), nn.LayerNorm(cfg.n_embd)
        self.attn = Attention(cfg)
        self.mlp = nn.Sequential(
            nn.Linear(cfg.n_embd, 4 * cfg.n_embd), nn.GELU(), nn.Linear(4 * cfg.n_embd, cfg.n_embd),
            nn.Dropout(cfg.dropout),
        )

    def forward(self, x, mask, past_k, past_v):
        a, k, v = self.attn(self.ln1(x), mask, past_k, past_v)
        x = x + a
        return x + self.mlp(self.ln2(x)), k, v


class GPT(nn.Module):
    def __init__(self, cfg: GPTConfig):
        super().__init__()
        self.cfg = cfg
        self.wte = nn.Embedding(cfg.vocab_size, cfg.n_embd)
        self.wpe = nn.Embedding(cfg.block_size, cfg.n_embd)
        self.drop = nn.Dropout(cfg.dropout)
        self.blocks = nn.ModuleList([SurpriseBlock(cfg) if i == cfg.surprise_at else Block(cfg) for i in range(cfg.n_layer)])
        self.ln_f = nn.LayerNorm(cfg.n_embd)
        if cfg.head == "lm":
            self.head = nn.Linear(cfg.n_embd, cfg.vocab_size, bias=False)
            self.head.weight = self.wte.weight  # weight tying
        else:
            self.head = nn.Linear(cfg.n_embd, 1)
        self.apply(self._init)

    @staticmethod
    def _init(m):
        if isinstance(m, nn.Linear):
            nn.init.normal_(m.weight, std=0.02)
            if m.bias is not None:
                nn.init.zeros_(m.bias)
        elif isinstance(m, nn.Embedding):
            nn.init.normal_(m.weight, std=0.02)

    def num_params(self):
        return sum(p.numel() for p in self.parameters())

    def empty_past(self, batch):
        shape = (batch, self.cfg.n_head, 0, self.cfg.n_embd // self.cfg.n_head)
        return [(torch.zeros(shape), torch.zeros(shape)) for _ in self.blocks]

    def forward(self, inputs_embeds, attention_mask, position_ids, past, input_ids=None):
        """inputs_embeds (B,T,C) token embeddings; attention_mask (B,P+T) 1=real; position_ids (B,T);
        past: list of (k, v) each (B,H,P,D); input_ids (B,T) only with a SurpriseBlock.
        Returns (B,T,V) logits or (B,T) values, and the new past."""
        B, T, _ = inputs_embeds.shape
        P = past[0][0].shape[2]
        x = self.drop(inputs_embeds + self.wpe(position_ids.clamp(min=0)))
        q_pos = torch.arange(T, device=x.device).view(T, 1) + P
        k_pos = torch.arange(P + T, device=x.device).view(1, P + T)
        causal = (k_pos <= q_pos).view(1, 1, T, P + T)
        mask = causal & attention_mask.bool().view(B, 1, 1, P + T)
        present = []
        for block, (pk, pv) in zip(self.blocks, past):
            if isinstance(block, SurpriseBlock):
                x, k, v = block(x, mask, pk, pv, input_ids, position_ids, self.wte.weight)
            else:
                x, k, v = block(x, mask, pk, pv)
            present.append((k, v))
        out = self.head(self.ln_f(x))
        return (out if self.cfg.head == "lm" else out.squeeze(-1)), present

    def run_ids(self, input_ids, attention_mask=None, past=None):
        """Convenience forward over ids with positions derived from the mask (left padding allowed)."""
        B, T = input_ids.shape
        past = past if past is not None else self.empty_past(B)
        P = past[0][0].shape[2]
        if attention_mask is None:
            attention_mask = torch.ones(B, P + T, dtype=torch.long)
        positions = (attention_mask.cumsum(-1) - 1).clamp(min=0)[:, P:]
        return self.forward(self.wte(input_ids), attention_mask, positions, past, input_ids)
