// GET /v1/invoices against PGlite and Postgres: finalized invoices, drafts of months with usage, the current draft.
import { InvoiceList } from "@thinktime/core/api/invoices";
import { createApiKey, finalizeInvoice } from "@thinktime/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backdateTenant, monthFromNow, periodOf, seedUsage } from "../../../../test/billing.js";
import { BACKENDS, expectJson, expectProblem, Harness, type Seeded } from "../../../../test/harness.js";

describe.each(BACKENDS)("GET /v1/invoices (%s)", (backend) => {
  let h: Harness;
  let acme: Seeded;
  beforeAll(async () => {
    h = await Harness.open(backend);
    acme = await h.tenant({ name: "acme", scopes: ["usage:read"] });
    await backdateTenant(h.db, acme.tenantId);
    await seedUsage(h.db, acme.tenantId, monthFromNow(-3, 4), { prompt: 5 });
    await seedUsage(h.db, acme.tenantId, monthFromNow(-2, 4), { prompt: 7, generated: 3 });
    await seedUsage(h.db, acme.tenantId, new Date(), { generated: 11 });
    await finalizeInvoice(h.db, acme.tenantId, periodOf(monthFromNow(-3)));
  });
  afterAll(() => h?.close());

  it("lists the current draft, an unclosed past month's draft and the finalized one, newest first, without lines", async () => {
    const list = InvoiceList.parse(await expectJson(await h.request("GET", "/v1/invoices", { key: acme.key }), 200));
    expect(list.data.map((i) => [i.period, i.status, i.totals.credits])).toEqual([
      [periodOf(new Date()), "draft", 11],
      [periodOf(monthFromNow(-2)), "draft", 10],
      [periodOf(monthFromNow(-3)), "finalized", 5],
    ]);
    expect(list.data.every((i) => i.tenant_id === acme.tenantId && /^inv_\d{6}[0-9a-z]{20}$/.test(i.id))).toBe(true);
    expect(list.data[2]!.finalized_at).not.toBeNull();
    expect(JSON.stringify(list)).not.toContain("line_items");
  });

  it("another tenant sees only its own (empty) current draft", async () => {
    const rival = await h.tenant({ name: "rival", scopes: ["usage:read"] });
    const list = InvoiceList.parse(await expectJson(await h.request("GET", "/v1/invoices", { key: rival.key }), 200));
    expect(list.data).toHaveLength(1);
    expect(list.data[0]).toMatchObject({ tenant_id: rival.tenantId, status: "draft", totals: { credits: 0, usd_micros: 0 } });
    expect(JSON.stringify(list)).not.toContain(acme.tenantId);
  });

  it("needs the usage:read scope (403)", async () => {
    const k = await createApiKey(h.db, acme.tenantId, { scopes: ["jobs:read", "jobs:write", "admin"] });
    await expectProblem(await h.request("GET", "/v1/invoices", { key: k.key }), 403, "forbidden");
  });
});
