"""Trains the process reward model (PRM): P(this prefix still leads to the right answer | question, steps so far).

Data: the policy's own samples on train-split problems; each step is labelled by Monte-Carlo rollouts from its
prefix (rollouts.py, Math-Shepherd soft labels). The PRM starts from the policy's weights with a scalar head (as the
ORM does) and learns the soft label at the last token of every step, which is where the verifier reads step scores.
  /usr/bin/python3 models/prm/train.py --problems-per-step 40 --samples 4 --rollouts 4 --zero-wrong-steps --minutes 10
Exports models/prm/onnx (model.onnx + model_kv.onnx, see export.py). Labelling is cached in checkpoints/.
"""
import argparse
import os
import random
import sys
import time

import torch
from torch.nn import functional as F

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from prm.export import export_prm  # noqa: E402
from prm.rollouts import checker_label, mc_label  # noqa: E402
from prm.steps import encode_steps  # noqa: E402
from zoo.data import load, pad_batch  # noqa: E402
from zoo.export_onnx import load_checkpoint  # noqa: E402
from zoo.gpt import GPT, GPTConfig  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
p = argparse.ArgumentParser()
p.add_argument("--policy", default=os.path.join(ROOT, "policy", "checkpoints", "ckpt.pt"))
p.add_argument("--problems-per-step", type=int, default=40)
p.add_argument("--samples", type=int, default=4, help="policy solutions per problem")
p.add_argument("--rollouts", type=int, default=4, help="completions per step prefix (k)")
p.add_argument("--temperature", type=float, default=1.0)
p.add_argument("--zero-wrong-steps", action="store_true",
               help="exact step checker as an extra signal: prefixes with a wrong step get 0, no rollouts")
p.add_argument("--checker-problems-per-step", type=int, default=0,
               help="more train problems per difficulty whose solutions are labelled by the exact step checker only")
p.add_argument("--checker-samples", type=int, default=8, help="policy solutions per checker-labelled problem")
p.add_argument("--minutes", type=float, default=15)
p.add_argument("--max-iters", type=int, default=10**9)
p.add_argument("--batch-size", type=int, default=32)
p.add_argument("--lr", type=float, default=3e-4)
p.add_argument("--seed", type=int, default=7)
p.add_argument("--threads", type=int, default=2)
p.add_argument("--out", default=os.path.join(HERE, "onnx"))
args = p.parse_args()
torch.set_num_threads(args.threads)
torch.manual_seed(args.seed)
rng = random.Random(args.seed)
os.makedirs(os.path.join(HERE, "checkpoints"), exist_ok=True)

# 1. Step labels from rollouts of the policy. Cached: rollouts are the slow part.
policy, pckpt = load_checkpoint(args.policy)
policy.eval()
tag = f"{pckpt['iter']}-{args.problems_per_step}-{args.samples}-{args.rollouts}-{int(args.zero_wrong_steps)}"
cache = os.path.join(HERE, "checkpoints", f"labels-{tag}.pt")
train = load("train")
if os.path.exists(cache):
    data = torch.load(cache)
else:
    probs = []
    for steps in range(1, 9):
        probs += [r for r in train if r["steps"] == steps][: args.problems_per_step]
    data = mc_label(policy, probs, args.samples, args.rollouts, args.temperature, args.seed, args.zero_wrong_steps)
    torch.save(data, cache)
mc_count = len(data)
# 1b. Optionally many more solutions labelled by the exact step checker (other train problems than the MC ones).
if args.checker_problems_per_step:
    ctag = f"{pckpt['iter']}-{args.problems_per_step}-{args.checker_problems_per_step}-{args.checker_samples}"
    ccache = os.path.join(HERE, "checkpoints", f"checker-labels-{ctag}.pt")
    if os.path.exists(ccache):
        extra = torch.load(ccache)
    else:
        probs = []
        for steps in range(1, 9):
            rows = [r for r in train if r["steps"] == steps]
            probs += rows[args.problems_per_step: args.problems_per_step + args.checker_problems_per_step]
        extra = checker_label(policy, probs, args.checker_samples, args.temperature, args.seed + 100)
        torch.save(extra, ccache)
    data = data + extra
labels = [lab for _, _, labs in data for lab in labs]
print(f"{len(data)} solutions, {len(labels)} labelled steps, mean label {sum(labels) / len(labels):.3f}", flush=True)

# 2. The PRM: the policy's body with a value head.
cfg = GPTConfig(**{**vars(policy.cfg), "head": "value"})
prm = GPT(cfg)
prm.load_state_dict({k: v for k, v in policy.state_dict().items() if not k.startswith("head.")}, strict=False)
opt = torch.optim.AdamW(prm.parameters(), lr=args.lr, weight_decay=0.01)


def batch(items):
    """Right-padded ids, plus (row, position, soft label) for every step end."""
    seqs, rows, cols, targets = [], [], [], []
    for b, (q, s, labs) in enumerate(items):
        ids, ends = encode_steps(q, s)
        seqs.append(ids[: cfg.block_size])
        for t, lab in zip(ends, labs):
            if t < cfg.block_size:
                rows.append(b)
                cols.append(t)
                targets.append(lab)
    ids, mask = pad_batch(seqs)
    return ids, mask, torch.tensor(rows), torch.tensor(cols), torch.tensor(targets)


t0, it = time.time(), 0
prm.train()
while time.time() - t0 < args.minutes * 60 and it < args.max_iters:
    ids, mask, rows, cols, targets = batch([data[rng.randrange(len(data))] for _ in range(args.batch_size)])
    values, _ = prm.run_ids(ids, mask)
    loss = F.binary_cross_entropy_with_logits(values[rows, cols], targets)
    opt.zero_grad(set_to_none=True)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(prm.parameters(), 1.0)
    opt.step()
    it += 1
    if it % 50 == 0:
        print(f"iter {it} loss {loss.item():.4f} minutes {(time.time() - t0) / 60:.1f}", flush=True)

torch.save({"model": prm.state_dict(), "config": vars(cfg), "iter": it, "policy_iter": pckpt["iter"],
            "minutes": (time.time() - t0) / 60}, os.path.join(HERE, "checkpoints", "ckpt.pt"))
export_prm(prm, args.out, {"train_iters": it, "policy_iter": pckpt["iter"], "train_solutions": len(data),
                           "mc_solutions": mc_count, "checker_solutions": len(data) - mc_count,
                           "train_steps": len(labels), "rollouts": args.rollouts})
print(f"exported PRM after {it} iterations -> {args.out}")
