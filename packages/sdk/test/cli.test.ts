// thinktime-cli as a child process against the served edge: answers on stdout, progress on stderr, exit codes 0/1/2.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { finishTenantJob } from "../../../apps/edge/test/generator.js";
import { type Served, serve } from "./served.js";

const SDK_DIR = fileURLToPath(new URL("..", import.meta.url));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], env: Record<string, string | undefined>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "src/cli.ts", ...args], {
      cwd: SDK_DIR,
      env: { ...process.env, THINKTIME_URL: undefined, THINKTIME_API_KEY: undefined, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stdout, stderr }));
  });
}

let s: Served;
beforeAll(async () => {
  s = await serve();
});
afterAll(() => s?.close());

describe("thinktime-cli", () => {
  it("ask: progress on stderr while the generator works, the answer on stdout, exit 0", async () => {
    const t = await s.tenant("asker");
    const env = { THINKTIME_URL: s.url, THINKTIME_API_KEY: t.key };
    const [run, job] = await Promise.all([
      cli(["ask", "What is 12 * 7?", "--strategy", "majority", "--n", "2", "--budget-tokens", "9000"], env),
      finishTenantJob(s.h.db, t.tenantId, { delayMs: 800, timeoutMs: 45_000 }),
    ]);
    expect(run.stderr).toContain(job.id);
    expect(run.stderr).toMatch(/succeeded · best 84 · 2 candidates · 62\/9000 tokens/);
    expect(run.stdout).toBe("84\n");
    expect(run.code).toBe(0);
    expect(await s.h.job(job.id)).toMatchObject({ question: "What is 12 * 7?", strategy: "majority" });
  });

  it("submit, jobs list/get/cancel, --json", async () => {
    const t = await s.tenant("submitter");
    const env = { THINKTIME_URL: s.url, THINKTIME_API_KEY: t.key };
    const submitted = await cli(["submit", "What is 2 + 2?", "--strategy", "greedy"], env);
    expect(submitted.code).toBe(0);
    const id = submitted.stdout.trim();
    expect(id).toMatch(/^job_[0-9a-z]{26}$/);
    const [list, got, canceled] = await Promise.all([
      cli(["jobs"], env),
      cli(["jobs", "get", id, "--json"], env),
      cli(["jobs", "cancel", id], env),
    ]);
    expect(list.stdout).toContain(id);
    expect(JSON.parse(got.stdout)).toMatchObject({ id, object: "job", strategy: "greedy", question: "What is 2 + 2?" });
    expect(canceled.stdout.trim()).toBe(`${id}\tcanceled`);
    expect([list.code, got.code, canceled.code]).toEqual([0, 0, 0]);

    const [waited] = await Promise.all([
      cli(["submit", "What is 12 * 7?", "--wait", "--json"], env),
      finishTenantJob(s.h.db, t.tenantId, { delayMs: 300, timeoutMs: 45_000 }),
    ]);
    expect(waited.code, waited.stderr).toBe(0);
    expect(JSON.parse(waited.stdout)).toMatchObject({ status: "succeeded", result: { answer: "84" }, candidates: expect.any(Array) });
  });

  it("usage and keys", async () => {
    const t = await s.tenant("keyholder");
    const env = { THINKTIME_URL: s.url, THINKTIME_API_KEY: t.key };
    const [usage, created] = await Promise.all([cli(["usage", "--json"], env), cli(["keys", "create", "ci", "--scopes", "jobs:read"], env)]);
    expect(JSON.parse(usage.stdout)).toMatchObject({ object: "credit_usage", tenant_id: t.tenantId });
    expect(created.code).toBe(0);
    expect(created.stdout.trim()).toMatch(/^tt_/);
    const keys = await cli(["keys", "list"], env);
    expect(keys.stdout).toMatch(/\tci\t.*\tjobs:read\tactive/);
  });

  it("exit 1 with the problem's title and detail for API errors, 2 for usage errors", async () => {
    const t = await s.tenant("mistakes");
    const env = { THINKTIME_URL: s.url, THINKTIME_API_KEY: t.key };
    const [badKey, missing, unknown, noQuestion, badN, noKey] = await Promise.all([
      cli(["jobs", "list"], { ...env, THINKTIME_API_KEY: "tt_wrong" }),
      cli(["jobs", "get", "job_00000000000000000000000000"], env),
      cli(["frobnicate"], env),
      cli(["ask"], env),
      cli(["ask", "hi", "--n", "many"], env),
      cli(["usage"], { THINKTIME_URL: s.url }),
    ]);
    expect(badKey.code).toBe(1);
    expect(badKey.stderr).toMatch(/^error: Unauthorized: /);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/not_found/);
    expect(missing.stdout).toBe("");
    for (const r of [unknown, noQuestion, badN, noKey]) {
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain("usage: thinktime-cli");
    }
    expect(noKey.stderr).toContain("THINKTIME_API_KEY");
  });
});
