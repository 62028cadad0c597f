// One factory for every database Thinktime runs on: PGlite (embedded default), node-postgres, and Neon serverless.
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import * as schema from "./schema.js";

export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;

export type DbConfig =
  /** Embedded Postgres in WASM. `dataDir` is a folder (file-backed) or omitted for in-memory. */
  | { driver: "pglite"; dataDir?: string }
  | { driver: "pg"; url: string; max?: number }
  /** Neon's serverless driver over WebSockets; `wsProxy` (host:port) reaches a plain Postgres through websockify. */
  | { driver: "neon"; url: string; wsProxy?: string; secure?: boolean };

export interface DbHandle {
  db: Database;
  driver: DbConfig["driver"];
  close(): Promise<void>;
}

export async function createDb(config: DbConfig): Promise<DbHandle> {
  switch (config.driver) {
    case "pglite": {
      const { PGlite } = await import("@electric-sql/pglite");
      const { drizzle } = await import("drizzle-orm/pglite");
      const client = new PGlite(config.dataDir);
      await client.waitReady;
      const db = drizzle(client, { schema }) as unknown as Database;
      return { db, driver: "pglite", close: () => client.close() };
    }
    case "pg": {
      const { default: pg } = await import("pg");
      const { drizzle } = await import("drizzle-orm/node-postgres");
      const pool = new pg.Pool({ connectionString: config.url, max: config.max ?? 10 });
      pool.on("error", onIdleClientError);
      const db = drizzle(pool, { schema }) as unknown as Database;
      return { db, driver: "pg", close: () => pool.end() };
    }
    case "neon": {
      const { Pool, neonConfig } = await import("@neondatabase/serverless");
      const { drizzle } = await import("drizzle-orm/neon-serverless");
      if (config.wsProxy) {
        const proxy = config.wsProxy;
        neonConfig.wsProxy = () => proxy;
        neonConfig.useSecureWebSocket = config.secure ?? false;
        neonConfig.pipelineTLS = false;
        neonConfig.pipelineConnect = false;
      }
      const pool = new Pool({ connectionString: config.url });
      pool.on("error", onIdleClientError);
      const db = drizzle(pool, { schema }) as unknown as Database;
      return { db, driver: "neon", close: () => pool.end() };
    }
  }
}

/**
 * An idle pooled client can lose its connection (server restart, DROP DATABASE ... WITH (FORCE), a proxy going away).
 * The pool then emits "error"; unhandled, that would crash the process. The pool drops the client and the next query
 * opens a new one, so a warning is all that is needed.
 */
function onIdleClientError(err: Error): void {
  console.warn(JSON.stringify({ level: "warn", msg: "idle database client lost", error: err.message }));
}
