// The job-creation schema's decoding option: defaults, strictness, bounds, and what resolveJobParams carries on.
import { describe, expect, it } from "vitest";
import { CreateJobRequest, HARP_DEFAULTS, JobParamsSchema, JobSummary, resolveJobParams } from "../src/index.js";

const question = "Ana has 12 apples. She gets 5 more. How many apples now?";
const parse = (extra: Record<string, unknown>) => CreateJobRequest.safeParse({ question, ...extra });

describe("CreateJobRequest.decoding", () => {
  it("is optional: no decoding means vanilla, and resolveJobParams stores none", () => {
    const req = CreateJobRequest.parse({ question });
    expect(req.decoding).toBeUndefined();
    expect(resolveJobParams(req, () => 7)).not.toHaveProperty("decoding");
  });

  it('fills HARP\'s paper defaults for { mode: "harp" }', () => {
    const req = CreateJobRequest.parse({ question, decoding: { mode: "harp" } });
    expect(req.decoding).toEqual({ mode: "harp", ...HARP_DEFAULTS });
    expect(HARP_DEFAULTS).toEqual({ theta: 1, delta: 0.2, beta: 0.5, variant: "faithful", window: 8 });
  });

  it("carries the decoding through resolveJobParams, for greedy and sampled strategies alike", () => {
    const decoding = { mode: "harp", theta: 0.5, delta: 0.1, beta: 0.7, variant: "cached", window: 16 };
    for (const strategy of ["greedy", "majority"]) {
      const params = resolveJobParams(CreateJobRequest.parse({ question, strategy, decoding }), () => 7);
      expect(params.decoding).toEqual(decoding);
      expect(JobParamsSchema.parse(params).decoding).toEqual(decoding);
    }
    const vanilla = resolveJobParams(CreateJobRequest.parse({ question, decoding: { mode: "vanilla" } }), () => 7);
    expect(vanilla.decoding).toEqual({ mode: "vanilla" });
  });

  it("is strict: unknown modes and fields are rejected, and vanilla takes no HARP settings", () => {
    expect(parse({ decoding: { mode: "beam" } }).success).toBe(false);
    expect(parse({ decoding: {} }).success).toBe(false);
    expect(parse({ decoding: "harp" }).success).toBe(false);
    expect(parse({ decoding: { mode: "harp", gamma: 1 } }).success).toBe(false);
    expect(parse({ decoding: { mode: "vanilla", theta: 1 } }).success).toBe(false);
    expect(parse({ decoding: { mode: "harp", variant: "lazy" } }).success).toBe(false);
  });

  it("bounds every HARP setting", () => {
    const harp = (s: Record<string, unknown>) => parse({ decoding: { mode: "harp", ...s } }).success;
    expect(harp({ theta: 0 })).toBe(true);
    expect(harp({ theta: -0.1 })).toBe(false);
    expect(harp({ delta: 0 })).toBe(true);
    expect(harp({ delta: 1 })).toBe(false);
    expect(harp({ beta: 1 })).toBe(true);
    expect(harp({ beta: 1.5 })).toBe(false);
    expect(harp({ window: 1 })).toBe(true);
    expect(harp({ window: 0 })).toBe(false);
    expect(harp({ window: 2.5 })).toBe(false);
    expect(harp({ window: 65 })).toBe(false);
    expect(harp({ theta: Number.NaN })).toBe(false);
  });

  it("lets a job's result report the reframes", () => {
    const base = {
      id: "job_1", object: "job", status: "succeeded", question, strategy: "greedy",
      params: { n: 1, temperature: 0, top_p: 1, seed: 1, max_tokens: 8, decoding: { mode: "harp", ...HARP_DEFAULTS } },
      error: null, usage: null, cancel_requested: false, created_at: "t", started_at: null, finished_at: null,
    };
    const result = { answer: "5", chosen: 0, decoding: { mode: "harp", reframes: 3, reframe_flops: 1e6 } };
    expect(JobSummary.parse({ ...base, result }).result?.decoding).toEqual(result.decoding);
  });
});
