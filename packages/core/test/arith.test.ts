import { describe, expect, it } from "vitest";
import { applyOp, arithSplit, checkArithSolution, generateArith, maxValue, splitOf } from "../src/index.js";

describe("generateArith", () => {
  it("is deterministic in the seed", () => {
    expect(generateArith(123, { steps: 4 })).toEqual(generateArith(123, { steps: 4 }));
    expect(generateArith(123, { steps: 4 }).question).not.toBe(generateArith(124, { steps: 4 }).question);
  });

  it("has one step line per clause, a final Answer line, and values within range", () => {
    for (let seed = 0; seed < 300; seed++) {
      const steps = (seed % 8) + 1;
      const digits = (seed % 3) + 1;
      const p = generateArith(seed, { steps, digits });
      const lines = p.solution.split("\n");
      expect(lines).toHaveLength(steps + 1);
      expect(lines.at(-1)).toBe(`Answer: ${p.answer}`);
      let x = p.start;
      for (const c of p.clauses) {
        x = applyOp(c.op, x, c.operand);
        expect(Number.isInteger(x)).toBe(true);
        expect(x).toBeGreaterThanOrEqual(0);
        expect(x).toBeLessThanOrEqual(maxValue(digits));
      }
      expect(x).toBe(p.answer);
      expect(checkArithSolution(p, p.solution).stepVerified).toBe(true);
    }
  });

  it("rejects out-of-range knobs", () => {
    expect(() => generateArith(1, { steps: 0 })).toThrow(RangeError);
    expect(() => generateArith(1, { steps: 9 })).toThrow(RangeError);
    expect(() => generateArith(1, { steps: 2, digits: 5 })).toThrow(RangeError);
  });
});

describe("splits", () => {
  it("never share a question and are reproducible", () => {
    const test = arithSplit("test", { steps: 1, count: 200 });
    const calibration = arithSplit("calibration", { steps: 1, count: 200 });
    const train = arithSplit("train", { steps: 1, count: 2000 });
    const seen = new Set(test.map((p) => p.question));
    for (const p of [...calibration, ...train]) expect(seen.has(p.question)).toBe(false);
    for (const p of test) expect(splitOf(p.question)).toBe("test");
    expect(arithSplit("test", { steps: 1, count: 200 })).toEqual(test);
  });

  it("offset continues the same sequence", () => {
    const all = arithSplit("calibration", { steps: 3, count: 10 });
    expect(arithSplit("calibration", { steps: 3, count: 4, offset: 6 })).toEqual(all.slice(6));
  });
});

describe("checkArithSolution", () => {
  const p = generateArith(42, { steps: 3 });
  const lines = p.solution.split("\n");

  it("flags a wrong step's arithmetic", () => {
    const [a, rest] = lines[0]!.split("=");
    const wrong = [`${a}=${Number(rest) + 1}`, ...lines.slice(1)].join("\n");
    const check = checkArithSolution(p, wrong);
    expect(check.steps[0]!.arithmeticOk).toBe(false);
    expect(check.stepVerified).toBe(false);
  });

  it("flags a step that does not follow its clause even when the arithmetic is right", () => {
    const swapped = [`${p.start}+1=${p.start + 1}`, ...lines.slice(1)].join("\n");
    const check = checkArithSolution(p, swapped);
    expect(check.steps[0]!.arithmeticOk).toBe(true);
    expect(check.steps[0]!.followsClause).toBe(false);
  });

  it("a lucky right answer with broken steps is correct but not step-verified", () => {
    const check = checkArithSolution(p, `1+1=2\nAnswer: ${p.answer}`);
    expect(check.answerCorrect).toBe(true);
    expect(check.stepVerified).toBe(false);
  });

  it("tolerates garbage lines", () => {
    const check = checkArithSolution(p, "hello\nAnswer: x");
    expect(check.answer).toBe("x");
    expect(check.answerCorrect).toBe(false);
    expect(check.steps[0]!.wellFormed).toBe(false);
  });
});
