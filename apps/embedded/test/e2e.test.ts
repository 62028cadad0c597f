// One real job end to end: three service processes on a file-backed PGlite, over HTTP, checked down to the rows.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { arithSplit, normalizeAnswer } from "@thinktime/core";
import { SCOPES } from "@thinktime/core/api/keys";
import { candidates as candidatesTable, usageEvents } from "@thinktime/db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStack, type Stack } from "../src/stack.js";

interface Candidate { index: number; text: string; answer: string | null; tokens: number; score: number | null; chosen: boolean }
interface Job {
  id: string; status: string; strategy: string;
  result: {
    answer: string | null; chosen: number | null;
    plan?: { strategy: string; why: { version: string; bin: number; bucket: number; difficulty: number | null }; probe: { n: number; scores: number[] } | null };
  } | null;
  candidates: Candidate[];
  usage: { prompt_tokens: number; generated_tokens: number; verifier_tokens: number; flops: number } | null;
}

const dataDir = mkdtempSync(join(tmpdir(), "thinktime-e2e-"));
let stack: Stack;
let key: string;
const problem = arithSplit("test", { steps: 2, count: 1 })[0]!;
// Verifier calls may retry for a minute: long enough for the restart test to bring the verifier back.
const STACK = { dataDir, echo: process.env.E2E_ECHO === "1", generatorEnv: { VERIFIER_TOTAL_TIMEOUT_MS: "60000", VERIFIER_MAX_ATTEMPTS: "30" } };

async function submit(body: object, apiKey = key): Promise<Response> {
  return fetch(`${stack.edgeUrl}/v1/jobs`, {
    method: "POST",
    headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

async function waitDone(id: string): Promise<Job> {
  const deadline = Date.now() + 180_000;
  for (;;) {
    const res = await fetch(`${stack.edgeUrl}/v1/jobs/${id}`, { headers: { authorization: `Bearer ${key}` } });
    if (res.status !== 200) {
      // Say why: the problem body and what the edge process printed around it.
      const edge = stack.services.find((s) => s.name === "edge")?.output().slice(-4000) ?? "";
      throw new Error(`GET /v1/jobs/${id} -> ${res.status} ${await res.text()}\nedge output:\n${edge}`);
    }
    const job = (await res.json()) as Job;
    if (["succeeded", "failed", "canceled"].includes(job.status)) return job;
    if (Date.now() > deadline) throw new Error(`job ${id} still ${job.status}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

beforeAll(async () => {
  stack = await startStack(STACK);
  ({ key } = await stack.createKey("e2e"));
});

afterAll(async () => {
  await stack?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("a job through edge, generator and verifier as separate processes", () => {
  it("runs best-of-N: the chosen candidate has the top verifier score and usage is written once", async () => {
    const res = await submit({ question: problem.question, strategy: "best_of_n", n: 4, seed: 7, max_tokens: 160 });
    expect(res.status).toBe(201);
    const job = await waitDone(((await res.json()) as Job).id);
    expect(job.status).toBe("succeeded");
    expect(job.candidates).toHaveLength(4);
    const chosen = job.candidates.filter((c) => c.chosen);
    expect(chosen).toHaveLength(1);
    const top = Math.max(...job.candidates.map((c) => c.score ?? -1));
    expect(chosen[0]!.score).toBe(top);
    expect(job.result?.chosen).toBe(chosen[0]!.index);
    expect(job.result?.answer).toBe(chosen[0]!.answer);

    const rows = await stack.db.db.select().from(usageEvents).where(eq(usageEvents.jobId, job.id));
    expect(rows).toHaveLength(1);
    const usage = rows[0]!;
    expect(usage.generatedTokens).toBe(job.candidates.reduce((a, c) => a + c.tokens, 0));
    expect(usage.promptTokens).toBeGreaterThan(problem.question.length); // BOS + question + newline, counted once
    expect(usage.verifierTokens).toBeGreaterThan(0);
    expect(usage.flops).toBeGreaterThan(0);
    expect(job.usage).toMatchObject({ generated_tokens: usage.generatedTokens, verifier_tokens: usage.verifierTokens });
    const stored = await stack.db.db.select().from(candidatesTable).where(eq(candidatesTable.jobId, job.id));
    expect(stored).toHaveLength(4);
  });

  it("runs majority: the answer is the most frequent candidate answer", async () => {
    const res = await submit({ question: problem.question, strategy: "majority", n: 6, seed: 11, max_tokens: 160 });
    const job = await waitDone(((await res.json()) as Job).id);
    expect(job.status).toBe("succeeded");
    const counts = new Map<string, number>();
    for (const c of job.candidates) if (c.answer !== null) counts.set(normalizeAnswer(c.answer), (counts.get(normalizeAnswer(c.answer)) ?? 0) + 1);
    const best = Math.max(0, ...counts.values());
    if (best === 0) expect(job.result?.answer).toBeNull();
    else expect(counts.get(normalizeAnswer(job.result!.answer!))).toBe(best);
  });

  it("runs auto with the committed policy table: probe, plan and why reported, within the FLOPs budget", async () => {
    const table = JSON.parse(readFileSync(new URL("../../../models/planner/policy-table.json", import.meta.url), "utf8")) as {
      version: string; budget_buckets: number[]; policy: Record<string, unknown>[][];
    };
    // A budget in the table's third bucket: enough for a probe and a plan with several samples.
    const flops = table.budget_buckets[Math.min(3, table.budget_buckets.length - 1)]! * 1.5;
    const res = await submit({ question: problem.question, strategy: "auto", seed: 3, max_tokens: 160, budget: { flops } });
    expect(res.status).toBe(201);
    const job = await waitDone(((await res.json()) as Job).id);
    expect(job.status).toBe("succeeded");
    const plan = job.result?.plan;
    expect(plan?.why.version).toBe(table.version);
    // Where every bin's entry at this budget's bucket is one config, no probe could change the plan and none is run.
    const column = table.policy.map((row) => JSON.stringify(row[plan!.why.bucket]));
    if (column.every((c) => c === column[0])) {
      expect(plan?.probe).toBeNull();
      expect(plan?.why.difficulty).toBeNull();
      expect(plan?.strategy).toBe(table.policy[0]![plan!.why.bucket]!.strategy);
    } else {
      expect(plan?.probe?.scores.length).toBe(plan?.probe?.n);
      expect(plan?.probe?.scores.every((s) => s >= 0 && s <= 1)).toBe(true);
    }
    expect(job.usage!.flops).toBeLessThanOrEqual(flops);
    expect(job.candidates.length).toBeGreaterThan(0);
  });

  it("runs greedy twice with the same answer, and another tenant cannot see the job", async () => {
    const a = await waitDone(((await (await submit({ question: problem.question, strategy: "greedy" })).json()) as Job).id);
    const b = await waitDone(((await (await submit({ question: problem.question, strategy: "greedy" })).json()) as Job).id);
    expect(a.candidates).toHaveLength(1);
    expect(a.candidates[0]!.text).toBe(b.candidates[0]!.text);
    const other = await stack.createKey("someone-else");
    const res = await fetch(`${stack.edgeUrl}/v1/jobs/${a.id}`, { headers: { authorization: `Bearer ${other.key}` } });
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
  });

  it("rejects bad input with problem+json and writes nothing", async () => {
    const before = await stack.db.db.select().from(usageEvents);
    const cases = [
      submit({ question: "" }),
      submit({ question: "q", n: 10_000 }),
      submit({ question: "q", strategy: "nope" }),
      fetch(`${stack.edgeUrl}/v1/jobs`, { method: "POST", headers: { authorization: `Bearer ${key}` }, body: "{oops" }),
      submit({ question: "q" }, "tt_not_a_real_key"),
    ];
    for (const res of await Promise.all(cases)) {
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
    }
    expect(await stack.db.db.select().from(usageEvents)).toHaveLength(before.length);
  });

  it("gives the local operator key the admin API, and a tenant key a 403 there", async () => {
    const operator = await stack.createKey("local-operator", { operator: true, scopes: [...SCOPES] });
    const asOperator = await fetch(`${stack.edgeUrl}/admin/tenants`, { headers: { authorization: `Bearer ${operator.key}` } });
    expect(asOperator.status).toBe(200);
    const names = ((await asOperator.json()) as { data: { name: string }[] }).data.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(["e2e", "local-operator"]));
    const asTenant = await fetch(`${stack.edgeUrl}/admin/tenants`, { headers: { authorization: `Bearer ${key}` } });
    expect(asTenant.status).toBe(403);
  });

  it("survives a verifier restart mid-job: scoring retries until the verifier is back", async () => {
    const generator = stack.services.find((s) => s.name === "generator")!;
    const mark = generator.output().length;
    let id = "";
    await stack.restart("verifier", async () => {
      const res = await submit({ question: problem.question, strategy: "best_of_n", n: 4, seed: 5, max_tokens: 160 });
      expect(res.status).toBe(201);
      id = ((await res.json()) as Job).id;
      // The job has sampled and is now retrying against the stopped verifier.
      const deadline = Date.now() + 120_000;
      while (!generator.output().slice(mark).includes('"msg":"verifier retry"')) {
        if (Date.now() > deadline) throw new Error(`no verifier retry seen:\n${generator.output().slice(mark)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    });
    const job = await waitDone(id);
    expect(job.status).toBe("succeeded");
    expect(job.candidates).toHaveLength(4);
    for (const c of job.candidates) expect(c.score).not.toBeNull();
  });

  it("keeps jobs across a restart of the whole stack (file-backed PGlite)", async () => {
    const list = await (await fetch(`${stack.edgeUrl}/v1/jobs?limit=100`, { headers: { authorization: `Bearer ${key}` } })).json() as { data: Job[] };
    expect(list.data.length).toBeGreaterThanOrEqual(4);
    await stack.stop();
    stack = await startStack(STACK);
    const res = await fetch(`${stack.edgeUrl}/v1/jobs/${list.data[0]!.id}`, { headers: { authorization: `Bearer ${key}` } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as Job).status).toBe("succeeded");
  });
});
