// Sequential revisions: chains × length, each attempt conditioned on its chain's earlier ones, selection, budget.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  type SearchContext, type SearchParams, amountOf, chainLengths, formatPrompt, formatRevisionPrompt, revisions, runSearch,
} from "../src/index.js";
import { MODELS, chars, scriptedSampler, scriptedScorer } from "./scripted.js";

const Q = "Ana has 12 apples. She gets 5 more. How many apples now?";
const PARAMS: SearchParams = { n: 8, temperature: 0.8, top_p: 1, seed: 11, max_tokens: 30 };

/** A reviser that counts the attempts in its prompt: attempt k of a chain answers `base + k` (the chain's base by seed). */
function countingReviser() {
  return scriptedSampler((call) => {
    const k = call.prompt.split("Attempt:\n").length - 1;
    return `12+5=${17 + k}\nAnswer: ${17 + k}`;
  });
}

describe("revisions", () => {
  it("splits n attempts into chains as evenly as possible", () => {
    expect(chainLengths(8, 2)).toEqual([4, 4]);
    expect(chainLengths(10, 4)).toEqual([3, 3, 2, 2]);
    expect(chainLengths(3, 3)).toEqual([1, 1, 1]);
  });

  it("the revision prompt is the one the model zoo trains on (models/revise/onnx/prompt-fixture.json)", () => {
    const url = new URL("../../../models/revise/onnx/prompt-fixture.json", import.meta.url);
    const cases = JSON.parse(readFileSync(url, "utf8")) as { question: string; attempts: string[]; prompt: string }[];
    expect(cases.length).toBeGreaterThan(2);
    for (const c of cases) expect(formatRevisionPrompt(c.question, c.attempts)).toBe(c.prompt);
    expect(formatRevisionPrompt(Q, ["a", "b", "c", "d", "e"])).not.toContain("Attempt:\na\n");
  });

  it("runs chains × length: one batched first call, then each chain revises with its own earlier attempts", async () => {
    const { sampler, rec } = countingReviser();
    const r = await revisions(Q, { ...PARAMS, chains: 2, revision_select: "majority" }, { sampler: { sample: () => Promise.reject(new Error("policy used")) }, reviser: sampler });
    expect(r.candidates).toHaveLength(8);
    expect(rec.calls[0]).toMatchObject({ prompt: formatPrompt(Q), params: { n: 2 } });
    expect(rec.calls.slice(1).every((c) => c.params.n === 1)).toBe(true);
    expect(rec.calls).toHaveLength(1 + 3 * 2);
    // The last call of a chain holds its three earlier attempts, oldest first.
    const last = rec.calls.at(-1)!.prompt;
    expect(last).toBe(formatRevisionPrompt(Q, ["12+5=17\nAnswer: 17", "12+5=18\nAnswer: 18", "12+5=19\nAnswer: 19"]));
    // The tree: each attempt's parent is the attempt it revised, one subtree per chain.
    const tree = r.tree!;
    expect(tree.filter((n) => n.parent === null)).toHaveLength(2);
    for (const node of tree.filter((n) => n.parent !== null)) {
      expect(tree[node.parent!]!.subtree).toBe(node.subtree);
      expect(node.depth).toBe(tree[node.parent!]!.depth + 1);
    }
    // Majority over every attempt: each answer 17..20 twice, ties to the first seen.
    expect(r.votes).toEqual({ "17": 2, "18": 2, "19": 2, "20": 2 });
    expect(r.answer).toBe("17");
    expect(r.stopped).toBe("done");
  });

  it("verifier selection: each chain's best attempt, then weighted across the chains", async () => {
    const { sampler } = countingReviser();
    // Attempts answering 19 score highest; chain winners are both 19.
    const scorer = scriptedScorer((s) => (s.includes("Answer: 19") ? 0.9 : 0.2));
    const r = await revisions(Q, { ...PARAMS, chains: 2 }, { sampler, reviser: sampler, scorer });
    expect(r.answer).toBe("19");
    expect(r.votes).toEqual({ "19": 1.8 });
    expect(r.candidates.every((c) => c.score !== null)).toBe(true);
    expect(r.cost.verifier_tokens).toBe(scorer.rec.tokens);
  });

  it("the same seed gives the same attempts and cost; another seed need not", async () => {
    const run = async (seed: number) => {
      const { sampler } = scriptedSampler((call) => `12+5=${17 + Math.floor(call.u * 3)}\nAnswer: ${17 + Math.floor(call.u * 3)}`);
      return revisions(Q, { ...PARAMS, seed, chains: 4, revision_select: "majority" }, { sampler, reviser: sampler });
    };
    const [a, b] = [await run(1), await run(1)];
    expect(b.candidates.map((c) => c.text)).toEqual(a.candidates.map((c) => c.text));
    expect(b.cost).toEqual(a.cost);
  });

  it("leaves out the oldest attempts when the reviser's context would not keep max_tokens of room", async () => {
    const { sampler, rec } = countingReviser();
    const room = 1 + chars(formatRevisionPrompt(Q, ["12+5=18\nAnswer: 18", "12+5=18\nAnswer: 18"])) + PARAMS.max_tokens;
    await revisions(Q, { ...PARAMS, chains: 1, n: 5, revision_select: "majority" }, { sampler, reviser: sampler, reviserContext: room });
    const attemptsIn = rec.calls.map((c) => c.prompt.split("Attempt:\n").length - 1);
    expect(attemptsIn).toEqual([0, 1, 2, 2, 2]);
  });

  it("a budget stops the chains early and is never exceeded", async () => {
    const { sampler } = countingReviser();
    const ctx: SearchContext = { sampler, reviser: sampler, models: MODELS };
    const full = await revisions(Q, { ...PARAMS, chains: 2, revision_select: "majority" }, ctx);
    const budget = { tokens: Math.floor(amountOf(full.cost).tokens / 2) };
    const r = await runSearch("revisions", Q, { ...PARAMS, chains: 2, revision_select: "majority", budget }, ctx);
    expect(r.stopped).toBe("budget");
    expect(r.candidates.length).toBeLessThan(8);
    expect(amountOf(r.cost).tokens).toBeLessThanOrEqual(budget.tokens);
  });

  it("needs the revision policy, and a scorer to select by verifier", async () => {
    const { sampler } = countingReviser();
    await expect(revisions(Q, PARAMS, { sampler })).rejects.toThrow(/revision policy/);
    await expect(revisions(Q, PARAMS, { sampler, reviser: sampler })).rejects.toThrow(/needs a scorer/);
  });
});
