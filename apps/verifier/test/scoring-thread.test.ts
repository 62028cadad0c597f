// Models in worker threads: the same scores as in-process, errors carried back, and an event loop that stays free.
import type { Worker } from "node:worker_threads";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OrmScorer } from "../src/orm-scorer.js";
import { PrmScorer } from "../src/prm-scorer.js";
import { startVerifier } from "../src/server.js";
import { encodeSteps } from "../src/steps.js";
import { ScoringThreadExited, ThreadedOrmScorer, ThreadedPrmScorer } from "../src/threaded-scorer.js";
import { ARITH_QUESTION, ARITH_STEPS, expectProblem, ORM_DIR, PRM_DIR, postJson, QUESTION, SOLUTIONS, TINY_PRM_DIR, TOKEN } from "./helpers.js";

let prm: PrmScorer;
let threadedPrm: ThreadedPrmScorer;
beforeAll(async () => {
  [prm, threadedPrm] = await Promise.all([PrmScorer.load(TINY_PRM_DIR, { threads: 1 }), ThreadedPrmScorer.load(TINY_PRM_DIR, { threads: 1 })]);
});
afterAll(async () => {
  await prm?.close();
  await threadedPrm?.close();
});

/** Ends a scoring thread as a crash would (its `exit` request: after the run in progress, answering nothing), and
 * waits until it has. A terminate() mid-run can abort the whole process inside onnxruntime. */
function stopAsACrash(worker: Worker): Promise<void> {
  const exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
  worker.postMessage({ id: -1, op: "exit" });
  return exited;
}

const rowsFor = (solutions: readonly string[]) =>
  solutions.map((s) => {
    const e = encodeSteps(prm.tokenizer, QUESTION, s);
    return { tokens: e.tokens, readAt: e.stepEnds, cuts: e.cuts };
  });

describe("ThreadedPrmScorer / ThreadedOrmScorer", () => {
  it("score exactly what the in-process scorers do, the PRM's KV cache kept in the thread", async () => {
    const solutions = SOLUTIONS.filter((s) => s.trim() !== "");
    expect(await threadedPrm.scoreRows(rowsFor(solutions))).toEqual(await prm.scoreRows(rowsFor(solutions)));
    // Grown by a step: the thread's cache serves the prefix, and the scores still match.
    const grown = solutions.map((s) => `${s}\nAnswer: 1`);
    const [inThread, inProcess] = [await threadedPrm.scoreRows(rowsFor(grown)), await prm.scoreRows(rowsFor(grown))];
    expect(inThread).toEqual(inProcess);
    expect(inThread.every((r) => r.cachedTokens > 0)).toBe(true);
    expect(threadedPrm.cacheBytes()).toBe(prm.cacheBytes());
    expect(threadedPrm.cacheBytes()).toBeGreaterThan(0);

    const [orm, threadedOrm] = await Promise.all([OrmScorer.load(ORM_DIR, { threads: 1 }), ThreadedOrmScorer.load(ORM_DIR, { threads: 1 })]);
    try {
      const seqs = SOLUTIONS.map((s) => orm.encode(QUESTION, s));
      expect(threadedOrm.encode(QUESTION, SOLUTIONS[0]!)).toEqual(seqs[0]);
      expect(await threadedOrm.score(seqs)).toEqual(await orm.score(seqs));
    } finally {
      await Promise.all([orm.close(), threadedOrm.close()]);
    }
  });

  it("carry a scorer's error back as the same error type, and keep serving", async () => {
    await expect(threadedPrm.scoreRows([{ tokens: [], readAt: [], cuts: [] }])).rejects.toThrow(RangeError);
    await expect(threadedPrm.scoreRows([{ tokens: [1, 5, 6], readAt: [7], cuts: [] }])).rejects.toThrow(/reads position 7/);
    const [r] = await threadedPrm.scoreRows(rowsFor([SOLUTIONS[0]!]));
    expect(r!.scores).toHaveLength(3);
  });

  it("refuse to load from a directory without a model, and after close refuse calls", async () => {
    await expect(ThreadedPrmScorer.load(ORM_DIR)).rejects.toThrow(/model_kv\.onnx/);
    await expect(ThreadedOrmScorer.load(ORM_DIR, { maxBatch: 0 })).rejects.toThrow(/maxBatch/);
    const scorer = await ThreadedPrmScorer.load(TINY_PRM_DIR, { threads: 1 });
    await scorer.close();
    await scorer.close();
    await expect(scorer.scoreRows(rowsFor([SOLUTIONS[0]!]))).rejects.toThrow(/closed/);
  });

  it("restart a thread that stops unasked: its calls fail as ScoringThreadExited, the next ones are served", async () => {
    const scorer = await ThreadedPrmScorer.load(TINY_PRM_DIR, { threads: 1 });
    // The thread's worker, reached past the privates (nothing in the product stops it).
    const model = (scorer as unknown as { thread: { current: Promise<{ worker: Worker }>; restarts: number } }).thread;
    try {
      const rows = rowsFor(SOLUTIONS.filter((s) => s.trim() !== ""));
      const before = await scorer.scoreRows(rows);
      // The stop reaches the thread before the call does (messages keep their order), so the call is held when it dies.
      const stopped = stopAsACrash((await model.current).worker);
      const pending = scorer.scoreRows(rows);
      await stopped;
      await expect(pending).rejects.toThrow(ScoringThreadExited);
      expect(await scorer.scoreRows(rows)).toEqual(before);
      expect(model.restarts).toBe(1);
    } finally {
      await scorer.close();
    }
  });

  it("answer 503 not_ready (retry) over HTTP for the requests a stopped thread held", async () => {
    // The trained PRM and one uncapped run, so the request is still in the model when its thread is killed.
    const v = await startVerifier({ port: 0, host: "127.0.0.1", token: TOKEN, ormDir: ORM_DIR, prmDir: PRM_DIR, kvCacheBytes: 0, maxRunTokens: Number.POSITIVE_INFINITY });
    try {
      const prmScorer = (v.verifiers.get("prm") as unknown as { scorer: { thread: { current: Promise<{ worker: Worker }> } } }).scorer;
      const long = Array.from({ length: 48 }, (_, i) => ({
        question: `${ARITH_QUESTION} (${i})`,
        solution: Array.from({ length: 12 }, (_, k) => ARITH_STEPS[k % 3]).join("\n"),
      }));
      const held = postJson(v.url, "/v1/score-steps", { items: long });
      while (v.metrics.batchSize.count({ model: "prm" }) === 0) await new Promise((r) => setTimeout(r, 1));
      await stopAsACrash((await prmScorer.thread.current).worker);
      const body = await expectProblem(await held, 503, "not_ready");
      expect(body.detail).toMatch(/scoring thread stopped/);
      const again = await postJson(v.url, "/v1/score-steps", { items: long.slice(0, 2) });
      expect(again.status).toBe(200);
      const metrics = await (await fetch(`${v.url}/metrics`)).text();
      expect(metrics).toMatch(/^verifier_scoring_thread_restarts_total\{model="prm"\} 1$/m);
      expect(metrics).not.toMatch(/verifier_scoring_thread_restarts_total\{model="orm"\}/);
    } finally {
      await v.close();
    }
  });
});

describe("the verifier's event loop while a batch runs", () => {
  // 48 long solutions through the trained PRM in one ONNX run (no token cap): a second or more of onnxruntime work.
  const long = Array.from({ length: 48 }, (_, i) => ({
    question: `${ARITH_QUESTION} (${i})`,
    solution: Array.from({ length: 12 }, (_, k) => ARITH_STEPS[k % 3]).join("\n"),
  }));

  for (const scoringThreads of [true, false]) {
    it(`${scoringThreads ? "answers /healthz before" : "on the event loop (the baseline), answers /healthz only after"} a long scoring request finishes`, async () => {
      const v = await startVerifier({ port: 0, host: "127.0.0.1", token: TOKEN, ormDir: ORM_DIR, prmDir: PRM_DIR, kvCacheBytes: 0, maxRunTokens: Number.POSITIVE_INFINITY, scoringThreads });
      try {
        const order: string[] = [];
        const scoring = postJson(v.url, "/v1/score-steps", { items: long }).then(async (res) => {
          expect(res.status).toBe(200);
          await res.arrayBuffer();
          order.push("score");
        });
        // Once the batcher has handed the rows to the model (polled in-process: the run is next on the event loop).
        while (v.metrics.batchSize.count({ model: "prm" }) === 0) await new Promise((r) => setTimeout(r, 1));
        const health = fetch(`${v.url}/healthz`).then(async (res) => {
          expect(res.status).toBe(200);
          await res.arrayBuffer();
          order.push("healthz");
        });
        await Promise.all([scoring, health]);
        expect(order).toEqual(scoringThreads ? ["healthz", "score"] : ["score", "healthz"]);
      } finally {
        await v.close();
      }
    });
  }
});
