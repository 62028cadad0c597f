// Idempotency-Key support for job submits: the header's schema and a stable hash of the validated request.
import { z } from "@hono/zod-openapi";
import { sha256Hex } from "@thinktime/db";

export const IdempotencyHeaders = z.object({
  "idempotency-key": z
    .string()
    .regex(/^[\x21-\x7e]{1,255}$/, "Idempotency-Key must be 1 to 255 visible ASCII characters")
    .optional()
    .openapi({ param: { name: "idempotency-key", in: "header" }, description: "Retries with the same key and body return the same job (24 h)" }),
});

/** JSON with object keys sorted, so the same request hashes the same however its fields were ordered. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

export const requestHash = (req: unknown) => sha256Hex(canonical(req));
