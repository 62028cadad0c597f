// Cloudflare Workers entry: the same app over Neon's serverless driver; env is validated per request and fails closed.
import { createDb, finalizeDueInvoices } from "@thinktime/db";
import { newApp } from "./app.js";
import { describeEnvError, parseEnv, WorkerEnv } from "./env.js";
import { drainWebhooks } from "./lib/webhook-dispatcher.js";

const app = newApp({ fromEnv: true });

/**
 * The cron trigger (wrangler.jsonc, once a minute): finalize ended months' invoices (their events go to the outbox),
 * deliver the webhooks that are due within a budget, then close.
 */
export async function dispatchScheduled(env: unknown): Promise<void> {
  const parsed = parseEnv(WorkerEnv, env);
  if (!parsed.success) {
    console.error(`[edge] misconfigured: ${describeEnvError(parsed.error)}`);
    return;
  }
  const handle = await createDb({ driver: "neon", url: parsed.data.DATABASE_URL, wsProxy: parsed.data.NEON_WS_PROXY });
  try {
    await finalizeDueInvoices(handle.db).catch((err) => console.error("[edge] invoice finalization failed", err));
    await drainWebhooks(handle.db, { allowInsecureUrls: parsed.data.WEBHOOK_ALLOW_INSECURE_URLS });
  } finally {
    await handle.close().catch(() => {});
  }
}

export default {
  fetch: app.fetch,
  scheduled(_controller: unknown, env: unknown, ctx: { waitUntil(p: Promise<unknown>): void }) {
    ctx.waitUntil(dispatchScheduled(env));
  },
};
