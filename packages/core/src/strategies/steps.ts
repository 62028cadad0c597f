// Steps are lines: how a path of steps becomes a prompt, a solution and PRM items, and when a path has ended.
import { fnv1a, mulberry32 } from "../rng.js";
import { formatPrompt } from "../prompt.js";
import type { FinishReason } from "./types.js";

/** A step is sampled up to (not including) the next newline. */
export const STEP_STOP = "\n";

/** The prompt that continues a path: the question's prompt, then each step on its own line. */
export function pathPrompt(question: string, steps: readonly string[]): string {
  return formatPrompt(question) + steps.map((s) => `${s}\n`).join("");
}

/** A path's steps as the process verifier reads them: its non-blank lines (a step sampled without a stop may hold several). */
export function stepLines(steps: readonly string[]): string[] {
  return steps.flatMap((s) => s.split("\n")).filter((line) => line.trim().length > 0);
}

/** A step ends its path when it writes the answer, is blank (the model ended the solution), or ran out of tokens. */
export function endsPath(step: string, finishReason: FinishReason): boolean {
  return finishReason === "length" || step.trim().length === 0 || /Answer:/.test(step);
}

/** A seed for one sample call of a search, derived from the job's seed and where in the search the call is. */
export function deriveSeed(seed: number, ...where: (string | number)[]): number {
  // FNV-1a alone barely moves the high bits when only the last character differs; one PRNG step mixes them.
  return Math.floor(mulberry32(fnv1a(`${seed}/${where.join("/")}`))() * 2 ** 31);
}
