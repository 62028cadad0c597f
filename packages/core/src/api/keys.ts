// The API-keys contract (/v1/keys and /admin): scopes, create and rotate requests, and the key as listed.
import { z } from "zod";

export const SCOPES = ["jobs:write", "jobs:read", "usage:read", "admin"] as const;
export type Scope = (typeof SCOPES)[number];

/** Keys expire at most this far ahead; a key without expiry never does. */
export const MAX_KEY_TTL_SECONDS = 5 * 365 * 24 * 3600;

export const CreateKeyRequest = z
  .object({
    name: z.string().trim().max(100).default(""),
    scopes: z.array(z.enum(SCOPES)).max(SCOPES.length).default(["jobs:write", "jobs:read"]),
    /** Seconds from now until the key stops working; omitted: never. */
    expires_in: z.number().int().min(60).max(MAX_KEY_TTL_SECONDS).optional(),
  })
  .strict();
export type CreateKeyRequest = z.infer<typeof CreateKeyRequest>;

export const RotateKeyRequest = z
  .object({
    /** Seconds the old key keeps working after rotation (0: revoked at once). */
    grace_seconds: z.number().int().min(0).max(7 * 24 * 3600).default(0),
  })
  .strict();
export type RotateKeyRequest = z.infer<typeof RotateKeyRequest>;

const iso = z.string().describe("ISO 8601 timestamp");

/** A key as listed: never its plaintext. */
export const KeyResource = z.object({
  id: z.string(),
  object: z.literal("api_key"),
  tenant_id: z.string(),
  name: z.string(),
  /** The key's first characters, to recognise it (`tt_AbCd1234`). */
  prefix: z.string(),
  scopes: z.array(z.string()),
  created_at: iso,
  expires_at: iso.nullable(),
  revoked_at: iso.nullable(),
  last_used_at: iso.nullable().describe("Updated at most once a minute"),
});
export type KeyResource = z.infer<typeof KeyResource>;

/** A key just made: the only response that carries the plaintext `key`. */
export const CreatedKeyResource = KeyResource.extend({ key: z.string().describe("Shown once; store it now") });
export type CreatedKeyResource = z.infer<typeof CreatedKeyResource>;

export const KeyList = z.object({ object: z.literal("list"), data: z.array(KeyResource) });
export type KeyList = z.infer<typeof KeyList>;
