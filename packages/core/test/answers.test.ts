import { describe, expect, it } from "vitest";
import { answersEqual, extractAnswer, normalizeAnswer } from "../src/answers.js";

describe("extractAnswer", () => {
  it("takes the last Answer: line", () => {
    expect(extractAnswer("1+2=3\nAnswer: 3\nAnswer: 4")).toBe("4");
  });
  it("falls back to #### then to the last number", () => {
    expect(extractAnswer("so 5 apples #### 1,000")).toBe("1,000");
    expect(extractAnswer("we get 12 then 17")).toBe("17");
  });
  it("returns null when there is no answer", () => {
    expect(extractAnswer("no numbers here")).toBeNull();
    expect(extractAnswer("Answer:")).toBeNull();
  });
});

describe("normalizeAnswer / answersEqual", () => {
  it.each([
    ["42", "42.0"], ["1,000", "1000"], ["-3", "-3.00"], ["$5", "5"], ["7.", "7"], ["-0", "0"],
  ])("%s == %s", (a, b) => expect(answersEqual(a, b)).toBe(true));
  it.each([["42", "24"], ["1,00", "100"], ["3", "-3"]])("%s != %s", (a, b) => expect(answersEqual(a, b)).toBe(false));
  it("null never equals", () => expect(answersEqual(null, "1")).toBe(false));
  it("keeps non-numeric answers comparable", () => expect(normalizeAnswer(" Yes ")).toBe("yes"));
});
