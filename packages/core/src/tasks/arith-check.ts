// Exact checkers for `arith`: the final answer, and each step's arithmetic and faithfulness to its clause.
import { answersEqual, extractAnswer } from "../answers.js";
import { applyOp, type ArithOp, type ArithProblem } from "./arith.js";

const STEP = /^\s*(-?\d+)\s*([+\-*/])\s*(-?\d+)\s*=\s*(-?\d+)\s*$/;

export interface StepCheck {
  line: string;
  /** The line parses as `a op b = c`. */
  wellFormed: boolean;
  /** `a op b` really equals `c`. */
  arithmeticOk: boolean;
  /** The step applies this step's clause (same op and operand) to the previous step's result (or the start). */
  followsClause: boolean;
}

export interface SolutionCheck {
  answer: string | null;
  answerCorrect: boolean;
  steps: StepCheck[];
  /** Every step well formed, right and faithful, one per clause, and the answer correct. */
  stepVerified: boolean;
}

type ProblemShape = Pick<ArithProblem, "start" | "clauses" | "answer">;

/** Splits a solution into its step lines (everything before the `Answer:` line, blank lines dropped). */
export function solutionSteps(solution: string): string[] {
  const lines = solution.split("\n");
  const answerAt = lines.findIndex((l) => l.trimStart().startsWith("Answer:"));
  return (answerAt === -1 ? lines : lines.slice(0, answerAt)).filter((l) => l.trim().length > 0);
}

export function checkStep(problem: ProblemShape, index: number, line: string, previous: number | null): StepCheck {
  const m = STEP.exec(line);
  if (!m) return { line, wellFormed: false, arithmeticOk: false, followsClause: false };
  const [a, op, b, c] = [Number(m[1]), m[2] as ArithOp, Number(m[3]), Number(m[4])];
  const arithmeticOk = applyOp(op, a, b) === c;
  const clause = problem.clauses[index];
  const expectedLeft = index === 0 ? problem.start : previous;
  const followsClause = clause !== undefined && clause.op === op && clause.operand === b && a === expectedLeft;
  return { line, wellFormed: true, arithmeticOk, followsClause };
}

export function checkArithSolution(problem: ProblemShape, solution: string): SolutionCheck {
  const answer = extractAnswer(solution);
  const answerCorrect = answersEqual(answer, String(problem.answer));
  const steps: StepCheck[] = [];
  let previous: number | null = null;
  for (const [i, line] of solutionSteps(solution).entries()) {
    const check = checkStep(problem, i, line, previous);
    steps.push(check);
    const m = STEP.exec(line);
    previous = m ? Number(m[4]) : null;
  }
  const stepVerified =
    answerCorrect &&
    steps.length === problem.clauses.length &&
    steps.every((s) => s.wellFormed && s.arithmeticOk && s.followsClause);
  return { answer, answerCorrect, steps, stepVerified };
}
