// Builds the registry of served models from their export directories: ORM, PRM (optional) and the exact checkers.
import type { BatcherOptions } from "../batcher.js";
import type { Metrics } from "../metrics.js";
import { OrmScorer } from "../orm-scorer.js";
import { PrmScorer } from "../prm-scorer.js";
import { ThreadedOrmScorer, ThreadedPrmScorer } from "../threaded-scorer.js";
import { arithChecker, referenceMatch } from "./checkers.js";
import { OrmVerifier } from "./orm.js";
import { PrmVerifier } from "./prm.js";
import { VerifierRegistry } from "./registry.js";
import type { Verifier } from "./types.js";

export interface LoadVerifiersOptions {
  /** Directory of the ORM export (model.onnx, config.json, tokenizer.json). */
  ormDir: string;
  /** Directory of the PRM export (model_kv.onnx, …); omitted: `prm` is not served. */
  prmDir?: string;
  /** Rows per ONNX run, for both models. Default 64. */
  maxBatch?: number;
  /** Most tokens per ONNX run, padding included, for both models. Default RUN_TOKENS (1,024). */
  maxRunTokens?: number;
  threads?: number;
  /** Dynamic batching settings (wait window, on/off). */
  batching?: Omit<BatcherOptions, "onRun" | "maxBatch">;
  /** Bytes of PRM KV state kept for recent prefixes; 0 turns incremental scoring off. Default 256 MiB. */
  kvCacheBytes?: number;
  /** Each model runs in its own worker thread (default), so a batch's run never blocks the event loop: requests are
   *  read, timed out and batched while it runs. false: on the event loop (the benchmark's baseline). */
  scoringThreads?: boolean;
}

export function loadVerifiers(options: LoadVerifiersOptions, metrics: Metrics): VerifierRegistry {
  const { maxBatch, maxRunTokens, threads, batching } = options;
  const inThreads = options.scoringThreads ?? true;
  const restarted = (model: string) => () => metrics.threadRestarts.inc({ model });
  const ormOptions = { maxBatch, maxRunTokens, threads };
  const prmOptions = { maxBatch, maxRunTokens, threads, cacheBytes: options.kvCacheBytes };
  const entries: Record<string, Verifier | Promise<Verifier>> = {
    orm: (inThreads ? ThreadedOrmScorer.load(options.ormDir, ormOptions, restarted("orm")) : OrmScorer.load(options.ormDir, ormOptions)).then(
      (s) => new OrmVerifier(s, metrics, batching),
    ),
    "arith-checker": arithChecker,
    "reference-match": referenceMatch,
  };
  if (options.prmDir !== undefined) {
    const dir = options.prmDir;
    entries.prm = (inThreads ? ThreadedPrmScorer.load(dir, prmOptions, restarted("prm")) : PrmScorer.load(dir, prmOptions)).then(
      (s) => new PrmVerifier(s, metrics, batching),
    );
  }
  return new VerifierRegistry(entries);
}
