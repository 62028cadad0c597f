// The generator worker: claims queued jobs, runs their strategy on the engine + verifier, writes the outcome.
import { randomUUID } from "node:crypto";
import {
  BudgetTooSmallError, SEARCH_VERIFIERS, runSearch, type CostModels, type DecodingReport, type FlopsModel, type JobResult,
  type JobTreeNode, type SearchNode, type SearchResult, type StrategyResult,
} from "@thinktime/core";
import {
  claimNextJob, completeJob, extendLease, failJob, finishCanceled, policyTableByVersion,
  type CandidateInput, type Database, type Job, type UsageInput,
} from "@thinktime/db";
import { Engine, GenerationAborted, InvalidRequest, type EngineOptions, type GenerateResult } from "./engine/index.js";
import { parseJob } from "./job-params.js";
import { jsonLogger, type Logger } from "./log.js";
import { engineSampler } from "./sampler.js";
import { StepScorerClient } from "./step-scorer-client.js";
import { UsageMeter } from "./usage-meter.js";
import { VerifierClient, VerifierError, type VerifierClientOptions } from "./verifier-client.js";

export interface GeneratorOptions {
  db: Database;
  /** A loaded engine (shared, not closed by stop()), or … */
  engine?: Engine;
  /** … a model directory to load one from (closed by stop()). */
  modelDir?: string;
  engineOptions?: EngineOptions;
  /**
   * The revision policy `revisions` jobs sample from (models/revise/onnx): a loaded engine (shared) or a model
   * directory (loaded with engineOptions, closed by stop()). Absent: revisions jobs fail with invalid_params.
   */
  reviser?: Engine | string;
  verifierUrl: string;
  verifierToken: string;
  /** Retry/timeout tuning of the verifier clients (/v1/score and /v1/score-steps). */
  verifier?: Omit<VerifierClientOptions, "url" | "token" | "model">;
  /**
   * FLOPs shapes of the verifier's outcome (scorer) and process (stepScorer) models, for FLOPs accounting and budgets.
   * The verifier service does not report them; unset, each is estimated as the policy's shape (the zoo's ORM and PRM
   * are the policy's architecture with a value head: same layers and width, within 0.01% of its parameters).
   */
  verifierModels?: { scorer?: FlopsModel; stepScorer?: FlopsModel };
  workerId?: string;
  /** Sleep between empty polls. Default 500 ms. */
  pollMs?: number;
  /** Lease length; renewed every leaseMs / 3 while a job runs. Default 30 s. */
  leaseMs?: number;
  /** On stop(), how long a running job may finish before it is abandoned to lease expiry. Default 20 s. */
  shutdownGraceMs?: number;
  logger?: Logger;
}

export interface GeneratorHandle {
  workerId: string;
  engine: Engine;
  /** Poll now instead of waiting out pollMs (e.g. the in-process edge just queued a job). */
  wake(): void;
  /** Stops claiming, lets a running job finish (up to shutdownGraceMs), then resolves. Idempotent. */
  stop(): Promise<void>;
}

/** Why a job's work was aborted. */
type AbortCause = "canceled" | "lease_lost" | "shutdown";
class JobAbort extends Error {
  constructor(readonly why: AbortCause) {
    super(`job aborted: ${why}`);
  }
}

export async function startGenerator(options: GeneratorOptions): Promise<GeneratorHandle> {
  const log = options.logger ?? jsonLogger;
  const workerId = options.workerId ?? `gen-${randomUUID().slice(0, 8)}`;
  const pollMs = options.pollMs ?? 500;
  const leaseMs = options.leaseMs ?? 30_000;
  const graceMs = options.shutdownGraceMs ?? 20_000;
  if (!options.engine && !options.modelDir) throw new Error("startGenerator needs an engine or a modelDir");
  const ownsEngine = !options.engine;
  const engine =
    options.engine ?? (await Engine.load(options.modelDir!, { logger: log, ...options.engineOptions }));
  const ownsReviser = typeof options.reviser === "string";
  const reviser =
    typeof options.reviser === "string" ? await Engine.load(options.reviser, { logger: log, ...options.engineOptions }) : options.reviser;
  const verifierHttp = {
    url: options.verifierUrl,
    token: options.verifierToken,
    onRetry: (info: { attempt: number; problem: string; delayMs: number }) => log.warn("verifier retry", info),
    ...options.verifier,
  };
  const verifier = new VerifierClient(verifierHttp);
  const stepVerifier = new StepScorerClient(verifierHttp);
  const models: CostModels = {
    generator: engine.flopsModel,
    scorer: options.verifierModels?.scorer ?? engine.flopsModel,
    stepScorer: options.verifierModels?.stepScorer ?? engine.flopsModel,
    ...(reviser ? { reviser: reviser.flopsModel } : {}),
  };
  const { db } = options;

  let stopping = false;
  let wakeUp: (() => void) | null = null;
  let current: AbortController | null = null;
  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        wakeUp = null;
        resolve();
      }
      wakeUp = done;
    });

  async function loop(): Promise<void> {
    let idleMs = pollMs;
    while (!stopping) {
      let job: Job | null = null;
      try {
        job = await claimNextJob(db, { workerId, leaseMs });
        idleMs = pollMs;
      } catch (err) {
        log.error("claim failed", { workerId, error: errorText(err) });
        idleMs = Math.min(idleMs * 2, Math.max(pollMs, 10_000));
      }
      if (job) {
        await runJob(job).catch((err: unknown) => log.error("job handling failed", { jobId: job.id, error: errorText(err) }));
        continue;
      }
      if (!stopping) await wait(idleMs);
    }
  }

  async function runJob(job: Job): Promise<void> {
    const started = Date.now();
    const meter = new UsageMeter();
    // A revisions job runs on the revision policy, and is billed as that model.
    const model = job.strategy === "revisions" && reviser ? reviser.name : engine.name;
    const usage = (): UsageInput => ({ model, strategy: job.strategy, ...meter.spent });
    log.info("job claimed", { jobId: job.id, workerId, strategy: job.strategy, attempt: job.attempts });

    if (job.cancelRequested) {
      await finishCanceled(db, { jobId: job.id, workerId, usage: usage() });
      log.info("job canceled before start", { jobId: job.id });
      return;
    }
    const parsed = parseJob(job.strategy, job.params);
    if (!parsed.ok) {
      await failJob(db, { jobId: job.id, workerId, code: "invalid_params", message: parsed.message });
      log.warn("job failed", { jobId: job.id, code: "invalid_params", message: parsed.message });
      return;
    }

    const policyTable = parsed.policyTable ? await policyTableByVersion(db, parsed.policyTable) : null;
    if (parsed.policyTable && !policyTable) {
      const message = `policy table ${parsed.policyTable} is not stored`;
      await failJob(db, { jobId: job.id, workerId, code: "invalid_params", message });
      log.warn("job failed", { jobId: job.id, code: "invalid_params", message });
      return;
    }

    if (parsed.strategy === "revisions" && !reviser) {
      const message = "revisions needs the revision policy, and this generator has none loaded (REVISER_DIR)";
      await failJob(db, { jobId: job.id, workerId, code: "invalid_params", message });
      log.warn("job failed", { jobId: job.id, code: "invalid_params", message });
      return;
    }

    const controller = new AbortController();
    current = controller;
    const heartbeat = startHeartbeat(job.id, controller);
    try {
      const uses = SEARCH_VERIFIERS[parsed.strategy];
      const report: DecodingReport = { mode: parsed.decoding.mode, reframes: 0, reframe_flops: 0 };
      const onResult = (r: GenerateResult) => {
        for (const s of r.samples) {
          report.reframes += s.reframes;
          report.reframe_flops += s.reframeFlops;
        }
      };
      const result = await runSearch(parsed.strategy, job.question, parsed.params, {
        sampler: meter.sampler(engineSampler(engine, { tenant: job.tenantId, ...parsed.decoding, onResult })),
        ...(uses.scorer ? { scorer: meter.scorer(verifier) } : {}),
        ...(uses.stepScorer ? { stepScorer: meter.stepScorer(stepVerifier) } : {}),
        ...(reviser
          ? {
              reviser: meter.sampler(engineSampler(reviser, { tenant: job.tenantId, ...parsed.decoding, onResult })),
              reviserContext: reviser.maxPositions,
            }
          : {}),
        models,
        signal: controller.signal,
        ...(policyTable ? { policyTable } : {}),
      });
      await heartbeat.stop();
      const won = await completeJob(db, {
        jobId: job.id,
        workerId,
        result: { ...resultJson(result), ...(report.mode === "harp" ? { decoding: report } : {}) },
        candidates: candidateRows(result),
        usage: { model, strategy: job.strategy, ...costToUsage(result) },
      });
      log.info(won ? "job succeeded" : "job result discarded: lease lost", {
        jobId: job.id, answer: result.answer, ms: Date.now() - started, ...meter.spent,
      });
    } catch (err) {
      await heartbeat.stop();
      const cause = controller.signal.aborted ? (controller.signal.reason as JobAbort).why : null;
      if (cause === "canceled") {
        const ok = await finishCanceled(db, { jobId: job.id, workerId, usage: usage() });
        log.info("job canceled", { jobId: job.id, recorded: ok, ...meter.spent });
      } else if (cause === "lease_lost" || cause === "shutdown") {
        log.warn("job abandoned", { jobId: job.id, cause });
      } else {
        const { code, message } = classify(err);
        await failJob(db, { jobId: job.id, workerId, code, message, ...(meter.any ? { usage: usage() } : {}) });
        log.warn("job failed", { jobId: job.id, code, message, ms: Date.now() - started });
      }
    } finally {
      current = null;
    }
  }

  /** Renews the lease every leaseMs / 3; aborts the job when it is canceled or the lease is lost. */
  function startHeartbeat(jobId: string, controller: AbortController) {
    let inFlight: Promise<void> = Promise.resolve();
    const timer = setInterval(() => {
      inFlight = inFlight.then(async () => {
        if (controller.signal.aborted) return;
        try {
          const state = await extendLease(db, jobId, workerId, leaseMs);
          if (!state.owned) controller.abort(new JobAbort("lease_lost"));
          else if (state.cancelRequested) controller.abort(new JobAbort("canceled"));
        } catch (err) {
          log.warn("lease renewal failed", { jobId, error: errorText(err) });
        }
      });
    }, Math.max(10, Math.floor(leaseMs / 3)));
    return {
      async stop() {
        clearInterval(timer);
        await inFlight;
      },
    };
  }

  const running = loop();
  log.info("generator started", { workerId, model: engine.name, executionProvider: engine.executionProvider, pollMs, leaseMs });

  let stopped: Promise<void> | null = null;
  return {
    workerId,
    engine,
    wake: () => wakeUp?.(),
    stop() {
      stopped ??= (async () => {
        stopping = true;
        wakeUp?.();
        const grace = setTimeout(() => current?.abort(new JobAbort("shutdown")), graceMs);
        await running;
        clearTimeout(grace);
        if (ownsEngine) await engine.close();
        if (ownsReviser) await reviser!.close();
        log.info("generator stopped", { workerId });
      })();
      return stopped;
    },
  };
}

export function candidateRows(result: StrategyResult): CandidateInput[] {
  return result.candidates.map((c) => ({
    index: c.index,
    text: c.text,
    answer: c.answer,
    tokens: c.tokens,
    logprob: Number.isFinite(c.logprob) ? c.logprob : null,
    score: c.score,
    finishReason: c.finishReason,
    chosen: c.index === result.chosen,
  }));
}

/** The job's result JSON: the choice, why the search stopped, the verifiers' FLOPs, and the tree of a tree search. */
export function resultJson(result: SearchResult): Record<string, unknown> & JobResult {
  return {
    answer: result.answer,
    chosen: result.chosen,
    votes: result.votes,
    stopped: result.stopped,
    verifier_flops: result.cost.verifier_flops,
    ...(result.tree ? { tree: result.tree.map(nodeJson) } : {}),
    ...("plan" in result ? { plan: result.plan as JobResult["plan"] } : {}),
  };
}

/** JSON has no -Infinity: a node's non-finite log-probability is stored as null. */
function nodeJson(node: SearchNode): JobTreeNode {
  return Number.isFinite(node.logprob) ? node : { ...node, logprob: null };
}

function costToUsage(result: StrategyResult): Omit<UsageInput, "model" | "strategy"> {
  return {
    promptTokens: result.cost.prompt_tokens,
    generatedTokens: result.cost.generated_tokens,
    verifierTokens: result.cost.verifier_tokens,
    flops: result.cost.flops,
  };
}

/** The job's error {code, message} for a failure. */
export function classify(err: unknown): { code: string; message: string } {
  if (err instanceof BudgetTooSmallError) return { code: err.code, message: err.message };
  // The strategies check their knobs (beam_width ≤ n, …) with RangeErrors before spending anything.
  if (err instanceof RangeError) return { code: "invalid_params", message: err.message };
  if (err instanceof VerifierError) return { code: err.code, message: err.message };
  if (err instanceof InvalidRequest) return { code: err.code, message: err.message };
  if (err instanceof GenerationAborted) return { code: "internal_error", message: err.message };
  return { code: "internal_error", message: `generator error: ${errorText(err)}` };
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
