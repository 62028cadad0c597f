// POST /admin/tenants/{id}/invoices/{period}/finalize against PGlite and Postgres: frozen once, one event; operators only.
import { InvoiceFinalizedEvent, InvoiceResource } from "@thinktime/core/api/invoices";
import { createWebhookEndpoint, invoices, webhookDeliveries } from "@thinktime/db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backdateTenant, monthFromNow, periodOf, seedUsage } from "../../../../test/billing.js";
import { BACKENDS, expectJson, expectProblem, Harness, type Seeded } from "../../../../test/harness.js";

describe.each(BACKENDS)("POST /admin/tenants/{id}/invoices/{period}/finalize (%s)", (backend) => {
  let h: Harness;
  let op: Seeded;
  let acme: Seeded;
  let endpointId: string;
  const last = periodOf(monthFromNow(-1));
  beforeAll(async () => {
    h = await Harness.open(backend);
    op = await h.operator();
    acme = await h.tenant({ name: "acme", scopes: ["usage:read", "admin"] });
    await backdateTenant(h.db, acme.tenantId);
    endpointId = (await createWebhookEndpoint(h.db, acme.tenantId, { url: "https://example.com/billing", events: ["invoice.finalized"] })).row.id;
    await seedUsage(h.db, acme.tenantId, monthFromNow(-1, 1), { prompt: 3, generated: 4, verifier: 5 });
  });
  afterAll(() => h?.close());

  const finalize = (period: string, tenantId = acme.tenantId, key = op.key) =>
    h.request("POST", `/admin/tenants/${tenantId}/invoices/${period}/finalize`, { key });

  it("freezes an ended month with its lines and queues invoice.finalized in the same transaction; again is a no-op", async () => {
    const inv = InvoiceResource.parse(await expectJson(await finalize(last), 200));
    expect(inv).toMatchObject({ tenant_id: acme.tenantId, period: last, status: "finalized", totals: { credits: 12, usd_micros: 0 } });
    expect(inv.line_items.map((l) => [l.unit, l.amount])).toEqual([["prompt_tokens", 3], ["generated_tokens", 4], ["verifier_tokens", 5]]);
    const outbox = await h.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.endpointId, endpointId));
    expect(outbox).toHaveLength(1);
    const event = InvoiceFinalizedEvent.parse(outbox[0]!.payload);
    expect(event.data).toEqual(Object.fromEntries(Object.entries(inv).filter(([k]) => k !== "line_items")));

    expect(await expectJson(await finalize(last), 200)).toEqual(inv);
    expect(await h.db.$count(webhookDeliveries, eq(webhookDeliveries.endpointId, endpointId))).toBe(1);
    // The tenant now reads the finalized invoice.
    const mine = InvoiceResource.parse(await expectJson(await h.request("GET", `/v1/invoices/${inv.id}`, { key: acme.key }), 200));
    expect(mine).toEqual(inv);
  });

  it("refuses the open month (409), an unknown tenant (404) and a bad period (400)", async () => {
    await expectProblem(await finalize(periodOf(new Date())), 409, "conflict");
    await expectProblem(await finalize(periodOf(monthFromNow(1))), 409, "conflict");
    await expectProblem(await finalize(last, "ten_0000000000aaaaaaaaaaaaaaaa"), 404, "not_found");
    for (const p of ["2026-13", "202610", "last"]) await expectProblem(await finalize(p), 400, "validation_failed");
  });

  it("a tenant's admin key is refused (403), even for its own tenant, and nothing is finalized", async () => {
    const before = await h.db.$count(invoices);
    await expectProblem(await finalize(periodOf(monthFromNow(-2)), acme.tenantId, acme.key), 403, "forbidden");
    expect(await h.db.$count(invoices)).toBe(before);
  });
});
