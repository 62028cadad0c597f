// The exact checkers as verifiers: `arith-checker` (every step of an arith solution) and `reference-match` (answer).
import { answersEqual, extractAnswer } from "@thinktime/core";
import { parseArithQuestion } from "../checkers/arith-question.js";
import { checkArithSteps } from "../checkers/arith-steps.js";
import { ApiError } from "../errors.js";
import { splitSteps } from "../steps.js";
import { noUsage, type OutcomeVerifier, type ProcessVerifier, type VerifyItem } from "./types.js";

export const arithChecker: ProcessVerifier = {
  name: "arith-checker",
  kind: "process",
  defaultAggregation: "min",
  async scoreSteps(items: readonly VerifyItem[], delimiter: string) {
    const problems = items.map((it) => parseArithQuestion(it.question));
    const notArith = problems.flatMap((p, index) => (p === null ? [index] : []));
    if (notArith.length > 0) {
      throw new ApiError("invalid_request", `arith-checker checks generated arith problems only; item ${notArith[0]} is not one`, {
        errors: notArith.map((i) => ({ path: `items[${i}].question`, message: "not an arith question" })),
      });
    }
    const steps = items.map((it) => splitSteps(it.solution, delimiter));
    requireSteps(steps);
    return { steps: steps.map((s, i) => checkArithSteps(problems[i]!, s)), usage: noUsage() };
  },
};

export const referenceMatch: OutcomeVerifier = {
  name: "reference-match",
  kind: "outcome",
  async scoreOutcomes(items: readonly VerifyItem[]) {
    const missing = items.flatMap((it, index) => (it.reference_answer === undefined ? [index] : []));
    if (missing.length > 0) {
      throw new ApiError("invalid_request", `reference-match needs a reference_answer on every item; item ${missing[0]} has none`, {
        errors: missing.map((i) => ({ path: `items[${i}].reference_answer`, message: "required by reference-match" })),
      });
    }
    return { scores: items.map((it) => (answersEqual(extractAnswer(it.solution), it.reference_answer!) ? 1 : 0)), usage: noUsage() };
  },
};

/** A process verifier needs at least one step per item: an empty solution is a 400 naming the items. */
export function requireSteps(steps: readonly (readonly string[])[]): void {
  const empty = steps.flatMap((s, index) => (s.length === 0 ? [index] : []));
  if (empty.length > 0) {
    throw new ApiError("invalid_steps", `item ${empty[0]} has no steps: a process verifier needs at least one non-blank step`, {
      errors: empty.map((i) => ({ path: `items[${i}].solution`, message: "no non-blank step" })),
    });
  }
}
