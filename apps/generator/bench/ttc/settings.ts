// The fixed settings of bench:ttc and the calibration: sampling as a job's defaults, seeds, split sizes, cache paths.
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { FitRule } from "./fit-rules.js";
import type { PoolMeta } from "./pool.js";
import type { RevisionPoolMeta } from "./revision-pool.js";

export const REPO = fileURLToPath(new URL("../../../../", import.meta.url));
/** Pools are cached here (gitignored): a rerun with the same settings and models reuses them. */
export const CACHE_DIR = join(REPO, ".data/ttc");
export const TABLE_FILE = join(REPO, "models/planner/policy-table.json");
export const STEPS = [1, 2, 3, 4, 5, 6, 7, 8];

/** Sampling as a job samples by default (temperature 0.8, top_p 1); solutions of ≤ 8 steps fit 160 tokens. */
export const SAMPLING = { temperature: 0.8, maxTokens: 160, seed: 20261130 };

/** Other temperatures the sampling strategies may be planned at (the menu holds them beside the job's default): each
 * gets its own pools, drawn with another seed so their samples are independent of the default pools'. */
export const OTHER_TEMPERATURES = [0.5];

/** The policy-table fit's noise rule (fit-rules.ts): per bin within one standard error, and a bucket probes only where
 * its per-bin column beats the best single config over all bins by more than one (bench:ttc reports every rule's
 * two-fold cross-validated accuracy and FLOPs on the calibration split in RESULTS.md). */
export const FIT_RULE: FitRule = "gated";

/** A pool's settings: the policy that drew it and the ORM that scored it (PRM scores are cached apart). */
export function poolMeta(
  split: PoolMeta["split"], perStep: number, k: number, names: Record<string, string>, temperature = SAMPLING.temperature,
): PoolMeta {
  const models = { policy: names.policy!, orm: names.orm! };
  const seed = temperature === SAMPLING.temperature ? SAMPLING.seed : SAMPLING.seed + 1;
  return { split, perStep, steps: STEPS, k, seed, temperature, maxTokens: SAMPLING.maxTokens, models };
}

const poolName = (m: PoolMeta) => `pool-${m.split}-${m.perStep}x${m.k}${m.temperature === SAMPLING.temperature ? "" : `-t${m.temperature}`}`;
export const poolFile = (m: PoolMeta) => join(CACHE_DIR, `${poolName(m)}.json`);
export const prmFile = (m: PoolMeta) => join(CACHE_DIR, `${poolName(m)}-prm.json`);

/** Revision pools: chains × attempts per chain the revision policy writes once per problem (revisions' menu entries
 * take any c ≤ REVISION_CHAINS chains of l ≤ REVISION_LENGTH attempts from it). */
export const REVISION_CHAINS = 4;
export const REVISION_LENGTH = 4;

export function revisionPoolMeta(split: RevisionPoolMeta["split"], perStep: number, names: Record<string, string>): RevisionPoolMeta {
  const models = { revise: names.revise!, orm: names.orm! };
  return {
    format: 2, split, perStep, chains: REVISION_CHAINS, length: REVISION_LENGTH, seed: SAMPLING.seed, temperature: SAMPLING.temperature,
    maxTokens: SAMPLING.maxTokens, models,
  };
}

export const revisionPoolFile = (m: RevisionPoolMeta) => join(CACHE_DIR, `revisions-${m.split}-${m.perStep}x${m.chains}x${m.length}.json`);
