// revisions: Snell et al. 2024 §6 — chains of attempts, each attempt written by a policy trained to revise, with the
// chain's earlier attempts in its context; n attempts split into parallel chains × sequential chain length.
import { formatRevisionPrompt, REVISION_WINDOW } from "../prompt.js";
import { pickBest } from "./best-of-n.js";
import { BudgetTooSmallError, Ledger, NOTHING, plus, positiveInt } from "./budget.js";
import { answerOf, sampleParamsOf } from "./candidates.js";
import { pickMajority } from "./majority.js";
import { pickWeighted } from "./selection.js";
import { deriveSeed } from "./steps.js";
import type { SearchCandidate, SearchContext, SearchNode, SearchParams, SearchResult, StopReason } from "./types.js";

/** Attempts per chain when `chains` is not given: n = 16 runs 4 chains of 4. */
export const DEFAULT_CHAIN_LENGTH = 4;

/** n attempts over `chains` chains as evenly as possible (the first chains one longer). */
export function chainLengths(n: number, chains: number): number[] {
  return Array.from({ length: chains }, (_, c) => Math.floor(n / chains) + (c < n % chains ? 1 : 0));
}

/**
 * 1. Every chain's first attempt is a plain sample of the question (one batched call).
 * 2. Round r: each chain still short of its length writes its next attempt from the question and its last
 *    REVISION_WINDOW attempts (the oldest left out first when the revision policy's context would not keep
 *    max_tokens of room); the chains' calls run side by side. A round launches only the chains whose worst case the
 *    budget still pays for; the rest stop ("budget").
 * 3. Selection, as the job asks: "verifier" (Snell et al.'s hierarchical rule: each chain's best attempt by the
 *    outcome verifier, then best-of-N weighted across the chains' picks) or "majority" over every attempt.
 * The result's tree has one node per attempt, parented by the attempt it revised (subtree = chain).
 */
export async function revisions(question: string, params: SearchParams, ctx: SearchContext): Promise<SearchResult> {
  if (!ctx.reviser) throw new Error("revisions needs the revision policy (ctx.reviser)");
  const select = params.revision_select ?? "verifier";
  if (select === "verifier" && !ctx.scorer) throw new Error("revisions with revision_select verifier needs a scorer");
  const n = positiveInt(params.n, "n");
  const chains = Math.min(n, positiveInt(params.chains ?? Math.ceil(n / DEFAULT_CHAIN_LENGTH), "chains"));
  const lengths = chainLengths(n, chains);
  // The revision policy is this strategy's generator: the ledger meters and caps it at the reviser's shape.
  const ledger = new Ledger(params.budget ?? {}, { ...ctx, sampler: ctx.reviser, models: { ...ctx.models, generator: ctx.models?.reviser } });
  const run = ledger.context();
  const verifier = select === "verifier" ? "scorer" : null;

  const attempts: string[][] = lengths.map(() => []);
  const last: (number | null)[] = lengths.map(() => null);
  const candidates: SearchCandidate[] = [];
  const tree: SearchNode[] = [];
  let stopped: StopReason = "done";
  const promptOf = (c: number) => fittedPrompt(question, attempts[c]!, params.max_tokens, ledger, ctx.reviserContext);

  for (let round = 0; round < lengths[0]!; round++) {
    const active = lengths.flatMap((len, c) => (len > round ? [c] : []));
    const prompts = active.map(promptOf);
    // Round 0 is one call (every chain's prompt is the question); later rounds one call per chain.
    const worst = (k: number) =>
      round === 0
        ? ledger.samplesWorst(prompts[0]!, k, params.max_tokens, verifier)
        : prompts.slice(0, k).reduce((sum, p) => plus(sum, ledger.samplesWorst(p, 1, params.max_tokens, verifier)), NOTHING);
    const k = ledger.most(active.length, worst);
    if (k === 0) {
      if (round === 0) throw new BudgetTooSmallError(ledger.budget, worst(1), verifier ? "one scored sample" : "one sample");
      stopped = "budget";
      break;
    }
    if (k < active.length) stopped = "budget";
    const launched = active.slice(0, k);
    const sample = (prompt: string, count: number, seed: number) =>
      run.sampler.sample(prompt, { ...sampleParamsOf(params), n: count, seed }, { signal: ctx.signal });
    const batches =
      round === 0
        ? [await sample(prompts[0]!, k, deriveSeed(params.seed, "revisions", 0))]
        : await Promise.all(launched.map((c, i) => sample(prompts[i]!, 1, deriveSeed(params.seed, "revisions", round, c))));
    const fresh = batches.flatMap((b) => b.completions).map((comp, i): SearchCandidate => {
      const chain = launched[i]!;
      const node = tree.length;
      tree.push({
        id: node, parent: last[chain]!, step: comp.text, score: null, depth: round, finished: true,
        finishReason: comp.finishReason, tokens: comp.tokens, logprob: comp.logprob, flops: comp.flops, subtree: chain,
      });
      last[chain] = node;
      attempts[chain]!.push(comp.text);
      return { ...comp, index: candidates.length + i, answer: answerOf(comp.text), score: null, node, finished: true };
    });
    if (verifier) {
      const { scores } = await run.scorer!.score(fresh.map((c) => ({ question, solution: c.text })), { signal: ctx.signal });
      fresh.forEach((c, i) => {
        const s = scores[i];
        c.score = typeof s === "number" && Number.isFinite(s) ? s : null;
        tree[c.node!]!.score = c.score;
      });
    }
    candidates.push(...fresh);
    if (k < active.length) break;
  }

  const pick = select === "majority" ? pickMajority(candidates) : pickAcrossChains(candidates, tree);
  return { answer: pick.answer, chosen: pick.chosen, candidates, votes: pick.votes, tree, stopped, cost: { ...ledger.spent } };
}

/** Each chain's best-scored attempt (pickBest), then best-of-N weighted over those picks. */
function pickAcrossChains(candidates: readonly SearchCandidate[], tree: readonly SearchNode[]) {
  const byChain = new Map<number, SearchCandidate[]>();
  for (const c of candidates) {
    const chain = tree[c.node!]!.subtree;
    byChain.set(chain, [...(byChain.get(chain) ?? []), c]);
  }
  const picks = [...byChain.values()].map((cs) => {
    const best = pickBest(cs);
    return cs.find((c) => c.index === best)!;
  });
  return pickWeighted(picks);
}

/** The revision prompt with as many of the latest attempts as leave max_tokens of room in the reviser's context. */
function fittedPrompt(question: string, attempts: readonly string[], maxTokens: number, ledger: Ledger, context?: number): string {
  for (let keep = Math.min(REVISION_WINDOW, attempts.length); keep > 0; keep--) {
    const prompt = formatRevisionPrompt(question, attempts.slice(attempts.length - keep));
    if (context === undefined || ledger.promptTokens(prompt) + maxTokens <= context) return prompt;
  }
  return formatRevisionPrompt(question, []);
}
