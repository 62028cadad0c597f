// The arith checker reads problems back from question text exactly as generateArith wrote them, and checks each step.
import { describe, expect, it } from "vitest";
import { arithSplit, generateArith } from "@thinktime/core";
import { parseArithQuestion } from "../src/checkers/arith-question.js";
import { checkArithSteps } from "../src/checkers/arith-steps.js";
import { ARITH_QUESTION } from "./helpers.js";

describe("parseArithQuestion", () => {
  it("recovers start, clauses and answer of every generated problem (1..8 steps, 1..4 digits)", () => {
    for (let steps = 1; steps <= 8; steps++) {
      for (let digits = 1; digits <= 4; digits++) {
        for (let seed = 0; seed < 25; seed++) {
          const p = generateArith(seed * 7919 + steps, { steps, digits });
          expect(parseArithQuestion(p.question)).toEqual({ start: p.start, clauses: p.clauses, answer: p.answer });
        }
      }
    }
    const [test] = arithSplit("test", { steps: 3, count: 1 });
    expect(parseArithQuestion(test!.question)?.answer).toBe(test!.answer);
  });

  it("returns null for anything else", () => {
    for (const q of ["What is 2+2?", "Ana has 12 apples. How many apples now?", "Ana has 12 apples. She gets 5 more. How many coins now?", ""]) {
      expect(parseArithQuestion(q)).toBeNull();
    }
  });
});

describe("checkArithSteps", () => {
  const problem = parseArithQuestion(ARITH_QUESTION)!;
  it("scores each step 1 only when well formed, right and faithful to its clause, and the answer line by the answer", () => {
    expect(problem.answer).toBe(44);
    expect(checkArithSteps(problem, ["12+5=17", "17*3=51", "51-7=44", "Answer: 44"])).toEqual([1, 1, 1, 1]);
    expect(checkArithSteps(problem, ["12 + 5 = 17", "17*3=50", "50-7=43", "Answer: 43"])).toEqual([1, 0, 1, 0]);
    expect(checkArithSteps(problem, ["12+6=18", "so 54", "54-7=47"])).toEqual([0, 0, 0]);
    expect(checkArithSteps(problem, ["12+5=17", "17*3=51", "51-7=44", "44+1=45", "Answer: 44"])).toEqual([1, 1, 1, 0, 1]);
  });
});
