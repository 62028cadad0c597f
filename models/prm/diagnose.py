"""The figures behind the PRM's design (README "Why"): how well the policy's own likelihood tells right from wrong
within one question, and the trained PRM's step scores on a few hand-written solutions.

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
