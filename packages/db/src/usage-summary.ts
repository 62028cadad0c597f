// A tenant's usage events in a month summed per day, model or strategy, in SQL, for GET /v1/usage?group_by=.
import { creditsForUsage } from "@thinktime/core/api/credits";
import { and, countDistinct, eq, gte, lt, sql, sum } from "drizzle-orm";
import type { Queryable } from "./credits.js";
import { usageEvents } from "./schema.js";

export const USAGE_GROUPS = ["day", "model", "strategy"] as const;
export type UsageGroup = (typeof USAGE_GROUPS)[number];

export interface UsageBucket {
  /** `YYYY-MM-DD` (UTC) for day, else the model or strategy name. */
  key: string;
  promptTokens: number;
  generatedTokens: number;
  verifierTokens: number;
  flops: number;
  /** What the tokens cost (one credit per token), before any job's charge is capped at its reservation. */
  credits: number;
  /** Distinct jobs with events in the bucket. */
  jobs: number;
}

/** The first instant of a `YYYY-MM` month and of the month after it, in UTC. */
export function periodBounds(period: string): { start: Date; end: Date } {
  const [year, month] = period.split("-").map(Number) as [number, number];
  return { start: new Date(Date.UTC(year, month - 1, 1)), end: new Date(Date.UTC(year, month, 1)) };
}

/** Buckets ordered by key; a bucket exists only where the tenant has events. */
export async function usageSummary(db: Queryable, tenantId: string, period: string, groupBy: UsageGroup): Promise<UsageBucket[]> {
  const { start, end } = periodBounds(period);
  const key =
    groupBy === "day"
      ? sql<string>`to_char(${usageEvents.createdAt} AT TIME ZONE 'UTC', 'YYYY-MM-DD')`
      : groupBy === "model"
        ? sql<string>`${usageEvents.model}`
        : sql<string>`${usageEvents.strategy}`;
  const rows = await db
    .select({
      key,
      promptTokens: sum(usageEvents.promptTokens).mapWith(Number),
      generatedTokens: sum(usageEvents.generatedTokens).mapWith(Number),
      verifierTokens: sum(usageEvents.verifierTokens).mapWith(Number),
      flops: sum(usageEvents.flops).mapWith(Number),
      jobs: countDistinct(usageEvents.jobId),
    })
    .from(usageEvents)
    .where(and(eq(usageEvents.tenantId, tenantId), gte(usageEvents.createdAt, start), lt(usageEvents.createdAt, end)))
    .groupBy(key)
    .orderBy(key);
  return rows.map((r) => {
    const tokens = { promptTokens: r.promptTokens ?? 0, generatedTokens: r.generatedTokens ?? 0, verifierTokens: r.verifierTokens ?? 0 };
    return { key: String(r.key), ...tokens, flops: r.flops ?? 0, credits: creditsForUsage(tokens), jobs: Number(r.jobs) };
  });
}
