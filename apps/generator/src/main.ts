// Process entry of a standalone generator: env → database + engine → worker loop, stopped cleanly on SIGTERM/SIGINT.
import { fileURLToPath } from "node:url";
import { resolve } from "node:path";
import { createDb, type DbConfig } from "@thinktime/db";
import { z } from "zod";
import { readFlopsModel } from "./engine/config.js";
import { jsonLogger as log } from "./log.js";
import { seedPolicyTable } from "./policy-table-file.js";
import { servedModels, shapeMismatches } from "./verifier-shapes.js";
import { startGenerator } from "./worker.js";

const DEFAULT_POLICY_DIR = fileURLToPath(new URL("../../../models/policy/onnx", import.meta.url));
const DEFAULT_REVISER_DIR = fileURLToPath(new URL("../../../models/revise/onnx", import.meta.url));
const DEFAULT_POLICY_TABLE = fileURLToPath(new URL("../../../models/planner/policy-table.json", import.meta.url));
const DEFAULT_ORM_DIR = fileURLToPath(new URL("../../../models/orm/onnx", import.meta.url));
const DEFAULT_PRM_DIR = fileURLToPath(new URL("../../../models/prm/onnx", import.meta.url));

const Env = z
  .object({
    DATABASE_URL: z.string().min(1).optional(),
    /** pg (default) or neon, for DATABASE_URL. */
    DATABASE_DRIVER: z.enum(["pg", "neon"]).default("pg"),
    /** File-backed PGlite. Only one process may open it: use it when no other service holds the folder. */
    PGLITE_DIR: z.string().min(1).optional(),
    VERIFIER_URL: z.url(),
    VERIFIER_TOKEN: z.string().min(1),
    POLICY_DIR: z.string().min(1).default(DEFAULT_POLICY_DIR),
    /** The revision policy `revisions` jobs run on; "none" loads none (those jobs then fail). */
    REVISER_DIR: z.string().min(1).default(DEFAULT_REVISER_DIR),
    /** The calibrated policy table `strategy: "auto"` plans with (pnpm calibrate writes it); stored at start. */
    POLICY_TABLE_FILE: z.string().min(1).default(DEFAULT_POLICY_TABLE),
    /** The verifier's ORM and PRM export folders (config.json is enough): their shapes price verifier tokens in
     * FLOPs. Point them at what the verifier serves; "none" bills that verifier's tokens at the policy's size. */
    ORM_DIR: z.string().min(1).default(DEFAULT_ORM_DIR),
    PRM_DIR: z.string().min(1).default(DEFAULT_PRM_DIR),
    GENERATOR_WORKER_ID: z.string().min(1).optional(),
    GENERATOR_POLL_MS: z.coerce.number().int().positive().default(500),
    GENERATOR_LEASE_MS: z.coerce.number().int().min(1000).default(30_000),
    /** How long one verifier call may take, retries included, before the job fails (default 12 s). */
    VERIFIER_TOTAL_TIMEOUT_MS: z.coerce.number().int().positive().optional(),
    VERIFIER_MAX_ATTEMPTS: z.coerce.number().int().positive().optional(),
    ORT_EXECUTION_PROVIDER: z.string().min(1).default("cpu"),
    ORT_INTRA_OP_THREADS: z.coerce.number().int().positive().optional(),
  })
  .refine((e) => e.DATABASE_URL !== undefined || e.PGLITE_DIR !== undefined, {
    message: "set DATABASE_URL (Postgres) or PGLITE_DIR (embedded PGlite folder)",
    path: ["DATABASE_URL"],
  });

async function main(): Promise<void> {
  const parsed = Env.safeParse(process.env);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) log.error("bad environment", { variable: issue.path.join("."), message: issue.message });
    process.exit(2);
  }
  const env = parsed.data;
  const dbConfig: DbConfig = env.DATABASE_URL
    ? { driver: env.DATABASE_DRIVER, url: env.DATABASE_URL }
    : { driver: "pglite", dataDir: resolve(env.PGLITE_DIR!) };
  const dbHandle = await createDb(dbConfig);
  await seedPolicyTable(dbHandle.db, resolve(env.POLICY_TABLE_FILE), log);
  const verifierModels = {
    ...(env.ORM_DIR !== "none" ? { scorer: await readFlopsModel(env.ORM_DIR) } : {}),
    ...(env.PRM_DIR !== "none" ? { stepScorer: await readFlopsModel(env.PRM_DIR) } : {}),
  };
  // Not awaited: the verifier may start after the generator; a mismatch is a deployment error worth a warning.
  void servedModels(env.VERIFIER_URL).then((served) => {
    if (!served) return log.info("verifier not ready at start: verifier tokens are priced from ORM_DIR/PRM_DIR unchecked");
    for (const detail of shapeMismatches(verifierModels, served)) {
      log.warn("a verifier model's size differs from the one its tokens are billed at: set ORM_DIR/PRM_DIR to its export", { detail });
    }
  });
  const generator = await startGenerator({
    db: dbHandle.db,
    modelDir: resolve(env.POLICY_DIR),
    ...(env.REVISER_DIR !== "none" ? { reviser: resolve(env.REVISER_DIR) } : {}),
    engineOptions: {
      executionProvider: env.ORT_EXECUTION_PROVIDER,
      ...(env.ORT_INTRA_OP_THREADS !== undefined ? { intraOpNumThreads: env.ORT_INTRA_OP_THREADS } : {}),
    },
    verifierUrl: env.VERIFIER_URL,
    verifierModels,
    verifierToken: env.VERIFIER_TOKEN,
    verifier: {
      ...(env.VERIFIER_TOTAL_TIMEOUT_MS !== undefined ? { totalTimeoutMs: env.VERIFIER_TOTAL_TIMEOUT_MS } : {}),
      ...(env.VERIFIER_MAX_ATTEMPTS !== undefined ? { maxAttempts: env.VERIFIER_MAX_ATTEMPTS } : {}),
    },
    ...(env.GENERATOR_WORKER_ID !== undefined ? { workerId: env.GENERATOR_WORKER_ID } : {}),
    pollMs: env.GENERATOR_POLL_MS,
    leaseMs: env.GENERATOR_LEASE_MS,
    logger: log,
  });

  let exiting = false;
  const shutdown = (signal: string) => {
    if (exiting) return;
    exiting = true;
    log.info("shutting down", { signal });
    void generator
      .stop()
      .then(() => dbHandle.close())
      .then(
        () => process.exit(0),
        (err: unknown) => {
          log.error("shutdown failed", { error: err instanceof Error ? err.message : String(err) });
          process.exit(1);
        },
      );
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
}

main().catch((err: unknown) => {
  log.error("generator failed to start", { error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  process.exit(1);
});
