// The tenancy contract (/admin and /v1/usage): tenants, their quotas, and credit usage per month.
import { z } from "zod";

const iso = z.string().describe("ISO 8601 timestamp");

export const Quotas = z.object({
  /** Requests per minute across the tenant's keys; null: unlimited. */
  requests_per_minute: z.number().int().min(1).max(1_000_000).nullable(),
  /** Compute credits per calendar month (UTC); null: unlimited. */
  monthly_credits: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).nullable(),
});
export type Quotas = z.infer<typeof Quotas>;

export const UpdateQuotasRequest = Quotas.partial().strict();
export type UpdateQuotasRequest = z.infer<typeof UpdateQuotasRequest>;

export const CreateTenantRequest = z
  .object({ name: z.string().trim().min(1).max(100) })
  .extend(Quotas.partial().shape)
  .strict();
export type CreateTenantRequest = z.infer<typeof CreateTenantRequest>;

export const TenantResource = z.object({
  id: z.string(),
  object: z.literal("tenant"),
  name: z.string(),
  quotas: Quotas,
  created_at: iso,
});
export type TenantResource = z.infer<typeof TenantResource>;

export const TenantList = z.object({ object: z.literal("list"), data: z.array(TenantResource), next_cursor: z.string().nullable() });
export type TenantList = z.infer<typeof TenantList>;

/** Credits in one month: `reserved` is held by unfinished jobs, `spent` is settled. */
export const CreditUsageResource = z.object({
  object: z.literal("credit_usage"),
  tenant_id: z.string(),
  period: z.string().describe("YYYY-MM (UTC)"),
  limit: z.number().int().nullable(),
  reserved: z.number().int(),
  spent: z.number().int(),
  remaining: z.number().int().nullable(),
});
export type CreditUsageResource = z.infer<typeof CreditUsageResource>;

export const CreditUsageList = z.object({ object: z.literal("list"), period: z.string(), data: z.array(CreditUsageResource) });
export type CreditUsageList = z.infer<typeof CreditUsageList>;

export const PERIOD = /^\d{4}-(0[1-9]|1[0-2])$/;
