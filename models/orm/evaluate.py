"""ORM report on the arith test split: AUROC on held-out policy samples; best-of-k (ORM) vs majority@k by difficulty.

  /usr/bin/python3 models/orm/evaluate.py --per-step 100 --k 16
"""
import argparse
import os
import sys
from collections import Counter

import torch

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from zoo.data import encode, load, pad_batch, prompt  # noqa: E402
from zoo.export_onnx import load_checkpoint  # noqa: E402
from zoo.sample import answer_of, sample  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
p = argparse.ArgumentParser()
p.add_argument("--policy", default=os.path.join(ROOT, "policy", "checkpoints", "ckpt.pt"))
p.add_argument("--orm", default=os.path.join(HERE, "checkpoints", "ckpt.pt"))
p.add_argument("--per-step", type=int, default=100)
p.add_argument("--k", type=int, default=16)
p.add_argument("--seed", type=int, default=0)
args = p.parse_args()
torch.set_num_threads(2)
policy, _ = load_checkpoint(args.policy)
orm, _ = load_checkpoint(args.orm)
policy.eval()
orm.eval()


@torch.no_grad()
def scores(question, sols):
    seqs = [encode(prompt(question)) + encode(s, bos=False) for s in sols]
    ids, mask = pad_batch(seqs)
    values, _ = orm.run_ids(ids, mask)
    last = mask.sum(1) - 1
    return torch.sigmoid(values[torch.arange(len(seqs)), last]).tolist()


def auroc(pos, neg):
    """Mann-Whitney AUROC with average ranks for ties."""
    if not pos or not neg:
        return float("nan")
    ranked = sorted([(s, 1) for s in pos] + [(s, 0) for s in neg], key=lambda t: t[0])
    rank_sum, i = 0.0, 0
    while i < len(ranked):
        j = i
        while j < len(ranked) and ranked[j][0] == ranked[i][0]:
            j += 1
        rank_sum += (i + j + 1) / 2 * sum(ranked[t][1] for t in range(i, j))
        i = j
    return (rank_sum - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg))


rows = load("test")
print(f"test split, {args.per_step} problems/step, k={args.k}, T=1.0, seed {args.seed}\n")
print(f"| steps | pass@1 | majority@{args.k} | ORM best-of-{args.k} | pass@{args.k} (coverage) | AUROC |")
print("|---|---|---|---|---|---|")
all_pos, all_neg = [], []
for steps in range(1, 9):
    probs = [r for r in rows if r["steps"] == steps][: args.per_step]
    outs = sample(policy, [r["question"] for r in probs], n=args.k, temperature=1.0, seed=args.seed + steps)
    p1 = maj = best = cov = 0
    pos, neg = [], []
    for r, sols in zip(probs, outs):
        sc = scores(r["question"], sols)
        answers = [answer_of(s) for s in sols]
        correct = [a == r["answer"] for a in answers]
        for s, c in zip(sc, correct):
            (pos if c else neg).append(s)
        p1 += sum(correct) / len(correct)
        cov += any(correct)
        votes = Counter(a for a in answers if a is not None)
        maj += bool(votes) and votes.most_common(1)[0][0] == r["answer"]
        best += correct[max(range(len(sc)), key=lambda i: (sc[i], -i))]
    n = len(probs)
    all_pos += pos
    all_neg += neg
    print(f"| {steps} | {p1 / n:.1%} | {maj / n:.1%} | {best / n:.1%} | {cov / n:.1%} | {auroc(pos, neg):.3f} |",
          flush=True)
print(f"\nAUROC over all {len(all_pos) + len(all_neg)} held-out samples: {auroc(all_pos, all_neg):.3f}")
