// Throwaway migrated databases for tests: PGlite in memory, or real Postgres databases cloned from a migrated template.
import type { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { createDb, type Database, type DbHandle } from "./client.js";
import { migrate } from "./migrate.js";
import * as schema from "./schema.js";

export type TestDriver = DbHandle["driver"];

/** Set by the global setup (./testing-setup) to the migrated template every Postgres test database is cloned from. */
export const TEMPLATE_ENV = "THINKTIME_TEST_TEMPLATE_DB";
const DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/postgres";

export function testDatabaseUrl(): string {
  return process.env.TEST_DATABASE_URL || DEFAULT_URL;
}

/** `url` pointing at database `name` instead. */
export function databaseUrl(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

const redact = (url: string) => url.replace(/\/\/([^:@/]+):[^@/]*@/, "//$1:***@");
const randomSuffix = () => Math.random().toString(36).slice(2, 12).padEnd(10, "0");
const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Runs `fn` on a short-lived connection to the server's admin database; unreachable Postgres is a clear error. */
async function withAdmin<T>(adminUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (err) {
    await client.end().catch(() => {});
    throw new Error(
      `Postgres is not reachable at ${redact(adminUrl)} (${(err as Error).message}). ` +
        "The database tests need a real Postgres: start one or point TEST_DATABASE_URL at it.",
      { cause: err },
    );
  }
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function migrateUrl(url: string): Promise<void> {
  const handle = await createDb({ driver: "pg", url, max: 1 });
  try {
    await migrate(handle);
  } finally {
    await handle.close();
  }
}

export interface TemplateDatabase {
  name: string;
  url: string;
  /** Drops the template and any test database cloned from it that was left behind. */
  drop(): Promise<void>;
}

/** Creates and migrates `thinktime_tpl_<random>`; clone it with createTestDatabase(driver, { template: name }). */
export async function createTemplateDatabase(adminUrl = testDatabaseUrl()): Promise<TemplateDatabase> {
  const name = `thinktime_tpl_${randomSuffix()}`;
  await withAdmin(adminUrl, (c) => c.query(`CREATE DATABASE ${quote(name)}`));
  const url = databaseUrl(adminUrl, name);
  const drop = () =>
    withAdmin(adminUrl, async (c) => {
      const { rows } = await c.query<{ datname: string }>(
        "SELECT datname FROM pg_database WHERE datname LIKE $1",
        [`${clonePrefix(name)}%`],
      );
      for (const { datname } of rows) await c.query(`DROP DATABASE IF EXISTS ${quote(datname)} WITH (FORCE)`);
      await c.query(`DROP DATABASE IF EXISTS ${quote(name)} WITH (FORCE)`);
    });
  try {
    await migrateUrl(url);
  } catch (err) {
    await drop().catch(() => {});
    throw err;
  }
  return { name, url, drop };
}

const clonePrefix = (template: string | undefined) =>
  `thinktime_test_${template?.replace(/^thinktime_tpl_/, "") ?? "notpl"}_`;

/** Starting PGlite costs seconds; cloning a migrated in-memory instance (one per process) is much cheaper. */
let pgliteTemplate: Promise<PGlite> | undefined;

async function clonePgliteTemplate(): Promise<DbHandle> {
  pgliteTemplate ??= (async () => {
    const handle = await createDb({ driver: "pglite" });
    await migrate(handle);
    return (handle.db as unknown as { $client: PGlite }).$client;
  })();
  const client = (await (await pgliteTemplate).clone()) as PGlite;
  const { drizzle } = await import("drizzle-orm/pglite");
  const db = drizzle(client, { schema }) as unknown as Database;
  return { db, driver: "pglite", close: () => client.close() };
}

export interface TestDatabase extends DbHandle {
  /** Postgres database name and URL (null for PGlite). */
  name: string | null;
  url: string | null;
  /** Closes the handle and drops the database. */
  dispose(): Promise<void>;
}

export interface TestDatabaseOptions {
  /** Template to clone (default: $THINKTIME_TEST_TEMPLATE_DB; without one the new database is migrated directly). */
  template?: string;
  /** An empty, unmigrated database, to test migrations themselves. */
  empty?: boolean;
  /** host:port of a websockify in front of Postgres; required for driver "neon" (see ./websockify). */
  wsProxy?: string;
  /** Server to create databases on (default: TEST_DATABASE_URL or postgres://postgres@127.0.0.1:5432/postgres). */
  adminUrl?: string;
}

/** A fresh database of its own for one test (file or case): migrated unless `empty`. Call dispose() afterwards. */
export async function createTestDatabase(
  driver: TestDriver = "pglite",
  opts: TestDatabaseOptions = {},
): Promise<TestDatabase> {
  if (driver === "pglite") {
    const handle = opts.empty ? await createDb({ driver: "pglite" }) : await clonePgliteTemplate();
    return { ...handle, name: null, url: null, dispose: () => handle.close() };
  }
  if (driver === "neon" && !opts.wsProxy) throw new Error('createTestDatabase("neon") needs opts.wsProxy (host:port)');

  const adminUrl = opts.adminUrl ?? testDatabaseUrl();
  const template = opts.empty ? undefined : (opts.template ?? process.env[TEMPLATE_ENV] ?? undefined);
  const name = `${clonePrefix(template)}${randomSuffix()}`;
  const from = template ? ` TEMPLATE ${quote(template)}` : opts.empty ? " TEMPLATE template0" : "";
  await withAdmin(adminUrl, (c) => c.query(`CREATE DATABASE ${quote(name)}${from}`));
  const url = databaseUrl(adminUrl, name);
  const dropDb = () => withAdmin(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${quote(name)} WITH (FORCE)`));
  try {
    if (!template && !opts.empty) await migrateUrl(url);
    const handle =
      driver === "neon" ? await createDb({ driver, url, wsProxy: opts.wsProxy }) : await createDb({ driver, url });
    const dispose = async () => {
      await handle.close().catch(() => {});
      await dropDb();
    };
    return { ...handle, name, url, dispose };
  } catch (err) {
    await dropDb().catch(() => {});
    throw err;
  }
}

/** Runs `fn` against a fresh test database and always disposes of it. */
export async function withTestDatabase<T>(
  driver: TestDriver,
  fn: (t: TestDatabase) => Promise<T>,
  opts: TestDatabaseOptions = {},
): Promise<T> {
  const t = await createTestDatabase(driver, opts);
  try {
    return await fn(t);
  } finally {
    await t.dispose();
  }
}
