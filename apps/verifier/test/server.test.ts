// startVerifier in-process: what the demo and end-to-end tests use, over a real socket.
import { describe, expect, it } from "vitest";
import { startVerifier } from "../src/server.js";
import { ORM_DIR, QUESTION, TOKEN } from "./helpers.js";

describe("startVerifier", () => {
  it("resolves once the model is loaded, serves on a free port, and closes idempotently", async () => {
    const v = await startVerifier({ port: 0, host: "127.0.0.1", token: TOKEN, ormDir: ORM_DIR, threads: 1 });
    try {
      expect(v.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect((await fetch(`${v.url}/readyz`)).status).toBe(200);
      const res = await fetch(`${v.url}/v1/score`, {
        method: "POST",
        headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
        body: JSON.stringify({ items: [{ question: QUESTION, solution: "Answer: 36" }] }),
      });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { scores: number[] }).scores).toHaveLength(1);
    } finally {
      await Promise.all([v.close(), v.close()]);
    }
    await expect(fetch(`${v.url}/healthz`)).rejects.toThrow();
  });

  it("rejects (and stops listening) when the model directory is wrong", async () => {
    await expect(startVerifier({ port: 0, host: "127.0.0.1", token: TOKEN, ormDir: "/nonexistent/orm" })).rejects.toThrow();
  });
});
