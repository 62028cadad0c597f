// The ORM's input format must match training exactly: BOS + formatPrompt(question) + solution, no EOS.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { CharTokenizer, formatPrompt } from "@thinktime/core";
import { ormInput, ormTokens } from "../src/orm-input.js";
import { ORM_DIR } from "./helpers.js";

const tokenizer = new CharTokenizer(JSON.parse(readFileSync(path.join(ORM_DIR, "tokenizer.json"), "utf8")));

describe("ormInput", () => {
  it("is the prompt format followed by the solution verbatim", () => {
    expect(ormInput("  What is 2+2?  ", "2 + 2 = 4\nAnswer: 4")).toBe("What is 2+2?\n2 + 2 = 4\nAnswer: 4");
    expect(ormInput("Q", "")).toBe(formatPrompt("Q"));
  });

  it("tokenizes with BOS first and no EOS", () => {
    const ids = ormTokens(tokenizer, "Q?", "A: 1");
    expect(ids[0]).toBe(tokenizer.bosId);
    expect(ids.at(-1)).not.toBe(tokenizer.eosId);
    expect(ids).toHaveLength(1 + "Q?\nA: 1".length);
    expect(tokenizer.decode(ids)).toBe("Q?\nA: 1");
  });
});
