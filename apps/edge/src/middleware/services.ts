// Puts the services (the db) on the context: an injected db (Node, tests) or one built per request from env (Worker).
import { coalescedHotPath, createDb, directHotPath, dohResolver, type Database, type WebhookUrlPolicy } from "@thinktime/db";
import { createMiddleware } from "hono/factory";
import { describeEnvError, parseEnv, WorkerEnv } from "../env.js";
import { ApiError } from "../errors.js";
import type { HonoEnv } from "../hono.js";

export type ServicesSource =
  /** A db built once by the caller and shared by all requests; webhook URLs strict (https, public) unless relaxed. */
  | { db: Database; webhookUrls?: Partial<WebhookUrlPolicy> }
  /** Workers: validate `c.env` and open a Neon pool for this request (I/O cannot cross requests there). */
  | { fromEnv: true };

export const services = (source: ServicesSource) => {
  // One process serves every request from one db: concurrent requests share the hot path's queries.
  const hotPath = "db" in source ? coalescedHotPath(source.db) : null;
  return createMiddleware<HonoEnv>(async (c, next) => {
    if ("db" in source) {
      const webhookUrls = { allowInsecure: false, resolveHost: dohResolver(), ...source.webhookUrls };
      c.set("services", { db: source.db, hotPath: hotPath!, webhookUrls });
      return next();
    }
    const parsed = parseEnv(WorkerEnv, c.env);
    if (!parsed.success) {
      console.error(`[edge] misconfigured: ${describeEnvError(parsed.error)}`);
      throw new ApiError("misconfigured", "The service is misconfigured; see its logs.");
    }
    const env = parsed.data;
    const handle = await createDb({ driver: "neon", url: env.DATABASE_URL, wsProxy: env.NEON_WS_PROXY });
    const held: Promise<unknown>[] = [];
    const webhookUrls = { allowInsecure: env.WEBHOOK_ALLOW_INSECURE_URLS, resolveHost: dohResolver() };
    c.set("services", { db: handle.db, hotPath: directHotPath(handle.db), webhookUrls, holdOpen: (until) => void held.push(until) });
    try {
      await next();
    } finally {
      const closing = Promise.allSettled(held).then(() => handle.close().catch(() => {}));
      let ctx: { waitUntil(p: Promise<unknown>): void } | undefined;
      try {
        ctx = c.executionCtx;
      } catch {
        ctx = undefined;
      }
      if (ctx) ctx.waitUntil(closing);
      else await closing;
    }
  });
};
