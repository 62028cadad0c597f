// POST /v1/chat/completions on PGlite and Postgres: a job made as POST /v1/jobs makes it, waited for, answered in OpenAI's shape.
import { type JobResource, STRATEGIES } from "@thinktime/core";
import { createApiKey, creditBalance } from "@thinktime/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { finishTenantJob } from "../../../../../test/generator.js";
import { BACKENDS, expectJson, expectProblem, Harness, type Seeded } from "../../../../../test/harness.js";
import type { ChatCompletion } from "./schema.js";

const ask = (question: string, extra: Record<string, unknown> = {}) => ({
  model: "thinktime-majority-8",
  messages: [
    { role: "system", content: "Answer with a number." },
    { role: "user", content: question },
  ],
  ...extra,
});

describe.each(BACKENDS)("POST /v1/chat/completions (%s)", (backend) => {
  let h: Harness;
  let acme: Seeded;
  beforeAll(async () => {
    h = await Harness.open(backend);
    acme = await h.tenant();
  });
  afterAll(() => h?.close());

  const complete = (tenant: Seeded, body: unknown, finish: Parameters<typeof finishTenantJob>[2] = {}) =>
    Promise.all([
      h.request("POST", "/v1/chat/completions", { key: tenant.key, json: body }),
      finishTenantJob(h.db, tenant.tenantId, { delayMs: 50, ...finish }),
    ]).then(([res]) => res);

  it("answers with the chosen candidate's text, OpenAI usage and the job behind it", async () => {
    const res = await complete(acme, ask("What is 12 * 7?"));
    const body = await expectJson<ChatCompletion>(res, 200);
    const jobId = body.thinktime.job_id;
    expect(body).toEqual({
      id: `chatcmpl-${jobId}`,
      object: "chat.completion",
      created: expect.any(Number),
      model: "thinktime-majority-8",
      system_fingerprint: null,
      choices: [{ index: 0, message: { role: "assistant", content: "12 * 7 = 84. #### 84", refusal: null }, logprobs: null, finish_reason: "stop" }],
      usage: { prompt_tokens: 20, completion_tokens: 30, total_tokens: 50 },
      thinktime: { job_id: jobId, strategy: "majority", answer: "84", candidates: 2, verifier_tokens: 12, flops: 2.5e9 },
    });
    expect(res.headers.get("location")).toBe(`/v1/jobs/${jobId}`);
    // The same job POST /v1/jobs would have made: the last user message, the model's strategy and n, settled credits.
    const job = await expectJson<JobResource>(await h.request("GET", `/v1/jobs/${jobId}`, { key: acme.key }), 200);
    expect(job).toMatchObject({ status: "succeeded", question: "What is 12 * 7?", strategy: "majority", params: { n: 8, temperature: 0.8, max_tokens: 256 } });
    expect(await creditBalance(h.db, acme.tenantId)).toMatchObject({ reserved: 0, spent: 62 });
  });

  it("maps OpenAI sampling fields, caps max_tokens, and lets `thinktime` override the model's strategy and n", async () => {
    const body = ask("2+2?", {
      model: "thinktime-best-of-n",
      temperature: 0.5,
      top_p: 0.9,
      seed: 7,
      max_tokens: 4096,
      user: "someone",
      presence_penalty: 0,
      thinktime: { strategy: "weighted_best_of_n", n: 4, budget: { tokens: 50_000 } },
    });
    const res = await complete(acme, body);
    const { thinktime } = await expectJson<ChatCompletion>(res, 200);
    expect(await h.job(thinktime.job_id)).toMatchObject({
      strategy: "weighted_best_of_n",
      params: { n: 4, temperature: 0.5, top_p: 0.9, seed: 7, max_tokens: 512, budget: { tokens: 50_000 } },
    });
  });

  it("asks the last user message, joining its text parts", async () => {
    const messages = [
      { role: "user", content: "first question" },
      { role: "assistant", content: "first answer" },
      { role: "user", content: [{ type: "text", text: "What is" }, { type: "text", text: "3 * 3?" }] },
      { role: "assistant", content: null, tool_calls: [] },
    ];
    const res = await complete(acme, { model: "thinktime-greedy", messages });
    const { thinktime } = await expectJson<ChatCompletion>(res, 200);
    expect(await h.job(thinktime.job_id)).toMatchObject({ question: "What is\n3 * 3?", strategy: "greedy", params: { n: 1, temperature: 0 } });
  });

  it("a candidate cut off by max_tokens finishes with `length`", async () => {
    const res = await complete(acme, ask("4*4?"), { text: "4 * 4 = 1", finishReason: "length" });
    const body = await expectJson<ChatCompletion>(res, 200);
    expect(body.choices[0]).toMatchObject({ message: { content: "4 * 4 = 1" }, finish_reason: "length" });
  });

  it("a failed job is a 502 job_failed the SDKs must not retry", async () => {
    const res = await complete(acme, ask("5*5?"), { fail: "the model crashed" });
    const problem = await expectProblem(res, 502, "job_failed");
    expect(problem.detail).toContain("the model crashed");
    expect(res.headers.get("x-should-retry")).toBe("false");
  });

  it("a job still running when the wait runs out is a 504 job_timeout pointing at the job", async () => {
    const rival = await h.tenant({ name: "slow" });
    const started = Date.now();
    const res = await h.request("POST", "/v1/chat/completions", { key: rival.key, json: ask("6*6?", { thinktime: { wait: 1 } }) });
    const problem = await expectProblem(res, 504, "job_timeout");
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(res.headers.get("x-should-retry")).toBe("false");
    const location = res.headers.get("location")!;
    expect(location).toMatch(/^\/v1\/jobs\/job_/);
    expect(problem.detail).toContain(location.slice("/v1/jobs/".length));
    await expectJson(await h.request("GET", location, { key: rival.key }), 200);
  });

  it("replays an Idempotency-Key: the same job, not a second one", async () => {
    const tenant = await h.tenant({ name: "idem" });
    const opts = { key: tenant.key, json: ask("7*7?", { thinktime: { wait: 0 } }), headers: { "idempotency-key": "chat-1" } };
    const first = await h.request("POST", "/v1/chat/completions", opts);
    const again = await h.request("POST", "/v1/chat/completions", opts);
    await expectProblem(first, 504, "job_timeout");
    await expectProblem(again, 504, "job_timeout");
    expect(again.headers.get("location")).toBe(first.headers.get("location"));
    expect(again.headers.get("idempotent-replayed")).toBe("true");
  });

  it("an unknown model is a 404 and queues nothing", async () => {
    const before = await h.jobCount();
    for (const model of ["gpt-4o", "thinktime-greedy-4", "thinktime-majority-65"]) {
      const body = await expectProblem(await h.request("POST", "/v1/chat/completions", { key: acme.key, json: ask("1+1?", { model }) }), 404, "not_found");
      expect(body.detail).toContain(model);
    }
    expect(await h.jobCount()).toBe(before);
  });

  const invalid: Array<[string, unknown, string]> = [
    ["no model", { messages: [{ role: "user", content: "1+1?" }] }, "body.model"],
    ["no messages", { model: "thinktime-greedy", messages: [] }, "body.messages"],
    ["no user message", { model: "thinktime-greedy", messages: [{ role: "system", content: "hi" }] }, "body.messages"],
    ["a blank question", ask("   "), "body.messages"],
    ["an image part", { model: "thinktime-greedy", messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: "x" } }] }] }, "body.messages.0.content.0"],
    ["an unknown role", { model: "thinktime-greedy", messages: [{ role: "robot", content: "1+1?" }] }, "body.messages.0.role"],
    ["n above one", ask("1+1?", { n: 2 }), "body.n"],
    ["temperature out of range", ask("1+1?", { temperature: 3 }), "body.temperature"],
    ["a negative seed", ask("1+1?", { seed: -1 }), "body.seed"],
    ["an unknown thinktime field", ask("1+1?", { thinktime: { depth: 3 } }), "body.thinktime.depth"],
    ["thinktime.n zero", ask("1+1?", { thinktime: { n: 0 } }), "body.thinktime.n"],
    ["thinktime.wait above the limit", ask("1+1?", { thinktime: { wait: 61 } }), "body.thinktime.wait"],
    ["a knob the model's strategy does not read", ask("1+1?", { thinktime: { beam_width: 2 } }), "body.thinktime.beam_width"],
    ["beam_width above the model's n", ask("1+1?", { model: "thinktime-beam-search-2", thinktime: { beam_width: 4 } }), "body.thinktime.beam_width"],
  ];
  it.each(invalid)("rejects %s with 400 validation_failed and queues nothing", async (_name, json, path) => {
    const before = await h.jobCount();
    const body = await expectProblem(await h.request("POST", "/v1/chat/completions", { key: acme.key, json }), 400, "validation_failed");
    expect((body.errors as Array<{ path: string }>).map((e) => e.path)).toContain(path);
    expect(await h.jobCount()).toBe(before);
  });

  it("rejects malformed JSON (400) and other media types (415)", async () => {
    const headers = { "content-type": "application/json" };
    await expectProblem(await h.request("POST", "/v1/chat/completions", { key: acme.key, body: "{", headers }), 400, "invalid_json");
    const text = { "content-type": "text/plain" };
    await expectProblem(await h.request("POST", "/v1/chat/completions", { key: acme.key, body: "{}", headers: text }), 415, "unsupported_media_type");
  });

  it("a budget too small for one sample is a 422 naming thinktime.budget", async () => {
    const body = await expectProblem(
      await h.request("POST", "/v1/chat/completions", { key: acme.key, json: ask("1+1?", { thinktime: { budget: { tokens: 1 } } }) }),
      422,
      "budget_too_small",
    );
    expect(body.errors).toEqual([{ path: "thinktime.budget.tokens", message: expect.stringMatching(/^must be at least \d+/) }]);
  });

  it.runIf((STRATEGIES as readonly string[]).includes("auto"))("thinktime-auto is a model: it asks for a budget like strategy auto", async () => {
    const body = await expectProblem(await h.request("POST", "/v1/chat/completions", { key: acme.key, json: ask("1+1?", { model: "thinktime-auto" }) }), 400);
    expect((body.errors as Array<{ path: string }>).map((e) => e.path)).toContain("body.thinktime.budget");
  });

  it("spent credits are a 402 and queue nothing", async () => {
    const poor = await h.tenant({ name: "poor", monthlyCredits: 10 });
    await expectProblem(await h.request("POST", "/v1/chat/completions", { key: poor.key, json: ask("1+1?") }), 402, "credits_exhausted");
    expect(await creditBalance(h.db, poor.tenantId)).toMatchObject({ reserved: 0 });
  });

  it("needs a key (401, checked before the body) with the jobs:write scope (403)", async () => {
    await expectProblem(await h.request("POST", "/v1/chat/completions", { body: "{", headers: { "content-type": "application/json" } }), 401, "unauthorized");
    const reader = await createApiKey(h.db, acme.tenantId, { scopes: ["jobs:read"] });
    await expectProblem(await h.request("POST", "/v1/chat/completions", { key: reader.key, json: ask("1+1?") }), 403, "forbidden");
  });

  it("the job belongs to the caller: another tenant gets 404 for it", async () => {
    const res = await complete(acme, ask("8*8?"));
    const { thinktime } = await expectJson<ChatCompletion>(res, 200);
    const rival = await h.tenant({ name: "rival" });
    await expectProblem(await h.request("GET", `/v1/jobs/${thinktime.job_id}`, { key: rival.key }), 404, "not_found");
    await expectProblem(await h.request("GET", `/v1/jobs/${thinktime.job_id}/events`, { key: rival.key }), 404, "not_found");
    expect((await h.job(thinktime.job_id))?.tenantId).toBe(acme.tenantId);
  });
});
