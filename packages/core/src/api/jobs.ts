// The public jobs API contract: request validation and response shapes shared by edge, generator and clients.
import { z } from "zod";

export const LIMITS = {
  questionChars: 4000,
  maxN: 64,
  maxTokens: 512,
  pageSize: 100,
  harpWindow: 64,
} as const;

export const STRATEGIES = ["greedy", "best_of_n", "majority"] as const;
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
  })
  .strict();
export type CreateJobRequest = z.infer<typeof CreateJobRequest>;

/** What the generator needs to run a job; `n` resolved (greedy is one sample at temperature 0). */
export interface JobParams {
  n: number;
  temperature: number;
  top_p: number;
  seed: number;
  max_tokens: number;
  /** Absent = vanilla (jobs stored before decoding existed have none). */
  decoding?: Decoding;
}

export function resolveJobParams(req: CreateJobRequest, randomSeed: () => number): JobParams {
  const greedy = req.strategy === "greedy";
  return {
    n: greedy ? 1 : (req.n ?? 8),
    temperature: greedy ? 0 : req.temperature,
    top_p: greedy ? 1 : req.top_p,
    seed: req.seed ?? randomSeed(),
    max_tokens: req.max_tokens,
    ...(req.decoding ? { decoding: req.decoding } : {}),
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
});

const iso = z.string().describe("ISO 8601 timestamp");

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
