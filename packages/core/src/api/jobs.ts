// The public jobs API contract: request validation and response shapes shared by edge, generator and clients.
import { z } from "zod";
import type { Budget, SearchKnobs, StopReason } from "../strategies/types.js";

export const LIMITS = {
  questionChars: 4000,
  maxN: 64,
  maxTokens: 512,
  pageSize: 100,
  harpWindow: 64,
} as const;

/**
 * Every strategy a job may name: the first three, the budgeted searches (strategies/search.ts runs them all), and
 * `auto`, which probes the question and runs the policy table's choice for its difficulty and budget.
 */
export const STRATEGIES = [
  "greedy", "best_of_n", "majority", "weighted_best_of_n", "beam_search", "lookahead", "dvts", "early_stop", "revisions",
  "anchored_majority", "auto",
] as const;
export type StrategyName = (typeof STRATEGIES)[number];
export const JOB_STATUSES = ["queued", "running", "succeeded", "failed", "canceled"] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/** HARP's settings when a job does not name them: the paper's θ, δ, β; the cached variant's window. */
export const HARP_DEFAULTS = { theta: 1.0, delta: 0.2, beta: 0.5, variant: "faithful", window: 8 } as const;

/**
 * How the generator picks each token. "vanilla": from the model's logits. "harp" (Storaï & Hwang 2024): where the
 * raw next-token entropy exceeds theta bits, a second pass on dropout-perturbed input embeddings (probability
 * delta) is mixed in, beta·original + (1−beta)·reframed; "faithful" re-runs the whole sequence (the paper),
 * "cached" only the last `window` positions on the KV cache (cheaper). Reframes cost extra FLOPs, not tokens.
 */
export const Decoding = z.discriminatedUnion("mode", [
  z.object({ mode: z.literal("vanilla") }).strict(),
  z
    .object({
      mode: z.literal("harp"),
      theta: z.number().min(0).max(16).default(HARP_DEFAULTS.theta),
      delta: z.number().min(0).lt(1).default(HARP_DEFAULTS.delta),
      beta: z.number().min(0).max(1).default(HARP_DEFAULTS.beta),
      variant: z.enum(["faithful", "cached"]).default(HARP_DEFAULTS.variant),
      window: z.number().int().min(1).max(LIMITS.harpWindow).default(HARP_DEFAULTS.window),
    })
    .strict(),
]);
export type Decoding = z.infer<typeof Decoding>;

/** A hard cap on what a job may spend: prompt + generated + verifier tokens, and/or generator + verifier FLOPs. */
export const JobBudget = z
  .strictObject({
    flops: z.number().positive().max(1e21).optional(),
    tokens: z.number().int().positive().max(1e9).optional(),
  })
  .refine((b) => b.flops !== undefined || b.tokens !== undefined, { message: "budget needs flops or tokens" });

/** Each search knob, its range, and the strategies that read it (see SearchParams). */
export const SEARCH_KNOBS = {
  beam_width: { schema: z.number().int().min(1).max(LIMITS.maxN), for: ["beam_search", "lookahead", "dvts"] },
  lookahead: { schema: z.number().int().min(0).max(8), for: ["lookahead"] },
  max_rounds: { schema: z.number().int().min(1).max(64), for: ["beam_search", "lookahead", "dvts"] },
  step_tokens: { schema: z.number().int().min(1).max(LIMITS.maxTokens), for: ["beam_search", "lookahead", "dvts"] },
  round_size: { schema: z.number().int().min(1).max(LIMITS.maxN), for: ["early_stop"] },
  alpha: { schema: z.number().gt(0).lt(1), for: ["early_stop"] },
  weighted: { schema: z.boolean(), for: ["early_stop", "anchored_majority"] },
  chains: { schema: z.number().int().min(1).max(LIMITS.maxN), for: ["revisions"] },
  revision_select: { schema: z.enum(["verifier", "majority"]), for: ["revisions"] },
  anchor: { schema: z.number().int().min(1).max(LIMITS.maxN), for: ["anchored_majority"] },
} as const satisfies Record<string, { schema: z.ZodType; for: readonly StrategyName[] }>;
export type SearchKnob = keyof typeof SEARCH_KNOBS;
const KNOB_NAMES = Object.keys(SEARCH_KNOBS) as SearchKnob[];
/** The knobs as optional object fields, for every schema that carries them (requests, stored params). */
export const SEARCH_KNOB_FIELDS = {
  beam_width: SEARCH_KNOBS.beam_width.schema.optional(),
  lookahead: SEARCH_KNOBS.lookahead.schema.optional(),
  max_rounds: SEARCH_KNOBS.max_rounds.schema.optional(),
  step_tokens: SEARCH_KNOBS.step_tokens.schema.optional(),
  round_size: SEARCH_KNOBS.round_size.schema.optional(),
  alpha: SEARCH_KNOBS.alpha.schema.optional(),
  weighted: SEARCH_KNOBS.weighted.schema.optional(),
  chains: SEARCH_KNOBS.chains.schema.optional(),
  revision_select: SEARCH_KNOBS.revision_select.schema.optional(),
  anchor: SEARCH_KNOBS.anchor.schema.optional(),
};

/** The default n of sampling strategies (greedy is always one sample). */
export const DEFAULT_N = 8;

export const CreateJobRequest = z
  .object({
    question: z.string().trim().min(1, "question must not be empty").max(LIMITS.questionChars),
    strategy: z.enum(STRATEGIES).default("best_of_n"),
    n: z.number().int().min(1).max(LIMITS.maxN).optional(),
    temperature: z.number().min(0).max(2).default(0.8),
    top_p: z.number().gt(0).max(1).default(1),
    seed: z.number().int().min(0).max(2 ** 31 - 1).optional(),
    max_tokens: z.number().int().min(1).max(LIMITS.maxTokens).default(256),
    /** Default vanilla. */
    decoding: Decoding.optional(),
    /** Default: unlimited (the job is still capped by its credit reservation). */
    budget: JobBudget.optional(),
    ...SEARCH_KNOB_FIELDS,
  })
  .strict()
  .superRefine((r, ctx) => {
    for (const knob of KNOB_NAMES) {
      const users: readonly string[] = SEARCH_KNOBS[knob].for;
      if (r[knob] !== undefined && !users.includes(r.strategy)) {
        ctx.addIssue({ code: "custom", path: [knob], message: `${knob} applies only to ${users.join(", ")}, not ${r.strategy}` });
      }
    }
    if (r.chains !== undefined && r.chains > (r.n ?? DEFAULT_N)) {
      ctx.addIssue({ code: "custom", path: ["chains"], message: `chains must not exceed n (${r.n ?? DEFAULT_N})` });
    }
    if (r.beam_width !== undefined && r.beam_width > (r.n ?? DEFAULT_N)) {
      ctx.addIssue({ code: "custom", path: ["beam_width"], message: `beam_width must not exceed n (${r.n ?? DEFAULT_N})` });
    }
    if (r.strategy === "auto" && !r.budget) {
      ctx.addIssue({ code: "custom", path: ["budget"], message: "auto plans how to spend a budget: give budget.tokens or budget.flops" });
    }
    if (r.strategy === "auto" && r.n !== undefined) {
      ctx.addIssue({ code: "custom", path: ["n"], message: "auto chooses n itself from its policy table" });
    }
    // HARP's reframing passes are not in the strategies' worst-case FLOPs, so a FLOPs cap could not be kept.
    if (r.budget?.flops !== undefined && r.decoding?.mode === "harp") {
      ctx.addIssue({ code: "custom", path: ["budget", "flops"], message: "a FLOPs budget cannot be combined with HARP decoding" });
    }
  });
export type CreateJobRequest = z.infer<typeof CreateJobRequest>;

/** What the generator needs to run a job; `n` resolved (greedy is one sample at temperature 0). */
export interface JobParams extends SearchKnobs {
  n: number;
  temperature: number;
  top_p: number;
  seed: number;
  max_tokens: number;
  /** Absent = vanilla (jobs stored before decoding existed have none). */
  decoding?: Decoding;
  /** Absent = unlimited. */
  budget?: Budget;
  /** `auto`: the policy table version the edge planned with (the generator plans with the same one). */
  policy_table?: string;
}

export function resolveJobParams(req: CreateJobRequest, randomSeed: () => number): JobParams {
  const greedy = req.strategy === "greedy";
  const knobs = Object.fromEntries(KNOB_NAMES.filter((k) => req[k] !== undefined).map((k) => [k, req[k]]));
  return {
    n: greedy ? 1 : (req.n ?? DEFAULT_N),
    temperature: greedy ? 0 : req.temperature,
    top_p: greedy ? 1 : req.top_p,
    seed: req.seed ?? randomSeed(),
    max_tokens: req.max_tokens,
    ...(req.decoding ? { decoding: req.decoding } : {}),
    ...(req.budget ? { budget: req.budget } : {}),
    ...knobs,
  };
}

export interface JobResult {
  answer: string | null;
  /** Index of the chosen candidate. */
  chosen: number | null;
  /** Votes per normalized answer (majority) or best score (best_of_n). */
  votes?: Record<string, number>;
  /** HARP jobs: reframing passes run and their FLOPs (already inside usage.flops). */
  decoding?: DecodingReport;
  /** Why the strategy stopped spending (StopReason): "done", "finished", "rounds", "budget", "settled", "samples". */
  stopped?: StopReason;
  /** The verifiers' share of usage.flops. */
  verifier_flops?: number;
  /** Tree searches (beam_search, lookahead, dvts): every step generated, in creation order (ids are indices). */
  tree?: JobTreeNode[];
  /** auto: the plan chosen and why (the probe, the predicted difficulty bin, the policy table entry). */
  plan?: JobPlanReport;
}

export interface DecodingReport {
  mode: "vanilla" | "harp";
  reframes: number;
  reframe_flops: number;
}

export interface JobUsage {
  prompt_tokens: number;
  generated_tokens: number;
  verifier_tokens: number;
  flops: number;
}

// ---- Response shapes of the public REST API (the edge). Clients may parse responses with these. ----

export const JobCandidate = z.object({
  index: z.number().int(),
  text: z.string(),
  answer: z.string().nullable(),
  tokens: z.number().int(),
  logprob: z.number().nullable(),
  score: z.number().nullable(),
  finish_reason: z.string(),
  chosen: z.boolean(),
});
export type JobCandidate = z.infer<typeof JobCandidate>;

export const JobUsageSchema = z.object({
  prompt_tokens: z.number().int(),
  generated_tokens: z.number().int(),
  verifier_tokens: z.number().int(),
  flops: z.number(),
});

export const JobParamsSchema = z.object({
  n: z.number().int(),
  temperature: z.number(),
  top_p: z.number(),
  seed: z.number().int(),
  max_tokens: z.number().int(),
  decoding: Decoding.optional(),
  budget: z.object({ flops: z.number().optional(), tokens: z.number().optional() }).optional(),
  beam_width: z.number().int().optional(),
  lookahead: z.number().int().optional(),
  max_rounds: z.number().int().optional(),
  step_tokens: z.number().int().optional(),
  round_size: z.number().int().optional(),
  alpha: z.number().optional(),
  weighted: z.boolean().optional(),
  chains: z.number().int().optional(),
  revision_select: z.enum(["verifier", "majority"]).optional(),
  anchor: z.number().int().optional(),
  policy_table: z.string().optional(),
});

export const STOP_REASONS = ["done", "finished", "rounds", "budget", "settled", "samples"] as const;

/** One step of a search tree, as a job's result shows it (SearchNode). */
export const SearchNodeSchema = z.object({
  id: z.number().int(),
  parent: z.number().int().nullable(),
  step: z.string(),
  score: z.number().nullable(),
  depth: z.number().int(),
  finished: z.boolean(),
  finishReason: z.enum(["stop", "length"]),
  tokens: z.number().int(),
  /** Null when not finite. */
  logprob: z.number().nullable(),
  flops: z.number(),
  subtree: z.number().int(),
  rollout: z.array(z.string()).optional(),
});
export type JobTreeNode = z.infer<typeof SearchNodeSchema>;

const iso = z.string().describe("ISO 8601 timestamp");

/** What `auto` reports (strategies/auto.ts AutoReport, as stored): the plan run, and why. */
export const JobPlanSchema = z.object({
  strategy: z.enum(STRATEGIES),
  params: z.record(z.string(), z.unknown()),
  why: z.object({
    version: z.string(),
    bin: z.number().int(),
    bucket: z.number().int(),
    difficulty: z.number().nullable(),
    entry: z.record(z.string(), z.unknown()),
  }),
  probe: z
    .object({
      n: z.number().int(),
      scores: z.array(z.number()),
      answers: z.array(z.string().nullable()),
      cost: z.record(z.string(), z.number()),
    })
    .nullable(),
});
export type JobPlanReport = z.infer<typeof JobPlanSchema>;

/** A job as listed (`GET /v1/jobs`): everything but the candidates. */
export const JobSummary = z.object({
  id: z.string(),
  object: z.literal("job"),
  status: z.enum(JOB_STATUSES),
  question: z.string(),
  strategy: z.enum(STRATEGIES),
  params: JobParamsSchema,
  result: z
    .object({
      answer: z.string().nullable(),
      chosen: z.number().int().nullable(),
      votes: z.record(z.string(), z.number()).optional(),
      decoding: z
        .object({ mode: z.enum(["vanilla", "harp"]), reframes: z.number().int(), reframe_flops: z.number() })
        .optional(),
      stopped: z.enum(STOP_REASONS).optional(),
      verifier_flops: z.number().optional(),
      tree: z.array(SearchNodeSchema).optional(),
      plan: JobPlanSchema.optional(),
    })
    .nullable(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  usage: JobUsageSchema.nullable(),
  cancel_requested: z.boolean(),
  created_at: iso,
  started_at: iso.nullable(),
  finished_at: iso.nullable(),
});
export type JobSummary = z.infer<typeof JobSummary>;

/** A job with its sampled candidates (`GET /v1/jobs/{id}`, `POST /v1/jobs`, cancel). */
export const JobResource = JobSummary.extend({ candidates: z.array(JobCandidate) });
export type JobResource = z.infer<typeof JobResource>;

export const JobList = z.object({
  object: z.literal("list"),
  data: z.array(JobSummary),
  next_cursor: z.string().nullable(),
});
export type JobList = z.infer<typeof JobList>;

/** RFC 9457 problem details, as every error of the API is shaped. */
export const Problem = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  code: z.string(),
  request_id: z.string(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});
export type Problem = z.infer<typeof Problem>;
