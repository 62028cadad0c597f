// Scripted Sampler, Scorer and StepScorer for the search tests: deterministic, and billing exactly as the engine and
// verifier do (BOS + one token per character, the stop token or EOS counted, FLOPs from spanFlops).
import {
  type FlopsModel, type SampleParams, type Sampler, type Scorer, type StepScorer, fnv1a, formatPrompt, mulberry32, spanFlops,
} from "../src/index.js";

export const GEN: FlopsModel = { numParameters: 1000, numLayers: 2, hiddenSize: 8 };
export const ORM: FlopsModel = { numParameters: 400, numLayers: 2, hiddenSize: 8 };
export const PRM: FlopsModel = { numParameters: 500, numLayers: 2, hiddenSize: 8 };
export const MODELS = { generator: GEN, scorer: ORM, stepScorer: PRM, reviser: GEN };

export const chars = (text: string) => [...text].length;

export interface Call {
  prompt: string;
  /** The steps already in the prompt (the question is its first line). */
  steps: string[];
  params: SampleParams;
  /** Which completion of the call. */
  i: number;
  /** A number in [0, 1) fixed by (prompt, seed, i): the script's randomness. */
  u: number;
}

export interface Recorded {
  calls: { prompt: string; params: SampleParams; texts: string[] }[];
  generated: number;
  promptTokens: number;
  flops: number;
}

/** Completion i of a prompt is write(call), cut at the first stop string and at max_tokens as the engine would. */
export function scriptedSampler(write: (call: Call) => string): { sampler: Sampler; rec: Recorded } {
  const rec: Recorded = { calls: [], generated: 0, promptTokens: 0, flops: 0 };
  const sampler: Sampler = {
    async sample(prompt, params) {
      const P = 1 + chars(prompt);
      const steps = prompt.split("\n").slice(1, -1);
      const completions = Array.from({ length: params.n }, (_, i) => {
        let text = write({ prompt, steps, params, i, u: mulberry32(fnv1a(`${prompt}|${params.seed}|${i}`))() });
        for (const s of params.stop ?? []) {
          const at = text.indexOf(s);
          if (at >= 0) text = text.slice(0, at);
        }
        let tokens = chars(text) + 1;
        let finishReason: "stop" | "length" = "stop";
        if (tokens > params.max_tokens) {
          text = [...text].slice(0, params.max_tokens).join("");
          tokens = params.max_tokens;
          finishReason = "length";
        }
        return { text, tokens, logprob: -tokens / 10, finishReason, flops: spanFlops(GEN, P, P + tokens) };
      });
      rec.calls.push({ prompt, params, texts: completions.map((c) => c.text) });
      rec.promptTokens += P;
      rec.generated += completions.reduce((a, c) => a + c.tokens, 0);
      rec.flops += spanFlops(GEN, 0, P) + completions.reduce((a, c) => a + c.flops, 0);
      return { promptTokens: P, promptFlops: spanFlops(GEN, 0, P), completions };
    },
  };
  return { sampler, rec };
}

export interface VerifierRec {
  calls: number;
  tokens: number;
  flops: number;
}

/** An ORM that scores each solution with scoreOf, reading BOS + prompt + solution. */
export function scriptedScorer(scoreOf: (solution: string, i: number) => number): Scorer & { rec: VerifierRec } {
  const rec: VerifierRec = { calls: 0, tokens: 0, flops: 0 };
  return {
    rec,
    async score(items) {
      rec.calls++;
      const lengths = items.map((it) => 1 + chars(formatPrompt(it.question)) + chars(it.solution));
      const tokens = lengths.reduce((a, l) => a + l, 0);
      rec.tokens += tokens;
      rec.flops += lengths.reduce((a, l) => a + spanFlops(ORM, 0, l), 0);
      return { scores: items.map((it, i) => scoreOf(it.solution, i)), tokens };
    },
  };
}

/** A PRM that scores line j of each item with scoreLine(lines, j), reading BOS + prompt + the lines joined by "\n". */
export function scriptedStepScorer(scoreLine: (lines: string[], j: number) => number): StepScorer & { rec: VerifierRec & { items: string[][] } } {
  const rec = { calls: 0, tokens: 0, flops: 0, items: [] as string[][] };
  return {
    rec,
    async scoreSteps(items) {
      rec.calls++;
      const lengths = items.map((it) => 1 + chars(formatPrompt(it.question)) + chars(it.steps.join("\n")));
      const tokens = lengths.reduce((a, l) => a + l, 0);
      rec.tokens += tokens;
      rec.flops += lengths.reduce((a, l) => a + spanFlops(PRM, 0, l), 0);
      rec.items.push(...items.map((it) => it.steps));
      return { scores: items.map((it) => it.steps.map((_, j) => scoreLine(it.steps, j))), tokens };
    },
  };
}

// ---- A small step world: the right solution, traps that look better than they are, and wrong turns. ----

export const SOLUTION = ["a=2", "b=4", "c=8", "Answer: 8"];
export type Turn = "right" | "trap" | "wrong";

function lineAt(depth: number, turn: Turn, onTrack: boolean): string {
  const last = depth === SOLUTION.length - 1;
  if (!onTrack) return last ? "Answer: 5" : `w${depth}=1`;
  if (turn === "right") return SOLUTION[depth]!;
  if (turn === "trap") return last ? "Answer: 9" : `t${depth}=${depth + 1}`;
  return last ? "Answer: 5" : `w${depth}=0`;
}

const onTrack = (steps: readonly string[]) => steps.every((s, j) => s === SOLUTION[j]);

/**
 * A writer for scriptedSampler: the first new line takes the turn `turnOf` picks (temperature 0 always goes right
 * while on track), the rest of the solution follows greedily (right while on track, wrong after any other turn).
 */
export function stepWorld(turnOf: (call: Call) => Turn): (call: Call) => string {
  return (call) => {
    const lines: string[] = [];
    const path = [...call.steps];
    for (let d = path.length; d < SOLUTION.length; d++) {
      const turn = d === call.steps.length && call.params.temperature > 0 ? turnOf(call) : "right";
      const line = lineAt(d, turn, onTrack(path));
      lines.push(line);
      path.push(line);
    }
    return lines.join("\n");
  };
}

/** The world's PRM: right lines 0.6, a trap step 0.9 (it looks great), a wrong turn 0.3, anything after a turn 0.1. */
export function worldPrm(lines: string[], j: number): number {
  if (!onTrack(lines.slice(0, j))) return 0.1;
  if (lines[j] === SOLUTION[j]) return 0.6;
  return lines[j]!.startsWith("t") ? 0.9 : 0.3;
}

/** Turns drawn from the call's own randomness: a third each. */
export const randomTurns = (call: Call): Turn => (call.u < 1 / 3 ? "right" : call.u < 2 / 3 ? "trap" : "wrong");
