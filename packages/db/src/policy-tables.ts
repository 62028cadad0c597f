// The compute-optimal policy tables `strategy: "auto"` plans with: stored by version, the newest active one in use.
import { PolicyTable } from "@thinktime/core";
import { desc, eq } from "drizzle-orm";
import type { Database } from "./client.js";
import { policyTables } from "./schema.js";

/**
 * Stores a validated table under its version (the calibration artifact, models/planner/policy-table.json). A version
 * already stored is left as it is: versions are immutable. Returns whether a row was written.
 */
export async function savePolicyTable(db: Database, table: PolicyTable): Promise<boolean> {
  const valid = PolicyTable.parse(table);
  const rows = await db
    .insert(policyTables)
    .values({ version: valid.version, table: valid as unknown as Record<string, unknown> })
    .onConflictDoNothing()
    .returning({ version: policyTables.version });
  return rows.length > 0;
}

/** The table `auto` plans new jobs with: the newest active version, or null when none is stored. */
export async function activePolicyTable(db: Database): Promise<PolicyTable | null> {
  const [row] = await db
    .select()
    .from(policyTables)
    .where(eq(policyTables.active, true))
    .orderBy(desc(policyTables.createdAt), desc(policyTables.version))
    .limit(1);
  return row ? PolicyTable.parse(row.table) : null;
}

/** A stored version (a job keeps planning with the version it was submitted under), or null. */
export async function policyTableByVersion(db: Database, version: string): Promise<PolicyTable | null> {
  const [row] = await db.select().from(policyTables).where(eq(policyTables.version, version)).limit(1);
  return row ? PolicyTable.parse(row.table) : null;
}
