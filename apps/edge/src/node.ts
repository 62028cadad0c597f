// Node entry: startEdge() serves the app in-process (demo, e2e tests); `tsx src/node.ts` runs it with webhooks.
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createDb, type Database, type DbHandle } from "@thinktime/db";
import { nodeResolveHost } from "@thinktime/db/dns-node";
import { MAX_BODY_BYTES, newApp } from "./app.js";
import { describeEnvError, NodeEnv, parseEnv } from "./env.js";
import { startInvoiceCloser } from "./lib/invoice-closer.js";
import { serveNode } from "./lib/serve-node.js";
import { startWebhookDispatcher } from "./lib/webhook-dispatcher.js";

export interface StartEdgeOptions {
  /** The database to serve from; the caller owns it (close() leaves it open). */
  db: Database;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Dev only: webhook endpoints may be http:// and on loopback/private hosts (WEBHOOK_ALLOW_INSECURE_URLS). */
  allowInsecureWebhookUrls?: boolean;
}

export interface RunningEdge {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:8787`. */
  url: string;
  port: number;
  /** Stops accepting connections and closes open ones. */
  close(): Promise<void>;
}

export async function startEdge(opts: StartEdgeOptions): Promise<RunningEdge> {
  const app = newApp({ db: opts.db, webhookUrls: { allowInsecure: opts.allowInsecureWebhookUrls ?? false, resolveHost: nodeResolveHost } });
  const server = await serveNode(app.fetch, { port: opts.port, hostname: opts.host, bufferBodiesUpTo: MAX_BODY_BYTES });
  const urlHost = server.address.includes(":") ? `[${server.address}]` : server.address;
  return { url: `http://${urlHost}:${server.port}`, port: server.port, close: server.close };
}

/** Opens the database named by the environment (postgres:// → pg, else file-backed PGlite) and migrates it. */
export async function openDbFromEnv(env: NodeEnv): Promise<DbHandle> {
  const handle = env.DATABASE_URL
    ? await createDb({ driver: "pg", url: env.DATABASE_URL })
    : await createDb({ driver: "pglite", dataDir: env.PGLITE_DIR });
  const { migrate } = await import("@thinktime/db/migrate");
  await migrate(handle);
  return handle;
}

async function main() {
  const parsed = parseEnv(NodeEnv, process.env);
  if (!parsed.success) {
    console.error(`[edge] bad environment: ${describeEnvError(parsed.error)}`);
    process.exit(1);
  }
  const handle = await openDbFromEnv(parsed.data);
  const allowInsecure = parsed.data.WEBHOOK_ALLOW_INSECURE_URLS;
  const edge = await startEdge({ db: handle.db, port: parsed.data.PORT, host: parsed.data.HOST, allowInsecureWebhookUrls: allowInsecure });
  console.log(`[edge] listening on ${edge.url} (${handle.driver})`);
  const pollMs = parsed.data.WEBHOOK_POLL_MS;
  const delivery = { intervalMs: pollMs, allowInsecureUrls: allowInsecure, resolveHost: nodeResolveHost };
  // The process that delivers webhooks also closes ended months' invoices (their invoice.finalized events included).
  const dispatcher = pollMs > 0 ? startWebhookDispatcher(handle.db, delivery) : null;
  const closer = pollMs > 0 ? startInvoiceCloser(handle.db) : null;
  const stop = async () => {
    await edge.close();
    await dispatcher?.stop();
    await closer?.stop();
    await handle.close();
    process.exit(0);
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

const isMain = (() => {
  try {
    return !!process.argv[1] && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
})();
if (isMain) {
  main().catch((err) => {
    console.error("[edge] failed to start", err);
    process.exit(1);
  });
}
