// Environment schema, validated at each entry point: a bad or missing setting fails closed.
import { z } from "zod";

export const WorkerEnv = z.object({
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL"),
  /** host:port of a websockify in front of a plain Postgres (local dev/tests); unset on Neon. */
  NEON_WS_PROXY: z.string().regex(/^[\w.-]+:\d+$/, "must be host:port").optional(),
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
