"""Trains the process reward model (PRM): P(this prefix still leads to the right answer | question, steps so far).

Data: the policy's own samples on train-split problems; each step is labelled by Monte-Carlo rollouts from its
prefix (rollouts.py, Math-Shepherd soft labels). The PRM starts from the policy's weights with a scalar head (as the
ORM does) and learns the soft label at the last token of every step, which is where the verifier reads step scores.
  /usr/bin/python3 models/prm/train.py --problems-per-step 40 --samples 4 --rollouts 4 --zero-wrong-steps --minutes 10
Exports models/prm/onnx (model.onnx + model_kv.onnx, see export.py). Labelling is cached in checkpoints/.
With --outcome the same machinery trains the ORM (models/orm/README.md): every step is labelled with the solution's
outcome, and the ranking pairs compare whole solutions.
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
from prm.negatives import corrupt, corrupt_answer, group_by_question, outcome_labels, pairs  # noqa: E402
from prm.rollouts import checker_label, mc_label  # noqa: E402
from prm.steps import encode_steps  # noqa: E402
from zoo.data import load, pad_batch  # noqa: E402
from zoo.export_onnx import load_checkpoint  # noqa: E402
from zoo.gpt import GPT, GPTConfig  # noqa: E402
from zoo.surprise import SurpriseBlock  # noqa: E402
from zoo.trainer import cosine_lr  # noqa: E402

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
p.add_argument("--max-iters", type=int, default=2000, help="length of the cosine schedule, and the last iteration")
p.add_argument("--batch-size", type=int, default=32, help="solutions per batch without --rank-weight")
p.add_argument("--rank-weight", type=float, default=0.0,
               help="weight of the within-question pairwise loss (negatives.py); batches then hold whole questions")
p.add_argument("--questions-per-batch", type=int, default=4)
p.add_argument("--solutions-per-question", type=int, default=8)
p.add_argument("--corruptions", type=int, default=2, help="near-miss pairs per question and batch (rank mode)")
p.add_argument("--val-questions", type=int, default=64)
p.add_argument("--val-every", type=int, default=200)
p.add_argument("--extra-layers", type=int, default=0, help="new blocks on top of the policy's (see below)")
p.add_argument("--surprise", action="store_true", help="a SurpriseBlock below the extra blocks (see below)")
p.add_argument("--freeze-body", action="store_true", help="train only the extra blocks, the final norm and the head")
p.add_argument("--init", default="", help="start from this PRM checkpoint instead of the policy")
p.add_argument("--lr", type=float, default=3e-4)
p.add_argument("--seed", type=int, default=7)
p.add_argument("--threads", type=int, default=2)
p.add_argument("--outcome", action="store_true",
               help="train an ORM: every step labelled with the outcome (the exact label of the answer step), ranking "
                    "pairs over final steps only, near misses that change the last result and the answer alike")
p.add_argument("--out", default=os.path.join(HERE, "onnx"))
p.add_argument("--ckpt", default=os.path.join(HERE, "checkpoints", "ckpt.pt"))
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
# Cached per chunk of 120 problems per difficulty, so a run asking for more problems labels only the new ones.
CHUNK = 120
for start in range(0, args.checker_problems_per_step, CHUNK):
    n = min(CHUNK, args.checker_problems_per_step - start)
    skip = args.problems_per_step + start
    ccache = os.path.join(HERE, "checkpoints", f"checker-labels-{pckpt['iter']}-{skip}-{n}-{args.checker_samples}.pt")
    if os.path.exists(ccache):
        extra = torch.load(ccache)
    else:
        probs = []
        for steps in range(1, 9):
            probs += [r for r in train if r["steps"] == steps][skip: skip + n]
        extra = checker_label(policy, probs, args.checker_samples, args.temperature, args.seed + 100 + start)
        torch.save(extra, ccache)
    data = data + extra
if args.outcome:
    data = [(q, s, outcome_labels(s, labs)) for q, s, labs in data]
labels = [lab for _, _, labs in data for lab in labs]
print(f"{len(data)} solutions, {len(labels)} labelled steps, mean label {sum(labels) / len(labels):.3f}", flush=True)

# 2. The PRM: the policy's body with a value head. --extra-layers puts new blocks on top, starting as the identity
# (zero output projections); --freeze-body keeps the policy's layers (and so its arithmetic) as they are.
# --surprise puts a SurpriseBlock (zoo/surprise.py) first among the new blocks: it hands them how unexpected each
# token was to the policy. Without it, neither the fine-tuned body nor plain new blocks learned to compare the
# policy's prediction with the token written (README "Why").
n_policy = policy.cfg.n_layer
cfg = GPTConfig(**{**vars(policy.cfg), "head": "value", "n_layer": n_policy + int(args.surprise) + args.extra_layers,
                   "surprise_at": n_policy if args.surprise else -1})
prm = GPT(cfg)
prm.load_state_dict({k: v for k, v in policy.state_dict().items() if not k.startswith("head.")}, strict=False)
for block in prm.blocks[n_policy:]:
    if isinstance(block, SurpriseBlock):
        block.lm_norm.load_state_dict(policy.ln_f.state_dict())
        block.lm_norm.requires_grad_(False)
        torch.nn.init.zeros_(block.proj.weight)
    else:
        torch.nn.init.zeros_(block.attn.proj.weight)
        torch.nn.init.zeros_(block.mlp[2].weight)
if args.init:  # continue from an earlier PRM
    prm.load_state_dict(torch.load(args.init)["model"])
if args.freeze_body:
    for m in (prm.wte, prm.wpe, *prm.blocks[:n_policy]):
        m.requires_grad_(False)
opt = torch.optim.AdamW([q for q in prm.parameters() if q.requires_grad], lr=args.lr, weight_decay=0.01)


def batch(items):
    """Right-padded ids, plus (row, position, soft label, group, depth) for every step end; items are
    (question, solution, labels, group)."""
    seqs, rows, cols, targets, entries = [], [], [], [], []
    for b, (q, s, labs, g) in enumerate(items):
        ids, ends = encode_steps(q, s)
        seqs.append(ids[: cfg.block_size])
        for j, (t, lab) in enumerate(zip(ends, labs)):
            if t < cfg.block_size:
                rows.append(b)
                cols.append(t)
                targets.append(lab)
                # An ORM ranks whole solutions: only final steps pair (at depth "end"); other steps pair with nothing.
                depth = j if not args.outcome else "end" if j == len(ends) - 1 else (b, j)
                entries.append((g, depth, lab))
    ids, mask = pad_batch(seqs)
    return ids, mask, torch.tensor(rows), torch.tensor(cols), torch.tensor(targets), entries


def near_miss_items(idx, g, r):
    """`corruptions` near-miss copies of right steps of a question's solutions, each with its right twin."""
    items = []
    for _ in range(args.corruptions):
        c = (corrupt_answer if args.outcome else corrupt)(*data[r.choice(idx)], r)
        if c:
            items += [(*c[0], g), (*c[1], g)]
    return items


def question_items(idx, g, r):
    """A question's solutions plus its near-miss pairs: one question's share of a batch."""
    return [(*data[i], g) for i in idx[: args.solutions_per_question]] + near_miss_items(idx, g, r)


def rank_loss(scores, entries):
    """Pairwise logistic loss over (on track, off track) steps of one question at one depth: the contrast that
    makes the PRM compare steps within a question rather than learn which questions are hard."""
    ps = pairs(entries)
    if not ps:
        return scores.sum() * 0, 0.0
    pos = scores[torch.tensor([p for p, _ in ps])]
    neg = scores[torch.tensor([n for _, n in ps])]
    return F.softplus(neg - pos).mean(), (pos > neg).float().mean().item()


# Whole questions per batch (a question's solutions are its pairs); the last `val_questions` are held out.
groups = list(group_by_question(data).items())
rng.shuffle(groups)
val, groups = groups[: args.val_questions], groups[args.val_questions:]


@torch.no_grad()
def validate():
    """Held-out pair accuracy: natural pairs (the policy's own right vs wrong steps) and near-miss pairs."""
    prm.eval()
    r, hits = random.Random(0), {"natural": [], "near-miss": []}
    for g, (_, idx) in enumerate(val):
        for name, items in (("natural", [(*data[i], g) for i in idx]), ("near-miss", near_miss_items(idx, g, r))):
            if items:
                ids, mask, rows, cols, _, entries = batch(items)
                v = prm.run_ids(ids, mask)[0][rows, cols]
                hits[name] += [float(v[p] > v[n]) for p, n in pairs(entries)]
    prm.train()
    return {k: round(sum(v) / max(1, len(v)), 3) for k, v in hits.items()}


t0, it = time.time(), 0
prm.train()
print(f"{len(groups)} train questions, {len(val)} held out; before training: {validate()}", flush=True)
while time.time() - t0 < args.minutes * 60 and it < args.max_iters:
    items = []
    if args.rank_weight:
        for g in range(args.questions_per_batch):
            items += question_items(groups[rng.randrange(len(groups))][1], g, rng)
    else:
        items = [(*data[rng.randrange(len(data))], 0) for _ in range(args.batch_size)]
    ids, mask, rows, cols, targets, entries = batch(items)
    for grp in opt.param_groups:
        grp["lr"] = cosine_lr(it, args.lr, args.lr / 10, 50, args.max_iters)
    scores = prm.run_ids(ids, mask)[0][rows, cols]
    bce = F.binary_cross_entropy_with_logits(scores, targets)
    rank, acc = rank_loss(scores, entries) if args.rank_weight else (scores.sum() * 0, 0.0)
    loss = bce + args.rank_weight * rank
    opt.zero_grad(set_to_none=True)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(prm.parameters(), 1.0)
    opt.step()
    it += 1
    if it % 50 == 0:
        print(f"iter {it} bce {bce.item():.4f} rank {rank.item():.4f} pair acc {acc:.2f} "
              f"minutes {(time.time() - t0) / 60:.1f}", flush=True)
    if it % args.val_every == 0:
        print(f"iter {it} held-out pair accuracy {validate()}", flush=True)

torch.save({"model": prm.state_dict(), "config": vars(cfg), "iter": it, "policy_iter": pckpt["iter"],
            "minutes": (time.time() - t0) / 60}, args.ckpt)
meta = {"train_iters": it, "policy_iter": pckpt["iter"], "train_solutions": len(data), "mc_solutions": mc_count,
        "checker_solutions": len(data) - mc_count, "train_steps": len(labels), "rollouts": args.rollouts,
        "surprise_at": cfg.surprise_at, "labels": "outcome" if args.outcome else "process"}
if not mc_count:
    del meta["rollouts"]
export_prm(prm, args.out, meta, kv=not args.outcome)  # the verifier serves the ORM without a KV cache
print(f"exported {'ORM' if args.outcome else 'PRM'} after {it} iterations -> {args.out}")
