// Probes and metrics over real HTTP: /healthz always, /readyz only once every model has loaded, /metrics in Prometheus text.
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { newApp } from "../src/app.js";
import { Metrics } from "../src/metrics.js";
import { startVerifier } from "../src/server.js";
import { arithChecker } from "../src/verifiers/checkers.js";
import { loadVerifiers } from "../src/verifiers/load.js";
import { VerifierRegistry } from "../src/verifiers/registry.js";
import type { Verifier } from "../src/verifiers/types.js";
import { ARITH_QUESTION, ARITH_STEPS, expectProblem, ORM_DIR, postJson, serveApp, TINY_PRM_DIR, TOKEN } from "./helpers.js";

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

describe("/healthz and /readyz", () => {
  it("are 503 not_ready (and scoring too) while a model loads, 200 once it has, without auth", async () => {
    let resolve!: (v: Verifier) => void;
    const pending = new Promise<Verifier>((r) => (resolve = r));
    const registry = new VerifierRegistry({ prm: pending, "arith-checker": arithChecker });
    const server = await serveApp(newApp({ verifiers: registry, token: TOKEN }));
    closers.push(server.close);

    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    const body = await expectProblem(await fetch(`${server.url}/readyz`), 503, "not_ready");
    expect(body.detail).toMatch(/still loading: prm/);
    expect(body.models).toEqual([
      { name: "prm", status: "loading" },
      { name: "arith-checker", status: "ready", kind: "process" },
    ]);
    await expectProblem(await postJson(server.url, "/v1/score-steps", { items: [{ question: "q", solution: "s" }] }), 503, "not_ready");
    // The exact checkers need no model: they serve while the PRM loads.
    const checker = await postJson(server.url, "/v1/score-steps", { model: "arith-checker", items: [{ question: ARITH_QUESTION, solution: ARITH_STEPS[0] }] });
    expect(checker.status).toBe(200);

    const real = loadVerifiers({ ormDir: ORM_DIR, prmDir: TINY_PRM_DIR, threads: 1 }, new Metrics());
    closers.push(() => real.close());
    await real.loaded;
    resolve(real.get("prm"));
    await registry.loaded;
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    const json = (await ready.json()) as { models: Array<{ name: string; shape?: unknown }> };
    expect(json).toMatchObject({ status: "ready", models: [{ name: "prm", status: "ready", kind: "process", max_tokens: 384 }, {}] });
    // A model reports its size from config.json (callers price its tokens with it); the exact checkers have none.
    const prmConfig = JSON.parse(readFileSync(path.join(TINY_PRM_DIR, "config.json"), "utf8")) as Record<string, number>;
    expect(json.models[0]!.shape).toEqual({
      num_parameters: prmConfig.num_parameters, num_hidden_layers: prmConfig.num_hidden_layers, hidden_size: prmConfig.hidden_size,
    });
    expect(json.models[1]!.shape).toBeUndefined();
  });

  it("stays 503 with the reason when a model fails to load, and startVerifier rejects", async () => {
    const registry = loadVerifiers({ ormDir: ORM_DIR, prmDir: "/nonexistent/prm", threads: 1 }, new Metrics());
    const server = await serveApp(newApp({ verifiers: registry, token: TOKEN }));
    closers.push(server.close, () => registry.close());
    await registry.loaded.catch(() => {});
    const body = await expectProblem(await fetch(`${server.url}/readyz`), 503, "not_ready");
    expect(String(body.detail)).toMatch(/failed to load: prm:/);
    await expect(startVerifier({ port: 0, host: "127.0.0.1", token: TOKEN, ormDir: ORM_DIR, prmDir: "/nonexistent/prm" })).rejects.toThrow();
  });
});

describe("/metrics", () => {
  it("counts requests by route, model and status, batch sizes, latency and cache hits, without auth", async () => {
    const v = await startVerifier({ port: 0, host: "127.0.0.1", token: TOKEN, ormDir: ORM_DIR, prmDir: TINY_PRM_DIR, threads: 1 });
    closers.push(v.close);
    const items = [{ question: ARITH_QUESTION, solution: ARITH_STEPS.slice(0, 2).join("\n") }];
    expect((await postJson(v.url, "/v1/score-steps", { items })).status).toBe(200);
    expect((await postJson(v.url, "/v1/score-steps", { items })).status).toBe(200);
    expect((await postJson(v.url, "/v1/score", { items: [{ question: "q", solution: "s" }], model: "orm" })).status).toBe(200);
    expect((await postJson(v.url, "/v1/score", { items: [] })).status).toBe(400);
    const res = await fetch(`${v.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    expect(text).toContain('verifier_requests_total{model="prm",route="/v1/score-steps",status="200"} 2');
    expect(text).toContain('verifier_requests_total{model="orm",route="/v1/score",status="200"} 1');
    expect(text).toContain('verifier_requests_total{model="",route="/v1/score",status="400"} 1');
    expect(text).toContain('verifier_batch_size_count{model="prm"} 2');
    expect(text).toContain('verifier_batch_size_bucket{model="prm",le="1"} 2');
    expect(text).toContain('verifier_kv_cache_hits_total{model="prm"} 1');
    expect(text).toContain('verifier_kv_cache_misses_total{model="prm"} 1');
    expect(text).toMatch(/verifier_request_duration_seconds_count\{route="\/v1\/score-steps"\} 2/);
    expect(text).toMatch(/# TYPE verifier_batch_size histogram/);
  });
});
