// Turns tenant rows into the admin API's tenant resource.
import type { TenantResource } from "@thinktime/core/api/tenants";
import type { Tenant } from "@thinktime/db";

export function toTenantResource(t: Tenant): TenantResource {
  return {
    id: t.id,
    object: "tenant",
    name: t.name,
    quotas: { requests_per_minute: t.requestsPerMinute, monthly_credits: t.monthlyCredits },
    created_at: t.createdAt.toISOString(),
  };
}
