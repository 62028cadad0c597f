"""Within-question contrast for the PRM: near-miss corruptions of right steps, and (right, wrong) step pairs.

A PRM trained on labels alone learns which questions and depths are hard, not whether *this* step's arithmetic is
right: on one question it scores `19-5=14` and `19-5=24` alike. Two sources of contrast fix the comparison it has
to make. `corrupt` copies a solution up to a right step and changes only that step's result (a near miss: ±1, ±2,
±10, one digit changed), so the pair differs in the arithmetic alone. `pairs` matches, within one question, a
step still on track against a step at the same depth that is not — the policy's own mistakes.
"""
from zoo.sample import STEP

from prm.steps import split_steps


def near_miss(c, rng):
    """A wrong result close to c: the mistakes a policy that almost knows the arithmetic makes."""
    while True:
        kind = rng.randrange(3)
        if kind == 0:
            w = c + rng.choice([-2, -1, 1, 2])
        elif kind == 1:
            w = c + rng.choice([-10, 10, -20, 20])
        else:
            digits = list(str(abs(c)))
            i = rng.randrange(len(digits))
            digits[i] = str(rng.choice([d for d in range(10) if str(d) != digits[i]]))
            w = int("".join(digits)) * (1 if c >= 0 else -1)
        if w != c:
            return w


def corrupt(question, solution, labels, rng):
    """((q, right prefix, labels), (q, corrupted prefix, labels), step index) for one right non-answer step, both
    prefixes ending at that step; None when no step is right yet."""
    steps = split_steps(solution)
    ok = [j for j, (text, _) in enumerate(steps) if labels[j] == 1.0 and STEP.match(text)]
    if not ok:
        return None
    j = rng.choice(ok)
    text, end = steps[j]
    m = STEP.match(text)
    start = end + 1 - len(m[4])  # the result digits end the step (STEP allows no trailing text but spaces)
    right = solution[: end + 1] + "\n"
    wrong = solution[:start] + str(near_miss(int(m[4]), rng)) + "\n"
    return (question, right, labels[: j + 1]), (question, wrong, labels[:j] + [0.0]), j


def outcome_labels(solution, labels):
    """The ORM's labels: every step gets the outcome, the exact label of a final `Answer:` step (right answer, every
    step right), or 0 when the solution never answers."""
    steps = split_steps(solution)
    final = labels[-1] if steps and steps[-1][0].lstrip().startswith("Answer:") else 0.0
    return [final] * len(labels)


def corrupt_answer(question, solution, labels, rng):
    """The ORM's near miss: a right solution whose last step's result and answer both change to a near miss, so the
    two complete solutions differ in that arithmetic alone. ((q, right, labels), (q, wrong, zeros), index) or None."""
    steps = split_steps(solution)
    if len(steps) < 2 or labels[-1] != 1.0 or not steps[-1][0].lstrip().startswith("Answer:"):
        return None
    m = STEP.match(steps[-2][0])
    if not m:
        return None
    w = str(near_miss(int(m[4]), rng))
    end = steps[-2][1]
    start = end + 1 - len(m[4])
    wrong = solution[:start] + w + "\nAnswer: " + w
    return (question, solution, labels), (question, wrong, [0.0] * len(labels)), len(labels) - 1


def pairs(entries):
    """(positive, negative) entry indices: entries are (group, depth, label) per scored step; a pair shares the
    group (one question) and depth, one step on track (label ≥ 0.5), the other off (label < 0.5)."""
    by_key = {}
    for i, (g, d, lab) in enumerate(entries):
        by_key.setdefault((g, d), ([], []))[0 if lab >= 0.5 else 1].append(i)
    return [(p, n) for pos, neg in by_key.values() for p in pos for n in neg]


def group_by_question(data):
    """{question: [index into data]} for batching whole questions."""
    out = {}
    for i, (q, _, _) in enumerate(data):
        out.setdefault(q, []).append(i)
    return out
