"""Batched sampling from a policy checkpoint with the KV cache: evaluation and reward-model training data."""
import re

import torch

from zoo.data import EOS, PAD, decode, encode, pad_batch, prompt

STEP = re.compile(r"^\s*(-?\d+)\s*([-+*/])\s*(-?\d+)\s*=\s*(-?\d+)\s*$")
ANSWER = re.compile(r"Answer:\s*(-?\d+)")


@torch.no_grad()
def sample(gpt, questions, n=1, temperature=0.0, max_new=160, seed=0, batch_size=256):
    """Returns, per question, n decoded completions (text up to EOS). Temperature 0 is greedy."""
    gen = torch.Generator().manual_seed(seed)
    jobs = [(qi, q) for qi, q in enumerate(questions) for _ in range(n)]
    out = [[] for _ in questions]
    for s in range(0, len(jobs), batch_size):
        chunk = jobs[s:s + batch_size]
        ids, mask = pad_batch([encode(prompt(q)) for _, q in chunk], left=True)
        logits, past = gpt.run_ids(ids, mask)
        done = torch.zeros(len(chunk), dtype=torch.bool)
        toks = []
        for _ in range(max_new):
            last = logits[:, -1, :]
            if temperature == 0:
                nxt = last.argmax(-1)
            else:
                nxt = torch.multinomial(torch.softmax(last / temperature, -1), 1, generator=gen).squeeze(-1)
            nxt = torch.where(done, torch.full_like(nxt, PAD), nxt)
            toks.append(nxt)
            done |= nxt == EOS
            if done.all() or mask.shape[1] + 1 > gpt.cfg.block_size:
                break
            mask = torch.cat([mask, torch.ones(len(chunk), 1, dtype=torch.long)], 1)
            logits, past = gpt.run_ids(nxt.unsqueeze(1), mask, past)
        gen_ids = torch.stack(toks, 1).tolist()
        for (qi, _), row in zip(chunk, gen_ids):
            row = row[: row.index(EOS)] if EOS in row else row
            out[qi].append(decode(row))
    return out


def answer_of(text):
    m = ANSWER.findall(text)
    return int(m[-1]) if m else None


def step_verified(problem, text):
    """Python twin of checkArithSolution(...).stepVerified in packages/core/src/tasks/arith-check.ts."""
    lines = [l for l in text.split("\n") if l.strip() and not l.strip().startswith("Answer:")]
    if answer_of(text) != problem["answer"] or len(lines) != len(problem["clauses"]):
        return False
    prev = problem["start"]
    for line, clause in zip(lines, problem["clauses"]):
        m = STEP.match(line)
        if not m:
            return False
        a, op, b, c = int(m[1]), m[2], int(m[3]), int(m[4])
        val = {"+": a + b, "-": a - b, "*": a * b, "/": a / b if b else None}[op]
        if val != c or a != prev or op != clause["op"] or b != clause["operand"]:
            return False
        prev = c
    return True
