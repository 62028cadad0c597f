// The Node entry: startEdge() in-process over PGlite and Postgres, and `tsx src/node.ts` as a process.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createApiKey, createDb, createTenant } from "@thinktime/db";
import { createTestDatabase } from "@thinktime/db/testing";
import { describe, expect, it } from "vitest";
import { startEdge } from "../src/node.js";
import { BACKENDS } from "./harness.js";

const EDGE_DIR = fileURLToPath(new URL("..", import.meta.url));

describe.each(BACKENDS)("startEdge (%s)", (backend) => {
  it("serves the API over HTTP until closed", async () => {
    const t = await createTestDatabase(backend);
    const edge = await startEdge({ db: t.db });
    try {
      expect(edge.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const tenant = await createTenant(t.db, "acme");
      const { key } = await createApiKey(t.db, tenant.id);
      const headers = { authorization: `Bearer ${key}`, "content-type": "application/json" };
      const created = await fetch(`${edge.url}/v1/jobs`, { method: "POST", headers, body: JSON.stringify({ question: "6*7?" }) });
      expect(created.status).toBe(201);
      const job = (await created.json()) as { id: string };
      const got = await fetch(`${edge.url}/v1/jobs/${job.id}`, { headers });
      expect(((await got.json()) as { status: string }).status).toBe("queued");
      const bad = await fetch(`${edge.url}/v1/jobs`, { method: "POST", headers, body: "{" });
      expect(bad.status).toBe(400);
      expect(bad.headers.get("content-type")).toContain("application/problem+json");
    } finally {
      await edge.close();
      await t.dispose();
    }
    await expect(fetch(`${edge.url}/healthz`)).rejects.toThrow();
  });
});

describe("tsx src/node.ts", () => {
  it("migrates a file-backed PGlite, listens on PORT and prints its URL", async () => {
    const dir = mkdtempSync(join(tmpdir(), "edge-pglite-"));
    const child = spawn("pnpm", ["exec", "tsx", "src/node.ts"], {
      cwd: EDGE_DIR,
      env: { ...process.env, PGLITE_DIR: dir, PORT: "0", DATABASE_URL: "" },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no URL printed:\n${out}`)), 90_000);
        child.stdout.on("data", () => {
          const m = /listening on (http:\/\/\S+)/.exec(out);
          if (m?.[1]) {
            clearTimeout(timer);
            resolve(m[1]);
          }
        });
        child.once("exit", (code) => setTimeout(() => reject(new Error(`exited ${code}:\n${out}`)), 100));
      });
      expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ ok: true });
      const res = await fetch(`${url}/v1/jobs`);
      expect(res.status).toBe(401);
    } finally {
      try {
        process.kill(-child.pid!, "SIGTERM");
      } catch {}
      await new Promise((r) => (child.exitCode !== null ? r(null) : child.once("exit", r)));
    }
    // The data dir was migrated: it opens as a schema'd database.
    const handle = await createDb({ driver: "pglite", dataDir: dir });
    try {
      await expect(createTenant(handle.db, "after")).resolves.toMatchObject({ name: "after" });
    } finally {
      await handle.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses to start without DATABASE_URL or PGLITE_DIR", async () => {
    const env = { ...process.env };
    delete env.DATABASE_URL;
    delete env.PGLITE_DIR;
    const child = spawn("pnpm", ["exec", "tsx", "src/node.ts"], { cwd: EDGE_DIR, env, stdio: ["ignore", "pipe", "pipe"] });
    let err = "";
    child.stderr.on("data", (d) => (err += d));
    const code = await new Promise((r) => child.once("exit", r));
    expect(code).not.toBe(0);
    expect(err).toContain("set DATABASE_URL or PGLITE_DIR");
  });
});
