// Migrations apply from scratch on every driver and are idempotent.
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { migrate } from "../src/migrate.js";
import { withTestDatabase } from "../src/testing.js";
import { DRIVERS, rows } from "./fixtures.js";

describe.each(DRIVERS)("migrate (%s)", (driver) => {
  it("creates the schema on an empty database, and a second run is a no-op", async () => {
    await withTestDatabase(
      driver,
      async (t) => {
        const tables = async () =>
          (
            await rows<{ table_name: string }>(
              t.db,
              sql`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`,
            )
          ).map((r) => r.table_name);
        expect(await tables()).toEqual([]);
        await migrate(t);
        expect(await tables()).toEqual([
          "api_keys", "candidates", "credit_ledger", "idempotency_keys", "invoice_line_items", "invoices", "jobs", "policy_tables",
          "prices", "rate_limit_windows", "tenants", "usage_events", "webhook_deliveries", "webhook_endpoints",
        ]);
        const applied = () => rows<{ n: number }>(t.db, sql`SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations`);
        const [before] = await applied();
        expect(Number(before!.n)).toBeGreaterThanOrEqual(1);
        await migrate(t);
        expect(await applied()).toEqual([before]);
        const enums = await rows<{ v: string }>(t.db, sql`SELECT unnest(enum_range(NULL::job_status))::text AS v`);
        expect(enums.map((r) => r.v)).toEqual(["queued", "running", "succeeded", "failed", "canceled"]);
      },
      { empty: true },
    );
  });
});
