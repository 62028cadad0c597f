"""Steps of a solution as the verifier sees them (apps/verifier/src/steps.ts): non-blank lines, each scored at its
last non-space character; and the exact per-step check (apps/verifier/src/checkers/arith-steps.ts) in Python."""
from zoo.data import encode, prompt
from zoo.sample import STEP, answer_of


def split_steps(solution):
    """[(step text, index of its last non-space char in `solution`)] for the non-blank lines, in order."""
    out, at = [], 0
    for seg in solution.split("\n"):
        if seg.strip():
            out.append((seg, at + len(seg.rstrip()) - 1))
        at += len(seg) + 1
    return out


def encode_steps(question, solution):
    """Token ids (BOS + prompt + solution, the ORM's input) and the token index of each step's score."""
    p = encode(prompt(question))
    return p + encode(solution, bos=False), [len(p) + end for _, end in split_steps(solution)]


def check_steps(problem, steps):
    """1/0 per step: a step line must be `a op b = c`, right, and apply its clause to the previous result;
    an `Answer:` line must hold the right answer."""
    out, prev, i = [], None, 0
    for text in steps:
        if text.lstrip().startswith("Answer:"):
            out.append(int(answer_of(text) == problem["answer"]))
            continue
        m = STEP.match(text)
        ok = False
        if m:
            a, op, b, c = int(m[1]), m[2], int(m[3]), int(m[4])
            val = {"+": a + b, "-": a - b, "*": a * b, "/": a / b if b else None}[op]
            clause = problem["clauses"][i] if i < len(problem["clauses"]) else None
            left = problem["start"] if i == 0 else prev
            ok = val == c and clause is not None and op == clause["op"] and b == clause["operand"] and a == left
        prev = int(m[4]) if m else None
        out.append(int(ok))
        i += 1
    return out


def prefix_ok(problem, steps):
    """1 while every step so far checks out (check_steps), then 0: the exact label of each prefix."""
    out, ok = [], 1
    for c in check_steps(problem, steps):
        ok &= c
        out.append(ok)
    return out


def prefix_correct(problem, solution):
    """prefix_ok for a solution's text."""
    return prefix_ok(problem, [t for t, _ in split_steps(solution)])
