// Beam search, lookahead and DVTS against a scripted step world: what is kept each round, final selection, rollouts, subtrees.
import { describe, expect, it } from "vitest";
import {
  type SearchContext, type SearchNode, type SearchParams, type SearchResult,
  beamSearch, dvts, lookaheadSearch, pathPrompt, pickWeighted, subtreeSeed,
} from "../src/index.js";
import {
  type Call, MODELS, type Turn, randomTurns, scriptedSampler, scriptedStepScorer, stepWorld, worldPrm,
} from "./scripted.js";

const Q = "Ana has 2 apples. She doubles them three times. How many?";
const BASE: SearchParams = { n: 8, beam_width: 2, temperature: 0.8, top_p: 1, seed: 11, max_tokens: 64, step_tokens: 16 };

function setup(write: (call: Call) => string = stepWorld(randomTurns), prm = worldPrm) {
  const { sampler, rec } = scriptedSampler(write);
  const stepScorer = scriptedStepScorer(prm);
  const ctx: SearchContext = { sampler, stepScorer, models: MODELS };
  return { ctx, rec, stepScorer };
}

const byRank = (a: SearchNode, b: SearchNode) => (b.score ?? -1) - (a.score ?? -1) || a.id - b.id;

function pathOf(tree: SearchNode[], id: number): string[] {
  const steps: string[] = [];
  for (let at: number | null = id; at !== null; at = tree[at]!.parent) steps.unshift(tree[at]!.step);
  return steps;
}

/** The tree with ids made relative to its first node, for comparing subtrees with standalone searches. */
function relative(nodes: SearchNode[]) {
  const base = nodes[0]!.id;
  return nodes.map(({ subtree: _, ...n }) => ({ ...n, id: n.id - base, parent: n.parent === null ? null : n.parent - base }));
}

describe("beam_search", () => {
  it("samples N first steps, then M children for each of the N/M best open paths", async () => {
    const { ctx } = setup();
    const r = await beamSearch(Q, BASE, ctx);
    const tree = r.tree!;
    const keep = BASE.n / BASE.beam_width!;
    expect(tree.filter((n) => n.depth === 0)).toHaveLength(BASE.n);
    for (const n of tree) {
      if (n.parent === null) continue;
      const p = tree[n.parent]!;
      expect(p.id).toBeLessThan(n.id);
      expect(n.depth).toBe(p.depth + 1);
      expect(p.finished).toBe(false);
    }
    const maxDepth = Math.max(...tree.map((n) => n.depth));
    expect(maxDepth).toBeGreaterThan(0);
    for (let d = 0; d < maxDepth; d++) {
      const kept = tree.filter((n) => n.depth === d && !n.finished).sort(byRank).slice(0, keep).map((n) => n.id);
      const next = tree.filter((n) => n.depth === d + 1);
      expect([...new Set(next.map((n) => n.parent))].sort((a, b) => a! - b!)).toEqual([...kept].sort((a, b) => a - b));
      for (const id of kept) expect(next.filter((n) => n.parent === id)).toHaveLength(BASE.beam_width!);
    }
  });

  it("chooses by PRM-weighted best-of-N over the finished paths, each weighted by its last step's score", async () => {
    const { ctx } = setup();
    const r = await beamSearch(Q, BASE, ctx);
    expect(r.candidates.length).toBeGreaterThan(0);
    const sums: Record<string, number> = {};
    for (const c of r.candidates) {
      expect(c.finished).toBe(true);
      expect(c.text).toBe(pathOf(r.tree!, c.node!).join("\n"));
      expect(c.score).toBe(r.tree![c.node!]!.score);
      if (c.answer !== null) sums[c.answer] = (sums[c.answer] ?? 0) + (c.score ?? 0);
    }
    expect(r.votes).toEqual(sums);
    const top = Math.max(...Object.values(sums));
    expect(sums[r.answer!]).toBe(top);
    expect(r.candidates[r.chosen!]!.answer).toBe(r.answer);
  });

  it("finds the right solution when the PRM ranks right steps above wrong turns", async () => {
    const { ctx } = setup(stepWorld((call) => (call.u < 0.5 ? "right" : "wrong")));
    const r = await beamSearch(Q, BASE, ctx);
    expect(r.answer).toBe("8");
    expect(r.candidates[r.chosen!]!.text).toBe("a=2\nb=4\nc=8\nAnswer: 8");
  });

  it("prompts each step with the path so far and stop at the newline; the last round runs to the end", async () => {
    const { ctx, rec } = setup();
    const r = await beamSearch(Q, { ...BASE, max_rounds: 2 }, ctx);
    for (const call of rec.calls) {
      const steps = call.prompt.split("\n").slice(1, -1);
      expect(call.prompt).toBe(pathPrompt(Q, steps));
      expect(call.params.stop).toEqual(steps.length === 0 ? ["\n"] : undefined);
    }
    expect(Math.max(...r.tree!.map((n) => n.depth))).toBe(1);
    expect(r.candidates.every((c) => c.finished && c.answer !== null)).toBe(true);
    expect(r.stopped).toBe("finished");
  });

  it("bills exactly what the sampler and the PRM reported", async () => {
    const { ctx, rec, stepScorer } = setup();
    const r = await beamSearch(Q, BASE, ctx);
    expect(r.cost.prompt_tokens).toBe(rec.promptTokens);
    expect(r.cost.generated_tokens).toBe(rec.generated);
    expect(r.cost.verifier_tokens).toBe(stepScorer.rec.tokens);
    expect(r.cost.verifier_flops).toBeCloseTo(stepScorer.rec.flops, 0);
    expect(r.cost.flops).toBeCloseTo(rec.flops + stepScorer.rec.flops, 0);
  });

  it("keeps the older path when scores tie", async () => {
    const { ctx } = setup(stepWorld(randomTurns), () => 0.5);
    const r = await beamSearch(Q, BASE, ctx);
    const firstParents = new Set(r.tree!.filter((n) => n.depth === 1).map((n) => n.parent));
    const open = r.tree!.filter((n) => n.depth === 0 && !n.finished).map((n) => n.id);
    expect([...firstParents]).toEqual(open.slice(0, BASE.n / BASE.beam_width!));
  });

  it("ends a path at a blank step without scoring it; the PRM never sees a blank line", async () => {
    const write = (call: Call) => (call.steps.length === 1 && call.i === 0 ? "" : stepWorld(randomTurns)(call));
    const { ctx, stepScorer } = setup(write);
    const r = await beamSearch(Q, BASE, ctx);
    const blanks = r.tree!.filter((n) => n.step === "");
    expect(blanks.length).toBeGreaterThan(0);
    for (const b of blanks) {
      expect(b.finished).toBe(true);
      expect(b.score).toBe(r.tree![b.parent!]!.score);
    }
    expect(stepScorer.rec.items.flat().every((line) => line.trim().length > 0)).toBe(true);
  });

  it("answers null when no path holds an answer, choosing the best-scored path", async () => {
    const { ctx } = setup((call) => `think ${call.steps.length}${"!".repeat(Math.floor(call.u * 3))}`.replace(/\d/, "x"), (lines, j) => (lines[j]!.length % 7) / 10);
    const r = await beamSearch(Q, { ...BASE, max_rounds: 3 }, ctx);
    expect(r.answer).toBeNull();
    expect(r.votes).toEqual({});
    const best = Math.max(...r.candidates.map((c) => c.score ?? -1));
    expect(r.candidates[r.chosen!]!.score).toBe(best);
    expect(r.stopped).toBe("rounds");
  });

  it("all-blank first steps: every candidate empty, nothing scored, answer null", async () => {
    const { ctx, stepScorer } = setup(() => "");
    const r = await beamSearch(Q, BASE, ctx);
    expect(r.candidates).toHaveLength(BASE.n);
    expect(r.candidates.every((c) => c.text === "" && c.answer === null && c.score === null)).toBe(true);
    expect(r.answer).toBeNull();
    expect(r.chosen).toBe(0);
    expect(stepScorer.rec.calls).toBe(0);
  });

  it("stops when the budget cannot pay for another round; paths still open have no answer", async () => {
    const { ctx } = setup();
    const r = await beamSearch(Q, { ...BASE, budget: { tokens: 700 } }, ctx);
    expect(r.stopped).toBe("budget");
    expect(r.cost.prompt_tokens + r.cost.generated_tokens + r.cost.verifier_tokens).toBeLessThanOrEqual(700);
    const open = r.candidates.filter((c) => !c.finished);
    expect(open.length).toBeGreaterThan(0);
    expect(open.every((c) => c.answer === null && /=\d/.test(c.text))).toBe(true);
  });

  it("rejects a missing step scorer and a beam width above n", async () => {
    const { ctx } = setup();
    await expect(beamSearch(Q, BASE, { sampler: ctx.sampler })).rejects.toThrow(/step scorer/);
    await expect(beamSearch(Q, { ...BASE, beam_width: 9 }, ctx)).rejects.toThrow(RangeError);
  });
});

describe("lookahead", () => {
  it("k = 0 is beam search on the same script", async () => {
    for (const budget of [undefined, { tokens: 900 }, { flops: 2.5e6 }]) {
      const a = await beamSearch(Q, { ...BASE, budget }, setup().ctx);
      const b = await lookaheadSearch(Q, { ...BASE, budget, lookahead: 0 }, setup().ctx);
      expect(b).toEqual(a);
    }
  });

  it("sees past a trap that beam search keeps", async () => {
    const trapFirst = stepWorld((call): Turn => (call.i === 0 ? "trap" : "right"));
    const params = { ...BASE, n: 2, beam_width: 2 };
    const beam = await beamSearch(Q, params, setup(trapFirst).ctx);
    const ahead = await lookaheadSearch(Q, { ...params, lookahead: 1 }, setup(trapFirst).ctx);
    expect(beam.tree![0]!.step.startsWith("t")).toBe(true);
    expect(beam.answer).not.toBe("8");
    expect(ahead.answer).toBe("8");
  });

  it("scores each open step at the end of a greedy rollout of at most k steps, and bills the rollouts", async () => {
    const { ctx, rec } = setup();
    const r = await lookaheadSearch(Q, { ...BASE, lookahead: 2 }, ctx);
    const rollouts = rec.calls.filter((c) => c.params.temperature === 0);
    expect(rollouts.length).toBeGreaterThan(0);
    expect(rollouts.every((c) => c.params.n === 1 && c.params.top_p === 1)).toBe(true);
    for (const n of r.tree!) {
      if (n.finished) {
        expect(n.rollout).toBeUndefined();
        continue;
      }
      expect(n.rollout!.length).toBeLessThanOrEqual(2);
      const lines = [...pathOf(r.tree!, n.id), ...n.rollout!];
      expect(n.score).toBe(worldPrm(lines, lines.length - 1));
    }
    expect(r.cost.generated_tokens).toBe(rec.generated);
    expect(r.cost.generated_tokens).toBeGreaterThan(r.tree!.reduce((a, n) => a + n.tokens, 0));
  });
});

describe("dvts", () => {
  it("runs N/M independent subtrees, each the standalone width-M beam search of its seed", async () => {
    const params = { ...BASE, n: 6, beam_width: 2 };
    const r = await dvts(Q, params, setup().ctx);
    const subtrees = [0, 1, 2].map((i) => r.tree!.filter((n) => n.subtree === i));
    expect(subtrees.reduce((a, s) => a + s.length, 0)).toBe(r.tree!.length);
    for (const [i, nodes] of subtrees.entries()) {
      expect(nodes.length).toBeGreaterThan(0);
      const alone = await beamSearch(Q, { ...params, n: 2, seed: subtreeSeed(params.seed, i) }, setup().ctx);
      expect(relative(nodes)).toEqual(relative(alone.tree!));
      // One path kept per round: every deeper step shares its depth's single parent.
      for (let d = 1; d <= Math.max(...nodes.map((n) => n.depth)); d++) {
        expect(new Set(nodes.filter((n) => n.depth === d).map((n) => n.parent)).size).toBe(1);
      }
    }
    expect(new Set(subtrees.map((s) => s.filter((n) => n.depth === 0).map((n) => n.step).join("|"))).size).toBeGreaterThan(1);
  });

  it("chooses by PRM-weighted best-of-N over every subtree's finished paths", async () => {
    const r: SearchResult = await dvts(Q, { ...BASE, n: 6, beam_width: 2 }, setup().ctx);
    expect(r.candidates.every((c) => r.tree![c.node!]!.finished)).toBe(true);
    expect(new Set(r.candidates.map((c) => r.tree![c.node!]!.subtree)).size).toBeGreaterThan(1);
    const pick = pickWeighted(r.candidates);
    expect({ answer: r.answer, chosen: r.chosen, votes: r.votes }).toEqual(pick);
  });
});
