// Environment schema, validated at each entry point: a bad or missing setting fails closed.
import { z } from "zod";

/**
 * Dev only, default off: webhook endpoints may use http:// and hosts on loopback or private networks (local
 * receivers, the embedded stack). Off, such URLs are refused when an endpoint is made and before each delivery.
 */
const WEBHOOK_ALLOW_INSECURE_URLS = z
  .enum(["true", "false", "1", "0"], { message: "must be true, false, 1 or 0" })
  .default("false")
  .transform((v) => v === "true" || v === "1");

export const WorkerEnv = z.object({
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL"),
  /** host:port of a websockify in front of a plain Postgres (local dev/tests); unset on Neon. */
  NEON_WS_PROXY: z.string().regex(/^[\w.-]+:\d+$/, "must be host:port").optional(),
  WEBHOOK_ALLOW_INSECURE_URLS,
});
export type WorkerEnv = z.infer<typeof WorkerEnv>;

export const NodeEnv = z
  .object({
    DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL").optional(),
    PGLITE_DIR: z.string().min(1).optional(),
    PORT: z.coerce.number().int().min(0).max(65535).default(8787),
    HOST: z.string().min(1).default("127.0.0.1"),
    /** Idle wait of the webhook dispatcher between passes; 0 turns it off (another process delivers). */
    WEBHOOK_POLL_MS: z.coerce.number().int().min(0).max(3_600_000).default(1_000),
    WEBHOOK_ALLOW_INSECURE_URLS,
  })
  .refine((e) => e.DATABASE_URL || e.PGLITE_DIR, { message: "set DATABASE_URL or PGLITE_DIR" });
export type NodeEnv = z.infer<typeof NodeEnv>;

/** Drops unset-looking values (empty strings, non-strings) so `VAR=` means "unset", then validates. */
export function parseEnv<T extends z.ZodType>(schema: T, raw: unknown): z.ZodSafeParseResult<z.output<T>> {
  const clean: Record<string, string> = {};
  for (const [k, v] of Object.entries((raw ?? {}) as Record<string, unknown>)) if (typeof v === "string" && v !== "") clean[k] = v;
  return schema.safeParse(clean);
}

/** A one-line description of what is wrong with an env, naming variables but never their values. */
export function describeEnvError(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join(".") || "env"}: ${i.message}`).join("; ");
}
