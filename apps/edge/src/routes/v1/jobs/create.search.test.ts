// POST /v1/jobs for the search strategies, on PGlite and Postgres: knobs and budgets stored, too small a budget a 422.
import { type JobResource, sampleWorst } from "@thinktime/core";
import { jobCreditBudget } from "@thinktime/core/api/credits";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BACKENDS, expectJson, expectProblem, Harness, type Seeded } from "../../../../test/harness.js";

const QUESTION = "Ana has 12 apples. She gets 5 more. How many apples now?";

describe.each(BACKENDS)("POST /v1/jobs search strategies (%s)", (backend) => {
  let h: Harness;
  let acme: Seeded;
  beforeAll(async () => {
    h = await Harness.open(backend);
    acme = await h.tenant();
  });
  afterAll(() => h?.close());

  it("stores a search strategy's knobs and budget, and reserves no more credits than its token budget", async () => {
    const json = { question: QUESTION, strategy: "beam_search", n: 8, beam_width: 2, max_rounds: 5, step_tokens: 24, budget: { tokens: 4000 } };
    const job = await expectJson<JobResource>(await h.request("POST", "/v1/jobs", { key: acme.key, json }), 201);
    expect(job).toMatchObject({ strategy: "beam_search", params: { n: 8, beam_width: 2, max_rounds: 5, step_tokens: 24, budget: { tokens: 4000 } } });
    expect((await h.job(job.id))?.reservedCredits).toBe(4000);
    // Unbudgeted, a tree search reserves its worst case over all rounds.
    const open = await expectJson<JobResource>(
      await h.request("POST", "/v1/jobs", { key: acme.key, json: { question: QUESTION, strategy: "lookahead", n: 4, lookahead: 2 } }),
      201,
    );
    expect((await h.job(open.id))?.reservedCredits).toBe(jobCreditBudget(open.params, QUESTION, "lookahead"));
  });

  it("stores revisions' chains and selection, reserving credits for the earlier attempts each prompt holds", async () => {
    const json = { question: QUESTION, strategy: "revisions", n: 8, chains: 2, revision_select: "majority", max_tokens: 64 };
    const job = await expectJson<JobResource>(await h.request("POST", "/v1/jobs", { key: acme.key, json }), 201);
    expect(job).toMatchObject({ strategy: "revisions", params: { n: 8, chains: 2, revision_select: "majority" } });
    const reserved = (await h.job(job.id))!.reservedCredits;
    expect(reserved).toBe(jobCreditBudget(job.params, QUESTION, "revisions"));
    expect(reserved).toBeGreaterThan(jobCreditBudget(job.params, QUESTION, "majority"));
  });

  it("stores anchored_majority's anchor, reserving credits for the greedy decode beside the n samples", async () => {
    const json = { question: QUESTION, strategy: "anchored_majority", n: 8, anchor: 3, max_tokens: 64 };
    const job = await expectJson<JobResource>(await h.request("POST", "/v1/jobs", { key: acme.key, json }), 201);
    expect(job).toMatchObject({ strategy: "anchored_majority", params: { n: 8, anchor: 3 } });
    const reserved = (await h.job(job.id))!.reservedCredits;
    expect(reserved).toBe(jobCreditBudget(job.params, QUESTION, "anchored_majority"));
    expect(reserved).toBe((jobCreditBudget(job.params, QUESTION, "majority") * 9) / 8);
  });

  it("refuses knobs out of range or of another strategy with 400 validation_failed", async () => {
    for (const [json, path] of [
      [{ question: QUESTION, strategy: "beam_search", n: 4, beam_width: 8 }, "body.beam_width"],
      [{ question: QUESTION, strategy: "early_stop", alpha: 1.5 }, "body.alpha"],
      [{ question: QUESTION, strategy: "best_of_n", lookahead: 1 }, "body.lookahead"],
      [{ question: QUESTION, budget: { tokens: -5 } }, "body.budget.tokens"],
      [{ question: QUESTION, strategy: "revisions", n: 4, chains: 5 }, "body.chains"],
      [{ question: QUESTION, strategy: "majority", chains: 2 }, "body.chains"],
      [{ question: QUESTION, strategy: "revisions", revision_select: "orm" }, "body.revision_select"],
      [{ question: QUESTION, strategy: "majority", anchor: 2 }, "body.anchor"],
      [{ question: QUESTION, strategy: "anchored_majority", anchor: 0 }, "body.anchor"],
    ] as const) {
      const body = await expectProblem(await h.request("POST", "/v1/jobs", { key: acme.key, json }), 400, "validation_failed");
      expect((body.errors as { path: string }[]).map((e) => e.path)).toContain(path);
    }
  });

  it.each([
    ["best_of_n", {}],
    ["beam_search", { step_tokens: 16 }],
    ["early_stop", {}],
    ["revisions", { chains: 2 }],
    ["anchored_majority", { anchor: 2 }],
  ])("refuses %s with a budget below one sample: 422 budget_too_small, nothing written", async (strategy, extra) => {
    const before = await h.jobCount();
    const tokens = Math.floor(sampleWorst(QUESTION, 64).tokens / 4);
    const json = { question: QUESTION, strategy, max_tokens: 64, budget: { tokens }, ...extra };
    const body = await expectProblem(await h.request("POST", "/v1/jobs", { key: acme.key, json }), 422, "budget_too_small");
    expect(body.detail).toMatch(new RegExp(`^${strategy} cannot start: the budget \\(${tokens} tokens`));
    expect(body.errors).toEqual([{ path: "budget.tokens", message: expect.stringMatching(/^must be at least \d+$/) }]);
    expect(await h.jobCount()).toBe(before);
  });

  it("accepts the smallest budget that pays for one scored sample", async () => {
    const tokens = sampleWorst(QUESTION, 64).tokens;
    const json = { question: QUESTION, strategy: "best_of_n", max_tokens: 64, budget: { tokens } };
    await expectJson(await h.request("POST", "/v1/jobs", { key: acme.key, json }), 201);
    await expectProblem(
      await h.request("POST", "/v1/jobs", { key: acme.key, json: { ...json, budget: { tokens: tokens - 1 } } }),
      422,
      "budget_too_small",
    );
  });
});
