// The start-up shape check against a real verifier: agreeing exports pass, a mismatch is named, a dead URL is null.
import { fileURLToPath } from "node:url";
import { startVerifier } from "@thinktime/verifier";
import { describe, expect, it } from "vitest";
import { readFlopsModel } from "../src/engine/config.js";
import { servedModels, shapeMismatches } from "../src/verifier-shapes.js";
import { deadUrl } from "./verifier-stand-in.js";

const dir = (m: string) => fileURLToPath(new URL(`../../../models/${m}/onnx`, import.meta.url));

describe("verifier shapes", () => {
  it("agree when the generator bills the exports the verifier serves, and name the model when they differ", async () => {
    const v = await startVerifier({ port: 0, host: "127.0.0.1", token: "t", ormDir: dir("orm"), prmDir: dir("prm"), threads: 1 });
    try {
      await v.verifiers.loaded;
      const served = await servedModels(v.url);
      expect(served?.map((m) => m.name)).toEqual(expect.arrayContaining(["orm", "prm"]));
      const billed = { scorer: await readFlopsModel(dir("orm")), stepScorer: await readFlopsModel(dir("prm")) };
      expect(shapeMismatches(billed, served!)).toEqual([]);
      const policy = await readFlopsModel(dir("policy"));
      const wrong = shapeMismatches({ ...billed, scorer: policy }, served!);
      expect(wrong).toHaveLength(1);
      expect(wrong[0]).toMatch(/^orm: billed as .* 4 layers .* served as .* × 7 × /);
    } finally {
      await v.close();
    }
  }, 60_000);

  it("is null when the verifier cannot be reached", async () => {
    expect(await servedModels(await deadUrl(), 500)).toBeNull();
  });
});
