import { describe, expect, it } from "vitest";
import { DatasetFormatError, parseGsm8kJsonl } from "../src/tasks/gsm8k.js";

describe("parseGsm8kJsonl", () => {
  it("reads question, strips calculator annotations, and keeps the final answer", () => {
    const text = [
      JSON.stringify({ question: "Tom has 3 apples and buys 4. How many?", answer: "3+4=<<3+4=7>>7\n#### 7" }),
      "",
      JSON.stringify({ question: "Big?", answer: "1000*2=2000\n#### 2,000" }),
    ].join("\n");
    const rows = parseGsm8kJsonl(text);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ id: "gsm8k-0", solution: "3+4=7", answer: "7" });
    expect(rows[1]!.answer).toBe("2,000");
  });

  it.each([
    ["{not json", /not valid JSON/],
    [JSON.stringify({ question: "", answer: "#### 1" }), /question/],
    [JSON.stringify({ question: "q", answer: "no mark" }), /####/],
    [JSON.stringify({ question: "q", answer: "x ####  " }), /empty final answer/],
    [JSON.stringify([1, 2]), /question/],
  ])("rejects %s with the line number", (line, message) => {
    expect(() => parseGsm8kJsonl(`\n${line}`)).toThrowError(message);
    try {
      parseGsm8kJsonl(`\n${line}`);
    } catch (e) {
      expect(e).toBeInstanceOf(DatasetFormatError);
      expect((e as DatasetFormatError).line).toBe(2);
    }
  });
});
