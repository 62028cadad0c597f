// The continuous-batching scheduler against the real model: overload, limits, cancellation and tenant fairness.
import { formatPrompt } from "@thinktime/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  Engine, FairQueue, GenerationAborted, type GenerateRequest, type GenerateResult, type SamplingParams,
} from "../src/engine/index.js";
import { POLICY_DIR } from "./model-dir.js";

let engine: Engine; // default limits: runs requests "alone"
let small: Engine; // 3 rows: overload queues
beforeAll(async () => {
  [engine, small] = await Promise.all([
    Engine.load(POLICY_DIR, { intraOpNumThreads: 1 }),
    Engine.load(POLICY_DIR, { intraOpNumThreads: 1, maxBatchRows: 3 }),
  ]);
});
afterAll(async () => {
  await engine?.close();
  await small?.close();
});

const encode = (q: string) => engine.tokenizer.encode(formatPrompt(q));
const params = (p: Partial<SamplingParams> = {}): SamplingParams => ({
  temperature: 1, top_p: 1, seed: 1, max_tokens: 20, n: 1, ...p,
});
const QUESTIONS = [
  "Ana has 12 apples. She gets 5 more. How many apples now?",
  "Ben has 3 coins.",
  "Cal has 40 cards. He loses 7.",
  "Dee has 5 stamps. She gets 9 more.",
];

/** Polls the scheduler while `work` runs; returns its result and the most rows ever decoded together. */
async function watchRows<T>(e: Engine, work: Promise<T>): Promise<{ value: T; maxRows: number }> {
  let maxRows = 0;
  let done = false;
  const poll = (async () => {
    while (!done) {
      maxRows = Math.max(maxRows, e.schedulerStats().rows);
      await new Promise((r) => setImmediate(r));
    }
  })();
  try {
    return { value: await work, maxRows };
  } finally {
    done = true;
    await poll;
  }
}

function expectSameResult(got: GenerateResult, want: GenerateResult) {
  expect(got.promptTokens).toBe(want.promptTokens);
  expect(got.promptFlops).toBe(want.promptFlops);
  expect(got.samples.map((s) => s.tokens)).toEqual(want.samples.map((s) => s.tokens));
  expect(got.samples.map((s) => s.text)).toEqual(want.samples.map((s) => s.text));
  expect(got.samples.map((s) => s.finishReason)).toEqual(want.samples.map((s) => s.finishReason));
  expect(got.samples.map((s) => s.flops)).toEqual(want.samples.map((s) => s.flops));
  got.samples.forEach((s, i) => {
    const w = want.samples[i]!.logprobs;
    for (const [j, lp] of s.logprobs.entries()) expect(Math.abs(lp - w[j]!)).toBeLessThan(1e-4);
  });
}

describe("fair queue", () => {
  it("serves tenants round-robin and removes canceled items", () => {
    const q = new FairQueue<string>();
    for (let i = 0; i < 3; i++) q.push("a", `a${i}`);
    q.push("b", "b0");
    q.push("c", "c0");
    q.push("c", "c1");
    const served: string[] = [];
    q.remove("c0");
    while (q.size > 0) {
      served.push(q.peek()!);
      q.endTurn(true);
    }
    expect(served).toEqual(["a0", "b0", "c1", "a1", "a2"]);
  });

  it("keeps a partly served head at its tenant's front while others take their turns", () => {
    const q = new FairQueue<string>();
    q.push("a", "big");
    q.push("b", "b0");
    expect(q.peek()).toBe("big");
    q.endTurn(false);
    expect(q.peek()).toBe("b0");
    q.endTurn(true);
    expect(q.peek()).toBe("big");
    expect(q.size).toBe(1);
  });
});

describe("continuous batching", () => {
  it("finishes every request under overload with the results each gets alone", async () => {
    const reqs: GenerateRequest[] = QUESTIONS.flatMap((q, i) => [
      { prompt: encode(q), params: params({ n: 2, seed: 10 + i, max_tokens: 12 + 3 * i }), tenant: `t${i % 2}` },
      { prompt: encode(q), params: params({ n: 1, seed: 20 + i, temperature: 0.7, top_p: 0.9 }), tenant: `t${i % 3}` },
    ]);
    const { value: together, maxRows } = await watchRows(small, Promise.all(reqs.map((r) => small.submit(r))));
    expect(maxRows).toBeGreaterThan(1);
    expect(maxRows).toBeLessThanOrEqual(3);
    for (const [i, r] of reqs.entries()) {
      const [alone] = await engine.generate([r]);
      expectSameResult(together[i]!, alone!);
    }
  });

  it("keeps finished rows until an eighth of the batch is done or new rows join, without changing results", async () => {
    const wide = await Engine.load(POLICY_DIR, { intraOpNumThreads: 1, maxBatchRows: 16 });
    try {
      // 12 single-sample requests in 16 rows, each ending at its own early length (before any model would write
      // EOS): they end one at a time, and one dead row of 12 is under an eighth, so it rides along for a step.
      const reqs: GenerateRequest[] = Array.from({ length: 12 }, (_, i) => ({
        prompt: encode(QUESTIONS[i % 4]!), params: params({ n: 1, seed: 40 + i, max_tokens: 2 + i }),
      }));
      const work = Promise.all(reqs.map((r) => wide.submit(r)));
      let done = false;
      void work.finally(() => {
        done = true;
      });
      while (!done) {
        expect(wide.schedulerStats().kvRows).toBeLessThanOrEqual(16);
        await new Promise((r) => setImmediate(r));
      }
      // Counted by the scheduler itself, so the check does not depend on when this loop happens to run.
      expect(wide.schedulerStats().stepsWithFinishedRows).toBeGreaterThan(0);
      const together = await work;
      for (const [i, r] of reqs.entries()) expectSameResult(together[i]!, (await engine.generate([r]))[0]!);
    } finally {
      await wide.close();
    }
  });

  it("never lets a finished long row stretch the batch past the model's positions", async () => {
    const max = engine.maxPositions;
    const long: GenerateRequest = {
      prompt: engine.tokenizer.encode("1".repeat(max - 4)), params: params({ temperature: 0, max_tokens: 50 }),
    };
    const short = Array.from({ length: 8 }, (_, i) => ({ prompt: encode(QUESTIONS[i % 4]!), params: params({ seed: i, max_tokens: 30 }) }));
    let widest = 0;
    let done = false;
    const work = Promise.all([long, ...short].map((r) => engine.submit(r))).finally(() => {
      done = true;
    });
    while (!done) {
      widest = Math.max(widest, engine.schedulerStats().kvColumns);
      await new Promise((r) => setImmediate(r));
    }
    const results = await work;
    expect(widest).toBeLessThanOrEqual(max);
    expect(long.prompt.length + results[0]!.samples[0]!.tokens.length).toBeLessThanOrEqual(max);
    for (const [i, r] of short.entries()) expectSameResult(results[i + 1]!, (await engine.generate([r]))[0]!);
  });

  it("runs a request with more samples than rows in turns, prefilling its prompt once", async () => {
    const req: GenerateRequest = { prompt: encode(QUESTIONS[0]!), params: params({ n: 7, seed: 3, max_tokens: 10 }) };
    const { value: res, maxRows } = await watchRows(small, small.submit(req));
    expect(maxRows).toBeLessThanOrEqual(3);
    expect(res.samples).toHaveLength(7);
    expect(res.promptTokens).toBe(req.prompt.length);
    const [alone] = await engine.generate([req]);
    expectSameResult(res, alone!);
  });

  it("bounds the batch by KV tokens: rows × longest worst-case length", async () => {
    const prompt = encode(QUESTIONS[1]!);
    const reserve = prompt.length + 16;
    const tight = await Engine.load(POLICY_DIR, { intraOpNumThreads: 1, maxKvTokens: 2 * reserve + 1 });
    try {
      const reqs = [1, 2, 3, 4].map((seed) => ({ prompt, params: params({ seed, max_tokens: 16 }) }));
      const { value, maxRows } = await watchRows(tight, Promise.all(reqs.map((r) => tight.submit(r))));
      expect(maxRows).toBe(2);
      for (const [i, r] of reqs.entries()) expectSameResult(value[i]!, (await engine.generate([r]))[0]!);
    } finally {
      await tight.close();
    }
  });

  it("frees a canceled request's rows at the next step and runs the waiting request", async () => {
    const ac = new AbortController();
    const long = small.submit(
      { prompt: encode(QUESTIONS[2]!), params: params({ n: 3, seed: 5, max_tokens: 300 }), tenant: "a" },
      { signal: ac.signal },
    );
    const waitingReq: GenerateRequest = { prompt: encode(QUESTIONS[3]!), params: params({ seed: 6, max_tokens: 10 }), tenant: "b" };
    const waiting = small.submit(waitingReq);
    // Let the long request decode a couple of steps in its three rows (the waiting one is queued behind it).
    const t0 = small.schedulerStats().steps;
    while (small.schedulerStats().steps < t0 + 2) await new Promise((r) => setImmediate(r));
    const atAbort = small.schedulerStats().steps;
    ac.abort(new Error("canceled"));
    const err = (await long.catch((e: unknown) => e)) as GenerationAborted;
    expect(err).toBeInstanceOf(GenerationAborted);
    // Rejected before a second step: its rows no longer count, so at most the waiting request decodes now.
    expect(small.schedulerStats().steps - atAbort).toBeLessThanOrEqual(1);
    expect(small.schedulerStats().rows).toBeLessThanOrEqual(1);
    expect(err.spent.promptTokens).toBeGreaterThan(0);
    expect(err.spent.generatedTokens).toBeGreaterThanOrEqual(3 * 2);
    expect(err.spent.generatedTokens).toBeLessThan(3 * 300);
    expectSameResult(await waiting, (await engine.generate([waitingReq]))[0]!);
    expect(small.schedulerStats()).toMatchObject({ rows: 0, queued: 0 });
  });

  it("a canceled queued request rejects without work", async () => {
    const ac = new AbortController();
    const busy = small.submit({ prompt: encode(QUESTIONS[0]!), params: params({ n: 3, max_tokens: 30 }) });
    const queued = small.submit({ prompt: encode(QUESTIONS[1]!), params: params() }, { signal: ac.signal });
    ac.abort(new Error("never mind"));
    const err = (await queued.catch((e: unknown) => e)) as GenerationAborted;
    expect(err).toBeInstanceOf(GenerationAborted);
    expect(err.spent).toEqual({ promptTokens: 0, generatedTokens: 0, flops: 0 });
    await busy;
  });

  it("does not make one tenant's single request wait for another tenant's backlog of 50", async () => {
    const fair = await Engine.load(POLICY_DIR, { intraOpNumThreads: 1, maxBatchRows: 2 });
    try {
      const order: string[] = [];
      const track = (name: string, p: Promise<GenerateResult>) => p.then((r) => {
        order.push(name);
        return r;
      });
      const backlog = Array.from({ length: 50 }, (_, i) =>
        track(`big${i}`, fair.submit({ prompt: encode(QUESTIONS[i % 4]!), params: params({ seed: i, max_tokens: 12 }), tenant: "big" })),
      );
      // The other tenant asks after the backlog is queued (submit queues synchronously).
      const single = track("single", fair.submit({ prompt: encode(QUESTIONS[1]!), params: params({ seed: 99, max_tokens: 12 }), tenant: "solo" }));
      await Promise.all([...backlog, single]);
      expect(order).toHaveLength(51);
      // Round-robin admission: it joins at the first free row, so at most the rows ahead of it finish first.
      expect(order.indexOf("single"), order.slice(0, 8).join(" ")).toBeLessThanOrEqual(4);
    } finally {
      await fair.close();
    }
  });
});
