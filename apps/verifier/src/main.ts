// Process entry for the verifier service: validates the environment, loads the models, serves, shuts down on signals.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { startVerifier } from "./server.js";

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

const optionalInt = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, "must be a whole number")
    .transform(Number)
    .pipe(z.number().int().min(min).max(max))
    .optional();

const Env = z.object({
  PORT: optionalInt(0, 65535).transform((p) => p ?? 8788),
  HOST: z.string().trim().min(1).default("127.0.0.1"),
  VERIFIER_TOKEN: z.string({ error: "VERIFIER_TOKEN is required (the shared service token callers send as Bearer)" }).trim().min(1, "VERIFIER_TOKEN must not be empty"),
  ORM_DIR: z.string().trim().min(1).default("models/orm/onnx"),
  /** The PRM export; "none" serves no PRM. */
  PRM_DIR: z.string().trim().min(1).default("models/prm/onnx"),
  /** Rows per ONNX run (ORM and PRM). */
  ORM_MAX_BATCH: optionalInt(1, 4096),
  ORM_THREADS: optionalInt(1, 256),
  /** Dynamic batching window in ms; 0 runs each request at once. */
  BATCH_WAIT_MS: optionalInt(0, 1000),
  /** MiB of PRM KV state kept for recent prefixes; 0 turns incremental scoring off. */
  KV_CACHE_MB: optionalInt(0, 65536),
  REQUEST_TIMEOUT_MS: optionalInt(1, 600_000),
});

async function main(): Promise<void> {
  const env = Env.safeParse(Object.fromEntries(Object.entries(process.env).filter(([, v]) => v !== "")));
  if (!env.success) {
    const lines = env.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    console.error(`verifier: invalid environment\n${lines.join("\n")}`);
    process.exit(1);
  }
  const { PORT, HOST, VERIFIER_TOKEN, ORM_DIR, PRM_DIR, ORM_MAX_BATCH, ORM_THREADS, BATCH_WAIT_MS, KV_CACHE_MB, REQUEST_TIMEOUT_MS } = env.data;
  const ormDir = path.resolve(REPO_ROOT, ORM_DIR);
  const prmDir = PRM_DIR === "none" ? undefined : path.resolve(REPO_ROOT, PRM_DIR);

  let verifier: Awaited<ReturnType<typeof startVerifier>>;
  try {
    verifier = await startVerifier({
      port: PORT,
      host: HOST,
      token: VERIFIER_TOKEN,
      ormDir,
      prmDir,
      maxBatch: ORM_MAX_BATCH,
      threads: ORM_THREADS,
      batching: BATCH_WAIT_MS === undefined ? undefined : { maxWaitMs: BATCH_WAIT_MS },
      kvCacheBytes: KV_CACHE_MB === undefined ? undefined : KV_CACHE_MB * 1024 * 1024,
      requestTimeoutMs: REQUEST_TIMEOUT_MS,
    });
  } catch (err) {
    console.error(`verifier: failed to start (ORM_DIR=${ormDir}, PRM_DIR=${prmDir ?? "none"}): ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
  console.log(`verifier listening on ${verifier.url}`);

  const running = verifier;
  const shutdown = (signal: NodeJS.Signals): void => {
    console.log(`verifier: ${signal} received, finishing in-flight requests`);
    process.once(signal, () => process.exit(1)); // a second signal forces the exit
    running.close().then(
      () => {
        console.log("verifier: stopped");
        process.exit(0);
      },
      (err: unknown) => {
        console.error("verifier: error while stopping", err);
        process.exit(1);
      },
    );
  };
  process.once("SIGTERM", shutdown);
  process.once("SIGINT", shutdown);
}

void main();
