"""Character tokenizer and the arith data the TypeScript task suite exports (models/data/*.jsonl)."""
import json
import os
import random

import torch

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "data")
SPECIALS = ["<pad>", "<bos>", "<eos>", "<unk>"]
VOCAB = SPECIALS + ["\n"] + [chr(c) for c in range(32, 127)]
PAD, BOS, EOS, UNK = 0, 1, 2, 3
STOI = {ch: i for i, ch in enumerate(VOCAB) if len(ch) == 1}


def tokenizer_spec():
    return {"type": "char", "vocab": VOCAB, "pad_id": PAD, "bos_id": BOS, "eos_id": EOS, "unk_id": UNK}


def encode(text, bos=True):
    return ([BOS] if bos else []) + [STOI.get(ch, UNK) for ch in text]


def decode(ids):
    return "".join(VOCAB[i] for i in ids if len(VOCAB[i]) == 1)


def prompt(question):
    return question.strip() + "\n"  # same as formatPrompt in packages/core/src/prompt.ts


def load(split):
    path = os.path.join(DATA, f"arith-{split}.jsonl")
    if not os.path.exists(path):
        raise SystemExit(f"{path} missing: run `pnpm data:export` first")
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def pad_batch(seqs, left=False):
    """Pads token lists to one length; returns (ids, mask)."""
    T = max(len(s) for s in seqs)
    ids = torch.full((len(seqs), T), PAD, dtype=torch.long)
    mask = torch.zeros((len(seqs), T), dtype=torch.long)
    for i, s in enumerate(seqs):
        sl = slice(T - len(s), T) if left else slice(0, len(s))
        ids[i, sl] = torch.tensor(s, dtype=torch.long)
        mask[i, sl] = 1
    return ids, mask


def by_steps(rows):
    """Groups rows by difficulty so a batch holds problems of similar length (little padding)."""
    groups = {}
    for r in rows:
        groups.setdefault(r["steps"], []).append(r)
    return [groups[k] for k in sorted(groups)]


def solution_batch(groups, rng: random.Random, batch_size):
    """Random (prompt + solution + EOS) sequences of one difficulty; the loss covers only the solution and EOS."""
    rows = groups[rng.randrange(len(groups))]
    picks = [rows[rng.randrange(len(rows))] for _ in range(batch_size)]
    return target_batch([(prompt(r["question"]), r["solution"]) for r in picks])


def target_batch(pairs):
    """(x, y) for next-token training on (prompt, target) text pairs: y is -1 (no loss) outside target + EOS."""
    seqs, starts = [], []
    for prompt_text, target in pairs:
        p = encode(prompt_text)
        seqs.append(p + encode(target, bos=False) + [EOS])
        starts.append(len(p))
    ids, mask = pad_batch(seqs)
    x, y = ids[:, :-1], ids[:, 1:].clone()
    loss_mask = mask[:, 1:].clone()
    for i, s in enumerate(starts):
        loss_mask[i, : s - 1] = 0
    y[loss_mask == 0] = -1
    return x, y
