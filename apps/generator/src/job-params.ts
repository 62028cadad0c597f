// Validation of a claimed job's stored strategy and params: the row came from the edge, but trust is checked here.
import { Decoding, LIMITS, STRATEGIES, type StrategyName, type StrategyParams } from "@thinktime/core";
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
});

/** How the engine decodes a job's samples: its request fields `mode` and `harp`. */
export interface JobDecoding {
  mode: GenerationMode;
  harp?: HarpParams;
}

export type ParsedJob =
  | { ok: true; strategy: StrategyName; params: StrategyParams; decoding: JobDecoding }
  | { ok: false; message: string };

export function parseJob(strategy: string, params: unknown): ParsedJob {
  if (!(STRATEGIES as readonly string[]).includes(strategy)) {
    return { ok: false, message: `unknown strategy "${strategy}"; expected one of ${STRATEGIES.join(", ")}` };
  }
  const parsed = StoredJobParams.safeParse(params);
  if (!parsed.success) {
    return { ok: false, message: `invalid job params: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}` };
  }
  const p = parsed.data;
  return {
    ok: true,
    strategy: strategy as StrategyName,
    params: {
      n: p.n, temperature: p.temperature, top_p: p.top_p, seed: p.seed, max_tokens: p.max_tokens,
      ...(p.top_k !== undefined ? { top_k: p.top_k } : {}),
      ...(p.stop !== undefined ? { stop: p.stop } : {}),
    },
    decoding: engineDecoding(p.decoding),
  };
}

/** The API's decoding option → the engine's request fields (the schema already filled HARP's defaults). */
export function engineDecoding(d: Decoding | undefined): JobDecoding {
  if (d?.mode !== "harp") return { mode: "vanilla" };
  return { mode: "harp", harp: { theta: d.theta, delta: d.delta, beta: d.beta, variant: d.variant, window: d.window } };
}
