// GET /v1/webhooks against PGlite and Postgres: the tenant's endpoints only, newest first, never a secret.
import { WebhookList } from "@thinktime/core/api/webhooks";
import { createWebhookEndpoint } from "@thinktime/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BACKENDS, expectJson, expectProblem, Harness, type Seeded } from "../../../../test/harness.js";

describe.each(BACKENDS)("GET /v1/webhooks (%s)", (backend) => {
  let h: Harness;
  let acme: Seeded;
  beforeAll(async () => {
    h = await Harness.open(backend);
    acme = await h.tenant({ scopes: ["admin"] });
  });
  afterAll(() => h?.close());

  it("lists the tenant's endpoints newest first without secrets", async () => {
    const a = await createWebhookEndpoint(h.db, acme.tenantId, { url: "https://example.com/a", events: ["job.failed"] });
    const b = await createWebhookEndpoint(h.db, acme.tenantId, { url: "https://example.com/b", events: ["job.succeeded"] });
    const rival = await h.tenant({ name: "rival" });
    const theirs = await createWebhookEndpoint(h.db, rival.tenantId, { url: "https://rival.example.com", events: ["job.failed"] });
    const text = await (await h.request("GET", "/v1/webhooks", { key: acme.key })).text();
    const list = WebhookList.parse(JSON.parse(text));
    expect(list.data.map((e) => e.id)).toEqual([b.row.id, a.row.id]);
    expect(list.data[1]).toMatchObject({ url: "https://example.com/a", events: ["job.failed"], enabled: true });
    for (const s of [a.secret, b.secret, theirs.row.id, "secret"]) expect(text).not.toContain(s);
  });

  it("an empty list for a tenant without endpoints", async () => {
    const fresh = await h.tenant({ name: "fresh", scopes: ["admin"] });
    expect(await expectJson(await h.request("GET", "/v1/webhooks", { key: fresh.key }), 200)).toEqual({ object: "list", data: [] });
  });

  it("needs the admin scope (403)", async () => {
    const reader = await h.tenant({ scopes: ["jobs:read", "usage:read"] });
    await expectProblem(await h.request("GET", "/v1/webhooks", { key: reader.key }), 403, "forbidden");
  });
});
