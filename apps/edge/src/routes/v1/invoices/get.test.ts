// GET /v1/invoices/{id} against PGlite and Postgres: line items priced by the book, JSON or CSV; others' ids 404.
import { InvoiceResource } from "@thinktime/core/api/invoices";
import { createApiKey, createPrice, finalizeInvoice, invoiceId } from "@thinktime/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backdateTenant, monthFromNow, periodOf, seedUsage } from "../../../../test/billing.js";
import { BACKENDS, expectJson, expectProblem, Harness, type Seeded } from "../../../../test/harness.js";

const ODD_MODEL = '=cmd|" /C calc"!A0, "quoted"\nnext';

describe.each(BACKENDS)("GET /v1/invoices/{id} (%s)", (backend) => {
  let h: Harness;
  let acme: Seeded;
  let current: string;
  let past: string;
  beforeAll(async () => {
    h = await Harness.open(backend);
    acme = await h.tenant({ name: "acme", scopes: ["usage:read"] });
    await backdateTenant(h.db, acme.tenantId);
    await createPrice(h.db, {
      model: "policy", currency: "usd", promptTokens: 2_000_000, generatedTokens: 3, verifierTokens: null, pflops: 500_000,
      effectiveFrom: monthFromNow(-2),
    });
    await seedUsage(h.db, acme.tenantId, monthFromNow(-1, 2), { prompt: 4, generated: 7, verifier: 9, flops: 1.5e9 });
    await seedUsage(h.db, acme.tenantId, monthFromNow(-1, 3), { model: ODD_MODEL, prompt: 2 });
    await seedUsage(h.db, acme.tenantId, new Date(), { prompt: 6 });
    past = await invoiceId(acme.tenantId, periodOf(monthFromNow(-1)));
    current = await invoiceId(acme.tenantId, periodOf(new Date()));
  });
  afterAll(() => h?.close());

  const get = (path: string, key = acme.key) => h.request("GET", `/v1/invoices/${path}`, { key });

  it("a draft prices usage with the version in effect: one line per model × strategy × unit, integer amounts", async () => {
    const inv = InvoiceResource.parse(await expectJson(await get(past), 200));
    expect(inv).toMatchObject({ id: past, status: "draft", finalized_at: null, totals: { credits: 2, usd_micros: 10 } });
    expect(inv.line_items.map((l) => [l.model, l.unit, l.currency, l.quantity, l.unit_price, l.amount])).toEqual([
      [ODD_MODEL, "prompt_tokens", "credits", 2, 1_000_000, 2],
      ["policy", "prompt_tokens", "usd", 4, 2_000_000, 8],
      ["policy", "generated_tokens", "usd", 7, 3, 1],
      ["policy", "gflops", "usd", 2, 500_000, 1],
    ]);
    expect(inv.line_items[1]!.price_id).toMatch(/^pri_/);
    expect(inv.line_items[0]!.price_id).toBeNull();
    const now = InvoiceResource.parse(await expectJson(await get(current), 200));
    expect(now).toMatchObject({ status: "draft", totals: { usd_micros: 12 } });
  });

  it("a finalized invoice is frozen: later price versions do not change it", async () => {
    const other = await h.tenant({ name: "frozen", scopes: ["usage:read"] });
    await backdateTenant(h.db, other.tenantId);
    await seedUsage(h.db, other.tenantId, monthFromNow(-1, 5), { model: "frozen-model", prompt: 10 });
    await finalizeInvoice(h.db, other.tenantId, periodOf(monthFromNow(-1)));
    const id = await invoiceId(other.tenantId, periodOf(monthFromNow(-1)));
    const before = InvoiceResource.parse(await expectJson(await get(id, other.key), 200));
    expect(before).toMatchObject({ status: "finalized", totals: { credits: 10 } });
    await createPrice(h.db, {
      model: "frozen-model", currency: "credits", promptTokens: 9_000_000, generatedTokens: null, verifierTokens: null, pflops: null,
      effectiveFrom: monthFromNow(-2),
    });
    expect(await expectJson(await get(id, other.key), 200)).toEqual(before);
  });

  it("exports CSV as `.csv` or ?format=csv: a header, quoted fields, formulas defused", async () => {
    for (const path of [`${past}.csv`, `${past}?format=csv`]) {
      const res = await get(path);
      const text = await res.text();
      expect(res.status, text).toBe(200);
      expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
      expect(res.headers.get("content-disposition")).toBe(`attachment; filename="${past}.csv"`);
      const lines = text.split("\r\n");
      expect(lines[0]).toBe("invoice_id,period,status,model,strategy,unit,quantity,price_id,currency,unit_price,amount");
      expect(text).toContain(`${past},${periodOf(monthFromNow(-1))},draft,"'=cmd|"" /C calc""!A0, ""quoted""\nnext",majority,prompt_tokens,2,,credits,1000000,2\r\n`);
      expect(lines.filter((l) => l.startsWith(`${past},`) && l.includes(",policy,"))).toHaveLength(3);
      expect(text.endsWith("\r\n")).toBe(true);
    }
  });

  it("answers 404 for unknown, malformed and future ids, and 400 for an unknown format", async () => {
    for (const id of ["inv_202601aaaaaaaaaaaaaaaaaaaa", "nope", `${past}.pdf`, await invoiceId(acme.tenantId, periodOf(monthFromNow(1)))]) {
      await expectProblem(await get(id), 404, "not_found");
    }
    await expectProblem(await get(`${past}?format=xml`), 400, "validation_failed");
  });

  it("another tenant's invoice is a 404, as JSON and as CSV, indistinguishable from an unknown id", async () => {
    const rival = await h.tenant({ name: "rival", scopes: ["usage:read"] });
    const theirs = await expectProblem(await get(past, rival.key), 404, "not_found");
    await expectProblem(await get(`${past}.csv`, rival.key), 404, "not_found");
    const unknown = await expectProblem(await get("inv_202601aaaaaaaaaaaaaaaaaaaa", rival.key), 404, "not_found");
    expect({ ...theirs, request_id: "" }).toEqual({ ...unknown, request_id: "" });
  });

  it("needs the usage:read scope (403)", async () => {
    const k = await createApiKey(h.db, acme.tenantId, { scopes: ["jobs:read", "admin"] });
    await expectProblem(await get(past, k.key), 403, "forbidden");
  });
});
