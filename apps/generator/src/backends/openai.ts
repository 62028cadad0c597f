// Generation through any OpenAI-compatible /v1/completions server (vLLM, llama.cpp, …), for models Thinktime does
// not run in-process. Plain sampling only: HARP needs the model's embeddings, which such a server does not expose,
// so asking for it is an InvalidRequest("harp_unsupported"), never a silent fallback to vanilla.
import {
  spanFlops,
  type CallOptions, type FinishReason, type FlopsModel, type SampleBatch, type SampleParams, type Sampler,
} from "@thinktime/core";
import { z } from "zod";
import { GenerationAborted, InvalidRequest, type GenerationMode, type HarpParams } from "../engine/types.js";

export interface OpenAIBackendOptions {
  /** Server root, e.g. http://127.0.0.1:8000 (the client appends /v1/completions). */
  baseUrl: string;
  /** The `model` field of each request. */
  model: string;
  /** Sent as `Authorization: Bearer …` when set. */
  apiKey?: string;
  /** Shape of the served model, to bill FLOPs like the engine; without it FLOPs are reported as 0. */
  flopsModel?: FlopsModel;
  /** Limit of one HTTP request. Default 60 s. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export interface CompletionRequest {
  /** Already formatted (formatPrompt); the server tokenizes. */
  prompt: string;
  params: SampleParams;
  /** Only "vanilla" is served; "harp" is refused with code harp_unsupported. */
  mode?: GenerationMode;
  harp?: HarpParams;
}

export interface CompletionSample {
  text: string;
  /** log p of each generated token, as the server reports them (empty when it reports none). */
  logprobs: number[];
  /** Generated tokens (the server's count: logprobs entries, else its share of usage.completion_tokens). */
  tokens: number;
  finishReason: FinishReason;
  flops: number;
}

export interface CompletionResult {
  promptTokens: number;
  promptFlops: number;
  samples: CompletionSample[];
}

const Choice = z.object({
  index: z.number().int().nonnegative(),
  text: z.string(),
  finish_reason: z.string().nullable().optional(),
  logprobs: z
    .object({ tokens: z.array(z.string()).optional(), token_logprobs: z.array(z.number().nullable()).optional() })
    .nullable()
    .optional(),
});
const CompletionResponse = z.object({
  choices: z.array(Choice),
  usage: z.object({ prompt_tokens: z.number().int().nonnegative(), completion_tokens: z.number().int().nonnegative() }),
});

export class OpenAIBackend {
  private readonly endpoint: string;

  constructor(private readonly options: OpenAIBackendOptions) {
    this.endpoint = `${options.baseUrl.replace(/\/+$/, "")}/v1/completions`;
  }

  async complete(request: CompletionRequest, options: CallOptions = {}): Promise<CompletionResult> {
    if (request.mode === "harp") {
      throw new InvalidRequest(
        "harp_unsupported",
        "mode \"harp\" needs the model's input embeddings; an OpenAI-compatible backend cannot run it (use the ONNX engine)",
      );
    }
    if (request.mode !== undefined && request.mode !== "vanilla") {
      throw new InvalidRequest("invalid_request", `unknown mode ${JSON.stringify(request.mode)}`);
    }
    const { params } = request;
    const body = {
      model: this.options.model,
      prompt: request.prompt,
      n: params.n,
      temperature: params.temperature,
      top_p: params.top_p,
      max_tokens: params.max_tokens,
      seed: params.seed,
      // 1 = the sampled token's own logprob (plus one alternative): what every compatible server implements.
      logprobs: 1,
      ...(params.stop?.length ? { stop: params.stop } : {}),
      // Not in OpenAI's API, but vLLM and llama.cpp read it; sent only when asked for.
      ...(params.top_k ? { top_k: params.top_k } : {}),
    };
    const signals = [AbortSignal.timeout(this.options.timeoutMs ?? 60_000), ...(options.signal ? [options.signal] : [])];
    let res: Response;
    try {
      res = await (this.options.fetch ?? fetch)(this.endpoint, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...(this.options.apiKey ? { authorization: `Bearer ${this.options.apiKey}` } : {}),
        },
        body: JSON.stringify(body),
        signal: AbortSignal.any(signals),
      });
    } catch (err) {
      // The server's work is unknown to us, so nothing is billed for an aborted call.
      if (options.signal?.aborted) throw new GenerationAborted({ promptTokens: 0, generatedTokens: 0, flops: 0 }, options.signal.reason);
      throw new Error(`completions server unreachable at ${this.endpoint}: ${(err as Error).message}`);
    }
    const text = await res.text();
    if (res.status >= 400 && res.status < 500) {
      throw new InvalidRequest("invalid_request", `completions server refused the request (${res.status}): ${errorMessage(text)}`);
    }
    if (!res.ok) throw new Error(`completions server failed (${res.status}): ${errorMessage(text)}`);
    let parsed: z.infer<typeof CompletionResponse>;
    try {
      parsed = CompletionResponse.parse(JSON.parse(text));
    } catch (err) {
      throw new Error(`completions server answered an unexpected body: ${(err as Error).message}`);
    }
    return this.toResult(parsed, params.n);
  }

  /** The backend as the strategies' Sampler (vanilla sampling). */
  sampler(): Sampler {
    return {
      sample: async (prompt: string, params: SampleParams, options?: CallOptions): Promise<SampleBatch> => {
        const r = await this.complete({ prompt, params }, options);
        return {
          promptTokens: r.promptTokens,
          promptFlops: r.promptFlops,
          completions: r.samples.map((s) => ({
            text: s.text,
            tokens: s.tokens,
            logprob: s.logprobs.reduce((a, b) => a + b, 0),
            finishReason: s.finishReason,
            flops: s.flops,
          })),
        };
      },
    };
  }

  private toResult(res: z.infer<typeof CompletionResponse>, n: number): CompletionResult {
    const choices = [...res.choices].sort((a, b) => a.index - b.index);
    if (choices.length !== n || choices.some((c, i) => c.index !== i)) {
      throw new Error(`completions server returned ${choices.length} choices for n = ${n}`);
    }
    const P = res.usage.prompt_tokens;
    const fm = this.options.flopsModel;
    const evenShare = Math.round(res.usage.completion_tokens / n);
    return {
      promptTokens: P,
      promptFlops: fm ? spanFlops(fm, 0, P) : 0,
      samples: choices.map((c) => {
        const logprobs = (c.logprobs?.token_logprobs ?? []).filter((x): x is number => x !== null);
        const tokens = c.logprobs?.token_logprobs ? c.logprobs.token_logprobs.length : evenShare;
        return {
          text: c.text,
          logprobs,
          tokens,
          // "length" is the only other reason a server reports that matters here; content filters end like stops.
          finishReason: c.finish_reason === "length" ? "length" : "stop",
          flops: fm ? spanFlops(fm, P, P + tokens) : 0,
        };
      }),
    };
  }
}

function errorMessage(body: string): string {
  try {
    const j = JSON.parse(body) as { error?: { message?: string } | string; message?: string };
    if (typeof j.error === "string") return j.error;
    return j.error?.message ?? j.message ?? body.slice(0, 200);
  } catch {
    return body.slice(0, 200);
  }
}
