// The models bench:ttc and the calibration run: the engine in-process, the verifier service on loopback (real HTTP).
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { CostModels, Sampler, Scorer, StepScorer } from "@thinktime/core";
import { startVerifier } from "@thinktime/verifier";
import { readFlopsModel } from "../../src/engine/config.js";
import { Engine } from "../../src/engine/index.js";
import { engineSampler } from "../../src/sampler.js";
import { StepScorerClient } from "../../src/step-scorer-client.js";
import { VerifierClient } from "../../src/verifier-client.js";

export const MODELS_DIR = fileURLToPath(new URL("../../../../models", import.meta.url));

export interface TtcStack {
  sampler: Sampler;
  scorer: Scorer;
  stepScorer: StepScorer;
  models: CostModels;
  /** The revision policy (models/revise/onnx), when asked for. */
  reviser?: Sampler;
  reviserContext?: number;
  /** name@train_iters of the policy, ORM and PRM, recorded with every pool. */
  names: Record<string, string>;
  close(): Promise<void>;
}

const iters = (dir: string) => {
  const c = JSON.parse(readFileSync(join(dir, "config.json"), "utf8")) as { train_iters?: number };
  return String(c.train_iters ?? "?");
};

export async function startTtcStack(threads: number, opts: { reviser?: boolean } = {}): Promise<TtcStack> {
  const policyDir = join(MODELS_DIR, "policy/onnx");
  const ormDir = join(MODELS_DIR, "orm/onnx");
  const prmDir = join(MODELS_DIR, "prm/onnx");
  const engine = await Engine.load(policyDir, { intraOpNumThreads: threads, maxBatchRows: 128 });
  const reviseDir = join(MODELS_DIR, "revise/onnx");
  const reviser = opts.reviser ? await Engine.load(reviseDir, { intraOpNumThreads: threads, maxBatchRows: 128 }) : null;
  const token = randomBytes(16).toString("hex");
  const verifier = await startVerifier({ port: 0, host: "127.0.0.1", token, ormDir, prmDir, threads, maxBatch: 64 });
  await verifier.verifiers.loaded;
  // Long calls (a whole pool's worth of scoring) are fine here: no job is waiting on them.
  const http = { url: verifier.url, token, totalTimeoutMs: 600_000, attemptTimeoutMs: 300_000 };
  return {
    sampler: engineSampler(engine),
    scorer: new VerifierClient(http),
    stepScorer: new StepScorerClient(http),
    // Verifier tokens are priced at the verifiers' own shapes (7 layers each, the policy 4).
    models: {
      generator: engine.flopsModel, scorer: await readFlopsModel(ormDir), stepScorer: await readFlopsModel(prmDir),
      ...(reviser ? { reviser: reviser.flopsModel } : {}),
    },
    ...(reviser ? { reviser: engineSampler(reviser), reviserContext: reviser.maxPositions } : {}),
    names: {
      policy: `policy@${iters(policyDir)}`, orm: `orm@${iters(ormDir)}`, prm: `prm@${iters(prmDir)}`,
      ...(reviser ? { revise: `revise@${iters(reviseDir)}` } : {}),
    },
    async close() {
      await verifier.close();
      await engine.close();
      await reviser?.close();
    },
  };
}
