// Bad input never gets a 5xx: every operation in /openapi.json, called by an operator with every scope (so requests
// get past auth to validation and the database), with malformed bodies, query strings, path ids and headers.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BACKENDS, expectProblem, Harness, type Seeded } from "./harness.js";

type Schema = {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  minimum?: number;
  minLength?: number;
  minItems?: number;
  format?: string;
  default?: unknown;
};

interface Operation {
  method: string;
  path: string;
  query: { name: string; schema: Schema }[];
  body: Schema | null;
}

/** Values of every JSON type, and the edges that break naive code: huge and fractional numbers, a lone surrogate, NUL. */
const ODD_VALUES: unknown[] = [
  null,
  true,
  0,
  -1,
  1.5,
  1e308,
  -1e308,
  2 ** 63,
  "",
  " ",
  "\u0000",
  "\ud800",
  "9".repeat(400),
  "x".repeat(20_000),
  "'; drop table jobs; --",
  [],
  [null],
  {},
  { nested: { deeper: [1, "2", null] } },
];

const ODD_IDS = ["x", "job_", `job_${"a".repeat(300)}`, "%00", "%FF", "..%2F..", "%F0%9F%98%80", "-1", "1e309", "key_0000000000000000", "inv_2026-13"];

const ODD_QUERY = ["", "-1", "0", "abc", "1e309", "99999999999999999999", "2026-13-45", "%00", "true", "null", "a".repeat(2000)];

/** Malformed request texts sent as application/json. */
const ODD_JSON_TEXTS = ["", "{", "null", "[]", '"text"', "1e999", '{"a":1,"a":2}', "\ud800", '{"__proto__":{"x":1}}'];

function resolve(doc: { components?: { schemas?: Record<string, Schema> } }, s: Schema | undefined): Schema {
  let out = s ?? {};
  for (let i = 0; out.$ref && i < 10; i++) out = doc.components?.schemas?.[out.$ref.split("/").pop()!] ?? {};
  return out;
}

/** A value that satisfies `s` as far as a simple reading of it goes: the base each mutation starts from. */
function sample(doc: Parameters<typeof resolve>[0], raw: Schema | undefined, depth = 0): unknown {
  const s = resolve(doc, raw);
  if (s.default !== undefined) return s.default;
  if (s.enum?.length) return s.enum[0];
  const union = s.oneOf ?? s.anyOf;
  if (union?.length) return sample(doc, union[0], depth + 1);
  if (s.allOf?.length) return Object.assign({}, ...s.allOf.map((p) => sample(doc, p, depth + 1)));
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== "null") : s.type;
  if (type === "object" || s.properties) {
    if (depth > 4) return {};
    const out: Record<string, unknown> = {};
    for (const key of s.required ?? []) out[key] = sample(doc, s.properties?.[key], depth + 1);
    return out;
  }
  if (type === "array") return Array.from({ length: Math.max(1, s.minItems ?? 1) }, () => sample(doc, s.items, depth + 1));
  if (type === "integer" || type === "number") return Math.max(1, s.minimum ?? 1);
  if (type === "boolean") return false;
  if (s.format === "uri") return "https://example.com/hook";
  return "What is 2+3?".padEnd(s.minLength ?? 0, "?");
}

/**
 * Bodies one change away from `base` (a sample of `raw`): each property, required or optional, set to each odd value
 * and to its own sample's mutations (down to `depth` object levels), or dropped; an unknown field added.
 */
function mutations(doc: Parameters<typeof resolve>[0], raw: Schema | undefined, base: unknown, depth = 2): unknown[] {
  const out: unknown[] = [...ODD_VALUES];
  const s = resolve(doc, (raw && (raw.oneOf ?? raw.anyOf)?.[0]) ?? raw);
  if (depth === 0) return out;
  if (Array.isArray(base)) {
    for (const m of mutations(doc, s.items, base[0], depth - 1)) out.push([m]);
    out.push(Array.from({ length: 1001 }, () => base[0]));
    return out;
  }
  if (base === null || typeof base !== "object") return out;
  const obj = base as Record<string, unknown>;
  out.push({ ...obj, unexpected_field: 1 });
  for (const key of new Set([...Object.keys(obj), ...Object.keys(s.properties ?? {})])) {
    const { [key]: _dropped, ...rest } = obj;
    if (key in obj) out.push(rest);
    const own = key in obj ? obj[key] : sample(doc, s.properties?.[key]);
    if (!(key in obj)) out.push({ ...obj, [key]: own });
    for (const m of mutations(doc, s.properties?.[key], own, depth - 1)) out.push({ ...obj, [key]: m });
  }
  return out;
}

function operations(doc: {
  paths: Record<string, Record<string, { parameters?: { in: string; name: string; schema: Schema }[]; requestBody?: { content?: Record<string, { schema: Schema }> } }>>;
}): Operation[] {
  const ops: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      ops.push({
        method: method.toUpperCase(),
        path,
        query: (op.parameters ?? []).filter((p) => p.in === "query").map((p) => ({ name: p.name, schema: p.schema })),
        body: op.requestBody?.content?.["application/json"]?.schema ?? null,
      });
    }
  }
  return ops;
}

describe.each(BACKENDS)("bad input never gets a 5xx (%s)", (backend) => {
  let h: Harness;
  let operator: Seeded;
  let doc: Parameters<typeof operations>[0] & Parameters<typeof resolve>[0];
  let ops: Operation[];
  const seen: string[] = [];

  beforeAll(async () => {
    h = await Harness.open(backend);
    operator = await h.tenant({ name: "operator", operator: true, scopes: ["jobs:write", "jobs:read", "usage:read", "admin"] });
    doc = (await (await h.request("GET", "/openapi.json")).json()) as typeof doc;
    ops = operations(doc);
  });
  afterAll(() => h?.close());

  /** Sends one request and checks the answer: below 500, and a 4xx is problem+json. */
  async function check(method: string, path: string, init: { body?: string; headers?: Record<string, string> }): Promise<number> {
    const res = await h.request(method, path, { key: operator.key, body: init.body, headers: { "content-type": "application/json", ...init.headers } });
    const text = await res.text();
    const what = `${method} ${path} ${init.body?.slice(0, 200) ?? ""} ${JSON.stringify(init.headers ?? {})} → ${res.status} ${text.slice(0, 300)}`;
    expect(res.status, what).toBeLessThan(500);
    if (res.status >= 400) expect(res.headers.get("content-type"), what).toContain("application/problem+json");
    seen.push(`${method} ${path} ${res.status}`);
    return res.status;
  }

  const concrete = (path: string, id = "nope") => path.replace(/\{[^}]+\}/g, id);

  it("covers the API: the document lists every resource's operations", () => {
    const paths = new Set(ops.map((o) => `${o.method} ${o.path}`));
    for (const p of ["POST /v1/jobs", "POST /v1/jobs/batch", "GET /v1/jobs", "POST /v1/keys", "POST /v1/webhooks", "GET /v1/usage", "POST /v1/chat/completions", "POST /admin/tenants"]) {
      expect(paths, p).toContain(p);
    }
  });

  it("malformed and mistyped JSON bodies", async () => {
    let statuses = 0;
    for (const op of ops.filter((o) => o.body)) {
      const path = concrete(op.path);
      for (const text of ODD_JSON_TEXTS) statuses += (await check(op.method, path, { body: text })) >= 400 ? 1 : 0;
      await check(op.method, path, { body: JSON.stringify(sample(doc, op.body!)), headers: { "content-type": "text/plain" } });
      for (const body of mutations(doc, op.body!, sample(doc, op.body!))) await check(op.method, path, { body: JSON.stringify(body) });
    }
    expect(statuses).toBeGreaterThan(0);
    expect(seen.length, "requests sent").toBeGreaterThan(1500); // 1,834 when written: the generator did not go quiet
  });

  it("odd query strings", async () => {
    for (const op of ops.filter((o) => o.query.length > 0)) {
      for (const { name } of op.query) {
        for (const value of ODD_QUERY) await check(op.method, `${concrete(op.path)}?${name}=${encodeURIComponent(value)}`, {});
        await check(op.method, `${concrete(op.path)}?${name}=1&${name}=2`, {});
      }
    }
  });

  it("odd path ids", async () => {
    for (const op of ops.filter((o) => o.path.includes("{"))) {
      for (const id of ODD_IDS) {
        const status = await check(op.method, concrete(op.path, id), op.body ? { body: JSON.stringify(sample(doc, op.body)) } : {});
        expect([400, 404, 405, 413, 422], `${op.method} ${op.path} with ${id}`).toContain(status);
      }
    }
  });

  it("a value Postgres cannot hold (NUL) is a 400 that changes nothing, and does not fail the submits it was grouped with", async () => {
    const before = await h.jobCount();
    const nul = await h.request("POST", "/admin/tenants", { key: operator.key, json: { name: "a\u0000b" } });
    const problem = await expectProblem(nul, 400, "bad_request");
    expect(String(problem.detail)).toMatch(/SQLSTATE 22/);
    // Concurrent submits share one group commit: the one with a NUL fails alone, the others are queued.
    const questions = ["What is 1+1?", "What is 2+2?\u0000", "What is 3+3?", "What is 4+4?"];
    const answers = await Promise.all(questions.map((question) => h.request("POST", "/v1/jobs", { key: operator.key, json: { question } })));
    expect(answers.map((r) => r.status)).toEqual([201, 400, 201, 201]);
    expect(await h.jobCount()).toBe(before + 3);
  });

  it("odd Prefer, Idempotency-Key and Authorization headers", async () => {
    const submit = JSON.stringify({ question: "What is 2+3?" });
    for (const prefer of ["wait=abc", "wait=-1", "wait=1e309", "wait=99999999999", "wait=", "respond-async, wait=0"]) {
      await check("POST", "/v1/jobs", { body: submit, headers: { prefer } });
    }
    for (const key of ["", "x".repeat(5000), "\u00e9t\u00e9", " "]) {
      await check("POST", "/v1/jobs", { body: submit, headers: { "idempotency-key": key } });
    }
    for (const authorization of ["Bearer", "Bearer ", "Basic abc", `Bearer ${"a".repeat(5000)}`, "Bearer tt_\u00e9"]) {
      const res = await h.app.request("/v1/jobs", { method: "POST", body: submit, headers: { "content-type": "application/json", authorization } });
      expect(res.status, authorization.slice(0, 40)).toBe(401);
    }
  });
});
