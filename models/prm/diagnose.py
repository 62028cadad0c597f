"""The figures behind the PRM's design (README "Why"): how well the policy's own likelihood tells right from wrong
within one question, the trained PRM's step scores on a few hand-written solutions, and which wrong solutions it
scores high (README "Results").

  /usr/bin/python3 models/prm/diagnose.py      # needs the policy and PRM checkpoints and the cached checker labels
"""
import os
import random
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from prm.negatives import corrupt, group_by_question, pairs  # noqa: E402
from prm.steps import encode_steps, split_steps  # noqa: E402
from zoo.data import pad_batch  # noqa: E402
from zoo.export_onnx import load_checkpoint  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
LABELS = os.path.join(HERE, "checkpoints", "checker-labels-6000-0-120-8.pt")
EXAMPLES = ("Ana has 12 apples. She gets 5 more. She loses 3. How many apples now?",
            ["12+5=17\n17-3=14\nAnswer: 14", "12+5=27\n27-3=24\nAnswer: 24", "12+5=17\n17-3=15\nAnswer: 15",
             "12+5=17\n17+3=20\nAnswer: 20"])
torch.set_num_threads(2)
policy = load_checkpoint(os.path.join(ROOT, "policy", "checkpoints", "ckpt.pt"))[0].eval()
data = torch.load(LABELS)


@torch.no_grad()
def step_logprobs(question, sols):
    """Per solution, the policy's summed log-prob of each step's tokens."""
    enc = [encode_steps(question, s) for s in sols]
    ids, mask = pad_batch([e[0] for e in enc])
    lp = policy.run_ids(ids, mask)[0].log_softmax(-1)
    tok = torch.gather(lp[:, :-1], 2, ids[:, 1:].unsqueeze(-1)).squeeze(-1)  # tok[b, t-1] = log p(ids[b, t])
    out = []
    for b, (s, (_, ends)) in enumerate(zip(sols, enc)):
        prev = ends[0] - len(split_steps(s)[0][0]) + 1
        per_step = []
        for e in ends:
            per_step.append(tok[b, prev - 1: e].sum().item())
            prev = e + 1
        out.append(per_step)
    return out


# 1. A right solution vs a wrong one of the same question (exact final labels), ranked by the policy's likelihood.
groups = list(group_by_question(data).items())
random.Random(3).shuffle(groups)
hits = {"sum": [], "min step": []}
for q, idx in groups[:60]:
    items = [data[i] for i in idx]
    lps = step_logprobs(q, [s for _, s, _ in items])
    for p, n in pairs([(0, 0, labs[-1]) for _, _, labs in items]):
        hits["sum"].append(sum(lps[p]) > sum(lps[n]))
        hits["min step"].append(min(lps[p]) > min(lps[n]))
for k, v in hits.items():
    print(f"policy likelihood ({k}) ranks the right solution of a question above a wrong one: {sum(v) / len(v):.0%} "
          f"of {len(v)} pairs")

# 2. A right step vs its near-miss copy (only the result changed), ranked by the result digits' log-prob.
r, near = random.Random(1), []
for q, s, labs in r.sample(data, 300):
    c = corrupt(q, s, labs, r)
    if c:
        right, wrong = (step_logprobs(q, [x[1]])[0][-1] for x in c[:2])
        near.append(right > wrong)
print(f"policy likelihood ranks a right step above its near miss: {sum(near) / len(near):.0%} of {len(near)} pairs")

# 3. The trained PRM's step scores on hand-written solutions.
prm = load_checkpoint(os.path.join(HERE, "checkpoints", "ckpt.pt"))[0].eval()
q, sols = EXAMPLES
for s in sols:
    ids, ends = encode_steps(q, s)
    with torch.no_grad():
        scores = torch.sigmoid(prm.run_ids(torch.tensor([ids]))[0][0, ends]).tolist()
    print(f"PRM {s.replace(chr(10), ' | ')!r}: {' '.join(f'{x:.2f}' for x in scores)}")

# 4. Which wrong solutions fool the PRM: held-out test problems of >= 3 steps, 16 samples each at T = 1. Each wrong
# solution's first wrong step (exact checker) is placed by how likely the policy found it (its mean per-token
# log-prob, in quartiles over all those steps); the PRM's last-step score is then averaged per quartile, and over
# the right solutions for comparison.
from prm.steps import check_steps  # noqa: E402
from zoo.data import load  # noqa: E402
from zoo.sample import sample  # noqa: E402

test = [r for r in load("test") if r["steps"] >= 3]
probs = [r for steps in range(3, 9) for r in [t for t in test if t["steps"] == steps][:20]]
rows, right = [], []
for r, sols in zip(probs, sample(policy, [r["question"] for r in probs], n=16, temperature=1.0, seed=11)):
    sols = [s for s in sols if split_steps(s) and len(encode_steps(r["question"], s)[0]) <= policy.cfg.block_size]
    lps = step_logprobs(r["question"], sols)
    for s, lp in zip(sols, lps):
        steps = [t for t, _ in split_steps(s)]
        checks = check_steps(r, steps)
        ids, ends = encode_steps(r["question"], s)
        with torch.no_grad():
            last = torch.sigmoid(prm.run_ids(torch.tensor([ids]))[0][0, ends[-1]]).item()
        if all(checks):
            right.append(last)
        else:
            j = checks.index(0)
            rows.append((lp[j] / max(1, len(steps[j])), last))
rows.sort()
print(f"\n{len(rows)} wrong solutions of >= 3-step test problems, by how likely the policy found their first wrong step:")
for i in range(4):
    part = rows[i * len(rows) // 4: (i + 1) * len(rows) // 4]
    print(f"  quartile {i + 1} (mean log-prob per token {part[0][0]:.2f} .. {part[-1][0]:.2f}): PRM last-step score "
          f"mean {sum(x for _, x in part) / len(part):.2f}, >= 0.5 for {sum(x >= 0.5 for _, x in part) / len(part):.0%}")
print(f"  the {len(right)} right ones (every step right): mean {sum(right) / len(right):.2f}, "
      f">= 0.5 for {sum(x >= 0.5 for x in right) / len(right):.0%}")
