// `ask` (submit, follow the job live on stderr, print the answer) and `submit` (print the job id; --wait).
import { type JobResource, STRATEGIES, type StrategyName } from "@thinktime/core/api/jobs";
import type { CreateJobInput } from "../jobs.js";
import { type Command, type Context, intFlag, numberFlag, parse, printJson, UsageError } from "./common.js";
import { progressPrinter } from "./progress.js";

const JOB_FLAGS = {
  strategy: { type: "string", short: "s" },
  n: { type: "string" },
  "budget-tokens": { type: "string" },
  "budget-flops": { type: "string" },
  "max-tokens": { type: "string" },
  seed: { type: "string" },
  "idempotency-key": { type: "string" },
} as const;

type JobValues = { [K in keyof typeof JOB_FLAGS]?: string };

function jobBody(positionals: string[], v: JobValues): CreateJobInput {
  const question = positionals.join(" ").trim();
  if (!question) throw new UsageError("expected a question");
  const tokens = intFlag("budget-tokens", v["budget-tokens"], 1);
  const flops = numberFlag("budget-flops", v["budget-flops"]);
  const body: CreateJobInput = { question };
  if (v.strategy !== undefined) {
    if (!(STRATEGIES as readonly string[]).includes(v.strategy)) throw new UsageError(`--strategy must be one of ${STRATEGIES.join(", ")}`);
    body.strategy = v.strategy as StrategyName;
  }
  body.n = intFlag("n", v.n, 1);
  body.max_tokens = intFlag("max-tokens", v["max-tokens"], 1);
  body.seed = intFlag("seed", v.seed);
  if (tokens !== undefined || flops !== undefined) body.budget = { tokens, flops };
  return JSON.parse(JSON.stringify(body)) as CreateJobInput;
}

/** Follows the job to its end, drawing progress on stderr. */
async function follow(ctx: Context, id: string): Promise<JobResource> {
  const printer = progressPrinter(ctx.io);
  try {
    return await ctx.client.jobs.waitFor(id, { onProgress: printer.update });
  } finally {
    printer.end();
  }
}

/** 0 when it succeeded; a failed or canceled job is reported on stderr and exits 1. */
function outcome(ctx: Context, job: JobResource): number {
  if (job.status === "succeeded") return 0;
  const why = job.error ? `: ${job.error.code}: ${job.error.message}` : "";
  ctx.io.err(`job ${job.id} ${job.status}${why}`);
  return 1;
}

export const ask: Command = async (args, ctx) => {
  const { values, positionals } = parse(args, JOB_FLAGS);
  const body = jobBody(positionals, values);
  const created = await ctx.client.jobs.create(body, { idempotencyKey: values["idempotency-key"] });
  ctx.io.err(`${created.id} (${created.strategy}, n=${created.params.n})`);
  const job = await follow(ctx, created.id);
  if (values.json) printJson(ctx.io, job);
  else if (job.status === "succeeded") ctx.io.out(job.result?.answer ?? "");
  return outcome(ctx, job);
};

export const submit: Command = async (args, ctx) => {
  const { values, positionals } = parse(args, { ...JOB_FLAGS, wait: { type: "boolean", short: "w" } });
  const created = await ctx.client.jobs.create(jobBody(positionals, values), { idempotencyKey: values["idempotency-key"] });
  if (!values.wait) {
    if (values.json) printJson(ctx.io, created);
    else ctx.io.out(created.id);
    return 0;
  }
  const job = await follow(ctx, created.id);
  if (values.json) printJson(ctx.io, job);
  else ctx.io.out(`${job.id}\t${job.status}\t${job.result?.answer ?? ""}`);
  return outcome(ctx, job);
};
