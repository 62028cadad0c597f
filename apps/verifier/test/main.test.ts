// End to end: `tsx src/main.ts` as a separate process over real HTTP with the product default models, and SIGTERM.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import http from "node:http";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { APP_DIR, QUESTION, TOKEN } from "./helpers.js";

const TSX_CLI = path.join(APP_DIR, "node_modules/tsx/dist/cli.mjs");
const children: ChildProcessWithoutNullStreams[] = [];

function startMain(env: Record<string, string | undefined>) {
  const base = { ...process.env };
  delete base.VERIFIER_TOKEN;
  delete base.PORT;
  delete base.ORM_DIR;
  delete base.PRM_DIR;
  const child = spawn(process.execPath, [TSX_CLI, "src/main.ts"], { cwd: APP_DIR, env: { ...base, ...env } });
  children.push(child);
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const waitFor = (re: RegExp, ms = 40_000) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const started = Date.now();
      const poll = setInterval(() => {
        const m = re.exec(stdout);
        if (m) {
          clearInterval(poll);
          resolve(m);
        } else if (child.exitCode !== null || Date.now() - started > ms) {
          clearInterval(poll);
          reject(new Error(`never saw ${re} (exit ${child.exitCode})\nstdout:\n${stdout}\nstderr:\n${stderr}`));
        }
      }, 20);
    });
  return { child, exited, waitFor, output: () => ({ stdout, stderr }) };
}

afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
});

describe("src/main.ts", () => {
  it("fails at start with a clear message when VERIFIER_TOKEN is missing", async () => {
    const proc = startMain({ PORT: "0" });
    expect(await proc.exited).toBe(1);
    expect(proc.output().stderr).toMatch(/VERIFIER_TOKEN is required/);
  }, 30_000);

  it("serves over HTTP and finishes an in-flight request on SIGTERM before exiting 0", async () => {
    const proc = startMain({ PORT: "0", HOST: "127.0.0.1", VERIFIER_TOKEN: TOKEN, ORM_THREADS: "1" });
    const [, url] = await proc.waitFor(/verifier listening on (http:\/\/127\.0\.0\.1:\d+)/);
    const base = url!;

    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    const models = ((await ready.json()) as { models: Array<{ name: string }> }).models.map((m) => m.name);
    expect(models.sort()).toEqual(["arith-checker", "orm", "prm", "reference-match"]);
    // The product default PRM (models/prm/onnx) is served over its KV-cache export.
    const steps = await fetch(`${base}/v1/score-steps`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ items: [{ question: QUESTION, solution: "7 + 5 = 12\n12 * 3 = 36\nAnswer: 36" }] }),
    });
    expect(steps.status).toBe(200);
    expect(((await steps.json()) as { step_scores: number[][] }).step_scores[0]).toHaveLength(3);
    const body = JSON.stringify({ items: [{ question: QUESTION, solution: "Answer: 36", reference_answer: "36" }] });
    const ok = await fetch(`${base}/v1/score`, { method: "POST", headers: { authorization: `Bearer ${TOKEN}` }, body });
    expect(ok.status).toBe(200);
    const json = (await ok.json()) as { scores: number[]; exact: unknown[] };
    expect(json.scores[0]).toBeGreaterThanOrEqual(0);
    expect(json.exact).toEqual([{ answer: "36", correct: true }]);
    const denied = await fetch(`${base}/v1/score`, { method: "POST", body });
    expect(denied.status).toBe(401);
    expect(denied.headers.get("content-type")).toMatch(/problem\+json/);

    // Start a request and send only half its body, so it is in flight when SIGTERM arrives.
    const { port } = new URL(base);
    const inflight = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = http.request(
        {
          host: "127.0.0.1",
          port: Number(port),
          path: "/v1/score",
          method: "POST",
          agent: false,
          headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json", "content-length": Buffer.byteLength(body) },
        },
        (res) => {
          let text = "";
          res.setEncoding("utf8").on("data", (d: string) => (text += d));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
        },
      );
      req.on("error", reject);
      req.write(body.slice(0, 20));
      setTimeout(async () => {
        proc.child.kill("SIGTERM");
        try {
          await proc.waitFor(/SIGTERM received/, 10_000);
          // The listener is closed now: new connections are refused while the old request still runs.
          await expect(fetch(`${base}/healthz`)).rejects.toThrow();
          req.end(body.slice(20));
        } catch (err) {
          reject(err);
        }
      }, 200);
    });
    const done = await inflight;
    expect(done.status).toBe(200);
    expect((JSON.parse(done.text) as { scores: number[] }).scores).toHaveLength(1);
    expect(await proc.exited).toBe(0);
    expect(proc.output().stdout).toMatch(/verifier: stopped/);
  }, 60_000);
});
