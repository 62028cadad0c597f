"""PRM report on the arith test split: step-level AUROC, and best-of-k selection by difficulty for PRM (last-step
aggregation, and min), the ORM, and majority vote, on the same k policy samples per problem.

  /usr/bin/python3 models/prm/evaluate.py --per-step 100 --k 16
Step labels for AUROC are exact: a step is positive when it and every step before it check out (steps.py), i.e. the
prefix is still on a right path. The ORM column needs models/orm/checkpoints/ckpt.pt (skipped when missing).
"""
import argparse
import os
import sys
from collections import Counter

import torch

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from prm.steps import encode_steps, prefix_correct  # noqa: E402
from zoo.data import load, pad_batch  # noqa: E402
from zoo.export_onnx import load_checkpoint  # noqa: E402
from zoo.sample import answer_of, sample  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
p = argparse.ArgumentParser()
p.add_argument("--policy", default=os.path.join(ROOT, "policy", "checkpoints", "ckpt.pt"))
p.add_argument("--prm", default=os.path.join(HERE, "checkpoints", "ckpt.pt"))
p.add_argument("--orm", default=os.path.join(ROOT, "orm", "checkpoints", "ckpt.pt"))
p.add_argument("--per-step", type=int, default=100)
p.add_argument("--k", type=int, default=16)
p.add_argument("--temperature", type=float, default=1.0, help="the policy's sampling temperature")
p.add_argument("--seed", type=int, default=0)
p.add_argument("--threads", type=int, default=2)
args = p.parse_args()
torch.set_num_threads(args.threads)
policy, _ = load_checkpoint(args.policy)
prm, prm_ckpt = load_checkpoint(args.prm)
orm = load_checkpoint(args.orm)[0] if os.path.exists(args.orm) else None
for m in (policy, prm, orm):
    if m is not None:
        m.eval()


@torch.no_grad()
def values_at(model, question, sols):
    """sigmoid(value) per solution at each step end, and at its last token (the ORM's read-out)."""
    enc = [encode_steps(question, s) for s in sols]
    ids, mask = pad_batch([e[0] for e in enc])
    v = torch.sigmoid(model.run_ids(ids, mask)[0])
    last = (mask.sum(1) - 1).tolist()
    return [v[b, ends].tolist() for b, (_, ends) in enumerate(enc)], [v[b, last[b]].item() for b in range(len(sols))]


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


def pick(scores):
    return max(range(len(scores)), key=lambda i: (scores[i], -i))


def weighted(sols, scores):
    """The answer whose solutions' scores sum highest (PRM-weighted best-of-k), None when none parses."""
    total = Counter()
    for s, sc in zip(sols, scores):
        a = answer_of(s)
        if a is not None:
            total[a] += sc
    return max(total.items(), key=lambda t: t[1])[0] if total else None


rows = load("test")
k = args.k
print(f"test split, {args.per_step} problems/step, k={k}, T={args.temperature}, seed {args.seed}; PRM after {prm_ckpt['iter']} iters\n")
print(f"| steps | pass@1 | majority@{k} | ORM best-of-{k} | PRM(last) best-of-{k} | PRM(min) best-of-{k} "
      f"| PRM-weighted best-of-{k} | pass@{k} (coverage) | step AUROC |")
print("|---|---|---|---|---|---|---|---|---|")
hard = Counter()
all_pos, all_neg = [], []
for steps in range(1, 9):
    probs = [r for r in rows if r["steps"] == steps][: args.per_step]
    outs = sample(policy, [r["question"] for r in probs], n=k, temperature=args.temperature, seed=args.seed + steps)
    tally = Counter()
    pos, neg = [], []
    for r, sols in zip(probs, outs):
        correct = [answer_of(s) == r["answer"] for s in sols]
        step_scores, _ = values_at(prm, r["question"], sols)
        for s, sc in zip(sols, step_scores):
            for score, ok in zip(sc, prefix_correct(r, s)):
                (pos if ok else neg).append(score)
        last = [sc[-1] if sc else 0.0 for sc in step_scores]
        low = [min(sc) if sc else 0.0 for sc in step_scores]
        tally["p1"] += sum(correct) / k
        tally["cov"] += any(correct)
        votes = Counter(a for a in (answer_of(s) for s in sols) if a is not None)
        tally["maj"] += bool(votes) and votes.most_common(1)[0][0] == r["answer"]
        tally["prm_last"] += correct[pick(last)]
        tally["prm_min"] += correct[pick(low)]
        tally["prm_w"] += weighted(sols, last) == r["answer"]
        if orm is not None:
            tally["orm"] += correct[pick(values_at(orm, r["question"], sols)[1])]
    n = len(probs)
    if steps >= 3:
        hard.update({**tally, "n": n})
    all_pos += pos
    all_neg += neg
    orm_cell = f"{tally['orm'] / n:.1%}" if orm is not None else "n/a"
    print(f"| {steps} | {tally['p1'] / n:.1%} | {tally['maj'] / n:.1%} | {orm_cell} | {tally['prm_last'] / n:.1%} "
          f"| {tally['prm_min'] / n:.1%} | {tally['prm_w'] / n:.1%} | {tally['cov'] / n:.1%} | {auroc(pos, neg):.3f} |",
          flush=True)
n = hard["n"]
print(f"\nproblems of >= 3 steps ({n}): majority@{k} {hard['maj'] / n:.1%}, PRM-weighted best-of-{k} "
      f"{hard['prm_w'] / n:.1%}, PRM(last) best-of-{k} {hard['prm_last'] / n:.1%}, "
      + (f"ORM best-of-{k} {hard['orm'] / n:.1%}, " if orm is not None else "") + f"coverage {hard['cov'] / n:.1%}")
print(f"step-level AUROC over all {len(all_pos) + len(all_neg)} held-out steps: {auroc(all_pos, all_neg):.3f}")
