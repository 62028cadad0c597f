// The embedded database served over the wire: several clients' parameterized queries must never cross.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PgliteServer, servePglite } from "../src/pglite-server.js";

let server: PgliteServer;
const PAD = "x".repeat(256 * 1024);
const dir = mkdtempSync(join(tmpdir(), "pglite-server-"));

beforeAll(async () => {
  server = await servePglite({ dataDir: dir });
});

afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("servePglite", () => {
  it("keeps each client's extended-protocol batches whole under concurrency", async () => {
    const clients = await Promise.all(
      Array.from({ length: 4 }, async () => {
        const c = new pg.Client({ connectionString: server.url });
        await c.connect();
        return c;
      }),
    );
    try {
      // Different statement shapes per client: an interleaved Parse/Bind would fail or return another's value.
      const runs = clients.map(async (c, ci) => {
        const got: string[] = [];
        for (let i = 0; i < 40; i++) {
          // A large parameter spans several TCP reads, so batches reach the server in pieces.
          const sql = ci % 2 === 0
            ? "SELECT $1::text || '-' || $2::text || length($3::text) AS v"
            : "SELECT ($1::int * 1000 + $2::int)::text || length($3::text) AS v";
          const res = await c.query<{ v: string }>(sql, [ci, i, PAD]);
          got.push(res.rows[0]!.v);
        }
        return got;
      });
      const results = await Promise.all(runs);
      results.forEach((got, ci) => {
        const want = (i: number) => (ci % 2 === 0 ? `${ci}-${i}` : String(ci * 1000 + i)) + PAD.length;
        expect(got).toEqual(Array.from({ length: 40 }, (_, i) => want(i)));
      });
    } finally {
      await Promise.all(clients.map((c) => c.end()));
    }
  });

  it("runs one client's transaction alone while another client waits", async () => {
    const a = new pg.Client({ connectionString: server.url });
    const b = new pg.Client({ connectionString: server.url });
    await Promise.all([a.connect(), b.connect()]);
    try {
      await a.query("CREATE TABLE IF NOT EXISTS t_iso (v int)");
      await a.query("BEGIN");
      await a.query("INSERT INTO t_iso VALUES ($1)", [1]);
      const seen = b.query<{ n: string }>("SELECT count(*)::text AS n FROM t_iso WHERE v = $1", [1]);
      await a.query("ROLLBACK");
      expect((await seen).rows[0]!.n).toBe("0");
    } finally {
      await Promise.all([a.end(), b.end()]);
    }
  });
});
