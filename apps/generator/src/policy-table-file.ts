// The calibrated policy table artifact (models/planner/policy-table.json) stored in the database at generator start.
import { existsSync, readFileSync } from "node:fs";
import { PolicyTable } from "@thinktime/core";
import { type Database, savePolicyTable } from "@thinktime/db";
import type { Logger } from "./log.js";

/**
 * Reads and validates the artifact and stores its version (versions are immutable: a stored one is left alone), so
 * `strategy: "auto"` finds it at the edge. A missing file is logged and skipped (auto then answers 503); an invalid
 * one throws, so a broken deployment fails at start rather than at the first auto job.
 */
export async function seedPolicyTable(db: Database, file: string, log: Logger): Promise<PolicyTable | null> {
  if (!existsSync(file)) {
    log.warn("no policy table artifact: strategy auto is unavailable until one is stored", { file });
    return null;
  }
  const parsed = PolicyTable.safeParse(JSON.parse(readFileSync(file, "utf8")));
  if (!parsed.success) throw new Error(`${file} is not a valid policy table: ${parsed.error.message}`);
  const stored = await savePolicyTable(db, parsed.data);
  log.info("policy table", { version: parsed.data.version, stored });
  return parsed.data;
}
