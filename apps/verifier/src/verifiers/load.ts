// Builds the registry of served models from their export directories: ORM, PRM (optional) and the exact checkers.
import type { BatcherOptions } from "../batcher.js";
import type { Metrics } from "../metrics.js";
import { OrmScorer } from "../orm-scorer.js";
import { PrmScorer } from "../prm-scorer.js";
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
  threads?: number;
  /** Dynamic batching settings (wait window, on/off). */
  batching?: Omit<BatcherOptions, "onRun" | "maxBatch">;
  /** Bytes of PRM KV state kept for recent prefixes; 0 turns incremental scoring off. Default 256 MiB. */
  kvCacheBytes?: number;
}

export function loadVerifiers(options: LoadVerifiersOptions, metrics: Metrics): VerifierRegistry {
  const { maxBatch, threads, batching } = options;
  const entries: Record<string, Verifier | Promise<Verifier>> = {
    orm: OrmScorer.load(options.ormDir, { maxBatch, threads }).then((s) => new OrmVerifier(s, metrics, batching)),
    "arith-checker": arithChecker,
    "reference-match": referenceMatch,
  };
  if (options.prmDir !== undefined) {
    entries.prm = PrmScorer.load(options.prmDir, { maxBatch, threads, cacheBytes: options.kvCacheBytes }).then(
      (s) => new PrmVerifier(s, metrics, batching),
    );
  }
  return new VerifierRegistry(entries);
}
