// `pnpm bench:api`: what POST /v1/jobs sustains over loopback HTTP on a real database, next to a bare Hono route
// served the same way in the same run, so the API's own cost (auth, validation, the insert) is what the ratio shows.
// Flags: --requests 5000 (per target), --concurrency 100, --db pglite|pglite-memory|pg (pglite: file-backed in a
// temporary folder, as embedded mode runs with PGLITE_DIR; pglite-memory: in memory, as the tests run; pg: a throwaway
// database on TEST_DATABASE_URL, default postgres://postgres@127.0.0.1:5432), --warmup 1000 (per target, unmeasured, over the connections the measured requests then reuse).
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Worker } from "node:worker_threads";
import { createApiKey, createDb, createTenant, type Database } from "@thinktime/db";
import { migrate } from "@thinktime/db/migrate";
import { nodeResolveHost } from "@thinktime/db/dns-node";
import { createTestDatabase } from "@thinktime/db/testing";
import { Hono } from "hono";
import { newApp } from "../src/app.js";
import { serveNode } from "../src/lib/serve-node.js";
import type { LoadJob, LoadResult, LoadTarget } from "./load.js";

const { values: flags } = parseArgs({
  options: {
    requests: { type: "string", default: "5000" },
    concurrency: { type: "string", default: "100" },
    db: { type: "string", default: "pglite" },
    warmup: { type: "string", default: "1000" },
  },
});
const REQUESTS = Number(flags.requests);
const CONCURRENCY = Number(flags.concurrency);
const WARMUP = Number(flags.warmup);
const DB = flags.db;
if (DB !== "pglite" && DB !== "pglite-memory" && DB !== "pg") throw new Error(`--db must be pglite, pglite-memory or pg, not ${DB}`);
if (!(REQUESTS > 0 && CONCURRENCY > 0 && WARMUP >= 0)) throw new Error("--requests and --concurrency must be > 0, --warmup ≥ 0");

/** Targets from issue 6. */
const MIN_RATIO = 0.3;
const MAX_P99_MS = 50;

type Measured = LoadResult & { busyMs: number };

/**
 * Runs one load in a worker thread (its own event loop, so on its own core where there is one). `busyMs`: how long
 * this (the server's) thread was busy during the measured requests, by event-loop utilization: the server's own cost,
 * which the other load on a noisy machine sways less than wall time.
 */
function loadInWorker(job: LoadJob): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL("./load.ts", import.meta.url), { workerData: job });
    let from = performance.eventLoopUtilization();
    worker.on("message", (m: { measuring: true } | { ok: true; result: LoadResult } | { ok: false; error: string }) => {
      if ("measuring" in m) {
        from = performance.eventLoopUtilization();
        return;
      }
      const busyMs = performance.eventLoopUtilization(from).active;
      void worker.terminate();
      if (m.ok) resolve({ ...m.result, busyMs });
      else reject(new Error(m.error));
    });
    worker.once("error", reject);
  });
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

const fmt = (n: number, digits = 0) => n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** The database under test: embedded mode's file-backed PGlite (migrated as startEdge migrates it), or a test one. */
async function openDatabase(): Promise<{ db: Database; dispose(): Promise<void> }> {
  if (DB !== "pglite") return createTestDatabase(DB === "pg" ? "pg" : "pglite");
  const dir = mkdtempSync(join(tmpdir(), "thinktime-bench-api-"));
  const handle = await createDb({ driver: "pglite", dataDir: dir });
  await migrate(handle);
  return { db: handle.db, dispose: () => handle.close().finally(() => rmSync(dir, { recursive: true, force: true })) };
}

async function main() {
  const t = await openDatabase();
  const tenant = await createTenant(t.db, "bench"); // no rate limit, no credit budget
  const key = await createApiKey(t.db, tenant.id, { scopes: ["jobs:write", "jobs:read"] });
  const app = newApp({ db: t.db, webhookUrls: { allowInsecure: false, resolveHost: nodeResolveHost } });
  const bareApp = new Hono();
  bareApp.post("/bare", (c) => c.json({ ok: true }));
  // Both served as the Node entry serves the API (startEdge): small bodies read up front, for the bare route too.
  const [edge, bare] = await Promise.all([serveNode(app.fetch), serveNode(bareApp.fetch)]);

  const body = JSON.stringify({ question: "Ana has 12 apples. She gets 5 more. How many apples now?", strategy: "majority", n: 8 });
  const targets = {
    bare: { port: bare.port, path: "/bare", headers: {}, body, expect: 200 },
    create: { port: edge.port, path: "/v1/jobs", headers: { authorization: `Bearer ${key.key}` }, body, expect: 201 },
  } satisfies Record<string, LoadTarget>;

  try {
    const rows: { name: string; r: Measured }[] = [];
    for (const [name, target] of [
      ["bare Hono route (POST /bare)", targets.bare],
      ["POST /v1/jobs", targets.create],
    ] as const) {
      rows.push({ name, r: await loadInWorker({ target, warmup: WARMUP, requests: REQUESTS, concurrency: CONCURRENCY }) });
    }
    const [l1, l5, l15] = loadavg().map((x) => x.toFixed(2));
    console.log(
      `# API benchmark: ${REQUESTS} requests per route at ${CONCURRENCY} concurrent keep-alive clients (bare sockets in a worker thread) over loopback HTTP ` +
        `(@hono/node-server, Node ${process.version}), db=${DB}, ${WARMUP} warm-up requests first over the same connections (load average ${l1} ${l5} ${l15})\n`,
    );
    console.log("| route | requests | wall s | throughput (req/s) | p50 ms | p99 ms | max ms | throughput vs bare | server busy µs/request | busy vs bare |");
    console.log("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    const bareRps = rows[0]!.r.requests / rows[0]!.r.seconds;
    const busyUs = (r: Measured) => (1000 * r.busyMs) / r.requests;
    const summary: { rps: number; p99: number }[] = [];
    for (const { name, r } of rows) {
      const sorted = [...r.latenciesMs].sort((a, b) => a - b);
      const rps = r.requests / r.seconds;
      const p50 = percentile(sorted, 50);
      const p99 = percentile(sorted, 99);
      summary.push({ rps, p99 });
      const busy = busyUs(r);
      console.log(
        `| ${name} | ${r.requests} | ${fmt(r.seconds, 2)} | ${fmt(rps)} | ${fmt(p50, 1)} | ${fmt(p99, 1)} | ${fmt(sorted[sorted.length - 1]!, 1)} | ${fmt(rps / bareRps, 2)}× | ${fmt(busy)} | ${fmt(busy / busyUs(rows[0]!.r), 1)}× |`,
      );
    }
    const create = summary[1]!;
    const ratio = create.rps / bareRps;
    console.log("\n| target | measured | met |");
    console.log("|---|---|---|");
    console.log(`| job create ≥ ${MIN_RATIO}× the bare route's throughput | ${fmt(ratio, 2)}× | ${ratio >= MIN_RATIO ? "yes" : "no"} |`);
    console.log(`| job create p99 < ${MAX_P99_MS} ms | ${fmt(create.p99, 1)} ms | ${create.p99 < MAX_P99_MS ? "yes" : "no"} |`);
  } finally {
    await Promise.all([edge.close(), bare.close()]);
    await t.dispose();
  }
}

await main();
