"""The surprise block: lets a reward model built on the policy see how unexpected each token was to the policy.

Within one question a PRM has to tell `19-5=14` from `19-5=24`. The policy knows (it gives the 4 of 24 a low
probability), but only at the position *before* the token, in its last layer, so a PRM fine-tuned from the policy
has no depth left to compare the two. This block does the comparison exactly. Each position t computes the policy's
next-token log-probabilities (the frozen final norm and the tied LM head on the residual), and an attention whose
scores are -β·(k_pos - (q_pos - 1))² fetches position t-1's into position t, which reads off log p(token t). Four
features (that log-prob, the best log-prob, their gap, the entropy) are projected into the residual, and the
learned blocks above it aggregate them over a step and a solution.

Its keys and values have the shape of every other layer's ((B, H, T, C/H): positions as keys, log-probs as values),
so the KV-cache export and the verifier's incremental scoring treat it as one more layer.
"""
import torch
import torch.nn as nn
from torch.nn import functional as F

SHARPNESS = 16.0  # β: a neighbour one position further away gets e^-16 of the weight


class SurpriseBlock(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        assert cfg.vocab_size <= cfg.n_embd, "the log-probs travel in the values, which are n_embd wide"
        self.n_head, self.head_dim, self.vocab = cfg.n_head, cfg.n_embd // cfg.n_head, cfg.vocab_size
        self.lm_norm = nn.LayerNorm(cfg.n_embd)  # a copy of the policy's final norm (frozen)
        self.proj = nn.Linear(4, cfg.n_embd)

    def forward(self, x, mask, past_k, past_v, input_ids, position_ids, lm_weight):
        B, T, C = x.shape
        logp = F.log_softmax(self.lm_norm(x) @ lm_weight.t(), dim=-1)  # (B,T,V): p(token at t+1 | ..t)
        v = F.pad(logp, (0, C - self.vocab)).view(B, T, self.n_head, self.head_dim).transpose(1, 2)
        pos = position_ids.to(x.dtype)
        one = pos.unsqueeze(-1) * 0 + 1  # (B,T,1), built from pos so the export keeps B and T dynamic
        zeros = (one * 0).repeat(1, 1, self.head_dim - 3)
        k = torch.cat([pos.unsqueeze(-1), (pos * pos).unsqueeze(-1), one, zeros], -1)
        prev = pos - 1
        q = SHARPNESS * torch.cat([(2 * prev).unsqueeze(-1), -one, -(prev * prev).unsqueeze(-1), zeros], -1)
        k = torch.cat([past_k, k.unsqueeze(1).expand(B, self.n_head, T, self.head_dim)], dim=2)
        v = torch.cat([past_v, v], dim=2)
        q = q.unsqueeze(1).expand(B, self.n_head, T, self.head_dim)
        att = F.softmax((q @ k.transpose(-2, -1)).masked_fill(~mask, -1e9), dim=-1)
        before = (att @ v).transpose(1, 2).reshape(B, T, C)[..., : self.vocab]  # position t-1's log-probs
        read = before.gather(-1, input_ids.unsqueeze(-1)).squeeze(-1)
        best = before.max(-1).values
        entropy = -(before.exp() * before).sum(-1)
        first = (position_ids == 0).to(x.dtype)  # BOS has no previous position: no surprise
        feats = torch.stack([read, best, read - best, entropy], -1) * (1 - first).unsqueeze(-1)
        return x + self.proj(feats), k, v
