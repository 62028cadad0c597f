"""The training loop the policy and the revision policy share: AdamW, a schedule, resumable chunks bounded by minutes.

A checkpoint holds the model, the optimizer, the config, the iteration, the data RNG and the minutes trained, so a
rerun with --resume continues exactly where the last chunk stopped.
"""
import math
import os
import random
import time

import torch
from torch.nn import functional as F

from zoo.export_onnx import load_checkpoint


def cosine_lr(i, lr, min_lr, warmup, max_iters):
    """Linear warm-up to lr, then a cosine decay to min_lr at max_iters."""
    if i < warmup:
        return lr * (i + 1) / warmup
    frac = min(1.0, (i - warmup) / max(1, max_iters - warmup))
    return min_lr + 0.5 * (lr - min_lr) * (1 + math.cos(math.pi * frac))


def adamw(model, lr):
    return torch.optim.AdamW(model.parameters(), lr=lr, betas=(0.9, 0.99), weight_decay=0.1)


def start(ckpt_path, resume, seed, lr, fresh, init=None):
    """(model, opt, iteration, data rng, minutes so far): the checkpoint's when resuming; `init`'s weights, iteration
    and minutes with a fresh optimizer and a data RNG seeded by seed + iteration; else fresh() from scratch."""
    if resume and os.path.exists(ckpt_path):
        model, ckpt = load_checkpoint(ckpt_path)
        opt = adamw(model, lr)
        opt.load_state_dict(ckpt["opt"])
        rng = random.Random()
        rng.setstate(ckpt["rng"])
        return model, opt, ckpt["iter"], rng, ckpt["minutes"]
    if init:
        model, ckpt = load_checkpoint(init)
        return model, adamw(model, lr), ckpt["iter"], random.Random(seed + ckpt["iter"]), ckpt["minutes"]
    model = fresh()
    return model, adamw(model, lr), 0, random.Random(seed), 0.0


def train(model, opt, rng, it, minutes_so_far, next_batch, lr_at, ckpt_path, minutes, max_iters, log_every=50):
    """Trains on next_batch(rng) -> (x, y) (y = -1 where there is no loss) until `minutes` pass or max_iters."""
    t0 = time.time()

    def save():
        torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "config": vars(model.cfg), "iter": it,
                    "rng": rng.getstate(), "minutes": minutes_so_far + (time.time() - t0) / 60}, ckpt_path)

    print(f"params {model.num_params():,}  config {model.cfg}  starting at iter {it}", flush=True)
    model.train()
    tokens, smooth = 0, None
    while time.time() - t0 < minutes * 60 and it < max_iters:
        x, y = next_batch(rng)
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
        if it % log_every == 0:
            el = time.time() - t0
            print(f"iter {it} loss {smooth:.4f} lr {lr_at(it):.2e} tok/s {tokens / el:,.0f} "
                  f"minutes {minutes_so_far + el / 60:.1f}", flush=True)
        if it % 100 == 0:
            save()
    save()
    print(f"saved {ckpt_path} at iter {it}", flush=True)
