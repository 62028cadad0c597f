// The official `openai` SDK against the edge served over HTTP on loopback: models, completions, streams and errors.
import { createApiKey, createTenant } from "@thinktime/db";
import { createTestDatabase, type TestDatabase } from "@thinktime/db/testing";
import OpenAI from "openai";
import type { ChatCompletionCreateParamsNonStreaming } from "openai/resources/chat/completions";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { finishTenantJob } from "../../../../../test/generator.js";
import { type RunningEdge, startEdge } from "../../../../node.js";

describe("the openai SDK over HTTP", () => {
  let t: TestDatabase;
  let edge: RunningEdge;
  let tenantId: string;
  let client: OpenAI;

  beforeAll(async () => {
    t = await createTestDatabase("pg");
    edge = await startEdge({ db: t.db });
    tenantId = (await createTenant(t.db, "acme")).id;
    const { key } = await createApiKey(t.db, tenantId);
    client = new OpenAI({ baseURL: `${edge.url}/v1`, apiKey: key, maxRetries: 0 });
  });
  afterAll(async () => {
    await edge?.close();
    await t?.dispose();
  });

  const question = { role: "user" as const, content: "What is 12 * 7?" };

  it("lists the models", async () => {
    const ids = [];
    for await (const m of client.models.list()) ids.push(m.id);
    expect(ids).toEqual(expect.arrayContaining(["thinktime-greedy", "thinktime-best-of-16", "thinktime-majority-8"]));
  });

  it("creates a completion", async () => {
    const [completion] = await Promise.all([
      client.chat.completions.create({ model: "thinktime-majority-8", messages: [question] }),
      finishTenantJob(t.db, tenantId, { delayMs: 100 }),
    ]);
    expect(completion.object).toBe("chat.completion");
    expect(completion.choices[0]?.message.content).toBe("12 * 7 = 84. #### 84");
    expect(completion.usage).toMatchObject({ prompt_tokens: 20, completion_tokens: 30, total_tokens: 50 });
    expect((completion as unknown as { thinktime: { strategy: string } }).thinktime.strategy).toBe("majority");
  });

  it("passes `thinktime` through as an extra body field", async () => {
    const params = { model: "thinktime-best-of-n", messages: [question], thinktime: { n: 3 } } as ChatCompletionCreateParamsNonStreaming;
    const [completion] = await Promise.all([client.chat.completions.create(params), finishTenantJob(t.db, tenantId)]);
    const jobId = (completion as unknown as { thinktime: { job_id: string } }).thinktime.job_id;
    const job = await client.get<{ params: { n: number } }>(`/jobs/${jobId}`);
    expect(job.params.n).toBe(3);
  });

  it("streams a completion", async () => {
    const [stream] = await Promise.all([
      client.chat.completions.create({ model: "thinktime-best-of-16", messages: [question], stream: true, stream_options: { include_usage: true } }),
      finishTenantJob(t.db, tenantId, { delayMs: 200 }),
    ]);
    let text = "";
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | null | undefined;
    const statuses: string[] = [];
    for await (const chunk of stream) {
      const progress = (chunk as unknown as { thinktime?: { progress?: { status: string } } }).thinktime?.progress;
      if (progress) statuses.push(progress.status);
      text += chunk.choices[0]?.delta.content ?? "";
      finish = chunk.choices[0]?.finish_reason ?? finish;
      usage = chunk.usage ?? usage;
    }
    expect(text).toBe("12 * 7 = 84. #### 84");
    expect(finish).toBe("stop");
    expect(usage).toMatchObject({ total_tokens: 50 });
    expect(statuses.at(-1)).toBe("succeeded");
  });

  it("surfaces a job failing mid-stream as an APIError", async () => {
    const [stream] = await Promise.all([
      client.chat.completions.create({ model: "thinktime-greedy", messages: [question], stream: true }),
      finishTenantJob(t.db, tenantId, { fail: "boom" }),
    ]);
    const drain = async () => {
      for await (const _ of stream);
    };
    await expect(drain()).rejects.toThrow(/boom/);
  });

  it("maps problems to the SDK's errors: unknown model 404, bad body 400, bad key 401, no credits 402", async () => {
    await expect(client.chat.completions.create({ model: "gpt-4o", messages: [question] })).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    await expect(client.chat.completions.create({ model: "thinktime-greedy", messages: [] })).rejects.toBeInstanceOf(OpenAI.BadRequestError);
    const stranger = new OpenAI({ baseURL: `${edge.url}/v1`, apiKey: "tt_notakey", maxRetries: 0 });
    await expect(stranger.models.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    const poor = await createTenant(t.db, "poor", { monthlyCredits: 1 });
    const poorClient = new OpenAI({ baseURL: `${edge.url}/v1`, apiKey: (await createApiKey(t.db, poor.id)).key, maxRetries: 0 });
    await expect(poorClient.chat.completions.create({ model: "thinktime-greedy", messages: [question] })).rejects.toMatchObject({ status: 402 });
  });
});
