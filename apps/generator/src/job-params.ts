// Validation of a claimed job's stored strategy and params: the row came from the edge, but trust is checked here.
import { Decoding, JobBudget, LIMITS, SEARCH_KNOB_FIELDS, STRATEGIES, type SearchParams, type StrategyName } from "@thinktime/core";
import { z } from "zod";
import type { GenerationMode, HarpParams } from "./engine/index.js";

export const StoredJobParams = z.object({
  n: z.number().int().min(1).max(LIMITS.maxN),
  temperature: z.number().min(0).max(2),
  top_p: z.number().gt(0).max(1),
  top_k: z.number().int().min(0).optional(),
  seed: z.number().int().min(0),
  max_tokens: z.number().int().min(1).max(LIMITS.maxTokens),
  stop: z.array(z.string().min(1)).max(4).optional(),
  /** Jobs stored before decoding existed have none: vanilla. */
  decoding: Decoding.optional(),
  /** Absent = unlimited (jobs stored before budgets existed have none). */
  budget: JobBudget.optional(),
  /** `auto` jobs: the policy table version to plan with. */
  policy_table: z.string().min(1).max(100).optional(),
  ...SEARCH_KNOB_FIELDS,
});

/** How the engine decodes a job's samples: its request fields `mode` and `harp`. */
export interface JobDecoding {
  mode: GenerationMode;
  harp?: HarpParams;
}

export type ParsedJob =
  | { ok: true; strategy: StrategyName; params: SearchParams; decoding: JobDecoding; policyTable?: string }
  | { ok: false; message: string };

export function parseJob(strategy: string, params: unknown): ParsedJob {
  if (!(STRATEGIES as readonly string[]).includes(strategy)) {
    return { ok: false, message: `unknown strategy "${strategy}"; expected one of ${STRATEGIES.join(", ")}` };
  }
  const parsed = StoredJobParams.safeParse(params);
  if (!parsed.success) {
    return { ok: false, message: `invalid job params: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}` };
  }
  const { decoding, policy_table, ...p } = parsed.data;
  if (strategy === "auto" && (!policy_table || !p.budget)) {
    return { ok: false, message: "an auto job needs params.policy_table and params.budget" };
  }
  // Keys the row lacks stay absent (the strategies apply their defaults), never undefined-valued.
  const present = Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined)) as unknown as SearchParams;
  return {
    ok: true,
    strategy: strategy as StrategyName,
    params: present,
    decoding: engineDecoding(decoding),
    ...(policy_table ? { policyTable: policy_table } : {}),
  };
}

/** The API's decoding option → the engine's request fields (the schema already filled HARP's defaults). */
export function engineDecoding(d: Decoding | undefined): JobDecoding {
  if (d?.mode !== "harp") return { mode: "vanilla" };
  return { mode: "harp", harp: { theta: d.theta, delta: d.delta, beta: d.beta, variant: d.variant, window: d.window } };
}
