// The background invoice closer on Node: finalizes ended months with usage on its first pass, then stops cleanly.
import { invoices } from "@thinktime/db";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { backdateTenant, monthFromNow, periodOf, seedUsage } from "../../test/billing.js";
import { BACKENDS, Harness } from "../../test/harness.js";
import { startInvoiceCloser } from "./invoice-closer.js";

describe.each(BACKENDS)("invoice closer (%s)", (backend) => {
  let h: Harness;
  beforeEach(async () => {
    h = await Harness.open(backend);
  });
  afterEach(() => h?.close());

  it("finalizes last month's usage (not the open month's) and stops", async () => {
    const acme = await h.tenant();
    await backdateTenant(h.db, acme.tenantId);
    await seedUsage(h.db, acme.tenantId, monthFromNow(-1, 3), { prompt: 5 });
    await seedUsage(h.db, acme.tenantId, new Date(), { prompt: 7 });
    const closer = startInvoiceCloser(h.db, { intervalMs: 60_000, graceMs: 0 });
    const end = Date.now() + 20_000;
    while ((await h.db.$count(invoices)) === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 25));
    await closer.stop();
    const rows = await h.db.select().from(invoices);
    expect(rows.map((r) => [r.period, r.totalCredits])).toEqual([[periodOf(monthFromNow(-1)), 5]]);
  });
});
