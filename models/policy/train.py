"""Trains the policy: a char GPT that writes arith solutions, one step per line, then `Answer: N`.

Resumable in chunks: `--minutes` bounds this run; rerunning with `--resume` continues from the checkpoint.
  /usr/bin/python3 models/policy/train.py --minutes 20            # fresh
  /usr/bin/python3 models/policy/train.py --minutes 20 --resume   # continue
"""
import argparse
import math
import os
import random
import sys
import time

import torch
from torch.nn import functional as F

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from zoo.data import by_steps, load, solution_batch  # noqa: E402
from zoo.gpt import GPT, GPTConfig  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
p = argparse.ArgumentParser()
p.add_argument("--out", default=os.path.join(HERE, "checkpoints"))
p.add_argument("--minutes", type=float, default=20)
p.add_argument("--resume", action="store_true")
p.add_argument("--n-layer", type=int, default=4)
p.add_argument("--n-head", type=int, default=4)
p.add_argument("--n-embd", type=int, default=192)
p.add_argument("--batch-size", type=int, default=32)
p.add_argument("--lr", type=float, default=2e-3)
p.add_argument("--min-lr", type=float, default=1e-4)
p.add_argument("--warmup", type=int, default=200)
p.add_argument("--max-iters", type=int, default=8000, help="length of the cosine schedule")
p.add_argument("--seed", type=int, default=1337)
p.add_argument("--threads", type=int, default=2)
args = p.parse_args()

torch.set_num_threads(args.threads)
os.makedirs(args.out, exist_ok=True)
ckpt_path = os.path.join(args.out, "ckpt.pt")
groups = by_steps(load("train"))

if args.resume and os.path.exists(ckpt_path):
    ckpt = torch.load(ckpt_path)
    cfg = GPTConfig(**ckpt["config"])
    model = GPT(cfg)
    model.load_state_dict(ckpt["model"])
    it, rng_state, minutes_so_far = ckpt["iter"], ckpt["rng"], ckpt["minutes"]
else:
    cfg = GPTConfig(n_layer=args.n_layer, n_head=args.n_head, n_embd=args.n_embd)
    torch.manual_seed(args.seed)
    model = GPT(cfg)
    it, rng_state, minutes_so_far = 0, None, 0.0
opt = torch.optim.AdamW(model.parameters(), lr=args.lr, betas=(0.9, 0.99), weight_decay=0.1)
if args.resume and os.path.exists(ckpt_path):
    opt.load_state_dict(ckpt["opt"])
rng = random.Random(args.seed + it)
if rng_state is not None:
    rng.setstate(rng_state)
print(f"params {model.num_params():,}  config {cfg}  starting at iter {it}", flush=True)


def lr_at(i):
    if i < args.warmup:
        return args.lr * (i + 1) / args.warmup
    frac = min(1.0, (i - args.warmup) / max(1, args.max_iters - args.warmup))
    return args.min_lr + 0.5 * (args.lr - args.min_lr) * (1 + math.cos(math.pi * frac))


def save():
    torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "config": vars(cfg), "iter": it,
                "rng": rng.getstate(), "minutes": minutes_so_far + (time.time() - t0) / 60}, ckpt_path)


t0 = time.time()
model.train()
tokens, smooth = 0, None
while time.time() - t0 < args.minutes * 60 and it < args.max_iters:
    x, y = solution_batch(groups, rng, args.batch_size)
    for g in opt.param_groups:
        g["lr"] = lr_at(it)
    logits, _ = model.run_ids(x)
    loss = F.cross_entropy(logits.reshape(-1, logits.size(-1)), y.reshape(-1), ignore_index=-1)
    opt.zero_grad(set_to_none=True)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    opt.step()
    tokens += x.numel()
    smooth = loss.item() if smooth is None else 0.98 * smooth + 0.02 * loss.item()
    it += 1
    if it % 50 == 0:
        el = time.time() - t0
        print(f"iter {it} loss {smooth:.4f} lr {lr_at(it):.2e} tok/s {tokens / el:,.0f} "
              f"minutes {minutes_so_far + el / 60:.1f}", flush=True)
    if it % 100 == 0:
        save()
save()
print(f"saved {ckpt_path} at iter {it}", flush=True)
