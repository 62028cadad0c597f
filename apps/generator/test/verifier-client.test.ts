// The verifier client over real loopback HTTP: contract, bounded retries, and which failures are not retried.
import { describe, expect, it } from "vitest";
import { VerifierClient, VerifierError } from "../src/verifier-client.js";
import { deadUrl, lengthScore, pairTokens, startStandIn } from "./verifier-stand-in.js";

const items = [
  { question: "Ana has 2 apples.", solution: "2+3=5\nAnswer: 5" },
  { question: "Ana has 2 apples.", solution: "" },
];
const fast = { baseDelayMs: 10, maxDelayMs: 40 };

describe("VerifierClient", () => {
  it("posts items with the bearer token and returns scores and tokens", async () => {
    const v = await startStandIn();
    try {
      const res = await new VerifierClient({ url: `${v.url}/`, token: v.token }).score(items);
      expect(res.scores).toEqual(items.map((i) => lengthScore(i.solution)));
      expect(res.tokens).toBe(items.reduce((n, i) => n + pairTokens(i.question, i.solution), 0));
      expect(v.items).toEqual(items);
    } finally {
      await v.close();
    }
  });

  it("splits large batches into requests the verifier accepts", async () => {
    const v = await startStandIn();
    try {
      const many = Array.from({ length: 5 }, (_, i) => ({ question: "q", solution: "x".repeat(i) }));
      const res = await new VerifierClient({ url: v.url, token: v.token, maxItemsPerRequest: 2 }).score(many);
      expect(v.calls).toBe(3);
      expect(res.scores).toEqual(many.map((i) => lengthScore(i.solution)));
    } finally {
      await v.close();
    }
  });

  it("retries 5xx and then succeeds", async () => {
    const v = await startStandIn();
    v.modes = ["503", "503"];
    try {
      const res = await new VerifierClient({ url: v.url, token: v.token, ...fast }).score(items);
      expect(v.calls).toBe(3);
      expect(res.scores).toHaveLength(2);
    } finally {
      await v.close();
    }
  });

  it("gives up after maxAttempts with verifier_unavailable", async () => {
    const v = await startStandIn();
    v.defaultMode = "503";
    try {
      const err = await new VerifierClient({ url: v.url, token: v.token, ...fast, maxAttempts: 4 }).score(items).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(VerifierError);
      expect(err).toMatchObject({ code: "verifier_unavailable", details: { attempts: 4, status: 503 } });
      expect(v.calls).toBe(4);
    } finally {
      await v.close();
    }
  });

  it("does not retry a refused request (401) or a malformed answer", async () => {
    const v = await startStandIn();
    v.modes = ["401", "garbage"];
    try {
      const client = new VerifierClient({ url: v.url, token: v.token, ...fast });
      await expect(client.score(items)).rejects.toMatchObject({ code: "verifier_rejected", details: { status: 401 } });
      await expect(client.score(items)).rejects.toMatchObject({ code: "verifier_bad_response" });
      expect(v.calls).toBe(2);
    } finally {
      await v.close();
    }
  });

  it("fails within its time budget when nothing listens (default retry settings)", async () => {
    const t0 = Date.now();
    const err = await new VerifierClient({ url: await deadUrl(), token: "t" }).score(items).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "verifier_unavailable", details: { attempts: 5 } });
    expect((err as Error).message).toMatch(/ECONNREFUSED|network error/);
    expect(Date.now() - t0).toBeLessThan(15_000);
  }, 20_000);

  it("bounds a hanging verifier by attempt and total timeouts", async () => {
    const v = await startStandIn();
    v.defaultMode = "hang";
    const t0 = Date.now();
    try {
      const err = await new VerifierClient({ url: v.url, token: v.token, ...fast, attemptTimeoutMs: 150, totalTimeoutMs: 500 })
        .score(items)
        .catch((e: unknown) => e);
      expect(err).toMatchObject({ code: "verifier_unavailable" });
      expect((err as Error).message).toMatch(/timed out/);
      expect(Date.now() - t0).toBeLessThan(1500);
    } finally {
      await v.close();
    }
  });

  it("stops at once when the caller aborts", async () => {
    const v = await startStandIn();
    v.defaultMode = "hang";
    try {
      const ac = new AbortController();
      const p = new VerifierClient({ url: v.url, token: v.token }).score(items, { signal: ac.signal });
      await v.nextRequest();
      ac.abort(new Error("job canceled"));
      await expect(p).rejects.toThrow("job canceled");
    } finally {
      await v.close();
    }
  });
});
