// The step-level search loop that beam search, lookahead and DVTS share (Snell et al. 2024 §5; search-and-learn).
import { answerOf } from "./candidates.js";
import { type Amount, BudgetTooSmallError, type Ledger, NOTHING, plus, times } from "./budget.js";
import { pickWeighted } from "./selection.js";
import { STEP_STOP, deriveSeed, endsPath, pathPrompt, stepLines } from "./steps.js";
import type {
  CallOptions, SampledCompletion, SearchCandidate, SearchCost, SearchNode, SearchParams, SearchResult, StopReason,
} from "./types.js";

/** Snell et al. cap paths at 40 steps; `arith` solutions are at most 9 lines. */
export const DEFAULT_MAX_ROUNDS = 20;

export interface TreeShape {
  /** Steps sampled from the empty path in the first round. */
  first: number;
  /** Steps sampled from each kept path in later rounds. */
  width: number;
  /** Open paths kept per round. */
  keep: number;
  /** Greedy steps rolled out past a new step before the PRM scores it (0: the step itself is scored). */
  lookahead: number;
  /** Stop once this many paths have finished. */
  enough: number;
  seed: number;
  subtree: number;
}

export interface TreeRun {
  nodes: SearchNode[];
  finished: number[];
  /** Paths still open when the search stopped. */
  open: number[];
  stopped: StopReason;
}

interface Child {
  node: SearchNode;
  steps: string[];
  rollout: string[];
}

/**
 * Round by round: plan how many next steps each kept path gets so the round's worst case (sampling, rollouts and
 * PRM scoring) fits the budget; sample them; score each with the PRM (after a greedy rollout for lookahead); set
 * finished paths aside and keep the `keep` best open paths by score. The last round samples each path to its end.
 */
export async function treeSearch(
  question: string,
  params: SearchParams,
  ledger: Ledger,
  shape: TreeShape,
  options: CallOptions = {},
): Promise<TreeRun> {
  const maxTokens = params.max_tokens;
  const stepTokens = Math.min(params.step_tokens ?? maxTokens, maxTokens);
  const maxRounds = params.max_rounds ?? DEFAULT_MAX_ROUNDS;
  const newline = ledger.tokensOf("\n");
  const nodes: SearchNode[] = [];
  const paths: string[][] = [];
  const used: number[] = [];
  const finished: number[] = [];
  const pathOf = (id: number | null) => (id === null ? [] : paths[id]!);
  const usedOf = (id: number | null) => (id === null ? 0 : used[id]!);

  const stepRoom = (parent: number | null, last: boolean) => {
    const room = maxTokens - usedOf(parent);
    return last ? room : Math.min(stepTokens, room);
  };

  /** Worst case of giving one path `children` next steps: sampling them, rolling each out, and scoring each. */
  const expansionWorst = (parent: number | null, children: number, last: boolean): Amount => {
    const prompt = ledger.promptTokens(pathPrompt(question, pathOf(parent)));
    const step = stepRoom(parent, last);
    let worst = ledger.sampleWorst(prompt, children, step);
    let length = prompt + step;
    for (let j = 0; !last && j < shape.lookahead; j++) {
      const rolloutPrompt = prompt + step + newline + j * (stepTokens + newline);
      worst = plus(worst, times(ledger.sampleWorst(rolloutPrompt, 1, stepTokens), children));
      length = rolloutPrompt + stepTokens;
    }
    return plus(worst, ledger.scoreWorst("stepScorer", Array(children).fill(length)));
  };

  const expand = async (parent: number | null, children: number, round: number, slot: number, last: boolean) => {
    const batch = await ledger.sample(
      pathPrompt(question, pathOf(parent)),
      {
        n: children,
        temperature: params.temperature,
        top_p: params.top_p,
        ...(params.top_k !== undefined ? { top_k: params.top_k } : {}),
        seed: deriveSeed(shape.seed, round, slot),
        max_tokens: stepRoom(parent, last),
        ...(last ? {} : { stop: [STEP_STOP] }),
      },
      options,
    );
    if (batch.completions.length !== children) {
      throw new Error(`sampler returned ${batch.completions.length} completions, expected ${children}`);
    }
    return batch.completions.map((c): Child => {
      const node = addNode(parent, c, last);
      return { node, steps: paths[node.id]!, rollout: [] };
    });
  };

  const addNode = (parent: number | null, c: SampledCompletion, last: boolean): SearchNode => {
    const id = nodes.length;
    paths.push([...pathOf(parent), c.text]);
    used.push(usedOf(parent) + c.tokens);
    const node: SearchNode = {
      id,
      parent,
      step: c.text,
      score: null,
      depth: parent === null ? 0 : nodes[parent]!.depth + 1,
      finished: last || endsPath(c.text, c.finishReason) || used[id]! >= maxTokens,
      finishReason: c.finishReason,
      tokens: c.tokens,
      logprob: c.logprob,
      flops: c.flops,
      subtree: shape.subtree,
    };
    nodes.push(node);
    return node;
  };

  /** Lookahead: up to k more steps at temperature 0, stopping where the solution ends. */
  const rollOut = async (child: Child, round: number, slot: number) => {
    let spent = used[child.node.id]!;
    for (let j = 0; j < shape.lookahead; j++) {
      const room = Math.min(stepTokens, maxTokens - spent);
      if (room <= 0) break;
      const batch = await ledger.sample(
        pathPrompt(question, [...child.steps, ...child.rollout]),
        { n: 1, temperature: 0, top_p: 1, seed: deriveSeed(shape.seed, round, "rollout", slot), max_tokens: room, stop: [STEP_STOP] },
        options,
      );
      const c = batch.completions[0];
      if (!c) throw new Error("sampler returned no completion for a rollout");
      spent += c.tokens;
      if (c.text.trim().length === 0) break;
      child.rollout.push(c.text);
      if (endsPath(c.text, c.finishReason)) break;
    }
    child.node.rollout = child.rollout;
  };

  /** The PRM's score of each new step: the score of the last line it reaches (the step's, or its rollout's). */
  const score = async (children: Child[]) => {
    const scored = children.filter((c) => c.node.step.trim().length > 0);
    for (const c of children) if (!scored.includes(c)) c.node.score = c.node.parent === null ? null : nodes[c.node.parent]!.score;
    if (scored.length === 0) return;
    const items = scored.map((c) => ({ question, steps: stepLines([...c.steps, ...c.rollout]) }));
    const { scores } = await ledger.scoreSteps(items, options);
    if (scores.length !== items.length) throw new Error(`step scorer returned ${scores.length} items for ${items.length}`);
    scored.forEach((c, i) => {
      const s = scores[i]!;
      const want = items[i]!.steps.length;
      if (s.length !== want) throw new Error(`step scorer returned ${s.length} scores for ${want} steps`);
      const lastScore = s.at(-1);
      c.node.score = typeof lastScore === "number" && Number.isFinite(lastScore) ? lastScore : null;
    });
  };

  let frontier: (number | null)[] = [null];
  let stopped: StopReason = "rounds";
  for (let round = 0; round < maxRounds; round++) {
    const last = round === maxRounds - 1;
    // 1. Plan the round in frontier order: each path gets as many next steps as the remaining budget allows.
    const plan: { parent: number | null; children: number }[] = [];
    let worst = NOTHING;
    for (const parent of frontier) {
      const want = parent === null ? shape.first : shape.width;
      const children = ledger.most(want, (k) => plus(worst, expansionWorst(parent, k, last)));
      if (children === 0) break;
      plan.push({ parent, children });
      worst = plus(worst, expansionWorst(parent, children, last));
    }
    if (plan.length === 0) {
      if (round === 0) throw new BudgetTooSmallError(ledger.budget, expansionWorst(null, 1, last), "one scored step");
      stopped = "budget";
      break;
    }
    // 2. Sample the next steps, one call per path (the engine batches concurrent calls).
    const children = (await Promise.all(plan.map((p, slot) => expand(p.parent, p.children, round, slot, last)))).flat();
    // 3. Score each new step with the PRM, at the end of a greedy rollout when looking ahead.
    if (shape.lookahead > 0) await Promise.all(children.map((c, slot) => (c.node.finished ? undefined : rollOut(c, round, slot))));
    await score(children);
    // 4. Finished paths are set aside; the best open ones carry on (ties to the older node).
    for (const c of children) if (c.node.finished) finished.push(c.node.id);
    frontier = children
      .filter((c) => !c.node.finished)
      .map((c) => c.node)
      .sort((a, b) => (b.score ?? -1) - (a.score ?? -1) || a.id - b.id)
      .slice(0, shape.keep)
      .map((n) => n.id);
    if (frontier.length === 0 || finished.length >= shape.enough) {
      stopped = last && children.some((c) => !endsPath(c.node.step, c.node.finishReason)) ? "rounds" : "finished";
      break;
    }
  }
  return { nodes, finished, open: frontier.filter((id): id is number => id !== null), stopped };
}

/** The worst case of a first round of `children` steps (no lookahead): less than this budget cannot start a tree search. */
export function firstRoundWorst(question: string, params: SearchParams, ledger: Ledger, children: number): Amount {
  const last = (params.max_rounds ?? DEFAULT_MAX_ROUNDS) === 1;
  const step = last ? params.max_tokens : Math.min(params.step_tokens ?? params.max_tokens, params.max_tokens);
  const prompt = ledger.promptTokens(pathPrompt(question, []));
  return plus(ledger.sampleWorst(prompt, children, step), ledger.scoreWorst("stepScorer", Array(children).fill(prompt + step)));
}

/**
 * A path as a candidate: its steps joined by newlines, its tokens, log-probability and FLOPs summed. A path still
 * open has no answer yet (the last number of a half-done solution is not one).
 */
export function candidateOf(nodes: readonly SearchNode[], id: number, index: number): SearchCandidate {
  const path: SearchNode[] = [];
  for (let at: number | null = id; at !== null; at = nodes[at]!.parent) path.unshift(nodes[at]!);
  const end = nodes[id]!;
  const text = path.map((n) => n.step).join("\n");
  return {
    index,
    text,
    answer: end.finished ? answerOf(text) : null,
    score: end.score,
    tokens: path.reduce((a, n) => a + n.tokens, 0),
    logprob: path.reduce((a, n) => a + n.logprob, 0),
    flops: path.reduce((a, n) => a + n.flops, 0),
    finishReason: end.finishReason,
    node: id,
    finished: end.finished,
  };
}

/**
 * The final selection of a tree search: PRM-weighted best-of-N (pickWeighted) over the finished paths, or over
 * the paths still open when none finished.
 */
export function treeResult(nodes: SearchNode[], finished: number[], open: number[], stopped: StopReason, cost: SearchCost): SearchResult {
  const ends = finished.length > 0 ? finished : open;
  const candidates = ends.map((id, index) => candidateOf(nodes, id, index));
  const { answer, chosen, votes } = pickWeighted(candidates);
  return { answer, chosen, candidates, votes, tree: nodes, stopped, cost: { ...cost } };
}
