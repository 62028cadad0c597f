// POST /v1/webhooks against PGlite and Postgres: https to public hosts (SSRF guard), known events, the secret once, admin scope.
import { CreatedWebhookResource, MAX_WEBHOOK_ENDPOINTS, WEBHOOK_EVENT_TYPES } from "@thinktime/core/api/webhooks";
import { webhookEndpoints } from "@thinktime/db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BACKENDS, expectJson, expectProblem, Harness, type Seeded } from "../../../../test/harness.js";

describe.each(BACKENDS)("POST /v1/webhooks (%s)", (backend) => {
  let h: Harness;
  let acme: Seeded;
  beforeAll(async () => {
    h = await Harness.open(backend);
    acme = await h.tenant({ scopes: ["admin"] });
  });
  afterAll(() => h?.close());

  const create = (json: unknown, key = acme.key) => h.request("POST", "/v1/webhooks", { key, json });

  it("creates an endpoint and shows its whsec_ secret once", async () => {
    const res = await create({ url: "https://example.com/hooks?x=1", events: ["job.failed", "job.succeeded", "job.failed"] });
    const created = CreatedWebhookResource.parse(await expectJson(res, 201));
    expect(created).toMatchObject({
      object: "webhook_endpoint", url: "https://example.com/hooks?x=1", events: ["job.failed", "job.succeeded"], enabled: true, disabled_at: null,
    });
    expect(created.id).toMatch(/^whe_[0-9a-z]{26}$/);
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(res.headers.get("location")).toBe(`/v1/webhooks/${created.id}`);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const [row] = await h.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, created.id));
    expect(row).toMatchObject({ tenantId: acme.tenantId, secret: created.secret });
    const list = await (await h.request("GET", "/v1/webhooks", { key: acme.key })).text();
    expect(list).toContain(created.id);
    expect(list).not.toContain(created.secret);
    expect(list).not.toContain("secret");
  });

  it("subscribes to every event by default", async () => {
    const created = await expectJson<CreatedWebhookResource>(await create({ url: "https://hooks.example.com/in" }), 201);
    expect(created.events).toEqual([...WEBHOOK_EVENT_TYPES]);
    expect(created).toMatchObject({ disabled_event: null, rotation_grace_ends_at: null });
  });

  it.each([
    ["plain http", "http://hooks.example.com/in"],
    ["loopback", "https://127.0.0.1:8443/in"],
    ["loopback in another notation", "https://0x7f.1/in"],
    ["IPv6 loopback", "https://[::1]/in"],
    ["private", "https://10.0.0.1/in"],
    ["CGNAT", "https://100.64.1.1/in"],
    ["cloud metadata", "https://169.254.169.254/latest/meta-data"],
    ["unique-local IPv6", "https://[fd00:ec2::254]/"],
    ["IPv4-mapped IPv6", "https://[::ffff:192.168.0.1]/"],
    ["localhost", "https://localhost:3000/in"],
    ["an internal name", "https://metadata.google.internal/"],
    ["a name resolving to a private address", "https://intranet.private.example.com/in"],
  ])("refuses %s (422) and creates nothing", async (_name, url) => {
    const before = await h.db.$count(webhookEndpoints);
    const body = await expectProblem(await create({ url }), 422, "webhook_url_not_allowed");
    expect((body.errors as Array<{ path: string }>).map((e) => e.path)).toEqual(["body.url"]);
    expect(await h.db.$count(webhookEndpoints)).toBe(before);
  });

  it("accepts a name that does not resolve yet (delivery checks again before each attempt)", async () => {
    await expectJson(await create({ url: "https://not-yet.invalid/in" }), 201);
  });

  it("the dev setting allows http:// and loopback receivers", async () => {
    const dev = await Harness.open(backend, { allowInsecureWebhookUrls: true });
    try {
      const local = await dev.tenant({ scopes: ["admin"] });
      const res = await dev.request("POST", "/v1/webhooks", { key: local.key, json: { url: "http://127.0.0.1:9/in" } });
      expect(await expectJson<CreatedWebhookResource>(res, 201)).toMatchObject({ url: "http://127.0.0.1:9/in" });
      const ftp = await dev.request("POST", "/v1/webhooks", { key: local.key, json: { url: "ftp://127.0.0.1/in" } });
      await expectProblem(ftp, 400, "validation_failed");
    } finally {
      await dev.close();
    }
  });

  it.each([
    ["a missing url", { events: ["job.failed"] }, "body.url"],
    ["an ftp url", { url: "ftp://example.com/x" }, "body.url"],
    ["a javascript: url", { url: "javascript:alert(1)" }, "body.url"],
    ["a relative url", { url: "/hooks" }, "body.url"],
    ["not a url", { url: "example dot com" }, "body.url"],
    ["a url too long", { url: `https://example.com/${"a".repeat(2100)}` }, "body.url"],
    ["no events", { url: "https://example.com", events: [] }, "body.events"],
    ["an unknown event", { url: "https://example.com", events: ["invoice.paid"] }, "body.events.0"],
    ["events not an array", { url: "https://example.com", events: "job.failed" }, "body.events"],
    ["an unknown field", { url: "https://example.com", secret: "whsec_mine" }, "body.secret"],
  ])("rejects %s (400) and creates nothing", async (_name, json, path) => {
    const before = await h.db.$count(webhookEndpoints);
    const body = await expectProblem(await create(json), 400, "validation_failed");
    expect((body.errors as Array<{ path: string }>).map((e) => e.path)).toContain(path);
    expect(await h.db.$count(webhookEndpoints)).toBe(before);
  });

  it("rejects malformed JSON (400) and creates nothing", async () => {
    const before = await h.db.$count(webhookEndpoints);
    const res = await h.request("POST", "/v1/webhooks", { key: acme.key, body: "{", headers: { "content-type": "application/json" } });
    await expectProblem(res, 400, "invalid_json");
    expect(await h.db.$count(webhookEndpoints)).toBe(before);
  });

  it(`refuses more than ${MAX_WEBHOOK_ENDPOINTS} endpoints per tenant (409)`, async () => {
    const busy = await h.tenant({ name: "busy", scopes: ["admin"] });
    for (let i = 0; i < MAX_WEBHOOK_ENDPOINTS; i++) await expectJson(await create({ url: `https://example.com/${i}` }, busy.key), 201);
    await expectProblem(await create({ url: "https://example.com/one-more" }, busy.key), 409, "conflict");
    // Another tenant is not affected.
    await expectJson(await create({ url: "https://example.com/acme" }), 201);
  });

  it("needs the admin scope (403) and writes nothing", async () => {
    const worker = await h.tenant({ scopes: ["jobs:write", "jobs:read", "usage:read"] });
    const before = await h.db.$count(webhookEndpoints);
    await expectProblem(await create({ url: "https://example.com/x" }, worker.key), 403, "forbidden");
    expect(await h.db.$count(webhookEndpoints)).toBe(before);
  });
});
