// The grouped usage resource of GET /v1/usage?group_by=: its OpenAPI schema and the mapping from the db's buckets.
import { z } from "@hono/zod-openapi";
import { USAGE_GROUPS, type UsageBucket, type UsageGroup } from "@thinktime/db/usage-summary";

export const UsageBucketSchema = z
  .object({
    key: z.string().openapi({ description: "`YYYY-MM-DD` (UTC) for `day`, else the model or strategy", example: "2026-11-03" }),
    prompt_tokens: z.number().int(),
    generated_tokens: z.number().int(),
    verifier_tokens: z.number().int(),
    flops: z.number(),
    credits: z.number().int().openapi({ description: "What the tokens cost (one credit per token), before a job's charge is capped at its reservation" }),
    jobs: z.number().int().openapi({ description: "Distinct jobs with usage in the bucket" }),
  })
  .openapi("UsageBucket");

export const UsageSummarySchema = z
  .object({
    object: z.literal("usage_summary"),
    tenant_id: z.string(),
    period: z.string().openapi({ description: "YYYY-MM (UTC)" }),
    group_by: z.enum(USAGE_GROUPS),
    data: z.array(UsageBucketSchema).openapi({ description: "One bucket per key with usage, ordered by key" }),
  })
  .openapi("UsageSummary");
export type UsageSummary = z.infer<typeof UsageSummarySchema>;

export function toUsageSummary(tenantId: string, period: string, groupBy: UsageGroup, buckets: UsageBucket[]): UsageSummary {
  return {
    object: "usage_summary",
    tenant_id: tenantId,
    period,
    group_by: groupBy,
    data: buckets.map((b) => ({
      key: b.key,
      prompt_tokens: b.promptTokens,
      generated_tokens: b.generatedTokens,
      verifier_tokens: b.verifierTokens,
      flops: b.flops,
      credits: b.credits,
      jobs: b.jobs,
    })),
  };
}
