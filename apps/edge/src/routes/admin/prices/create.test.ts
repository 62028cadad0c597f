// POST /admin/prices against PGlite and Postgres: versions added, never edited; closed months untouchable; operators only.
import { PriceResource } from "@thinktime/core/api/prices";
import { prices } from "@thinktime/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { monthFromNow } from "../../../../test/billing.js";
import { BACKENDS, expectJson, expectProblem, Harness, type Seeded } from "../../../../test/harness.js";

describe.each(BACKENDS)("POST /admin/prices (%s)", (backend) => {
  let h: Harness;
  let op: Seeded;
  beforeAll(async () => {
    h = await Harness.open(backend);
    op = await h.operator();
  });
  afterAll(() => h?.close());

  const create = (json: unknown, key = op.key) => h.request("POST", "/admin/prices", { key, json });
  const next = monthFromNow(1).toISOString();

  it("adds a version (201) and the identical one again is a no-op (200, same id)", async () => {
    const body = { model: "policy", currency: "usd", prompt_tokens: 150_000, generated_tokens: 600_000, pflops: 2_000_000, effective_from: next };
    const res = await create(body);
    const price = PriceResource.parse(await expectJson(res, 201));
    expect(price).toMatchObject({ model: "policy", currency: "usd", prompt_tokens: 150_000, generated_tokens: 600_000, verifier_tokens: null, pflops: 2_000_000 });
    expect(price.id).toMatch(/^pri_/);
    expect(Date.parse(price.effective_from)).toBe(Date.parse(next));
    expect(res.headers.get("location")).toBe(`/admin/prices/${price.id}`);
    expect(await expectJson(await create(body), 200)).toEqual(price);
    expect(await h.db.$count(prices)).toBe(1);
  });

  it("defaults effective_from to now", async () => {
    const before = Date.now();
    const price = PriceResource.parse(await expectJson(await create({ model: "now-model", currency: "credits", verifier_tokens: 5 }), 201));
    expect(Date.parse(price.effective_from)).toBeGreaterThanOrEqual(before - 1000);
  });

  it("refuses a different version at the same instant (409): prices are never edited", async () => {
    const at = monthFromNow(2).toISOString();
    const first = PriceResource.parse(await expectJson(await create({ model: "m", currency: "credits", prompt_tokens: 1, effective_from: at }), 201));
    const body = await expectProblem(await create({ model: "m", currency: "credits", prompt_tokens: 2, effective_from: at }), 409, "conflict");
    expect(String(body.detail)).toContain(first.id);
    await expectProblem(await create({ model: "m", currency: "usd", prompt_tokens: 1, effective_from: at }), 409, "conflict");
  });

  it("refuses a version taking effect in a month that has ended (409)", async () => {
    const last = monthFromNow(-1, 3).toISOString();
    const before = await h.db.$count(prices);
    await expectProblem(await create({ model: "late", currency: "credits", prompt_tokens: 1, effective_from: last }), 409, "conflict");
    expect(await h.db.$count(prices)).toBe(before);
  });

  it.each([
    ["no rate at all", { model: "x", currency: "credits" }, "body.prompt_tokens"],
    ["only null rates", { model: "x", currency: "credits", pflops: null }, "body.prompt_tokens"],
    ["a negative rate", { model: "x", currency: "credits", prompt_tokens: -1 }, "body.prompt_tokens"],
    ["a fractional rate", { model: "x", currency: "usd", generated_tokens: 1.5 }, "body.generated_tokens"],
    ["a rate too large", { model: "x", currency: "usd", pflops: 1e13 }, "body.pflops"],
    ["an unknown currency", { model: "x", currency: "eur", prompt_tokens: 1 }, "body.currency"],
    ["no model", { currency: "credits", prompt_tokens: 1 }, "body.model"],
    ["a model with a control character", { model: "a\u0000b", currency: "credits", prompt_tokens: 1 }, "body.model"],
    ["a bad effective_from", { model: "x", currency: "credits", prompt_tokens: 1, effective_from: "tomorrow" }, "body.effective_from"],
    ["an unknown field", { model: "x", currency: "credits", prompt_tokens: 1, per_request: 5 }, "body.per_request"],
  ])("rejects %s (400)", async (_name, json, path) => {
    const body = await expectProblem(await create(json), 400, "validation_failed");
    expect((body.errors as Array<{ path: string }>).map((e) => e.path)).toContain(path);
  });

  it("a tenant's admin key is refused (403) and a missing key is 401; nothing is written", async () => {
    const tenant = await h.tenant({ name: "acme", scopes: ["admin", "usage:read"] });
    const before = await h.db.$count(prices);
    const json = { model: "sneaky", currency: "credits", prompt_tokens: 0 };
    await expectProblem(await create(json, tenant.key), 403, "forbidden");
    await expectProblem(await h.request("POST", "/admin/prices", { json }), 401, "unauthorized");
    expect(await h.db.$count(prices)).toBe(before);
  });
});
