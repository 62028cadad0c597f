// The price book and invoices on real databases: prices in effect per event, integer amounts, frozen finalization.
import { newId } from "@thinktime/core";
import { InvoiceFinalizedEvent } from "@thinktime/core/api/invoices";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import {
  createPrice, createTenant, createWebhookEndpoint, finalizeDueInvoices, finalizeInvoice, getInvoice, invoiceId,
  invoiceLineItems, invoices, listInvoices, listPrices, priceUsage, prices, tenants, usageEvents, webhookDeliveries,
  type Database, type PriceInput,
} from "../src/index.js";
import { DRIVERS, useTestDatabase } from "./fixtures.js";

const NOW = new Date("2026-11-15T12:00:00Z");
const at = (iso: string) => new Date(iso);

async function tenant(db: Database, name = "acme") {
  const t = await createTenant(db, name);
  await db.update(tenants).set({ createdAt: at("2026-01-01T00:00:00Z") }).where(eq(tenants.id, t.id));
  return { id: t.id, createdAt: at("2026-01-01T00:00:00Z") };
}

async function usage(db: Database, tenantId: string, createdAt: string, u: { model?: string; strategy?: string; p?: number; g?: number; v?: number; flops?: number } = {}) {
  await db.insert(usageEvents).values({
    id: newId("use"), tenantId, idempotencyKey: newId("idem"), model: u.model ?? "policy", strategy: u.strategy ?? "majority",
    promptTokens: u.p ?? 0, generatedTokens: u.g ?? 0, verifierTokens: u.v ?? 0, flops: u.flops ?? 0, createdAt: at(createdAt),
  });
}

const USD_A: PriceInput = {
  model: "policy", currency: "usd", promptTokens: 2_000_000, generatedTokens: 3, verifierTokens: null, pflops: 500_000,
  effectiveFrom: at("2026-10-10T00:00:00Z"),
};

describe.each(DRIVERS)("price book and invoices (%s)", (driver) => {
  const t = useTestDatabase(driver);

  it("adds price versions, is idempotent for the same one, refuses a different one at the same instant, and never updates", async () => {
    const { db } = t.current;
    const created = await createPrice(db, USD_A);
    expect(created.kind).toBe("created");
    expect(created.row.id).toMatch(/^pri_/);
    expect(await createPrice(db, USD_A)).toEqual({ kind: "exists", row: created.row });
    expect(await createPrice(db, { ...USD_A, generatedTokens: 4 })).toEqual({ kind: "conflict", row: created.row });
    await createPrice(db, { ...USD_A, effectiveFrom: at("2026-10-20T00:00:00Z") });
    await createPrice(db, { ...USD_A, model: "another" });
    expect((await listPrices(db)).map((p) => [p.model, p.effectiveFrom.toISOString()])).toEqual([
      ["another", "2026-10-10T00:00:00.000Z"], ["policy", "2026-10-20T00:00:00.000Z"], ["policy", "2026-10-10T00:00:00.000Z"],
    ]);
    expect(await listPrices(db, "another")).toHaveLength(1);
    await expect(db.update(prices).set({ promptTokens: 1 }).where(eq(prices.id, created.row.id))).rejects.toThrow();
  });

  it("prices each event with the version in effect when it happened, in whole units rounded up per line", async () => {
    const { db } = t.current;
    const acme = await tenant(db);
    const rival = await tenant(db, "rival");
    await createPrice(db, USD_A);
    await createPrice(db, { ...USD_A, currency: "credits", promptTokens: 10, generatedTokens: null, pflops: null, effectiveFrom: at("2026-10-20T00:00:00Z") });
    await usage(db, acme.id, "2026-10-05T00:00:00Z", { p: 10, g: 20, v: 30, flops: 4e9 }); // default price
    await usage(db, acme.id, "2026-10-15T00:00:00Z", { p: 1, g: 7, v: 5, flops: 1.5e9 }); // USD_A
    await usage(db, acme.id, "2026-10-16T00:00:00Z", { p: 1, g: 0, flops: 1e9, strategy: "greedy" }); // USD_A
    await usage(db, acme.id, "2026-10-25T00:00:00Z", { p: 150_001 }); // credits version
    await usage(db, acme.id, "2026-11-01T00:00:00Z", { p: 99 });
    await usage(db, rival.id, "2026-10-15T00:00:00Z", { p: 1000 });
    const byMonth = await priceUsage(db, acme.id, at("2026-10-01T00:00:00Z"), at("2026-11-01T00:00:00Z"));
    expect([...byMonth.keys()]).toEqual(["2026-10"]);
    const pick = (l: { strategy: string; unit: string; priceId: string | null; currency: string; quantity: number; unitPrice: number; amount: number }) =>
      [l.strategy, l.unit, l.priceId === null ? "default" : l.currency, l.quantity, l.unitPrice, l.amount];
    expect(byMonth.get("2026-10")!.map(pick)).toEqual(
      expect.arrayContaining([
        ["majority", "prompt_tokens", "default", 10, 1_000_000, 10],
        ["majority", "generated_tokens", "default", 20, 1_000_000, 20],
        ["majority", "verifier_tokens", "default", 30, 1_000_000, 30],
        ["majority", "prompt_tokens", "usd", 1, 2_000_000, 2],
        ["majority", "generated_tokens", "usd", 7, 3, 1], // 21 / 1M, rounded up
        ["majority", "gflops", "usd", 2, 500_000, 1], // 1.5 GFLOPs → 2; 2 × 0.5 per 1M GFLOPs, rounded up
        ["majority", "prompt_tokens", "credits", 150_001, 10, 2],
        ["greedy", "prompt_tokens", "usd", 1, 2_000_000, 2],
        ["greedy", "gflops", "usd", 1, 500_000, 1],
      ]),
    );
    // Free units (verifier under USD_A, FLOPs under the default) and zero quantities get no line.
    expect(byMonth.get("2026-10")).toHaveLength(9);
  });

  it("finalizes an ended month once: frozen lines, totals per currency, invoice.finalized in the outbox, immutable rows", async () => {
    const { db } = t.current;
    const acme = await tenant(db);
    const hook = await createWebhookEndpoint(db, acme.id, { url: "https://example.com/billing", events: ["invoice.finalized"] });
    await createPrice(db, USD_A);
    await usage(db, acme.id, "2026-10-05T00:00:00Z", { p: 10 });
    await usage(db, acme.id, "2026-10-15T00:00:00Z", { p: 3, g: 7 });
    expect(await finalizeInvoice(db, acme.id, "2026-11", NOW)).toEqual({ kind: "open" });
    const done = await finalizeInvoice(db, acme.id, "2026-10", NOW);
    expect(done.kind).toBe("finalized");
    if (done.kind !== "finalized") return;
    expect(done.invoice).toMatchObject({ id: await invoiceId(acme.id, "2026-10"), status: "finalized", totals: { credits: 10, usdMicros: 7 } });
    expect(done.invoice.lines).toHaveLength(3);

    // The price book changes retroactively: the draft would change, the finalized invoice does not.
    await createPrice(db, { ...USD_A, promptTokens: 1, effectiveFrom: at("2026-10-01T00:00:00Z") });
    const again = await getInvoice(db, acme, done.invoice.id, NOW);
    expect(again).toEqual({ ...done.invoice, lines: done.invoice.lines });
    expect(await finalizeInvoice(db, acme.id, "2026-10", NOW)).toMatchObject({ kind: "exists", invoice: { totals: { credits: 10, usdMicros: 7 } } });

    const outbox = await db.select().from(webhookDeliveries).where(eq(webhookDeliveries.endpointId, hook.row.id));
    expect(outbox).toHaveLength(1);
    const event = InvoiceFinalizedEvent.parse(outbox[0]!.payload);
    expect(event.data).toMatchObject({ id: done.invoice.id, status: "finalized", period: "2026-10", totals: { credits: 10, usd_micros: 7 } });
    expect(event.data.period_start).toBe("2026-10-01T00:00:00.000Z");
    expect(event.data.period_end).toBe("2026-11-01T00:00:00.000Z");
    await expect(db.update(invoiceLineItems).set({ amount: 0 })).rejects.toThrow();
    await expect(db.update(invoices).set({ totalCredits: 0 })).rejects.toThrow();
  });

  it("racing finalizations of one month make one invoice and one event", async () => {
    const { db } = t.current;
    const acme = await tenant(db);
    await createWebhookEndpoint(db, acme.id, { url: "https://example.com/billing", events: ["invoice.finalized"] });
    await usage(db, acme.id, "2026-09-05T00:00:00Z", { p: 5 });
    const outs = await Promise.all(Array.from({ length: 4 }, () => finalizeInvoice(db, acme.id, "2026-09", NOW)));
    expect(outs.filter((o) => o.kind === "finalized")).toHaveLength(1);
    expect(outs.filter((o) => o.kind === "exists")).toHaveLength(3);
    expect(await db.$count(invoices)).toBe(1);
    expect(await db.$count(invoiceLineItems)).toBe(1);
    expect(await db.$count(webhookDeliveries)).toBe(1);
  });

  it("finalizeDueInvoices closes every tenant's ended months with usage, after a grace period, once", async () => {
    const { db } = t.current;
    const acme = await tenant(db);
    const rival = await tenant(db, "rival");
    await tenant(db, "idle");
    await usage(db, acme.id, "2026-09-30T23:59:59Z", { p: 1 });
    await usage(db, acme.id, "2026-10-31T23:30:00Z", { p: 2 });
    await usage(db, rival.id, "2026-10-02T00:00:00Z", { p: 3 });
    await usage(db, rival.id, "2026-11-02T00:00:00Z", { p: 4 });
    // Ten minutes into November, October is still within the grace period.
    expect(await finalizeDueInvoices(db, { now: at("2026-11-01T00:10:00Z") })).toBe(1);
    expect(await finalizeDueInvoices(db, { now: NOW })).toBe(2);
    expect(await finalizeDueInvoices(db, { now: NOW })).toBe(0);
    const rows = await db.select({ tenantId: invoices.tenantId, period: invoices.period, credits: invoices.totalCredits }).from(invoices);
    expect(rows.sort((a, b) => (a.period + a.tenantId < b.period + b.tenantId ? -1 : 1))).toEqual(
      [
        { tenantId: acme.id, period: "2026-09", credits: 1 },
        { tenantId: acme.id, period: "2026-10", credits: 2 },
        { tenantId: rival.id, period: "2026-10", credits: 3 },
      ].sort((a, b) => (a.period + a.tenantId < b.period + b.tenantId ? -1 : 1)),
    );
  });

  it("lists finalized invoices, drafts of months with usage and the current draft; ids are per tenant", async () => {
    const { db } = t.current;
    const acme = await tenant(db);
    const rival = await tenant(db, "rival");
    await usage(db, acme.id, "2026-08-05T00:00:00Z", { p: 1 });
    await usage(db, acme.id, "2026-09-05T00:00:00Z", { p: 2 });
    await usage(db, acme.id, "2026-11-05T00:00:00Z", { p: 4 });
    await finalizeInvoice(db, acme.id, "2026-08", NOW);
    const list = await listInvoices(db, acme, NOW);
    expect(list.map((i) => [i.period, i.status, i.totals.credits])).toEqual([
      ["2026-11", "draft", 4], ["2026-09", "draft", 2], ["2026-08", "finalized", 1],
    ]);
    expect(list.every((i) => i.lines.length === 0)).toBe(true);
    expect((await listInvoices(db, rival, NOW)).map((i) => [i.period, i.totals.credits])).toEqual([["2026-11", 0]]);

    const draft = await getInvoice(db, acme, list[0]!.id, NOW);
    expect(draft).toMatchObject({ status: "draft", period: "2026-11", finalizedAt: null, lines: [{ unit: "prompt_tokens", quantity: 4, amount: 4 }] });
    expect(await getInvoice(db, rival, list[0]!.id, NOW)).toBeNull();
    expect(await getInvoice(db, acme, await invoiceId(acme.id, "2026-12"), NOW)).toBeNull();
    expect(await getInvoice(db, acme, await invoiceId(acme.id, "2025-12"), NOW)).toBeNull();
    expect(await getInvoice(db, acme, "inv_202611aaaaaaaaaaaaaaaaaaaa", NOW)).toBeNull();
    expect(list[0]!.id).toMatch(/^inv_202611[0-9a-z]{20}$/);
  });
});
