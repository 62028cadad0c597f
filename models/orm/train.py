"""Trains the outcome reward model (ORM): P(solution is correct | question, solution).

Data: the policy's own samples on train-split problems, labelled by the exact answer check. The ORM starts from the
policy's weights (as Cobbe et al. initialise verifiers from the generator) with a scalar head, and learns to predict
the final label at every solution position; the score used is the value at the last token.
  /usr/bin/python3 models/orm/train.py --problems-per-step 300 --samples 8 --minutes 12
"""
import argparse
import os
import random
import sys
import time

import torch
from torch.nn import functional as F

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from zoo.data import encode, load, pad_batch, prompt  # noqa: E402
from zoo.export_onnx import export_scorer, load_checkpoint  # noqa: E402
from zoo.gpt import GPT, GPTConfig  # noqa: E402
from zoo.sample import answer_of, sample  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
p = argparse.ArgumentParser()
p.add_argument("--policy", default=os.path.join(ROOT, "policy", "checkpoints", "ckpt.pt"))
p.add_argument("--problems-per-step", type=int, default=300)
p.add_argument("--samples", type=int, default=8)
p.add_argument("--temperature", type=float, default=1.0)
p.add_argument("--minutes", type=float, default=12)
p.add_argument("--batch-size", type=int, default=32)
p.add_argument("--lr", type=float, default=3e-4)
p.add_argument("--seed", type=int, default=7)
p.add_argument("--pairwise", type=float, default=0.0,
               help="weight of a within-question ranking loss: -log sigmoid(s_right - s_wrong) over pairs of samples of "
                    "one question, so the ORM learns which solution is right, not only which question is easy")
args = p.parse_args()
torch.set_num_threads(2)
torch.manual_seed(args.seed)
rng = random.Random(args.seed)
os.makedirs(os.path.join(HERE, "checkpoints"), exist_ok=True)

# 1. The policy's own samples, labelled by the checker. Cached: sampling is the slow part.
policy, pckpt = load_checkpoint(args.policy)
policy.eval()
cache = os.path.join(HERE, "checkpoints", f"samples-{pckpt['iter']}-{args.problems_per_step}-{args.samples}.pt")
if os.path.exists(cache):
    data = torch.load(cache)
else:
    t0 = time.time()
    train = load("train")
    probs = []
    for steps in range(1, 9):
        probs += [r for r in train if r["steps"] == steps][: args.problems_per_step]
    outs = sample(policy, [r["question"] for r in probs], n=args.samples, temperature=args.temperature, seed=args.seed)
    data = [(r["question"], s, float(answer_of(s) == r["answer"])) for r, ss in zip(probs, outs) for s in ss]
    torch.save(data, cache)
    print(f"sampled {len(data)} solutions in {time.time() - t0:.0f} s", flush=True)
print(f"{len(data)} labelled solutions, {sum(d[2] for d in data) / len(data):.1%} correct", flush=True)

# 2. The ORM: the policy's body with a value head.
cfg = GPTConfig(**{**vars(policy.cfg), "head": "value"})
orm = GPT(cfg)
body = {k: v for k, v in policy.state_dict().items() if not k.startswith("head.")}
orm.load_state_dict(body, strict=False)
opt = torch.optim.AdamW(orm.parameters(), lr=args.lr, weight_decay=0.01)


def batch(items):
    seqs, starts = [], []
    for q, s, _ in items:
        pr = encode(prompt(q))
        seqs.append(pr + encode(s, bos=False))
        starts.append(len(pr) - 1)  # from the newline that ends the question: the empty solution is scored too
    ids, mask = pad_batch(seqs)
    sol = mask.clone()
    for i, st in enumerate(starts):
        sol[i, :st] = 0
    labels = torch.tensor([d[2] for d in items]).unsqueeze(1).expand_as(ids)
    return ids, mask, sol, labels


# Questions whose samples hold both a right and a wrong solution: the pairs for the ranking loss.
by_question = {}
for d in data:
    by_question.setdefault(d[0], ([], []))[int(d[2])].append(d)
mixed = [v for v in by_question.values() if v[0] and v[1]]
print(f"{len(mixed)} questions with right and wrong samples (pairwise weight {args.pairwise})", flush=True)

t0, it = time.time(), 0
orm.train()
while time.time() - t0 < args.minutes * 60:
    items = [data[rng.randrange(len(data))] for _ in range(args.batch_size)]
    n_pairs = args.batch_size // 4 if args.pairwise > 0 and mixed else 0
    for _ in range(n_pairs):  # appended as (wrong, right) pairs at the end of the batch
        wrong, right = mixed[rng.randrange(len(mixed))]
        items += [wrong[rng.randrange(len(wrong))], right[rng.randrange(len(right))]]
    ids, mask, sol, labels = batch(items)
    values, _ = orm.run_ids(ids, mask)
    loss = (F.binary_cross_entropy_with_logits(values, labels, reduction="none") * sol).sum() / sol.sum()
    if n_pairs:
        last = values[torch.arange(len(items)), mask.sum(1) - 1][-2 * n_pairs:].view(n_pairs, 2)
        loss = loss + args.pairwise * F.softplus(last[:, 0] - last[:, 1]).mean()
    opt.zero_grad(set_to_none=True)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(orm.parameters(), 1.0)
    opt.step()
    it += 1
    if it % 50 == 0:
        print(f"iter {it} loss {loss.item():.4f} minutes {(time.time() - t0) / 60:.1f}", flush=True)

torch.save({"model": orm.state_dict(), "config": vars(cfg), "iter": it, "minutes": (time.time() - t0) / 60},
           os.path.join(HERE, "checkpoints", "ckpt.pt"))
export_scorer(orm, os.path.join(HERE, "onnx"), {"train_iters": it, "policy_iter": pckpt["iter"],
                                                "train_samples": len(data)})
print(f"exported ORM after {it} iterations -> {os.path.join(HERE, 'onnx')}")
