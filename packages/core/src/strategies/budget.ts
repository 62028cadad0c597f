// Hard compute budgets: a strategy launches only work whose worst case fits what is left, and counts what it spent.
import { spanFlops, type FlopsModel } from "../flops.js";
import { formatPrompt } from "../prompt.js";
import type {
  Budget, CallOptions, SampleBatch, SampleParams, ScoreItem, SearchContext, SearchCost, StepScoreItem,
} from "./types.js";

/** Tokens (prompt + generated + verifier) and FLOPs (generator + verifier) of some work. */
export interface Amount {
  tokens: number;
  flops: number;
}

export const NOTHING: Amount = { tokens: 0, flops: 0 };

export function plus(a: Amount, b: Amount): Amount {
  return { tokens: a.tokens + b.tokens, flops: a.flops + b.flops };
}

export function times(a: Amount, k: number): Amount {
  return { tokens: a.tokens * k, flops: a.flops * k };
}

/** Whether work of this size fits a budget (an absent field does not limit). */
export function fitsBudget(a: Amount, budget: Budget): boolean {
  return a.tokens <= (budget.tokens ?? Number.POSITIVE_INFINITY) && a.flops <= (budget.flops ?? Number.POSITIVE_INFINITY);
}

export function amountOf(cost: SearchCost): Amount {
  return { tokens: cost.prompt_tokens + cost.generated_tokens + cost.verifier_tokens, flops: cost.flops };
}

/** What is left of a budget after some spending (never below zero); absent fields stay absent. */
export function remainingBudget(budget: Budget, spent: Amount): Budget {
  return {
    ...(budget.tokens !== undefined ? { tokens: Math.max(0, budget.tokens - spent.tokens) } : {}),
    ...(budget.flops !== undefined ? { flops: Math.max(0, budget.flops - spent.flops) } : {}),
  };
}

/** The budget cannot pay for the smallest unit of work the strategy needs. The edge answers it with a 4xx. */
export class BudgetTooSmallError extends Error {
  readonly code = "budget_too_small";
  constructor(
    readonly budget: Budget,
    readonly needed: Amount,
    what = "one sample",
  ) {
    super(
      `the budget (${budget.tokens ?? "∞"} tokens, ${budget.flops ?? "∞"} FLOPs) is smaller than ${what} ` +
        `(worst case ${needed.tokens} tokens, ${needed.flops} FLOPs)`,
    );
    this.name = "BudgetTooSmallError";
  }
}

/** A strategy tried to launch work whose worst case exceeds what is left: a bug in the strategy, not the caller's. */
export class BudgetExceededError extends Error {
  constructor(what: string, worst: Amount, left: Amount) {
    super(`${what} could cost ${worst.tokens} tokens / ${worst.flops} FLOPs; only ${left.tokens} / ${left.flops} left`);
    this.name = "BudgetExceededError";
  }
}

export function zeroCost(): SearchCost {
  return { prompt_tokens: 0, generated_tokens: 0, verifier_tokens: 0, flops: 0, verifier_flops: 0 };
}

/** Two costs added field by field (a strategy run after another, or a sub-search's spend). */
export function addCost(a: SearchCost, b: SearchCost): SearchCost {
  const sum = zeroCost();
  for (const key of Object.keys(sum) as (keyof SearchCost)[]) sum[key] = a[key] + b[key];
  return sum;
}

type Verifier = "scorer" | "stepScorer";

/**
 * The budget of one strategy run: what was spent, what calls in flight could still spend (their worst case), the
 * worst-case estimates, and the sampler and verifiers routed through it. Worst cases assume vanilla decoding and
 * that re-tokenizing generated text costs no more tokens than were generated (true of the zoo's char tokenizer).
 */
export class Ledger {
  readonly spent: SearchCost = zeroCost();
  private held: Amount = NOTHING;
  private readonly count: (text: string) => number;

  constructor(
    readonly budget: Budget,
    private readonly ctx: SearchContext,
  ) {
    for (const [k, v] of Object.entries(budget)) {
      if (v !== undefined && !(typeof v === "number" && v >= 0)) throw new RangeError(`budget.${k} must be a number ≥ 0`);
    }
    if (budget.flops !== undefined && !ctx.models?.generator) throw new Error("a FLOPs budget needs ctx.models.generator");
    this.count = ctx.countTokens ?? ((text) => [...text].length);
  }

  /** What may still be launched: budget − spent − worst case of calls in flight (∞ where the budget does not limit). */
  left(): Amount {
    const used = plus(amountOf(this.spent), this.held);
    return {
      tokens: (this.budget.tokens ?? Number.POSITIVE_INFINITY) - used.tokens,
      flops: (this.budget.flops ?? Number.POSITIVE_INFINITY) - used.flops,
    };
  }

  fits(worst: Amount): boolean {
    const left = this.left();
    return worst.tokens <= left.tokens && worst.flops <= left.flops;
  }

  /** The largest k ≤ want whose worst case fits (0 when not even one does); worstOf must grow with k. */
  most(want: number, worstOf: (k: number) => Amount): number {
    let lo = 0;
    let hi = want;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (this.fits(worstOf(mid))) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  tokensOf(text: string): number {
    return this.count(text);
  }

  /** Prompt tokens of a sample call on this prompt (BOS included, as the engine counts them). */
  promptTokens(prompt: string): number {
    return 1 + this.count(prompt);
  }

  /** Tokens the verifier reads for a solution: BOS + formatPrompt(question) + solution. */
  solutionTokens(question: string, solution: string): number {
    return 1 + this.count(formatPrompt(question)) + this.count(solution);
  }

  /** Worst case of sampling n completions of up to maxTokens each from a prompt of promptTokens tokens. */
  sampleWorst(promptTokens: number, n: number, maxTokens: number): Amount {
    const g = this.ctx.models?.generator;
    return {
      tokens: promptTokens + n * maxTokens,
      flops: g ? spanFlops(g, 0, promptTokens) + n * spanFlops(g, promptTokens, promptTokens + maxTokens) : 0,
    };
  }

  /** Worst case of a verifier reading sequences of these token lengths (no prefix reused from its cache). */
  scoreWorst(verifier: Verifier, lengths: readonly number[]): Amount {
    const m = this.verifierModel(verifier);
    return {
      tokens: lengths.reduce((a, l) => a + l, 0),
      flops: m ? lengths.reduce((a, l) => a + spanFlops(m, 0, l), 0) : 0,
    };
  }

  /** Worst case of sampling n completions of `prompt` (up to maxTokens each) and, when `verifier`, scoring them. */
  samplesWorst(prompt: string, n: number, maxTokens: number, verifier: Verifier | null): Amount {
    const p = this.promptTokens(prompt);
    const sampling = this.sampleWorst(p, n, maxTokens);
    return verifier ? plus(sampling, this.scoreWorst(verifier, Array(n).fill(p + maxTokens))) : sampling;
  }

  async sample(prompt: string, params: SampleParams, options: CallOptions = {}): Promise<SampleBatch> {
    const batch = await this.within("a sample call", this.sampleWorst(this.promptTokens(prompt), params.n, params.max_tokens), () =>
      this.ctx.sampler.sample(prompt, params, options),
    );
    this.spent.prompt_tokens += batch.promptTokens;
    this.spent.flops += batch.promptFlops;
    for (const c of batch.completions) {
      this.spent.generated_tokens += c.tokens;
      this.spent.flops += c.flops;
    }
    return batch;
  }

  async score(items: ScoreItem[], options: CallOptions = {}): Promise<{ scores: number[]; tokens: number }> {
    const scorer = this.ctx.scorer;
    if (!scorer) throw new Error("this strategy needs a scorer");
    const lengths = items.map((i) => this.solutionTokens(i.question, i.solution));
    const res = await this.within("a score call", this.scoreWorst("scorer", lengths), () => scorer.score(items, options));
    this.addVerifier("scorer", lengths, res.tokens);
    return res;
  }

  async scoreSteps(items: StepScoreItem[], options: CallOptions = {}): Promise<{ scores: number[][]; tokens: number }> {
    const stepScorer = this.ctx.stepScorer;
    if (!stepScorer) throw new Error("this strategy needs a step scorer");
    const lengths = items.map((i) => this.solutionTokens(i.question, i.steps.join("\n")));
    const res = await this.within("a score-steps call", this.scoreWorst("stepScorer", lengths), () =>
      stepScorer.scoreSteps(items, options),
    );
    this.addVerifier("stepScorer", lengths, res.tokens);
    return res;
  }

  /** The context with its sampler and verifiers metered and capped by this ledger. */
  context(): SearchContext {
    const { scorer, stepScorer } = this.ctx;
    return {
      ...this.ctx,
      sampler: { sample: (prompt, params, options) => this.sample(prompt, params, options) },
      ...(scorer ? { scorer: { score: (items, options) => this.score(items, options) } } : {}),
      ...(stepScorer ? { stepScorer: { scoreSteps: (items, options) => this.scoreSteps(items, options) } } : {}),
    };
  }

  /**
   * k ledgers, each with an equal share of what is left, for independent sub-searches run side by side; the shares
   * are held here until `absorb` adds back what each spent.
   */
  split(k: number): Ledger[] {
    const left = this.left();
    const share: Budget = {
      ...(this.budget.tokens !== undefined ? { tokens: Math.floor(Math.max(0, left.tokens) / k) } : {}),
      ...(this.budget.flops !== undefined ? { flops: Math.max(0, left.flops) / k } : {}),
    };
    this.held = plus(this.held, times(finite(share), k));
    return Array.from({ length: k }, () => new Ledger(share, this.ctx));
  }

  absorb(sub: Ledger): void {
    this.held = plus(this.held, times(finite(sub.budget), -1));
    Object.assign(this.spent, addCost(this.spent, sub.spent));
  }

  private async within<T>(what: string, worst: Amount, call: () => Promise<T>): Promise<T> {
    if (!this.fits(worst)) throw new BudgetExceededError(what, worst, this.left());
    this.held = plus(this.held, worst);
    try {
      return await call();
    } finally {
      this.held = plus(this.held, times(worst, -1));
    }
  }

  private addVerifier(verifier: Verifier, lengths: number[], tokens: number): void {
    const m = this.verifierModel(verifier);
    const counted = lengths.reduce((a, l) => a + l, 0);
    // The verifier reports only a total; spread it over the items in proportion to the lengths counted here.
    const scale = counted > 0 ? tokens / counted : 0;
    const flops = m ? lengths.reduce((a, l) => a + spanFlops(m, 0, l * scale), 0) : 0;
    this.spent.verifier_tokens += tokens;
    this.spent.verifier_flops += flops;
    this.spent.flops += flops;
  }

  private verifierModel(verifier: Verifier): FlopsModel | undefined {
    const m = this.ctx.models?.[verifier];
    if (!m && this.budget.flops !== undefined) throw new Error(`a FLOPs budget needs ctx.models.${verifier}`);
    return m;
  }
}

function finite(b: Budget): Amount {
  return { tokens: b.tokens ?? 0, flops: b.flops ?? 0 };
}

/** A count knob of a strategy's params: a positive integer, or a RangeError naming it. */
export function positiveInt(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer`);
  return value;
}
