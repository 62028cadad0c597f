// Turns key rows into the public key resource; only a freshly created key carries its plaintext.
import type { CreatedKeyResource, KeyResource } from "@thinktime/core/api/keys";
import type { ApiKey, CreatedKey } from "@thinktime/db";

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function toKeyResource(k: ApiKey): KeyResource {
  return {
    id: k.id,
    object: "api_key",
    tenant_id: k.tenantId,
    name: k.name,
    prefix: k.prefix,
    scopes: k.scopes,
    created_at: k.createdAt.toISOString(),
    expires_at: iso(k.expiresAt),
    revoked_at: iso(k.revokedAt),
    last_used_at: iso(k.lastUsedAt),
  };
}

export function toCreatedKeyResource(k: CreatedKey): CreatedKeyResource {
  return { ...toKeyResource(k.row), key: k.key };
}
