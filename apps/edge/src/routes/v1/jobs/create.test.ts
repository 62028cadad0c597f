// POST /v1/jobs against PGlite and Postgres: happy paths, and every bad input is a 4xx problem that writes nothing.
import { JobResource, LIMITS } from "@thinktime/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BACKENDS, expectJson, expectProblem, Harness, type Seeded } from "../../../../test/harness.js";

describe.each(BACKENDS)("POST /v1/jobs (%s)", (backend) => {
  let h: Harness;
  let acme: Seeded;
  beforeAll(async () => {
    h = await Harness.open(backend);
    acme = await h.tenant();
  });
  afterAll(() => h?.close());

  it("creates a queued job with resolved params (201)", async () => {
    const res = await h.request("POST", "/v1/jobs", { key: acme.key, json: { question: "  What is 12 * 7?  ", n: 4, seed: 42 } });
    const job = JobResource.parse(await expectJson(res, 201));
    expect(job).toMatchObject({
      object: "job",
      status: "queued",
      question: "What is 12 * 7?",
      strategy: "best_of_n",
      params: { n: 4, temperature: 0.8, top_p: 1, seed: 42, max_tokens: 256 },
      result: null,
      error: null,
      usage: null,
      candidates: [],
      cancel_requested: false,
      started_at: null,
      finished_at: null,
    });
    expect(job.id).toMatch(/^job_[0-9a-z]{26}$/);
    expect(res.headers.get("location")).toBe(`/v1/jobs/${job.id}`);
    const row = await h.job(job.id);
    expect(row).toMatchObject({ tenantId: acme.tenantId, status: "queued", attempts: 0, cancelRequested: false });
  });

  it("greedy resolves to one sample at temperature 0 and draws a seed when none is given", async () => {
    const res = await h.request("POST", "/v1/jobs", { key: acme.key, json: { question: "1+1?", strategy: "greedy", n: 16, temperature: 1.5 } });
    const job = await expectJson<JobResource>(res, 201);
    expect(job.strategy).toBe("greedy");
    expect(job.params).toMatchObject({ n: 1, temperature: 0, top_p: 1, max_tokens: 256 });
    expect(Number.isInteger(job.params.seed)).toBe(true);
    expect(job.params.seed).toBeGreaterThanOrEqual(0);
  });

  it("stores unicode questions as sent, lone surrogates included, without a 5xx", async () => {
    for (const question of ["∑ 1/2ⁿ = ? 🤔", "x\ud800y"]) {
      const res = await h.request("POST", "/v1/jobs", { key: acme.key, json: { question } });
      expect(res.status).toBe(201);
    }
  });

  it("accepts the limits themselves", async () => {
    const res = await h.request("POST", "/v1/jobs", {
      key: acme.key,
      json: { question: "q".repeat(LIMITS.questionChars), strategy: "majority", n: LIMITS.maxN, max_tokens: LIMITS.maxTokens, top_p: 1, temperature: 2 },
    });
    const job = await expectJson<JobResource>(res, 201);
    expect(job.params).toMatchObject({ n: LIMITS.maxN, max_tokens: LIMITS.maxTokens });
  });

  it("accepts application/json with a charset", async () => {
    const res = await h.request("POST", "/v1/jobs", {
      key: acme.key,
      body: JSON.stringify({ question: "2+2?" }),
      headers: { "content-type": "application/json; charset=utf-8" },
    });
    await expectJson(res, 201);
  });

  const invalid: Array<[string, unknown, string?]> = [
    ["empty question", { question: "" }, "body.question"],
    ["blank question", { question: "   " }, "body.question"],
    ["missing question", { strategy: "greedy" }, "body.question"],
    ["question too long", { question: "q".repeat(LIMITS.questionChars + 1) }, "body.question"],
    ["question not a string", { question: 42 }, "body.question"],
    ["unknown field", { question: "1+1?", model: "gpt" }, "body.model"],
    ["unknown strategy", { question: "1+1?", strategy: "beam" }, "body.strategy"],
    ["n above the limit", { question: "1+1?", n: LIMITS.maxN + 1 }, "body.n"],
    ["n zero", { question: "1+1?", n: 0 }, "body.n"],
    ["n fractional", { question: "1+1?", n: 2.5 }, "body.n"],
    ["n as a string", { question: "1+1?", n: "4" }, "body.n"],
    ["max_tokens above the limit", { question: "1+1?", max_tokens: LIMITS.maxTokens + 1 }, "body.max_tokens"],
    ["temperature out of range", { question: "1+1?", temperature: 2.5 }, "body.temperature"],
    ["top_p zero", { question: "1+1?", top_p: 0 }, "body.top_p"],
    ["negative seed", { question: "1+1?", seed: -1 }, "body.seed"],
    ["question with a NUL character", { question: "1+1?\u0000" }, "body.question"],
    ["body is an array", [{ question: "1+1?" }]],
    ["body is null", null],
    ["body is a string", "1+1?"],
  ];
  it.each(invalid)("rejects %s with 400 validation_failed and writes nothing", async (_name, json, path) => {
    const before = await h.jobCount();
    const body = await expectProblem(await h.request("POST", "/v1/jobs", { key: acme.key, json }), 400, "validation_failed");
    const errors = body.errors as Array<{ path: string; message: string }>;
    expect(errors.length).toBeGreaterThan(0);
    if (path) expect(errors.map((e) => e.path)).toContain(path);
    expect(await h.jobCount()).toBe(before);
  });

  const malformed: Array<[string, string, Record<string, string>, number, string]> = [
    ["truncated JSON", '{"question": "1+1?"', { "content-type": "application/json" }, 400, "invalid_json"],
    ["not JSON at all", "question=1+1", { "content-type": "application/json" }, 400, "invalid_json"],
    ["empty body", "", { "content-type": "application/json" }, 400, "invalid_json"],
    ["a form body", "question=1%2B1", { "content-type": "application/x-www-form-urlencoded" }, 415, "unsupported_media_type"],
    ["text/plain", '{"question":"1+1?"}', { "content-type": "text/plain" }, 415, "unsupported_media_type"],
    ["no content type", '{"question":"1+1?"}', {}, 415, "unsupported_media_type"],
  ];
  it.each(malformed)("rejects %s and writes nothing", async (_name, body, headers, status, code) => {
    const before = await h.jobCount();
    await expectProblem(await h.request("POST", "/v1/jobs", { key: acme.key, body, headers }), status, code);
    expect(await h.jobCount()).toBe(before);
  });

  it("rejects a body over the size limit with 413", async () => {
    const before = await h.jobCount();
    const res = await h.request("POST", "/v1/jobs", { key: acme.key, json: { question: "x".repeat(100_000) } });
    await expectProblem(res, 413, "payload_too_large");
    expect(await h.jobCount()).toBe(before);
  });

  it("needs the jobs:write scope (403) and writes nothing", async () => {
    const reader = await h.tenant({ scopes: ["jobs:read"] });
    const before = await h.jobCount();
    await expectProblem(await h.request("POST", "/v1/jobs", { key: reader.key, json: { question: "1+1?" } }), 403, "forbidden");
    expect(await h.jobCount()).toBe(before);
  });

  it("checks the key before the body: no key and a bad body is 401, not 400", async () => {
    await expectProblem(await h.request("POST", "/v1/jobs", { body: "{", headers: { "content-type": "application/json" } }), 401, "unauthorized");
  });
});
