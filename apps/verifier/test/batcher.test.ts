// DynamicBatcher on its own: coalescing within the window, the row budget, order of results, errors, drain.
import { describe, expect, it } from "vitest";
import { DynamicBatcher } from "../src/batcher.js";

/** A model stand-in (the unit's edge): records each run's rows and returns row * 10. */
function recorder(delayMs = 0) {
  const runs: number[][] = [];
  const run = async (rows: readonly number[]) => {
    runs.push([...rows]);
    if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
    return rows.map((r) => r * 10);
  };
  return { runs, run };
}

describe("DynamicBatcher", () => {
  it("coalesces submissions that arrive within the window into one run, each getting its own results", async () => {
    const { runs, run } = recorder();
    const b = new DynamicBatcher(run, { maxWaitMs: 5 });
    const out = await Promise.all([b.submit([1, 2]), b.submit([3]), b.submit([4, 5, 6])]);
    expect(out).toEqual([[10, 20], [30], [40, 50, 60]]);
    expect(runs).toEqual([[1, 2, 3, 4, 5, 6]]);
  });

  it("runs at once when the row budget fills, and never splits a submission", async () => {
    const { runs, run } = recorder(5);
    const b = new DynamicBatcher(run, { maxBatch: 4, maxWaitMs: 1000 });
    const started = Date.now();
    const out = await Promise.all([b.submit([1, 2]), b.submit([3, 4]), b.submit([5, 6, 7]), b.submit([8])]);
    expect(Date.now() - started).toBeLessThan(500);
    expect(out.flat()).toEqual([10, 20, 30, 40, 50, 60, 70, 80]);
    expect(runs).toEqual([
      [1, 2, 3, 4],
      [5, 6, 7, 8],
    ]);
  });

  it("queues what arrives during a run and runs it next, one run at a time", async () => {
    const { runs, run } = recorder(20);
    const b = new DynamicBatcher(run, { maxWaitMs: 1 });
    const first = b.submit([1]);
    await new Promise((r) => setTimeout(r, 5));
    const later = [b.submit([2]), b.submit([3])];
    await Promise.all([first, ...later]);
    expect(runs).toEqual([[1], [2, 3]]);
  });

  it("when disabled, runs every submission on its own", async () => {
    const { runs, run } = recorder();
    const b = new DynamicBatcher(run, { enabled: false });
    await Promise.all([b.submit([1]), b.submit([2, 3])]);
    expect(runs).toEqual([[1], [2, 3]]);
  });

  it("rejects only the submissions of a failed run, and reports every run's size", async () => {
    const sizes: number[] = [];
    let calls = 0;
    const b = new DynamicBatcher(
      async (rows: readonly number[]) => {
        if (calls++ === 0) throw new Error("boom");
        return rows.map((r) => r);
      },
      { maxWaitMs: 1, onRun: (n) => sizes.push(n) },
    );
    const failed = Promise.all([b.submit([1]), b.submit([2])]);
    await expect(failed).rejects.toThrow("boom");
    await expect(b.submit([3])).resolves.toEqual([3]);
    expect(sizes).toEqual([2, 1]);
  });

  it("drain resolves once everything queued or running has finished", async () => {
    const { run } = recorder(30);
    const b = new DynamicBatcher(run, { maxWaitMs: 10 });
    let done = false;
    void b.submit([1]).then(() => (done = true));
    await b.drain();
    expect(done).toBe(true);
    await b.drain();
  });
});
