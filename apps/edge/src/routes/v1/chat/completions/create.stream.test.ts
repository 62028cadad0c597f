// POST /v1/chat/completions with `stream: true`: chat.completion.chunk events ending in [DONE]; errors before it are problems.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { finishTenantJob } from "../../../../../test/generator.js";
import { BACKENDS, expectProblem, Harness, type Seeded } from "../../../../../test/harness.js";
import { json, readSse, type SseEvent } from "../../../../../test/sse.js";
import type { EventStream } from "../../../../lib/sse.js";
import type { JobProgress } from "../../jobs/progress.js";
import { waitWithProgress } from "./progress-stream.js";
import { completionHead } from "./serialize.js";

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
  thinktime?: Record<string, unknown> & { progress?: JobProgress };
};

/** What each event of a stream is, in order. */
function kinds(events: SseEvent[]): string[] {
  return events.map((e) => {
    if (e.data === "[DONE]") return "done";
    const c = json<Chunk>(e);
    if (c.thinktime?.progress) return "progress";
    if (c.choices.length === 0) return "usage";
    const choice = c.choices[0]!;
    if (choice.delta.role) return "role";
    if (choice.finish_reason) return "finish";
    return choice.delta.content !== undefined ? "content" : "other";
  });
}

/** Runs of the same kind as one: the shape of a stream. */
const shape = (k: string[]) => k.filter((x, i) => x !== k[i - 1]);

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
    const answer = chunks.filter((c) => !c.thinktime?.progress);
    expect(answer.map((c) => c.choices[0]?.delta)).toEqual([{ role: "assistant", content: "" }, { content: "12 * 7 = 84. #### 84" }, {}, undefined]);
    expect(answer.map((c) => c.choices[0]?.finish_reason)).toEqual([null, null, "stop", undefined]);
    expect(answer[2]!.thinktime).toMatchObject({ job_id: jobId, strategy: "best_of_n", verifier_tokens: 12, candidates: 2 });
    expect(answer[3]).toMatchObject({ choices: [], usage: { prompt_tokens: 20, completion_tokens: 30, total_tokens: 50 } });
  });

  it("sends progress chunks while the job runs, then a multi-line answer line by line: role → progress → content → finish → usage → [DONE]", async () => {
    const tenant = await h.tenant({ name: "progressive" });
    const text = "Let me think.\n12 * 7 = 84.\n\n#### 84";
    const res = await h.request("POST", "/v1/chat/completions", { key: tenant.key, json: ask({ stream_options: { include_usage: true } }) });
    expect(res.status).toBe(200);
    const jobId = res.headers.get("location")!.slice("/v1/jobs/".length);
    // Read while the generator works: an unread in-process stream would hold the handler at its first write.
    const [read] = await Promise.all([readSse(res), finishTenantJob(h.db, tenant.tenantId, { delayMs: 800, text })]);
    expect(read.ended).toBe(true);
    const k = kinds(read.events);
    expect(shape(k)).toEqual(["role", "progress", "content", "finish", "usage", "done"]);
    const chunks = read.events.slice(0, -1).map((e) => json<Chunk>(e));
    // Progress chunks: an empty delta (nothing for an SDK to append) and the job's progress as GET /v1/jobs/{id}/events has it.
    const progress = chunks.filter((c) => c.thinktime?.progress);
    for (const c of progress) {
      expect(c).toMatchObject({ id: `chatcmpl-${jobId}`, object: "chat.completion.chunk", choices: [{ index: 0, delta: {}, finish_reason: null }] });
      expect(c.choices[0]!.delta).toEqual({});
    }
    const statuses = progress.map((c) => c.thinktime!.progress!.status);
    expect(statuses).toContain("running");
    expect(statuses.filter((s) => s !== "queued")).toEqual(["running", "succeeded"]);
    const running = progress.find((c) => c.thinktime!.progress!.status === "running")!.thinktime!.progress!;
    expect(running).toMatchObject({ id: jobId, strategy: "best_of_n", best_answer: null, candidates: 0, finished_at: null, started_at: expect.any(String) });
    expect(progress.at(-1)!.thinktime!.progress).toMatchObject({ status: "succeeded", best_answer: "84", candidates: 2, spent: { tokens: 62 } });
    // The answer: one delta per line, newline included, adding up to the non-streaming content.
    const deltas = chunks.filter((_, i) => k[i] === "content").map((c) => c.choices[0]!.delta.content);
    expect(deltas).toEqual(["Let me think.\n", "12 * 7 = 84.\n", "\n", "#### 84"]);
    const [plain] = await Promise.all([
      h.request("POST", "/v1/chat/completions", { key: tenant.key, json: ask({ stream: false }) }),
      finishTenantJob(h.db, tenant.tenantId, { text }),
    ]);
    const completion = (await plain.json()) as { choices: Array<{ message: { content: string } }> };
    expect(deltas.join("")).toBe(completion.choices[0]!.message.content);
    expect(deltas.join("")).toBe(text);
  });

  it("leaves the usage chunk out unless asked", async () => {
    const [res] = await Promise.all([
      h.request("POST", "/v1/chat/completions", { key: acme.key, json: ask() }),
      finishTenantJob(h.db, acme.tenantId),
    ]);
    const read = await readSse(res);
    expect(shape(kinds(read.events))).toEqual(["role", "progress", "content", "finish", "done"]);
    expect(read.events.slice(0, -1).map((e) => json<Chunk>(e).choices.length)).not.toContain(0);
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
    expect(shape(kinds(read.events.slice(0, -1)))).toEqual(["role", "progress"]);
  });

  it("a job still running when the wait runs out ends with a job_timeout error event", async () => {
    const slow = await h.tenant({ name: "slow" });
    const res = await h.request("POST", "/v1/chat/completions", { key: slow.key, json: ask({ thinktime: { wait: 1 } }) });
    const read = await readSse(res);
    expect(json<{ error: { code: string } }>(read.events.at(-1)!).error.code).toBe("job_timeout");
  });

  it("sends one progress chunk and then heartbeats while nothing changes", async () => {
    const job = await h.seedJob(acme.tenantId);
    const sent: unknown[] = [];
    const comments: string[] = [];
    const stream: EventStream = {
      signal: new AbortController().signal,
      send: async (m) => void sent.push(m.data),
      comment: async (t) => void comments.push(t),
      sleep: (ms) => new Promise((r) => setTimeout(r, Math.max(0, ms))),
    };
    const head = completionHead({ id: job.id, created_at: job.createdAt.toISOString() }, "thinktime-greedy");
    const timing = { firstPollMs: 10, pollMs: 20, heartbeatMs: 100 };
    const after = await waitWithProgress(h.db, job, head, 0.5, stream, timing);
    expect(after.status).toBe("queued");
    expect(sent).toEqual([expect.objectContaining({ thinktime: { progress: expect.objectContaining({ id: job.id, status: "queued" }) } })]);
    expect(comments.length).toBeGreaterThanOrEqual(2);
  });

  it("refuses before streaming: unknown model 404, bad body 400, no key 401, as problems", async () => {
    await expectProblem(await h.request("POST", "/v1/chat/completions", { key: acme.key, json: ask({ model: "gpt-4o" }) }), 404, "not_found");
    await expectProblem(await h.request("POST", "/v1/chat/completions", { key: acme.key, json: ask({ messages: [] }) }), 400, "validation_failed");
    await expectProblem(await h.request("POST", "/v1/chat/completions", { json: ask() }), 401, "unauthorized");
  });
});
