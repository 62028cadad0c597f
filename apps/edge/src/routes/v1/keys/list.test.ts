// GET /v1/keys against PGlite and Postgres: the tenant's keys only, newest first, never a plaintext or hash.
import { KeyList } from "@thinktime/core/api/keys";
import { createApiKey } from "@thinktime/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BACKENDS, expectJson, expectProblem, Harness, type Seeded } from "../../../../test/harness.js";

describe.each(BACKENDS)("GET /v1/keys (%s)", (backend) => {
  let h: Harness;
  let acme: Seeded;
  beforeAll(async () => {
    h = await Harness.open(backend);
    acme = await h.tenant({ scopes: ["admin"] });
  });
  afterAll(() => h?.close());

  it("lists the tenant's keys newest first with last use, without secrets", async () => {
    const ci = await createApiKey(h.db, acme.tenantId, { name: "ci" });
    await h.tenant({ name: "rival" });
    await expectJson(await h.request("GET", "/v1/jobs", { key: ci.key }), 200);
    const text = await (await h.request("GET", "/v1/keys", { key: acme.key })).text();
    const list = KeyList.parse(JSON.parse(text));
    expect(list.data.map((k) => k.id)).toEqual([ci.id, acme.keyId]);
    expect(list.data[0]).toMatchObject({ name: "ci", prefix: ci.prefix, tenant_id: acme.tenantId });
    expect(list.data[0]!.last_used_at).not.toBeNull();
    expect(text).not.toContain(ci.key);
    expect(text).not.toContain("hash");
  });

  it("needs the admin scope (403)", async () => {
    const reader = await createApiKey(h.db, acme.tenantId, { scopes: ["jobs:read", "usage:read"] });
    await expectProblem(await h.request("GET", "/v1/keys", { key: reader.key }), 403, "forbidden");
  });
});
