// GET /v1/models and the model-name catalogue: every core strategy is a model, names round-trip, others are unknown.
import { LIMITS, STRATEGIES } from "@thinktime/core";
import { createApiKey } from "@thinktime/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectJson, expectProblem, Harness, type Seeded } from "../../../../test/harness.js";
import { listedModels, modelName, resolveModel } from "./catalog.js";

describe("model catalogue", () => {
  it("names each strategy core allows, auto included exactly when core has it", () => {
    const models = listedModels();
    for (const s of STRATEGIES) expect(models).toContain(modelName(s));
    expect(models.includes("thinktime-auto")).toBe((STRATEGIES as readonly string[]).includes("auto"));
    expect(models).toEqual(expect.arrayContaining(["thinktime-greedy", "thinktime-best-of-16", "thinktime-majority-8", "thinktime-beam-search"]));
  });

  it("every listed name resolves back to its strategy", () => {
    for (const name of listedModels()) {
      const choice = resolveModel(name);
      expect(choice, name).not.toBeNull();
      expect(modelName(choice!.strategy, choice!.n)).toBe(name);
    }
  });

  it.each([
    ["thinktime-greedy", { strategy: "greedy" }],
    ["thinktime-best-of-n", { strategy: "best_of_n" }],
    ["thinktime-best-of-16", { strategy: "best_of_n", n: 16 }],
    ["thinktime-weighted-best-of-3", { strategy: "weighted_best_of_n", n: 3 }],
    ["thinktime-majority-8", { strategy: "majority", n: 8 }],
    ["thinktime-beam-search", { strategy: "beam_search" }],
    ["thinktime-dvts-32", { strategy: "dvts", n: 32 }],
    [`thinktime-majority-${LIMITS.maxN}`, { strategy: "majority", n: LIMITS.maxN }],
  ])("%s → %o", (name, choice) => {
    expect(resolveModel(name)).toEqual(choice);
  });

  it.each([
    "gpt-4o", "thinktime", "thinktime-", "thinktime-best_of_n", "thinktime-greedy-4", "thinktime-majority-0", `thinktime-majority-${LIMITS.maxN + 1}`,
    "thinktime-majority-08", "thinktime-majority-8x", "THINKTIME-GREEDY", "thinktime-auto-8", "thinktime-best-of-16 ",
  ])("%s is not a model", (name) => {
    expect(resolveModel(name)).toBeNull();
  });
});

describe("GET /v1/models", () => {
  let h: Harness;
  let acme: Seeded;
  beforeAll(async () => {
    h = await Harness.open("pg");
    acme = await h.tenant();
  });
  afterAll(() => h?.close());

  it("lists the models in OpenAI's shape", async () => {
    const body = await expectJson<{ object: string; data: Array<Record<string, unknown>> }>(await h.request("GET", "/v1/models", { key: acme.key }), 200);
    expect(body.object).toBe("list");
    expect(body.data.map((m) => m.id)).toEqual(listedModels());
    for (const m of body.data) expect(m).toEqual({ id: expect.any(String), object: "model", created: expect.any(Number), owned_by: "thinktime" });
  });

  it("needs a key (401) with the jobs:read scope (403)", async () => {
    await expectProblem(await h.request("GET", "/v1/models"), 401, "unauthorized");
    const writer = await createApiKey(h.db, acme.tenantId, { scopes: ["jobs:write"] });
    await expectProblem(await h.request("GET", "/v1/models", { key: writer.key }), 403, "forbidden");
  });

  it("is not a collection of ids: other verbs are 404s", async () => {
    await expectProblem(await h.request("POST", "/v1/models", { key: acme.key, json: {} }), 404, "not_found");
  });
});
