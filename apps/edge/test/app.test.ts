// App-wide behaviour: health, the OpenAPI document, request ids, unknown routes, unexpected errors, fail-closed env.
import { createDb } from "@thinktime/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newApp } from "../src/app.js";
import { expectJson, expectProblem, Harness, type Seeded } from "./harness.js";

describe("app", () => {
  let h: Harness;
  let acme: Seeded;
  beforeAll(async () => {
    h = await Harness.open("pglite");
    acme = await h.tenant();
  });
  afterAll(() => h?.close());

  it("GET /healthz answers without auth", async () => {
    expect(await expectJson(await h.request("GET", "/healthz"), 200)).toEqual({ ok: true });
  });

  it("every response carries a fresh x-request-id", async () => {
    const a = await h.request("GET", "/healthz");
    const b = await h.request("GET", "/healthz");
    expect(a.headers.get("x-request-id")).toMatch(/^req_[0-9a-z]{26}$/);
    expect(a.headers.get("x-request-id")).not.toBe(b.headers.get("x-request-id"));
  });

  it("GET /openapi.json is an OpenAPI 3.1 document of every route", async () => {
    const doc = await expectJson<{
      openapi: string;
      paths: Record<string, Record<string, { security?: unknown; responses: Record<string, unknown> }>>;
      components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
    }>(await h.request("GET", "/openapi.json"), 200);
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths).sort()).toEqual([
      "/admin/prices", "/admin/tenants", "/admin/tenants/{id}", "/admin/tenants/{id}/invoices/{period}/finalize",
      "/admin/tenants/{id}/keys", "/admin/tenants/{id}/keys/{key_id}/revoke", "/admin/tenants/{id}/quotas", "/admin/usage",
      "/docs", "/healthz", "/v1/chat/completions", "/v1/jobs", "/v1/jobs/batch", "/v1/jobs/{id}", "/v1/jobs/{id}/cancel", "/v1/jobs/{id}/events",
      "/v1/keys", "/v1/keys/{id}/revoke", "/v1/keys/{id}/rotate", "/v1/models", "/v1/usage",
      "/v1/webhooks", "/v1/webhooks/{id}", "/v1/webhooks/{id}/deliveries",
      "/v1/webhooks/{id}/deliveries/{delivery_id}/replay", "/v1/webhooks/{id}/enable", "/v1/webhooks/{id}/rotate-secret",
      "/v1/invoices", "/v1/invoices/{id}",
    ].sort());
    expect(Object.keys(doc.paths["/v1/jobs"]!).sort()).toEqual(["get", "post"]);
    expect(doc.paths["/v1/jobs"]!.post!.security).toEqual([{ bearerAuth: [] }]);
    expect(Object.keys(doc.paths["/v1/jobs/{id}/cancel"]!.post!.responses).sort()).toEqual(["200", "202", "400", "401", "403", "404", "409", "429", "500"]);
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining(["CreateJobRequest", "Job", "JobList", "Problem", "ApiKey", "CreatedApiKey", "Tenant", "CreditUsage", "UsageSummary", "UsageBucket"]),
    );
    expect(doc.components.securitySchemes).toHaveProperty("bearerAuth");
  });

  it.each([
    ["GET", "/nope"],
    ["GET", "/v2/jobs"],
    ["DELETE", "/v1/jobs"],
    ["PUT", "/v1/jobs/job_0000000000aaaaaaaaaaaaaaaa"],
  ])("%s %s is a 404 problem", async (method, path) => {
    await expectProblem(await h.request(method, path, { key: acme.key }), 404, "not_found");
  });

  it("an unexpected failure (database gone) is a 500 problem that leaks nothing", async () => {
    const dead = await createDb({ driver: "pg", url: "postgres://postgres@127.0.0.1:1/nowhere", max: 1 });
    const app = newApp({ db: dead.db });
    const errors: unknown[] = [];
    const orig = console.error;
    console.error = (...args: unknown[]) => void errors.push(args);
    try {
      const res = await app.request("/v1/jobs", { headers: { authorization: `Bearer ${acme.key}` } });
      const body = await expectProblem(res, 500, "internal");
      expect(body.detail).toBe("An unexpected error occurred.");
      expect(JSON.stringify(body)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|postgres|stack|at /i);
      expect(errors.length).toBeGreaterThan(0); // logged server-side instead
    } finally {
      console.error = orig;
      await dead.close();
    }
  });

  describe("worker mode fails closed on a bad environment", () => {
    const app = newApp({ fromEnv: true });
    it.each([
      ["no env at all", {}],
      ["no DATABASE_URL", { NEON_WS_PROXY: "127.0.0.1:1" }],
      ["a DATABASE_URL that is not postgres", { DATABASE_URL: "mysql://x@y/z" }],
      ["a malformed NEON_WS_PROXY", { DATABASE_URL: "postgres://u@h/db", NEON_WS_PROXY: "ws://nope" }],
    ])("%s → 500 misconfigured on every route", async (_name, env) => {
      const orig = console.error;
      console.error = () => {};
      try {
        for (const path of ["/healthz", "/openapi.json", "/v1/jobs", "/nope"]) {
          const body = await expectProblem(await app.request(path, {}, env), 500, "misconfigured");
          expect(JSON.stringify(body)).not.toContain("mysql://");
        }
      } finally {
        console.error = orig;
      }
    });
  });
});
