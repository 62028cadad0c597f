// POST /v1/chat/completions with `stream: true`: chat.completion.chunk events ending in [DONE]; errors before it are problems.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { finishTenantJob } from "../../../../../test/generator.js";
import { BACKENDS, expectProblem, Harness, type Seeded } from "../../../../../test/harness.js";
import { json, readSse } from "../../../../../test/sse.js";

const ask = (extra: Record<string, unknown> = {}) => ({
  model: "thinktime-best-of-16",
  messages: [{ role: "user", content: "What is 12 * 7?" }],
  stream: true,
  ...extra,
});

type Chunk = {
  id: string;
  object: string;
  model: string;
  choices: Array<{ index: number; delta: { role?: string; content?: string }; finish_reason: string | null }>;
  usage?: Record<string, number>;
  thinktime?: Record<string, unknown>;
};

describe.each(BACKENDS)("POST /v1/chat/completions stream (%s)", (backend) => {
  let h: Harness;
  let acme: Seeded;
  beforeAll(async () => {
    h = await Harness.open(backend);
    acme = await h.tenant();
  });
  afterAll(() => h?.close());

  it("streams the role, the answer, the finish with the job, usage when asked, then [DONE]", async () => {
    const [res] = await Promise.all([
      h.request("POST", "/v1/chat/completions", { key: acme.key, json: ask({ stream_options: { include_usage: true } }) }),
      finishTenantJob(h.db, acme.tenantId, { delayMs: 200 }),
    ]);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    expect(res.headers.get("x-request-id")).toMatch(/^req_/);
    const jobId = res.headers.get("location")!.slice("/v1/jobs/".length);
    const read = await readSse(res);
    expect(read.ended).toBe(true);
    expect(read.events.at(-1)?.data).toBe("[DONE]");
    const chunks = read.events.slice(0, -1).map((e) => json<Chunk>(e));
    for (const c of chunks) expect(c).toMatchObject({ id: `chatcmpl-${jobId}`, object: "chat.completion.chunk", model: "thinktime-best-of-16" });
    expect(chunks.map((c) => c.choices[0]?.delta)).toEqual([{ role: "assistant", content: "" }, { content: "12 * 7 = 84. #### 84" }, {}, undefined]);
    expect(chunks.map((c) => c.choices[0]?.finish_reason)).toEqual([null, null, "stop", undefined]);
    expect(chunks[2]!.thinktime).toMatchObject({ job_id: jobId, strategy: "best_of_n", verifier_tokens: 12, candidates: 2 });
    expect(chunks[3]).toMatchObject({ choices: [], usage: { prompt_tokens: 20, completion_tokens: 30, total_tokens: 50 } });
  });

  it("leaves the usage chunk out unless asked", async () => {
    const [res] = await Promise.all([
      h.request("POST", "/v1/chat/completions", { key: acme.key, json: ask() }),
      finishTenantJob(h.db, acme.tenantId),
    ]);
    const read = await readSse(res);
    expect(read.events.map((e) => (e.data === "[DONE]" ? "done" : json<Chunk>(e).choices.length))).toEqual([1, 1, 1, "done"]);
  });

  it("a job that fails mid-stream ends with an OpenAI error event and no [DONE]", async () => {
    const [res] = await Promise.all([
      h.request("POST", "/v1/chat/completions", { key: acme.key, json: ask() }),
      finishTenantJob(h.db, acme.tenantId, { fail: "out of memory" }),
    ]);
    const read = await readSse(res);
    expect(read.ended).toBe(true);
    const last = json<{ error: { code: string; message: string } }>(read.events.at(-1)!);
    expect(last.error).toMatchObject({ code: "job_failed", message: expect.stringContaining("out of memory") });
    expect(read.events.map((e) => e.data)).not.toContain("[DONE]");
  });

  it("a job still running when the wait runs out ends with a job_timeout error event", async () => {
    const slow = await h.tenant({ name: "slow" });
    const res = await h.request("POST", "/v1/chat/completions", { key: slow.key, json: ask({ thinktime: { wait: 1 } }) });
    const read = await readSse(res);
    expect(json<{ error: { code: string } }>(read.events.at(-1)!).error.code).toBe("job_timeout");
  });

  it("refuses before streaming: unknown model 404, bad body 400, no key 401, as problems", async () => {
    await expectProblem(await h.request("POST", "/v1/chat/completions", { key: acme.key, json: ask({ model: "gpt-4o" }) }), 404, "not_found");
    await expectProblem(await h.request("POST", "/v1/chat/completions", { key: acme.key, json: ask({ messages: [] }) }), 400, "validation_failed");
    await expectProblem(await h.request("POST", "/v1/chat/completions", { json: ask() }), 401, "unauthorized");
  });
});
