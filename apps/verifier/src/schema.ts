// The /v1/score and /v1/score-steps contract: request validation, limits and response shapes.
import { z } from "zod";
import { AGGREGATIONS, type Aggregation } from "./aggregate.js";
import type { Usage } from "./verifiers/types.js";

export const LIMITS = {
  maxItems: 256,
  questionChars: 4000,
  solutionChars: 16_000,
  referenceAnswerChars: 1000,
  delimiterChars: 16,
  /** Whole request body; anything bigger is refused before parsing (413). */
  maxBodyBytes: 2 * 1024 * 1024,
} as const;

export const ScoreItem = z.strictObject({
  question: z
    .string()
    .max(LIMITS.questionChars, `question must be at most ${LIMITS.questionChars} characters`)
    .refine((q) => q.trim().length > 0, "question must not be empty"),
  solution: z.string().max(LIMITS.solutionChars, `solution must be at most ${LIMITS.solutionChars} characters`),
  reference_answer: z
    .string()
    .max(LIMITS.referenceAnswerChars)
    .refine((a) => a.trim().length > 0, "reference_answer must not be empty")
    .optional(),
});
export type ScoreItem = z.infer<typeof ScoreItem>;

const common = {
  items: z
    .array(ScoreItem)
    .min(1, "items must hold at least one item")
    .max(LIMITS.maxItems, `items must hold at most ${LIMITS.maxItems} items`),
  /** Checked against the served models after validation, so an unknown name is a 404 rather than a 400. */
  model: z.string().max(64).optional(),
  /** How step scores fold into one score; the model's default when omitted (prm: last, arith-checker: min). */
  aggregation: z.enum(AGGREGATIONS).optional(),
  /** Where one step ends and the next begins; newline by default. */
  step_delimiter: z
    .string()
    .min(1, "step_delimiter must not be empty")
    .max(LIMITS.delimiterChars, `step_delimiter must be at most ${LIMITS.delimiterChars} characters`)
    .optional(),
};

/** POST /v1/score: one score per solution (model defaults to `orm`). */
export const ScoreRequest = z.strictObject(common);
export type ScoreRequest = z.infer<typeof ScoreRequest>;

/** POST /v1/score-steps: a score per step of each solution (model defaults to `prm`). */
export const ScoreStepsRequest = z.strictObject(common);
export type ScoreStepsRequest = z.infer<typeof ScoreStepsRequest>;

export interface ExactCheck {
  /** The answer extracted from the solution (extractAnswer), or null when it holds none. */
  answer: string | null;
  /** The extracted answer equals reference_answer (answersEqual). */
  correct: boolean;
}

export interface ScoreResponse {
  model: string;
  /** Present for process models, whose step scores were folded into `scores`. */
  aggregation?: Aggregation;
  /** One score in [0, 1] per item, in request order. */
  scores: number[];
  /** Present when any item has a reference_answer: one entry per item, null for items without one. */
  exact?: Array<ExactCheck | null>;
  usage: Usage;
}

export interface ScoreStepsResponse {
  model: string;
  aggregation: Aggregation;
  step_delimiter: string;
  /** Per item, one score per non-blank step: the probability that this prefix still leads to a right answer. */
  step_scores: number[][];
  /** Per item, its step scores folded by `aggregation`. */
  scores: number[];
  usage: Usage;
}

/** Zod issues as `{ path, message }` pairs for the problem body's `errors` extension. */
export function issueList(error: z.ZodError): Array<{ path: string; message: string }> {
  return error.issues.map((i) => ({
    path: i.path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("").replace(/^\./, "") || "(body)",
    message: i.message,
  }));
}
