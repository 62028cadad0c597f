// POST /v1/jobs with `Prefer: wait=N` against PGlite and Postgres: 200 when the job finishes in time, else 202.
import { JobResource } from "@thinktime/core";
import { claimNextJob, completeJob } from "@thinktime/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_WAIT_SECONDS, preferredWait } from "../../../lib/prefer.js";
import { BACKENDS, expectJson, Harness, type Seeded } from "../../../../test/harness.js";

describe.each(BACKENDS)("POST /v1/jobs Prefer: wait (%s)", (backend) => {
  let h: Harness;
  let acme: Seeded;
  beforeAll(async () => {
    h = await Harness.open(backend);
    acme = await h.tenant();
  });
  afterAll(() => h?.close());

  /** Plays the generator: claims the next job and completes it after `delayMs`. */
  async function finishSoon(delayMs: number): Promise<void> {
    for (let i = 0; i < 100; i++) {
      const job = await claimNextJob(h.db, { workerId: "gen", leaseMs: 60_000 });
      if (job) {
        await new Promise((r) => setTimeout(r, delayMs));
        const usage = { model: "m", strategy: job.strategy, promptTokens: 5, generatedTokens: 3, verifierTokens: 0, flops: 1 };
        const cands = [{ index: 0, text: "4", answer: "4", tokens: 3, logprob: -1, score: null, finishReason: "stop", chosen: true }];
        await completeJob(h.db, { jobId: job.id, workerId: "gen", result: { answer: "4", chosen: 0 }, candidates: cands, usage });
        return;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error("no job to finish");
  }

  it("returns 200 with the finished job, its candidates and usage, when it finishes within the wait", async () => {
    const [res] = await Promise.all([
      h.request("POST", "/v1/jobs", { key: acme.key, json: { question: "2+2?" }, headers: { prefer: "wait=10" } }),
      finishSoon(200),
    ]);
    const job = JobResource.parse(await expectJson(res, 200));
    expect(job).toMatchObject({ status: "succeeded", result: { answer: "4" }, usage: { prompt_tokens: 5, generated_tokens: 3 } });
    expect(job.candidates).toHaveLength(1);
    expect(res.headers.get("preference-applied")).toBe("wait=10");
    expect(res.headers.get("location")).toBe(`/v1/jobs/${job.id}`);
  });

  it("returns 202 with the job as it stands when the wait runs out", async () => {
    const started = Date.now();
    const res = await h.request("POST", "/v1/jobs", { key: acme.key, json: { question: "3+3?" }, headers: { prefer: "respond-async, wait=1" } });
    const job = await expectJson<JobResource>(res, 202);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(job.status).toBe("queued");
    expect(res.headers.get("preference-applied")).toBe("wait=1");
    await expectJson(await h.request("GET", `/v1/jobs/${job.id}`, { key: acme.key }), 200);
  });

  it("wait=0 answers at once; no Prefer keeps the plain 201", async () => {
    const zero = await h.request("POST", "/v1/jobs", { key: acme.key, json: { question: "4+4?" }, headers: { prefer: "wait=0" } });
    await expectJson(zero, 202);
    expect(zero.headers.get("preference-applied")).toBe("wait=0");
    const plain = await h.request("POST", "/v1/jobs", { key: acme.key, json: { question: "5+5?" } });
    await expectJson(plain, 201);
    expect(plain.headers.get("preference-applied")).toBeNull();
  });

  it("ignores preferences it does not know", async () => {
    const res = await h.request("POST", "/v1/jobs", { key: acme.key, json: { question: "6+6?" }, headers: { prefer: "handling=lenient" } });
    await expectJson(res, 201);
    expect(res.headers.get("preference-applied")).toBeNull();
  });
});

describe("preferredWait", () => {
  it.each<[string | undefined, number | null]>([
    [undefined, null],
    ["", null],
    ["wait=5", 5],
    ["WAIT = 7", 7],
    ['wait="3"', 3],
    ["respond-async, wait=2", 2],
    ["wait=100000", MAX_WAIT_SECONDS],
    ["wait=-1", null],
    ["wait=abc", null],
    ["wait=1.5", null],
  ])("%s → %s", (header, expected) => {
    expect(preferredWait(header)).toBe(expected);
  });
});
