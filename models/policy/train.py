"""Trains the policy: a char GPT that writes arith solutions, one step per line, then `Answer: N`.

Resumable in chunks: `--minutes` bounds this run; rerunning with `--resume` continues from the checkpoint.
  /usr/bin/python3 models/policy/train.py --minutes 20            # fresh
  /usr/bin/python3 models/policy/train.py --minutes 20 --resume   # continue
  /usr/bin/python3 models/policy/train.py --init CKPT ...          # continue from weights alone (a fresh optimizer)
"""
import argparse
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from zoo.data import by_steps, load, solution_batch  # noqa: E402
from zoo.gpt import GPT, GPTConfig  # noqa: E402
from zoo.trainer import cosine_lr, start, train  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
p = argparse.ArgumentParser()
p.add_argument("--out", default=os.path.join(HERE, "checkpoints"))
p.add_argument("--minutes", type=float, default=20)
p.add_argument("--resume", action="store_true")
p.add_argument("--init", help="start from this checkpoint's weights and iteration with a fresh optimizer and data RNG "
               "(a checkpoint rebuilt from ONNX by zoo/from_onnx.py has no optimizer state to resume)")
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


def fresh():
    torch.manual_seed(args.seed)
    return GPT(GPTConfig(n_layer=args.n_layer, n_head=args.n_head, n_embd=args.n_embd))


model, opt, it, rng, minutes_so_far = start(ckpt_path, args.resume, args.seed, args.lr, fresh, init=args.init)
# From --init the schedule (warm-up, then cosine to --max-iters) starts at the initial iteration: one chunk, not resumable.
offset = it if args.init else 0


def lr_at(i):
    return cosine_lr(i - offset, args.lr, args.min_lr, args.warmup, args.max_iters - offset)

train(model, opt, rng, it, minutes_so_far, lambda r: solution_batch(groups, r, args.batch_size), lr_at, ckpt_path,
      args.minutes, args.max_iters)
