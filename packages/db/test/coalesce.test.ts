import { describe, expect, it } from "vitest";
import { coalesce, Rejected } from "../src/coalesce.js";

const tick = () => new Promise((r) => setTimeout(r, 1));

describe("coalesce", () => {
  it("runs a lone call alone", async () => {
    const batches: number[][] = [];
    const double = coalesce(
      async (xs: number[]) => {
        batches.push(xs);
        return xs.map((x) => 2 * x);
      },
      { maxBatch: 8, maxInFlight: 1 },
    );
    expect(await double(3)).toBe(6);
    expect(batches).toEqual([[3]]);
  });

  it("batches the calls made together, in order, up to maxBatch", async () => {
    const batches: number[][] = [];
    const double = coalesce(
      async (xs: number[]) => {
        batches.push(xs);
        await tick();
        return xs.map((x) => 2 * x);
      },
      { maxBatch: 3, maxInFlight: 1 },
    );
    const out = await Promise.all([1, 2, 3, 4, 5, 6, 7].map((x) => double(x)));
    expect(out).toEqual([2, 4, 6, 8, 10, 12, 14]);
    expect(batches).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
  });

  it("keeps at most maxInFlight batches running", async () => {
    let running = 0;
    let most = 0;
    const id = coalesce(
      async (xs: number[]) => {
        running += 1;
        most = Math.max(most, running);
        await tick();
        running -= 1;
        return xs;
      },
      { maxBatch: 2, maxInFlight: 2 },
    );
    await Promise.all(Array.from({ length: 20 }, (_, i) => id(i)));
    expect(most).toBe(2);
  });

  it("rejects every call of a failed batch and goes on with the next", async () => {
    const flaky = coalesce(
      async (xs: number[]) => {
        await tick();
        if (xs.includes(2)) throw new Error("boom");
        return xs;
      },
      { maxBatch: 2, maxInFlight: 1 },
    );
    const settled = await Promise.allSettled([1, 3, 2, 4, 5].map((x) => flaky(x)));
    expect(settled.map((s) => s.status)).toEqual(["fulfilled", "fulfilled", "rejected", "rejected", "fulfilled"]);
  });

  it("batches calls that arrive while a batch is in flight into the next one", async () => {
    const batches: number[][] = [];
    const id = coalesce(
      async (xs: number[]) => {
        batches.push(xs);
        await tick();
        return xs;
      },
      { maxBatch: 8, maxInFlight: 1 },
    );
    const first = id(1);
    await new Promise((r) => setImmediate(r));
    const later = [2, 3, 4].map((x) => id(x));
    await Promise.all([first, ...later]);
    expect(batches).toEqual([[1], [2, 3, 4]]);
  });

  it("a Rejected result rejects only its own call", async () => {
    const odd = coalesce(async (xs: number[]) => xs.map((x) => (x % 2 ? new Rejected(new Error(`odd ${x}`)) : x)), { maxBatch: 8, maxInFlight: 1 });
    const settled = await Promise.allSettled([1, 2, 3, 4].map((x) => odd(x)));
    expect(settled.map((s) => (s.status === "fulfilled" ? s.value : (s.reason as Error).message))).toEqual(["odd 1", 2, "odd 3", 4]);
  });

  it("rejects when run returns the wrong number of results", async () => {
    const bad = coalesce(async () => [], { maxBatch: 2, maxInFlight: 1 });
    await expect(bad(1)).rejects.toThrow(/0 results for 1 items/);
  });
});
