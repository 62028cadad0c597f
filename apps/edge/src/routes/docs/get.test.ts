// GET /docs: a self-contained HTML page (no external scripts or styles) that renders /openapi.json; in the doc itself.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Harness } from "../../../test/harness.js";

describe("GET /docs", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await Harness.open("pglite");
  });
  afterAll(() => h?.close());

  it("serves the HTML page without a key", async () => {
    const res = await h.request("GET", "/docs");
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    expect(res.headers.get("x-request-id")).toMatch(/^req_/);
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('fetch("/openapi.json")');
    expect(html).toContain("api-key");
  });

  it("loads nothing from another origin", async () => {
    const res = await h.request("GET", "/docs");
    const html = await res.text();
    expect(html).not.toMatch(/<script[^>]*\ssrc=/i);
    expect(html).not.toMatch(/<link[^>]*stylesheet/i);
    expect(html).not.toMatch(/@import/i);
    expect(html).not.toMatch(/https?:\/\//i);
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("connect-src 'self'");
  });

  it("ships a script that parses", async () => {
    const html = await (await h.request("GET", "/docs")).text();
    const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1] ?? "");
    expect(scripts).toHaveLength(1);
    expect(() => new Function(scripts[0] ?? "")).not.toThrow();
  });

  it("is listed in the OpenAPI document as text/html", async () => {
    const doc = (await (await h.request("GET", "/openapi.json")).json()) as { paths: Record<string, { get?: { responses: Record<string, { content: object }> } }> };
    expect(Object.keys(doc.paths["/docs"]?.get?.responses["200"]?.content ?? {})).toEqual(["text/html"]);
  });
});
