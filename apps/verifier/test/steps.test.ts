// Step splitting: the tokens equal the ORM's input, each score is read at its step's last non-space token.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { CharTokenizer } from "@thinktime/core";
import { aggregate } from "../src/aggregate.js";
import { ormTokens } from "../src/orm-input.js";
import { encodeSteps, splitSteps } from "../src/steps.js";
import { QUESTION, SOLUTIONS, TINY_PRM_DIR } from "./helpers.js";

const tokenizer = new CharTokenizer(JSON.parse(readFileSync(path.join(TINY_PRM_DIR, "tokenizer.json"), "utf8")));

describe("encodeSteps", () => {
  it("tokenizes exactly like the ORM input (BOS + prompt + solution verbatim)", () => {
    for (const s of SOLUTIONS) expect(encodeSteps(tokenizer, QUESTION, s).tokens).toEqual(ormTokens(tokenizer, QUESTION, s));
  });

  it("reads each step at its last non-space token and skips blank segments", () => {
    const e = encodeSteps(tokenizer, "Q", "1+1=2  \n\n 2*3=6\nAnswer: 6\n");
    expect(e.steps).toEqual(["1+1=2  ", " 2*3=6", "Answer: 6"]);
    expect(e.stepEnds.map((t) => tokenizer.decode([e.tokens[t]!]))).toEqual(["2", "6", "6"]);
    expect(tokenizer.decode(e.tokens.slice(0, e.stepEnds[1]! + 1))).toBe("Q\n1+1=2  \n\n 2*3=6");
    expect(e.cuts.at(-1)).toBe(e.tokens.length);
    expect([...e.cuts].sort((a, b) => a - b)).toEqual(e.cuts);
  });

  it("honours a multi-character delimiter and counts code points (one token each)", () => {
    const e = encodeSteps(tokenizer, "Q", "a 🙂 b || c", " || ");
    expect(e.steps).toEqual(["a 🙂 b", "c"]);
    expect(e.stepEnds).toEqual([1 + 2 + 4, e.tokens.length - 1]);
  });

  it("splitSteps keeps the non-blank steps verbatim", () => {
    expect(splitSteps("a\n\n b \nAnswer: 1")).toEqual(["a", " b ", "Answer: 1"]);
    expect(splitSteps("a;b;;", ";")).toEqual(["a", "b"]);
    expect(() => splitSteps("a", "")).toThrow(RangeError);
  });
});

describe("aggregate", () => {
  it("folds step scores by last, min, prod and mean", () => {
    const s = [0.9, 0.5, 0.8];
    expect(aggregate(s, "last")).toBe(0.8);
    expect(aggregate(s, "min")).toBe(0.5);
    expect(aggregate(s, "prod")).toBeCloseTo(0.36, 10);
    expect(aggregate(s, "mean")).toBeCloseTo(2.2 / 3, 10);
    expect(() => aggregate([], "last")).toThrow(RangeError);
  });
});
