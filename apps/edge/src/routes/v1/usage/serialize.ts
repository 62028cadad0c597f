// Turns a credit balance into the public credit-usage resource.
import type { CreditUsageResource } from "@thinktime/core/api/tenants";
import { type CreditBalance, remainingCredits } from "@thinktime/db";

export function toCreditUsage(b: CreditBalance): CreditUsageResource {
  return {
    object: "credit_usage",
    tenant_id: b.tenantId,
    period: b.period,
    limit: b.limit,
    reserved: b.reserved,
    spent: b.spent,
    remaining: remainingCredits(b),
  };
}
