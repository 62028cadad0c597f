// Reads an `arith` problem (start value and clauses) back out of its question text, so the step checker needs no ids.
import type { ArithClause, ArithOp } from "@thinktime/core";

export interface ParsedArith {
  start: number;
  clauses: ArithClause[];
  answer: number;
}

const HEAD = /^\s*[A-Z][a-z]+ has (\d+) ([a-z]+)\.\s*/;
const TAIL = /^How many ([a-z]+) now\?\s*$/;
const FRACTIONS: Record<string, number> = { half: 2, "a third": 3, "a quarter": 4, "a fifth": 5 };
const CLAUSES: Array<[RegExp, ArithOp, (m: RegExpExecArray) => number]> = [
  [/^(?:She|He) (?:gets|finds) (\d+) more\.\s*/, "+", (m) => Number(m[1])],
  [/^(?:She|He) (?:loses|gives away) (\d+)\.\s*/, "-", (m) => Number(m[1])],
  [/^(?:She|He) ends up with (\d+) times as many\.\s*/, "*", (m) => Number(m[1])],
  [/^(?:She|He) keeps (half|a third|a quarter|a fifth) of them\.\s*/, "/", (m) => FRACTIONS[m[1]!]!],
];

/** The problem behind a generateArith question, or null when the text is not one. */
export function parseArithQuestion(question: string): ParsedArith | null {
  const head = HEAD.exec(question);
  if (!head) return null;
  const start = Number(head[1]);
  let rest = question.slice(head[0].length);
  const clauses: ArithClause[] = [];
  let value = start;
  for (;;) {
    const tail = TAIL.exec(rest);
    if (tail) return tail[1] === head[2] && clauses.length > 0 ? { start, clauses, answer: value } : null;
    const hit = CLAUSES.map(([re, op, operand]) => [re.exec(rest), op, operand] as const).find(([m]) => m !== null);
    if (!hit) return null;
    const [m, op, operandOf] = hit;
    const operand = operandOf(m!);
    clauses.push({ op, operand, text: m![0].trim() });
    value = op === "+" ? value + operand : op === "-" ? value - operand : op === "*" ? value * operand : value / operand;
    rest = rest.slice(m![0].length);
  }
}
