// Training and serving agree: models/prm/steps.py (fixture) and src/steps.ts + the arith checker give the same
// tokens, step read-out positions and exact step labels.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { CharTokenizer } from "@thinktime/core";
import { parseArithQuestion } from "../src/checkers/arith-question.js";
import { checkArithSteps } from "../src/checkers/arith-steps.js";
import { encodeSteps, splitSteps } from "../src/steps.js";
import { APP_DIR, TINY_PRM_DIR } from "./helpers.js";

const tokenizer = new CharTokenizer(JSON.parse(readFileSync(path.join(TINY_PRM_DIR, "tokenizer.json"), "utf8")));
const fixture = JSON.parse(readFileSync(path.join(APP_DIR, "test/fixtures/python-steps.json"), "utf8")) as {
  encode_steps: Array<{ question: string; solution: string; tokens: number[]; step_ends: number[] }>;
  prefix_correct: Array<{ question: string; solution: string; prefix_correct: number[] }>;
};

describe("models/prm/steps.py ≡ src/steps.ts", () => {
  it("encodes the same tokens and reads steps at the same positions", () => {
    for (const c of fixture.encode_steps) {
      const e = encodeSteps(tokenizer, c.question, c.solution);
      expect({ tokens: e.tokens, ends: e.stepEnds }).toEqual({ tokens: c.tokens, ends: c.step_ends });
    }
  });

  it("labels prefixes exactly as the arith checker does (a prefix is right while every step so far checks)", () => {
    for (const c of fixture.prefix_correct) {
      const checks = checkArithSteps(parseArithQuestion(c.question)!, splitSteps(c.solution));
      let ok = 1;
      expect(checks.map((s) => (ok &= s))).toEqual(c.prefix_correct);
    }
  });
});
