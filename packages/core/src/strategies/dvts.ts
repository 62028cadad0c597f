// dvts: diverse verifier tree search (Beeching et al. 2024): N/M independent subtrees, each a width-M beam keeping one path.
import { type Amount, Ledger, positiveInt, times } from "./budget.js";
import { DEFAULT_BEAM_WIDTH } from "./beam-search.js";
import { deriveSeed } from "./steps.js";
import { type TreeRun, firstRoundWorst, treeResult, treeSearch } from "./tree-search.js";
import type { SearchContext, SearchNode, SearchParams, SearchResult, StopReason } from "./types.js";

/** The seed of subtree i: a standalone beam search with this seed, n = beam_width and the same share replays it. */
export function subtreeSeed(seed: number, subtree: number): number {
  return deriveSeed(seed, "subtree", subtree);
}

/**
 * Beam search keeps the N/M best paths of one tree, so a few high-scoring prefixes crowd the rest out. DVTS splits
 * the N into N/M subtrees that share nothing: each samples M first steps, keeps its single best open path, samples
 * M next steps from it, and so on (a beam search with n = beam_width = M). The budget is split evenly between the
 * subtrees up front, so no subtree's spending can change another's. The answer is PRM-weighted best-of-N over the
 * finished paths of all subtrees.
 */
export async function dvts(question: string, params: SearchParams, ctx: SearchContext): Promise<SearchResult> {
  if (!ctx.stepScorer) throw new Error("dvts needs a step scorer");
  const n = positiveInt(params.n, "n");
  const m = positiveInt(params.beam_width ?? Math.min(DEFAULT_BEAM_WIDTH, n), "beam_width");
  if (m > n) throw new RangeError("beam_width must not exceed n");
  positiveInt(params.max_rounds ?? 1, "max_rounds");
  positiveInt(params.step_tokens ?? 1, "step_tokens");
  const ledger = new Ledger(params.budget ?? {}, ctx);
  const want = Math.floor(n / m);
  // As many subtrees as can each afford M first steps; with fewer, one subtree takes what there is.
  const firstRound: Amount = firstRoundWorst(question, params, ledger, m);
  const subtrees = Math.max(1, ledger.most(want, (k) => times(firstRound, k)));
  const shares = ledger.split(subtrees);
  const runs = await Promise.all(
    shares.map((share, i) =>
      treeSearch(
        question,
        params,
        share,
        { first: m, width: m, keep: 1, lookahead: 0, enough: m, seed: subtreeSeed(params.seed, i), subtree: i },
        { signal: ctx.signal },
      ),
    ),
  );
  for (const share of shares) ledger.absorb(share);
  const { nodes, finished, open } = mergeRuns(runs);
  return treeResult(nodes, finished, open, stopReason(runs, subtrees < want), ledger.spent);
}

/** One tree of all subtrees: node ids (and parents) shifted past the subtrees before. */
function mergeRuns(runs: TreeRun[]): { nodes: SearchNode[]; finished: number[]; open: number[] } {
  const nodes: SearchNode[] = [];
  const finished: number[] = [];
  const open: number[] = [];
  for (const run of runs) {
    const base = nodes.length;
    for (const node of run.nodes) {
      nodes.push({ ...node, id: node.id + base, parent: node.parent === null ? null : node.parent + base });
    }
    finished.push(...run.finished.map((id) => id + base));
    open.push(...run.open.map((id) => id + base));
  }
  return { nodes, finished, open };
}

function stopReason(runs: TreeRun[], fewer: boolean): StopReason {
  if (fewer || runs.some((r) => r.stopped === "budget")) return "budget";
  return runs.some((r) => r.stopped === "rounds") ? "rounds" : "finished";
}
