// The `arith` task suite: seeded multi-step word problems with exact checkers for the answer and for every step.
// It is the training data of the model zoo and the yardstick of every strategy, so it must be exact and reproducible.
import { fnv1a, mulberry32, pick, randInt } from "../rng.js";

export type ArithOp = "+" | "-" | "*" | "/";
export type Split = "train" | "calibration" | "test";

export interface ArithClause {
  op: ArithOp;
  operand: number;
  text: string;
}

export interface ArithProblem {
  id: string;
  split: Split;
  steps: number;
  digits: number;
  question: string;
  start: number;
  clauses: ArithClause[];
  /** One step per line, then `Answer: N`. */
  solution: string;
  answer: number;
}

export interface ArithOptions {
  /** Number of operations, 1..8: the main difficulty knob. */
  steps: number;
  /** Digits of the start value and of added/subtracted operands (1..4): the second knob. */
  digits?: number;
}

const NAMES = [
  ["Ana", "She"], ["Ben", "He"], ["Cal", "He"], ["Dee", "She"],
  ["Eli", "He"], ["Fay", "She"], ["Gus", "He"], ["Ivy", "She"],
] as const;
const UNITS = ["apples", "coins", "cards", "stamps", "books", "shells"] as const;
const FRACTION_WORDS: Record<number, string> = { 2: "half", 3: "a third", 4: "a quarter", 5: "a fifth" };

/** Largest intermediate value for a digit setting: one digit more than the operands, so answers are rarely lucky. */
export function maxValue(digits: number): number {
  return 10 ** (digits + 1) - 1;
}

function clauseText(op: ArithOp, operand: number, pronoun: string, rand: () => number): string {
  switch (op) {
    case "+":
      return pick(rand, [`${pronoun} gets ${operand} more.`, `${pronoun} finds ${operand} more.`]);
    case "-":
      return pick(rand, [`${pronoun} loses ${operand}.`, `${pronoun} gives away ${operand}.`]);
    case "*":
      return `${pronoun} ends up with ${operand} times as many.`;
    case "/":
      return `${pronoun} keeps ${FRACTION_WORDS[operand]} of them.`;
  }
}

export function applyOp(op: ArithOp, a: number, b: number): number {
  switch (op) {
    case "+": return a + b;
    case "-": return a - b;
    case "*": return a * b;
    case "/": return a / b;
  }
}

/** Generates the problem for one seed. Every value stays a non-negative integer no larger than `maxValue`. */
export function generateArith(seed: number, options: ArithOptions): Omit<ArithProblem, "split"> {
  const { steps } = options;
  const digits = options.digits ?? 2;
  if (!Number.isInteger(steps) || steps < 1 || steps > 8) throw new RangeError("steps must be 1..8");
  if (!Number.isInteger(digits) || digits < 1 || digits > 4) throw new RangeError("digits must be 1..4");
  const rand = mulberry32(seed);
  const top = 10 ** digits - 1;
  const cap = maxValue(digits);
  const [name, pronoun] = pick(rand, NAMES);
  const unit = pick(rand, UNITS);
  const start = randInt(rand, 2, top);
  const clauses: ArithClause[] = [];
  const lines: string[] = [];
  let x = start;
  for (let i = 0; i < steps; i++) {
    const options: Array<[ArithOp, number]> = [];
    if (x + 1 <= cap) options.push(["+", randInt(rand, 1, Math.min(top, cap - x))]);
    if (x >= 2) options.push(["-", randInt(rand, 1, Math.min(top, x - 1))]);
    const factors = [2, 3, 4, 5, 6, 7, 8, 9].filter((k) => x * k <= cap);
    if (factors.length > 0 && x >= 2) options.push(["*", pick(rand, factors)]);
    const divisors = [2, 3, 4, 5].filter((k) => x % k === 0);
    if (divisors.length > 0) options.push(["/", pick(rand, divisors)]);
    const [op, operand] = pick(rand, options);
    const next = applyOp(op, x, operand);
    clauses.push({ op, operand, text: clauseText(op, operand, pronoun, rand) });
    lines.push(`${x}${op}${operand}=${next}`);
    x = next;
  }
  const question = `${name} has ${start} ${unit}. ${clauses.map((c) => c.text).join(" ")} How many ${unit} now?`;
  return {
    id: `arith-${steps}d${digits}-${seed}`,
    steps,
    digits,
    question,
    start,
    clauses,
    solution: `${lines.join("\n")}\nAnswer: ${x}`,
    answer: x,
  };
}

/** The split a question belongs to, from a hash of its text: splits can never share a question. */
export function splitOf(question: string): Split {
  const bucket = fnv1a(question) % 20;
  return bucket === 0 ? "test" : bucket === 1 ? "calibration" : "train";
}

/**
 * `count` problems of one split and difficulty, deterministic in (split, steps, digits, offset).
 * Seeds are walked in order and each problem is kept only if its question hashes into the split.
 */
export function arithSplit(split: Split, options: ArithOptions & { count: number; offset?: number }): ArithProblem[] {
  const out: ArithProblem[] = [];
  const digits = options.digits ?? 2;
  const base = (options.steps * 1_000_003 + digits * 7_919) >>> 0;
  let skip = options.offset ?? 0;
  for (let i = 0; out.length < options.count; i++) {
    if (i > options.count * 200 + 10_000) throw new Error("split generator made no progress");
    const problem = generateArith((base + i * 2_654_435_761) >>> 0, options);
    if (splitOf(problem.question) !== split) continue;
    if (skip > 0) { skip--; continue; }
    out.push({ ...problem, split });
  }
  return out;
}
