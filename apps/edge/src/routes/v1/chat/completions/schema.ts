// The OpenAI chat-completions wire shapes Thinktime speaks, plus its `thinktime` extension (strategy, budget, wait).
import { z } from "@hono/zod-openapi";
import { Decoding, JobBudget, LIMITS, SEARCH_KNOB_FIELDS, STRATEGIES } from "@thinktime/core";
import { MAX_WAIT_SECONDS } from "../../../../lib/prefer.js";

const ContentPart = z.object({ type: z.string().max(64), text: z.string().optional() });

/** Fields OpenAI messages carry beyond role and content (name, tool_calls, …) are accepted and ignored. */
const Message = z.object({
  role: z.enum(["system", "developer", "user", "assistant", "tool", "function"]),
  content: z.union([z.string(), z.array(ContentPart).max(64)]).nullable().optional(),
});

/** Thinktime's own knobs, over what the model name says: they take the names and ranges POST /v1/jobs uses. */
export const ThinktimeOptions = z
  .object({
    strategy: z.enum(STRATEGIES).optional(),
    n: z.number().int().min(1).max(LIMITS.maxN).optional(),
    budget: JobBudget.optional(),
    decoding: Decoding.optional(),
    /** Seconds to wait for the job (default and at most MAX_WAIT_SECONDS). */
    wait: z.number().int().min(0).max(MAX_WAIT_SECONDS).optional(),
    ...SEARCH_KNOB_FIELDS,
  })
  .strict();
export type ThinktimeOptions = z.infer<typeof ThinktimeOptions>;

/** OpenAI fields Thinktime has no use for (tools, penalties, logit_bias, …) are accepted and ignored, as most servers do. */
export const ChatCompletionBody = z
  .object({
    model: z.string().min(1).max(200).openapi({ example: "thinktime-best-of-16" }),
    messages: z.array(Message).min(1).max(256),
    stream: z.boolean().nullable().optional(),
    stream_options: z.object({ include_usage: z.boolean().optional() }).nullable().optional(),
    temperature: z.number().min(0).max(2).nullable().optional(),
    top_p: z.number().gt(0).max(1).nullable().optional(),
    seed: z.number().int().min(0).max(2 ** 31 - 1).nullable().optional(),
    /** Capped at the API's limit rather than refused: OpenAI clients often send more than a job may generate. */
    max_tokens: z.number().int().min(1).nullable().optional(),
    max_completion_tokens: z.number().int().min(1).nullable().optional(),
    n: z.literal(1, { error: "one choice per request: ask for samples with the model name or thinktime.n" }).nullable().optional(),
    thinktime: ThinktimeOptions.optional(),
  })
  .openapi("ChatCompletionRequest");
export type ChatCompletionBody = z.infer<typeof ChatCompletionBody>;

const Usage = z.object({ prompt_tokens: z.number().int(), completion_tokens: z.number().int(), total_tokens: z.number().int() });

/** What Thinktime adds to a completion: the job behind it and what its search cost beyond OpenAI's usage. */
export const ThinktimeReport = z.object({
  job_id: z.string(),
  strategy: z.enum(STRATEGIES),
  answer: z.string().nullable(),
  candidates: z.number().int(),
  verifier_tokens: z.number().int(),
  flops: z.number(),
});
export type ThinktimeReport = z.infer<typeof ThinktimeReport>;

export const ChatCompletionSchema = z
  .object({
    id: z.string(),
    object: z.literal("chat.completion"),
    created: z.number().int(),
    model: z.string(),
    system_fingerprint: z.null(),
    choices: z.array(
      z.object({
        index: z.number().int(),
        message: z.object({ role: z.literal("assistant"), content: z.string(), refusal: z.null() }),
        logprobs: z.null(),
        finish_reason: z.enum(["stop", "length"]),
      }),
    ),
    usage: Usage,
    thinktime: ThinktimeReport,
  })
  .openapi("ChatCompletion");
export type ChatCompletion = z.infer<typeof ChatCompletionSchema>;
