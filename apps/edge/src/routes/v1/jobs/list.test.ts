// GET /v1/jobs against PGlite and Postgres: newest first, cursor pages that neither skip nor repeat, tenant-scoped.
import { JobList, LIMITS } from "@thinktime/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BACKENDS, expectJson, expectProblem, Harness, type Seeded } from "../../../../test/harness.js";
import { DEFAULT_PAGE_SIZE } from "../../schemas.js";

describe.each(BACKENDS)("GET /v1/jobs (%s)", (backend) => {
  let h: Harness;
  let acme: Seeded;
  let other: Seeded;
  const ids: string[] = [];
  beforeAll(async () => {
    h = await Harness.open(backend);
    acme = await h.tenant();
    other = await h.tenant({ name: "other" });
    for (let i = 0; i < 25; i++) {
      const res = await h.request("POST", "/v1/jobs", { key: acme.key, json: { question: `q${i}?` } });
      ids.push(((await res.json()) as { id: string }).id);
      await h.seedJob(other.tenantId); // interleaved jobs of another tenant must never show up
    }
    ids.reverse(); // newest first
  });
  afterAll(() => h?.close());

  const page = async (query: string, key = acme.key) =>
    JobList.parse(await expectJson(await h.request("GET", `/v1/jobs${query}`, { key }), 200));

  it("lists newest first with the default page size", async () => {
    const first = await page("");
    expect(first.object).toBe("list");
    expect(first.data.map((j) => j.id)).toEqual(ids.slice(0, DEFAULT_PAGE_SIZE));
    expect(first.next_cursor).toBe(ids[DEFAULT_PAGE_SIZE - 1]);
    expect(first.data[0]).not.toHaveProperty("candidates");
    expect(first.data[0]).toMatchObject({ object: "job", status: "queued", question: "q24?", usage: null });
  });

  it("walks every page with the cursor without skipping or repeating", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const p: JobList = await page(`?limit=7${cursor ? `&cursor=${cursor}` : ""}`);
      seen.push(...p.data.map((j) => j.id));
      cursor = p.next_cursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(4);
    expect(seen).toEqual(ids);
  });

  it("has no next cursor when the page is exactly the remainder", async () => {
    const p = await page("?limit=25");
    expect(p.data).toHaveLength(25);
    expect(p.next_cursor).toBeNull();
  });

  it("includes usage on listed jobs", async () => {
    const t = await h.tenant({ name: "usage" });
    await h.seedJob(t.tenantId, { status: "succeeded", withOutput: true, finishedAt: new Date() });
    const p = await page("", t.key);
    expect(p.data).toHaveLength(1);
    expect(p.data[0]?.usage).toEqual({ prompt_tokens: 10, generated_tokens: 18, verifier_tokens: 20, flops: 2e9 });
  });

  it("is empty for a tenant without jobs", async () => {
    const t = await h.tenant({ name: "empty" });
    expect(await page("", t.key)).toEqual({ object: "list", data: [], next_cursor: null });
  });

  it("another tenant's cursor reveals nothing of theirs", async () => {
    const p = await page(`?cursor=${ids[0]}`, other.key);
    expect(p.data.every((j) => !ids.includes(j.id))).toBe(true);
  });

  it.each([
    ["0", "limit=0"],
    ["above the page size", `limit=${LIMITS.pageSize + 1}`],
    ["negative", "limit=-1"],
    ["fractional", "limit=2.5"],
    ["not a number", "limit=ten"],
    ["empty", "limit="],
    ["a malformed cursor", "cursor=abc"],
    ["a cursor with SQL", `cursor=${encodeURIComponent("job_' OR 1=1 --")}`],
  ])("rejects a limit/cursor that is %s with 400", async (_name, query) => {
    const body = await expectProblem(await h.request("GET", `/v1/jobs?${query}`, { key: acme.key }), 400, "validation_failed");
    expect((body.errors as Array<{ path: string }>)[0]?.path).toMatch(/^query\.(limit|cursor)$/);
  });

  it("accepts the page size limit itself", async () => {
    expect((await page(`?limit=${LIMITS.pageSize}`)).data).toHaveLength(25);
  });

  it("needs the jobs:read scope (403)", async () => {
    const writer = await h.tenant({ scopes: ["jobs:write"] });
    await expectProblem(await h.request("GET", "/v1/jobs", { key: writer.key }), 403, "forbidden");
  });
});
