// GET /admin/prices against PGlite and Postgres: every version per model, newest effective first; operators only.
import { PriceList } from "@thinktime/core/api/prices";
import { createPrice } from "@thinktime/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { monthFromNow } from "../../../../test/billing.js";
import { BACKENDS, expectJson, expectProblem, Harness, type Seeded } from "../../../../test/harness.js";

describe.each(BACKENDS)("GET /admin/prices (%s)", (backend) => {
  let h: Harness;
  let op: Seeded;
  beforeAll(async () => {
    h = await Harness.open(backend);
    op = await h.operator();
    const base = { currency: "credits" as const, promptTokens: 1, generatedTokens: null, verifierTokens: null, pflops: null };
    await createPrice(h.db, { ...base, model: "policy", effectiveFrom: monthFromNow(0) });
    await createPrice(h.db, { ...base, model: "policy", promptTokens: 2, effectiveFrom: monthFromNow(1) });
    await createPrice(h.db, { ...base, model: "orm", effectiveFrom: monthFromNow(0) });
  });
  afterAll(() => h?.close());

  it("lists every version, per model newest effective first", async () => {
    const list = PriceList.parse(await expectJson(await h.request("GET", "/admin/prices", { key: op.key }), 200));
    expect(list.data.map((p) => [p.model, p.prompt_tokens])).toEqual([["orm", 1], ["policy", 2], ["policy", 1]]);
  });

  it("filters by model; an unknown model is an empty list", async () => {
    const only = PriceList.parse(await expectJson(await h.request("GET", "/admin/prices?model=policy", { key: op.key }), 200));
    expect(only.data.map((p) => p.model)).toEqual(["policy", "policy"]);
    const none = PriceList.parse(await expectJson(await h.request("GET", "/admin/prices?model=nope", { key: op.key }), 200));
    expect(none.data).toEqual([]);
    await expectProblem(await h.request("GET", `/admin/prices?model=${"m".repeat(101)}`, { key: op.key }), 400, "validation_failed");
  });

  it("a tenant's admin key is refused (403)", async () => {
    const tenant = await h.tenant({ name: "acme", scopes: ["admin", "usage:read"] });
    await expectProblem(await h.request("GET", "/admin/prices", { key: tenant.key }), 403, "forbidden");
  });
});
