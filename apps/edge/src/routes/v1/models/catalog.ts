// OpenAI-style model names for Thinktime's strategies: `thinktime-<strategy>[-<n>]`, derived from core's STRATEGIES.
import { LIMITS, STRATEGIES, type StrategyName } from "@thinktime/core";

export const MODEL_PREFIX = "thinktime-";
/** When the catalogue was published (OpenAI's `created`, Unix seconds): fixed, the models are not trained artifacts. */
export const MODELS_CREATED = 1_767_225_600;

/** Sample sizes listed for the strategies that take one; any n from 1 to LIMITS.maxN is accepted. */
const LISTED_N = [4, 8, 16, 64] as const;
/** Strategies whose name ends in `_n` read it as their sample size: `best_of_n` + 16 is `thinktime-best-of-16`. */
const N_IN_NAME = /_n$/;
/** Strategies that choose their own sample size (or use one sample): a model name cannot give them an n. */
const NO_N = new Set<string>(["greedy", "auto"]);

/** What a model name means: the strategy and, when the name carries one, the sample size. */
export interface ModelChoice {
  strategy: StrategyName;
  n?: number;
}

const slug = (s: StrategyName) => s.replaceAll("_", "-");

/** The model name of a strategy, with an n when given: ("best_of_n", 16) → "thinktime-best-of-16". */
export function modelName(strategy: StrategyName, n?: number): string {
  if (n === undefined) return `${MODEL_PREFIX}${slug(strategy)}`;
  return N_IN_NAME.test(strategy) ? `${MODEL_PREFIX}${slug(strategy).replace(/-n$/, `-${n}`)}` : `${MODEL_PREFIX}${slug(strategy)}-${n}`;
}

/** Every listed model: each strategy core allows, then a few sample sizes of each that takes one. */
export function listedModels(): string[] {
  const sized = STRATEGIES.filter((s) => !NO_N.has(s)).flatMap((s) => LISTED_N.map((n) => modelName(s, n)));
  return [...STRATEGIES.map((s) => modelName(s)), ...sized];
}

/** The strategy (and n) a model name asks for, or null for a name that is not a Thinktime model. */
export function resolveModel(name: string): ModelChoice | null {
  if (!name.startsWith(MODEL_PREFIX) || name.length > 64) return null;
  for (const strategy of STRATEGIES) {
    if (name === modelName(strategy)) return { strategy };
    if (NO_N.has(strategy)) continue;
    const base = modelName(strategy).replace(/-n$/, "");
    const m = name.startsWith(base) ? /^-(\d{1,3})$/.exec(name.slice(base.length)) : null;
    if (!m?.[1]) continue;
    const n = Number(m[1]);
    if (n >= 1 && n <= LIMITS.maxN && String(n) === m[1]) return { strategy, n };
  }
  return null;
}
