"""Fine-tunes the policy to revise: question + up to 4 earlier attempts in context -> a new attempt (Snell et al. §6).

Starts from the policy's checkpoint, widens its context from 384 to 768 characters (the new positions start as copies
of the old ones) and trains on revision sequences (zoo/revisions.py) mixed with plain ones (no earlier attempt), so
the same model writes a chain's first attempt and its revisions. Resumable in chunks like the policy:
  /usr/bin/python3 models/revise/train.py --minutes 45             # fresh, from models/policy/checkpoints/ckpt.pt
  /usr/bin/python3 models/revise/train.py --minutes 20 --resume    # continue
"""
import argparse
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from zoo.data import by_steps, load, target_batch  # noqa: E402
from zoo.gpt import GPT, GPTConfig  # noqa: E402
from zoo.revisions import revision_example  # noqa: E402
from zoo.trainer import cosine_lr, start, train  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
p = argparse.ArgumentParser()
p.add_argument("--init", default=os.path.join(ROOT, "policy", "checkpoints", "ckpt.pt"))
p.add_argument("--out", default=os.path.join(HERE, "checkpoints"))
p.add_argument("--minutes", type=float, default=45)
p.add_argument("--resume", action="store_true")
p.add_argument("--context", type=int, default=768)
p.add_argument("--batch-size", type=int, default=16)
p.add_argument("--lr", type=float, default=6e-4)
p.add_argument("--min-lr", type=float, default=6e-5)
p.add_argument("--warmup", type=int, default=50)
p.add_argument("--max-iters", type=int, default=1500, help="length of the cosine schedule")
p.add_argument("--p-plain", type=float, default=0.2, help="share of sequences without an earlier attempt")
p.add_argument("--p-correct-last", type=float, default=0.2, help="share whose last earlier attempt is the right one")
p.add_argument("--seed", type=int, default=7)
p.add_argument("--threads", type=int, default=2)
args = p.parse_args()

torch.set_num_threads(args.threads)
os.makedirs(args.out, exist_ok=True)
ckpt_path = os.path.join(args.out, "ckpt.pt")
groups = by_steps(load("train"))


def fresh():
    """The policy with its context widened: the new positions start as copies of the old ones."""
    base = torch.load(args.init)
    model = GPT(GPTConfig(**{**base["config"], "block_size": args.context}))
    state = dict(base["model"])
    old = state["wpe.weight"]
    state["wpe.weight"] = old.repeat((args.context + len(old) - 1) // len(old), 1)[: args.context].clone()
    model.load_state_dict(state)
    return model


def batch(rng):
    """Revision sequences of one difficulty; the loss covers the new attempt and EOS only."""
    rows = groups[rng.randrange(len(groups))]
    return target_batch([
        revision_example(rows[rng.randrange(len(rows))], rng, args.context, p_correct_last=args.p_correct_last, p_plain=args.p_plain)
        for _ in range(args.batch_size)
    ])


def lr_at(i):
    return cosine_lr(i, args.lr, args.min_lr, args.warmup, args.max_iters)


model, opt, it, rng, minutes_so_far = start(ckpt_path, args.resume, args.seed, args.lr, fresh)
train(model, opt, rng, it, minutes_so_far, batch, lr_at, ckpt_path, args.minutes, args.max_iters, log_every=25)
