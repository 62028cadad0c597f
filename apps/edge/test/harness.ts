// Test harness: the real app over a real, migrated database (PGlite or Postgres), with seeded tenants and real keys.
import { newId } from "@thinktime/core";
import {
  apiKeys, candidates, createApiKey, createTenant, jobs, usageEvents, type Database, type Job, type ResolveHost, type TenantOptions,
} from "@thinktime/db";
import { nodeResolveHost } from "@thinktime/db/dns-node";
import { createTestDatabase, type TestDatabase } from "@thinktime/db/testing";
import { count, eq } from "drizzle-orm";
import { expect } from "vitest";
import { newApp } from "../src/app.js";
import type { App } from "../src/hono.js";

export const BACKENDS = ["pglite", "pg"] as const;
export type Backend = (typeof BACKENDS)[number];

export interface Seeded {
  tenantId: string;
  key: string;
  keyId: string;
}

export interface RequestOptions {
  key?: string | null;
  json?: unknown;
  body?: string;
  headers?: Record<string, string>;
}

/**
 * DNS for tests (the machine may have none): example.com and its subdomains are public, `*.private.example.com`
 * resolves to 10.0.0.7, `*.invalid` to nothing; anything else (localhost) goes to the system resolver.
 */
export const testResolveHost: ResolveHost = async (host) => {
  if (host.endsWith(".invalid")) return [];
  if (host.endsWith(".private.example.com")) return ["10.0.0.7"];
  if (host === "example.com" || host.endsWith(".example.com")) return ["93.184.215.14"];
  return nodeResolveHost(host);
};

export interface HarnessOptions {
  /** The dev setting (WEBHOOK_ALLOW_INSECURE_URLS): http:// and loopback receivers allowed. Default off. */
  allowInsecureWebhookUrls?: boolean;
}

export class Harness {
  private constructor(
    readonly backend: Backend,
    readonly t: TestDatabase,
    readonly app: App,
  ) {}

  static async open(backend: Backend, opts: HarnessOptions = {}): Promise<Harness> {
    const t = await createTestDatabase(backend);
    const webhookUrls = { allowInsecure: opts.allowInsecureWebhookUrls ?? false, resolveHost: testResolveHost };
    return new Harness(backend, t, newApp({ db: t.db, webhookUrls }));
  }

  get db(): Database {
    return this.t.db;
  }

  close(): Promise<void> {
    return this.t.dispose();
  }

  async tenant(opts: { scopes?: string[]; name?: string } & TenantOptions = {}): Promise<Seeded> {
    const { scopes, name, ...tenantOpts } = opts;
    const tenant = await createTenant(this.db, name ?? "acme", tenantOpts);
    const key = await createApiKey(this.db, tenant.id, { scopes });
    return { tenantId: tenant.id, key: key.key, keyId: key.id };
  }

  /** An operator tenant with an admin key: the caller of /admin. */
  operator(): Promise<Seeded> {
    return this.tenant({ name: "operator", operator: true, scopes: ["admin"] });
  }

  async revoke(keyId: string): Promise<void> {
    await this.db.update(apiKeys).set({ revokedAt: new Date() }).where(eq(apiKeys.id, keyId));
  }

  request(method: string, path: string, opts: RequestOptions = {}): Promise<Response> {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.key) headers.authorization = `Bearer ${opts.key}`;
    let body = opts.body;
    if (opts.json !== undefined) {
      body = JSON.stringify(opts.json);
      headers["content-type"] ??= "application/json";
    }
    return Promise.resolve(this.app.request(path, { method, headers, body }));
  }

  async jobCount(): Promise<number> {
    const [row] = await this.db.select({ n: count() }).from(jobs);
    return row?.n ?? 0;
  }

  async job(id: string): Promise<Job | undefined> {
    const [row] = await this.db.select().from(jobs).where(eq(jobs.id, id));
    return row;
  }

  /** Seeds a job directly, as the generator would leave it (any status, optional candidates and usage). */
  async seedJob(tenantId: string, fields: Partial<Job> & { withOutput?: boolean } = {}): Promise<Job> {
    const { withOutput, ...rest } = fields;
    const [job] = await this.db
      .insert(jobs)
      .values({
        id: newId("job"),
        tenantId,
        question: "What is 2 + 3?",
        strategy: "majority",
        params: { n: 2, temperature: 0.8, top_p: 1, seed: 7, max_tokens: 64 },
        ...rest,
      })
      .returning();
    if (!job) throw new Error("seedJob: no row");
    if (withOutput) {
      await this.db.insert(candidates).values([
        { id: newId("cand"), jobId: job.id, index: 1, text: "2+3=5. #### 5", answer: "5", tokens: 9, logprob: -1.5, score: 0.9, finishReason: "stop", chosen: true },
        { id: newId("cand"), jobId: job.id, index: 0, text: "2+3=6. #### 6", answer: "6", tokens: 9, logprob: -3.25, score: null, finishReason: "length", chosen: false },
      ]);
      const usage = { tenantId, jobId: job.id, model: "policy", strategy: job.strategy, verifierTokens: 0 };
      await this.db.insert(usageEvents).values([
        { ...usage, id: newId("use"), idempotencyKey: `${job.id}:generate`, promptTokens: 10, generatedTokens: 18, flops: 1.5e9 },
        { ...usage, id: newId("use"), idempotencyKey: `${job.id}:verify`, promptTokens: 0, generatedTokens: 0, verifierTokens: 20, flops: 0.5e9 },
      ]);
    }
    return job;
  }
}

/** Asserts an RFC 9457 problem response and returns its body. */
export async function expectProblem(res: Response, status: number, code?: string): Promise<Record<string, unknown>> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  expect(res.headers.get("content-type")).toContain("application/problem+json");
  const body = JSON.parse(text) as Record<string, unknown>;
  expect(body).toMatchObject({ status, type: expect.any(String), title: expect.any(String), detail: expect.any(String) });
  expect(body.request_id).toBe(res.headers.get("x-request-id"));
  expect(String(body.request_id)).toMatch(/^req_/);
  if (code) expect(body.code).toBe(code);
  return body;
}

export async function expectJson<T = Record<string, unknown>>(res: Response, status: number): Promise<T> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  expect(res.headers.get("content-type")).toContain("application/json");
  expect(res.headers.get("x-request-id")).toMatch(/^req_/);
  return JSON.parse(text) as T;
}
