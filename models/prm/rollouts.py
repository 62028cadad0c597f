"""Math-Shepherd step labels from Monte-Carlo rollouts of the policy (Wang et al. 2024, used by Snell et al. 2024).

For each sampled solution and each of its steps, k completions are sampled from the prefix that ends with that step;
the step's soft label is the share of them that reach the right answer. An `Answer:` step needs no rollout: its label
is the exact answer check. Prefixes shared by several samples are rolled out once. With zero_wrong_steps (the exact
step checker as an extra signal) a prefix holding a wrong step is labelled 0 and not rolled out, which also saves
most of the rollouts of a weak policy.
"""
import time

from zoo.data import prompt
from zoo.sample import answer_of, sample

from prm.steps import prefix_ok, split_steps


def max_new_tokens(steps):
    """Room for a whole solution of `steps` lines (about 11 characters each) plus the answer line and EOS, with
    slack: a batch decodes until its slowest row ends, so a tight cap is most of the labelling time saved."""
    return 16 * steps + 24


def mc_label(policy, problems, samples=4, rollouts=8, temperature=1.0, seed=0, zero_wrong_steps=False, log=print):
    """[(question, solution, [soft label per step])] for `samples` policy solutions per problem."""
    t0 = time.time()
    data = []
    for steps in sorted({r["steps"] for r in problems}):
        group = [r for r in problems if r["steps"] == steps]
        data += label_group(policy, group, samples, rollouts, temperature, seed + steps, zero_wrong_steps,
                            max_new_tokens(steps), log)
    log(f"labelled {len(data)} solutions in {time.time() - t0:.0f} s", flush=True)
    return data


def checker_label(policy, problems, samples=8, temperature=1.0, seed=0, log=print):
    """[(question, solution, [exact label per step])]: the exact step checker's prefix labels (steps.prefix_ok) on
    `samples` policy solutions per problem. No rollouts, so many more solutions fit in the same CPU time; a prefix is
    labelled 1 while every step so far is right (the optimistic end of the Monte-Carlo label)."""
    t0, data = time.time(), []
    for steps in sorted({r["steps"] for r in problems}):
        group = [r for r in problems if r["steps"] == steps]
        sols = sample(policy, [r["question"] for r in group], n=samples, temperature=temperature, seed=seed + steps,
                      max_new=max_new_tokens(steps))
        for r, ss in zip(group, sols):
            for s in ss:
                steps_ = [t for t, _ in split_steps(s)]
                if steps_:
                    data.append((r["question"], s, [float(x) for x in prefix_ok(r, steps_)]))
        log(f"{steps} steps: {sum(len(ss) for ss in sols)} solutions checked ({time.time() - t0:.0f} s)", flush=True)
    return data


def label_group(policy, problems, samples, rollouts, temperature, seed, zero_wrong_steps, max_new, log):
    sols = sample(policy, [r["question"] for r in problems], n=samples, temperature=temperature, seed=seed,
                  max_new=max_new)
    # Every distinct (problem, prefix ending at a non-answer step) once; with zero_wrong_steps, only prefixes the
    # exact checker passes (the others are labelled 0 without rollouts).
    prefixes = {}
    for pi, (r, ss) in enumerate(zip(problems, sols)):
        for s in ss:
            steps = [t for t, _ in split_steps(s)]
            on_track = prefix_ok(r, steps) if zero_wrong_steps else [1] * len(steps)
            for j, t in enumerate(steps):
                if not t.lstrip().startswith("Answer:") and on_track[j]:
                    prefixes.setdefault((pi, "\n".join(steps[: j + 1])), None)
    keys = list(prefixes)
    log(f"{problems[0]['steps']} steps: {sum(len(ss) for ss in sols)} solutions, {len(keys)} distinct step prefixes "
        f"x {rollouts} rollouts", flush=True)
    # prompt(q) = q.strip() + "\n", so passing "question\nstep 1\n...\nstep j" continues right after step j's newline.
    conts = sample(policy, [prompt(problems[pi]["question"]) + pre for pi, pre in keys], n=rollouts,
                   temperature=temperature, seed=seed + 1000, max_new=max_new)
    for (pi, pre), cs in zip(keys, conts):
        prefixes[(pi, pre)] = sum(answer_of(c) == problems[pi]["answer"] for c in cs) / len(cs)
    data = []
    for pi, (r, ss) in enumerate(zip(problems, sols)):
        for s in ss:
            steps = [t for t, _ in split_steps(s)]
            labels = [float(answer_of(t) == r["answer"]) if t.lstrip().startswith("Answer:")
                      else prefixes.get((pi, "\n".join(steps[: j + 1])), 0.0) for j, t in enumerate(steps)]
            if zero_wrong_steps:  # the exact checker as an extra signal: a prefix with a wrong step is off track
                labels = [lab * ok for lab, ok in zip(labels, prefix_ok(r, steps))]
            if steps:
                data.append((r["question"], s, labels))
    return data
