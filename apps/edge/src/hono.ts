// The Hono environment shared by every module: bindings (env), per-request variables and services.
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { ApiKey, Database, HotPath, Tenant, WebhookUrlPolicy } from "@thinktime/db";

export interface Services {
  db: Database;
  /** Key lookups, rate-limit hits and submits: coalesced across concurrent requests where the db is shared. */
  hotPath: HotPath;
  /** Which webhook URLs endpoints may have (https, public hosts; the dev setting relaxes it); absent: that, strictly. */
  webhookUrls?: WebhookUrlPolicy;
  /**
   * Keeps a per-request database open until `until` settles: a streamed response (SSE) reads the database after
   * the handler has returned. Absent where the database outlives requests (Node, tests).
   */
  holdOpen?: (until: Promise<unknown>) => void;
}

/** Raw bindings as the runtime hands them over; validated by env.ts before use. */
export type Bindings = Record<string, unknown>;

export type HonoEnv = {
  Bindings: Bindings;
  Variables: {
    requestId: string;
    services: Services;
    /** Set by the auth middleware on authenticated routes. */
    key: ApiKey;
    /** The key's tenant (quotas, operator flag), loaded with the key. */
    tenant: Tenant;
  };
};

export type App = OpenAPIHono<HonoEnv>;
