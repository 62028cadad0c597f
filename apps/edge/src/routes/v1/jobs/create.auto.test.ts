// POST /v1/jobs with strategy "auto": planned with the newest stored policy table, whose version the job keeps.
import { type JobResource, PolicyTable, sampleWorst } from "@thinktime/core";
import { jobCreditBudget } from "@thinktime/core/api/credits";
import { policyTables, savePolicyTable } from "@thinktime/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BACKENDS, expectJson, expectProblem, Harness, type Seeded } from "../../../../test/harness.js";

const QUESTION = "Ana has 12 apples. She gets 5 more. How many apples now?";
const table = (version: string) =>
  PolicyTable.parse({
    version, unit: "tokens", probe: { n: 4, max_share: 0.25 }, bin_thresholds: [0.5], default_bin: 1, budget_buckets: [0, 3000],
    policy: [
      [{ strategy: "greedy" }, { strategy: "majority", n: 8 }],
      [{ strategy: "majority", n: 4 }, { strategy: "beam_search", n: 8, beam_width: 2 }],
    ],
  });

describe.each(BACKENDS)("POST /v1/jobs strategy auto (%s)", (backend) => {
  let h: Harness;
  let acme: Seeded;
  beforeAll(async () => {
    h = await Harness.open(backend);
    acme = await h.tenant();
  });
  afterAll(() => h?.close());

  it("answers 503 planner_unavailable while no policy table is stored, writing nothing", async () => {
    await h.db.delete(policyTables);
    const before = await h.jobCount();
    const json = { question: QUESTION, strategy: "auto", budget: { tokens: 5000 } };
    const body = await expectProblem(await h.request("POST", "/v1/jobs", { key: acme.key, json }), 503, "planner_unavailable");
    expect(body.detail).toMatch(/pnpm calibrate/);
    expect(await h.jobCount()).toBe(before);
  });

  it("stores the newest table's version with the job and reserves at most its token budget", async () => {
    await savePolicyTable(h.db, table("t-1"));
    await new Promise((r) => setTimeout(r, 5));
    await savePolicyTable(h.db, table("t-2"));
    const json = { question: QUESTION, strategy: "auto", budget: { tokens: 5000 } };
    const job = await expectJson<JobResource>(await h.request("POST", "/v1/jobs", { key: acme.key, json }), 201);
    expect(job).toMatchObject({ strategy: "auto", params: { policy_table: "t-2", budget: { tokens: 5000 } } });
    expect((await h.job(job.id))?.reservedCredits).toBe(5000);
    // A FLOPs budget: the reservation is the worst case of the probe plus the table's costliest entry.
    const flops = await expectJson<JobResource>(
      await h.request("POST", "/v1/jobs", { key: acme.key, json: { ...json, budget: { flops: 1e12 } } }),
      201,
    );
    expect((await h.job(flops.id))?.reservedCredits).toBe(jobCreditBudget(flops.params, QUESTION, "auto", table("t-2")));
  });

  it("refuses auto without a budget or with an n (400), and a budget below one probe sample (422)", async () => {
    await savePolicyTable(h.db, table("t-3"));
    for (const [json, path] of [
      [{ question: QUESTION, strategy: "auto" }, "body.budget"],
      [{ question: QUESTION, strategy: "auto", n: 8, budget: { tokens: 5000 } }, "body.n"],
      [{ question: QUESTION, strategy: "auto", beam_width: 2, budget: { tokens: 5000 } }, "body.beam_width"],
    ] as const) {
      const body = await expectProblem(await h.request("POST", "/v1/jobs", { key: acme.key, json }), 400, "validation_failed");
      expect((body.errors as { path: string }[]).map((e) => e.path)).toContain(path);
    }
    const tokens = sampleWorst(QUESTION, 64).tokens - 1;
    const json = { question: QUESTION, strategy: "auto", max_tokens: 64, budget: { tokens } };
    const body = await expectProblem(await h.request("POST", "/v1/jobs", { key: acme.key, json }), 422, "budget_too_small");
    expect(body.detail).toMatch(/^auto cannot start/);
  });
});
