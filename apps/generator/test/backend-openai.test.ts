// The OpenAI-compatible backend over loopback HTTP against a stand-in server that runs our own ONNX engine.
import { formatPrompt } from "@thinktime/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OpenAIBackend } from "../src/backends/openai.js";
import { Engine, InvalidRequest, type SamplingParams } from "../src/engine/index.js";
import { POLICY_DIR } from "./model-dir.js";
import { startCompletionsStandIn, type CompletionsStandIn } from "./openai-stand-in.js";

let engine: Engine;
let server: CompletionsStandIn;
let backend: OpenAIBackend;
beforeAll(async () => {
  engine = await Engine.load(POLICY_DIR, { intraOpNumThreads: 1 });
  server = await startCompletionsStandIn(engine);
  backend = new OpenAIBackend({ baseUrl: server.url, model: "policy", flopsModel: engine.flopsModel });
});
afterAll(async () => {
  await server?.close();
  await engine?.close();
});

const PROMPT = formatPrompt("Ana has 12 apples. She gets 5 more. How many apples now?");
const params = (p: Partial<SamplingParams> = {}): SamplingParams => ({
  temperature: 1, top_p: 1, seed: 3, max_tokens: 20, n: 3, ...p,
});

describe("OpenAI-compatible backend", () => {
  it("returns the same n samples, logprobs, finish reasons and FLOPs as the engine itself", async () => {
    const p = params({ stop: ["\n\n"] });
    const got = await backend.complete({ prompt: PROMPT, params: p });
    const [want] = await engine.generate([{ prompt: engine.tokenizer.encode(PROMPT), params: p }]);
    expect(server.bodies.at(-1)).toMatchObject({ model: "policy", prompt: PROMPT, n: 3, seed: 3, logprobs: 1, stop: ["\n\n"] });
    expect(got.promptTokens).toBe(want!.promptTokens);
    expect(got.promptFlops).toBe(want!.promptFlops);
    expect(got.samples.map((s) => s.text)).toEqual(want!.samples.map((s) => s.text));
    expect(got.samples.map((s) => s.tokens)).toEqual(want!.samples.map((s) => s.tokens.length));
    expect(got.samples.map((s) => s.finishReason)).toEqual(want!.samples.map((s) => s.finishReason));
    expect(got.samples.map((s) => s.flops)).toEqual(want!.samples.map((s) => s.flops));
    got.samples.forEach((s, i) => {
      expect(s.logprobs).toHaveLength(want!.samples[i]!.logprobs.length);
      for (const [j, lp] of s.logprobs.entries()) expect(Math.abs(lp - want!.samples[i]!.logprobs[j]!)).toBeLessThan(1e-4);
    });
  });

  it("works as the strategies' Sampler", async () => {
    const batch = await backend.sampler().sample(PROMPT, params({ n: 2, max_tokens: 5 }));
    expect(batch.completions).toHaveLength(2);
    for (const c of batch.completions) {
      expect(c.tokens).toBeGreaterThan(0);
      expect(c.tokens).toBeLessThanOrEqual(5);
      expect(c.logprob).toBeLessThan(0);
    }
  });

  it("refuses HARP with harp_unsupported before calling the server", async () => {
    const calls = server.bodies.length;
    const err = await backend.complete({ prompt: PROMPT, params: params(), mode: "harp" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidRequest);
    expect(err).toMatchObject({ code: "harp_unsupported" });
    expect(server.bodies.length).toBe(calls);
  });

  it("maps the server's 4xx to InvalidRequest and an unreachable server to an error", async () => {
    await expect(backend.complete({ prompt: PROMPT, params: params({ n: 0 }) })).rejects.toMatchObject({
      name: "InvalidRequest", code: "invalid_request",
    });
    const nowhere = new OpenAIBackend({ baseUrl: "http://127.0.0.1:9", model: "x", timeoutMs: 2000 });
    await expect(nowhere.complete({ prompt: PROMPT, params: params() })).rejects.toThrow(/unreachable/);
  });
});
