// Turning validated job requests into queued jobs (params, plan, budget check, credits): shared by POST /v1/jobs, the batch and chat.
import { budgetTooSmall, randomSeed, resolveJobParams, type CreateJobRequest, type PolicyTable } from "@thinktime/core";
import { jobCreditBudget } from "@thinktime/core/api/credits";
import { activePolicyTable, submitJob, type CreditBalance, type Database, type Job, type NewJob } from "@thinktime/db";
import type { Services } from "../../../hono.js";
import { ApiError, type FieldError } from "../../../errors.js";
import { requestHash } from "./idempotency.js";

/** The policy table `auto` jobs plan with, read from the database at most once per request. */
export function policyTableOnce(db: Database): () => Promise<PolicyTable | null> {
  let table: Promise<PolicyTable | null> | undefined;
  return () => (table ??= activePolicyTable(db));
}

export type PreparedJob = { job: NewJob } | { tooSmall: FieldError & { detail: string } };

/**
 * The job a request asks for, or why its budget cannot start it (`path` is where the budget is: "budget.tokens").
 * Throws planner_unavailable for `auto` when no policy table is stored.
 */
export async function prepareJob(req: CreateJobRequest, policyTable: () => Promise<PolicyTable | null>): Promise<PreparedJob> {
  const params = resolveJobParams(req, randomSeed);
  // auto plans with the newest calibrated policy table; the job keeps its version.
  const table = req.strategy === "auto" ? await policyTable() : null;
  if (req.strategy === "auto") {
    if (!table) throw new ApiError("planner_unavailable", "No policy table is stored yet: run the calibration (pnpm calibrate) or name a strategy.");
    params.policy_table = table.version;
  }
  // Token budgets are checked here; FLOPs need the models' shapes, which only the generator knows.
  const tooSmall = await budgetTooSmall(req.strategy, req.question, params, table ? { policyTable: table } : {});
  if (tooSmall) {
    return {
      tooSmall: {
        path: "budget.tokens",
        message: `must be at least ${tooSmall.needed.tokens}`,
        detail: `${req.strategy} cannot start: ${tooSmall.message}.`,
      },
    };
  }
  const credits = jobCreditBudget(params, req.question, req.strategy, table ?? undefined);
  return { job: { question: req.question, strategy: req.strategy, params, credits } };
}

export function creditsExhausted(balance: CreditBalance, needed: number, what = "This job"): ApiError {
  const { limit, reserved, spent, period } = balance;
  const left = Math.max(0, (limit ?? 0) - reserved - spent);
  return new ApiError("credits_exhausted", `${what} needs up to ${needed} credits; ${left} of ${limit} are left for ${period}.`);
}

/**
 * Queues one job as POST /v1/jobs does, throwing the API's errors (budget_too_small, idempotency_mismatch,
 * credits_exhausted). `pathPrefix` places a budget error where the client sent the budget.
 */
export async function submitOne(
  { db, hotPath }: Pick<Services, "db" | "hotPath">,
  tenantId: string,
  req: CreateJobRequest,
  opts: { idempotencyKey?: string; pathPrefix?: string } = {},
): Promise<{ kind: "created" | "replayed"; job: Job }> {
  const prepared = await prepareJob(req, policyTableOnce(db));
  if ("tooSmall" in prepared) {
    const { path, message, detail } = prepared.tooSmall;
    throw new ApiError("budget_too_small", detail, [{ path: `${opts.pathPrefix ?? ""}${path}`, message }]);
  }
  const key = opts.idempotencyKey;
  // Keyed submits replay through their own transaction; the rest share group commits with concurrent ones.
  const out = key
    ? await submitJob(db, { tenantId, ...prepared.job, idempotency: { key, requestHash: await requestHash(req) } })
    : await hotPath.submit({ tenantId, ...prepared.job });
  if (out.kind === "idempotency_mismatch") {
    throw new ApiError("idempotency_mismatch", "This Idempotency-Key was already used with a different request.");
  }
  if (out.kind === "insufficient_credits") throw creditsExhausted(out.balance, out.needed);
  return out;
}
