"""Accuracy table of the policy by difficulty on the arith test split: greedy, step-verified greedy, pass@k.

  /usr/bin/python3 models/policy/evaluate.py --per-step 200 --k 16
pass@k uses the unbiased estimator 1 - C(n-c, k)/C(n, k) over n = k samples at temperature 1.
"""
import argparse
import os
import sys
import time
from math import comb

import torch

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from zoo.data import load  # noqa: E402
from zoo.export_onnx import load_checkpoint  # noqa: E402
from zoo.sample import answer_of, sample, step_verified  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
p = argparse.ArgumentParser()
p.add_argument("--ckpt", default=os.path.join(HERE, "checkpoints", "ckpt.pt"))
p.add_argument("--per-step", type=int, default=200)
p.add_argument("--k", type=int, default=16)
p.add_argument("--temperature", type=float, default=1.0)
p.add_argument("--seed", type=int, default=0)
args = p.parse_args()
torch.set_num_threads(2)

gpt, ckpt = load_checkpoint(args.ckpt)
gpt.eval()
rows = load("test")
print(f"checkpoint iter {ckpt['iter']}, {ckpt['minutes']:.0f} train minutes; test split, {args.per_step} problems/step, "
      f"seed {args.seed}\n")
print(f"| steps | greedy | greedy step-verified | pass@1 (T={args.temperature}) | pass@{args.k} |")
print("|---|---|---|---|---|")
t0 = time.time()
for steps in range(1, 9):
    probs = [r for r in rows if r["steps"] == steps][: args.per_step]
    qs = [r["question"] for r in probs]
    greedy = sample(gpt, qs, n=1, temperature=0.0)
    acc = sum(answer_of(g[0]) == r["answer"] for g, r in zip(greedy, probs)) / len(probs)
    sv = sum(step_verified(r, g[0]) for g, r in zip(greedy, probs)) / len(probs)
    samples = sample(gpt, qs, n=args.k, temperature=args.temperature, seed=args.seed + steps)
    p1 = pk = 0.0
    for s, r in zip(samples, probs):
        c = sum(answer_of(t) == r["answer"] for t in s)
        p1 += c / args.k
        pk += 1 - comb(args.k - c, args.k) / comb(args.k, args.k)
    print(f"| {steps} | {acc:.1%} | {sv:.1%} | {p1 / len(probs):.1%} | {pk / len(probs):.1%} |", flush=True)
print(f"\n({time.time() - t0:.0f} s)")
