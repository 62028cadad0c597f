// The exact `arith` step checker as a process verifier: 1 for a step that is well formed, right and faithful, else 0.
import { answersEqual, checkStep, extractAnswer } from "@thinktime/core";
import type { ParsedArith } from "./arith-question.js";

const RESULT = /=\s*(-?\d+)\s*$/;
const ANSWER_LINE = /^\s*Answer:/;

/** One 0/1 score per step; an `Answer:` step scores whether the answer is the problem's. */
export function checkArithSteps(problem: ParsedArith, steps: readonly string[]): number[] {
  let previous: number | null = null;
  let index = 0;
  return steps.map((step) => {
    if (ANSWER_LINE.test(step)) return answersEqual(extractAnswer(step), String(problem.answer)) ? 1 : 0;
    const check = checkStep(problem, index++, step, previous);
    const result = RESULT.exec(step);
    previous = check.wellFormed && result ? Number(result[1]) : null;
    return check.wellFormed && check.arithmeticOk && check.followsClause ? 1 : 0;
  });
}
