"""Revision data: the prompt format of a policy that revises, and wrong attempts made from a gold solution.

The prompt is the question, then each earlier attempt after an `Attempt:` line, then `Revision:`; with no earlier
attempt it is the plain prompt. Same as formatRevisionPrompt in packages/core/src/prompt.ts.
Wrong attempts are the kinds of error the policy makes (an arithmetic slip, a misread operand, a wrong operator, a
skipped clause, stopping early), each carried through the later steps as the policy would.
"""
import random
import re

from zoo.data import prompt

STEP = re.compile(r"^(\d+)([-+*/])(\d+)=(\d+)$")
MAX_VALUE = 999


def revision_prompt(question, attempts):
    if not attempts:
        return prompt(question)
    return prompt(question) + "".join(f"Attempt:\n{a.strip()}\n" for a in attempts) + "Revision:\n"


def apply(a, op, b):
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    return a // b if b else a


def parse(solution):
    """[(a, op, b)] of a gold solution's steps (results follow from them)."""
    steps = []
    for line in solution.splitlines():
        m = STEP.match(line.strip())
        if m:
            steps.append((int(m[1]), m[2], int(m[3])))
    return steps


def render(start, ops):
    """Solution text for `ops` [(op, b)] from `start`, each step computed from the previous result."""
    lines, value = [], start
    for op, b in ops:
        nxt = apply(value, op, b)
        lines.append(f"{value}{op}{b}={nxt}")
        value = nxt
    return "\n".join(lines + [f"Answer: {value}"]), value


def slip(n, rng):
    """A nearby wrong number: off by one or ten, or one digit changed."""
    kind = rng.randrange(3)
    if kind == 0:
        out = n + rng.choice([-1, 1])
    elif kind == 1:
        out = n + rng.choice([-10, 10])
    else:
        s = list(str(n))
        i = rng.randrange(len(s))
        s[i] = str((int(s[i]) + rng.randrange(1, 10)) % 10)
        out = int("".join(s))
    return out if 0 <= out <= MAX_VALUE and out != n else n + 1


def wrong_attempt(row, rng: random.Random):
    """One wrong solution of `row` (its final answer differs from the gold one), or None if none was made."""
    steps = parse(row["solution"])
    if not steps:
        return None
    start, ops = steps[0][0], [(op, b) for _, op, b in steps]
    for _ in range(8):
        kind = rng.randrange(5)
        i = rng.randrange(len(ops))
        if kind == 0:  # arithmetic slip at step i, carried on from the wrong result
            value, lines = start, []
            for j, (op, b) in enumerate(ops):
                nxt = apply(value, op, b)
                if j == i:
                    nxt = slip(nxt, rng)
                lines.append(f"{value}{op}{b}={nxt}")
                value = nxt
            text, answer = "\n".join(lines + [f"Answer: {value}"]), value
        elif kind == 1:  # misread operand
            o = list(ops)
            o[i] = (o[i][0], slip(o[i][1], rng) or 1)
            text, answer = render(start, o)
        elif kind == 2:  # wrong operator
            o = list(ops)
            o[i] = (rng.choice([x for x in "+-*" if x != o[i][0]]), o[i][1])
            text, answer = render(start, o)
        elif kind == 3 and len(ops) > 1:  # skipped clause
            text, answer = render(start, ops[:i] + ops[i + 1:])
        elif kind == 4 and len(ops) > 1:  # stopped early
            text, answer = render(start, ops[: max(1, i)])
        else:
            continue
        if answer != row["answer"] and 0 <= answer <= MAX_VALUE * 10:
            return text
    return None


def revision_example(row, rng: random.Random, max_chars, max_attempts=4, p_correct_last=0.2, p_plain=0.2):
    """(prompt, target) for one training sequence: no earlier attempt with probability p_plain, else 1..max_attempts
    of them, then the gold solution. With probability p_correct_last the last attempt is the right one."""
    n = 0 if rng.random() < p_plain else rng.randrange(1, max_attempts + 1)
    attempts = []
    for _ in range(n):
        a = wrong_attempt(row, rng)
        if a is not None and a not in attempts:
            attempts.append(a)
    if attempts and rng.random() < p_correct_last:
        attempts[-1] = row["solution"]  # a right attempt last: the revision keeps it
    target = row["solution"]
    while attempts and len(revision_prompt(row["question"], attempts)) + len(target) + 2 > max_chars:
        attempts.pop(0)  # the oldest attempts leave the context first
    return revision_prompt(row["question"], attempts), target
