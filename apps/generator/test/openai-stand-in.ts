// Test-only loopback server speaking OpenAI's /v1/completions, backed by our own ONNX engine: the far side of the
// OpenAI backend's tests, so they exercise real HTTP and real generations without a third-party server.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { type Engine, InvalidRequest } from "../src/engine/index.js";

export interface CompletionsStandIn {
  url: string;
  /** Parsed request bodies, in arrival order. */
  bodies: Record<string, unknown>[];
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

export async function startCompletionsStandIn(engine: Engine): Promise<CompletionsStandIn> {
  const bodies: Record<string, unknown>[] = [];
  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  };
  const server = createServer(async (req, res) => {
    if (req.method !== "POST" || req.url !== "/v1/completions") return send(res, 404, { error: { message: "not found" } });
    const body = JSON.parse(await readBody(req)) as Record<string, unknown>;
    bodies.push(body);
    const b = body as {
      prompt: string; n?: number; temperature?: number; top_p?: number; top_k?: number; seed?: number;
      max_tokens?: number; stop?: string | string[]; logprobs?: number | null;
    };
    try {
      const prompt = engine.tokenizer.encode(b.prompt);
      const stop = typeof b.stop === "string" ? [b.stop] : b.stop;
      const [result] = await engine.generate([{
        prompt,
        params: {
          n: b.n ?? 1, temperature: b.temperature ?? 1, top_p: b.top_p ?? 1, seed: b.seed ?? 0, max_tokens: b.max_tokens ?? 16,
          ...(b.top_k ? { top_k: b.top_k } : {}),
          ...(stop ? { stop } : {}),
        },
      }]);
      const samples = result!.samples;
      send(res, 200, {
        id: "cmpl-standin", object: "text_completion", model: body.model,
        choices: samples.map((s, index) => ({
          index, text: s.text, finish_reason: s.finishReason,
          logprobs: b.logprobs == null ? null : {
            tokens: s.tokens.map((t) => engine.tokenizer.decode([t])),
            token_logprobs: s.logprobs,
          },
        })),
        usage: {
          prompt_tokens: result!.promptTokens,
          completion_tokens: samples.reduce((n, s) => n + s.tokens.length, 0),
          total_tokens: result!.promptTokens + samples.reduce((n, s) => n + s.tokens.length, 0),
        },
      });
    } catch (err) {
      send(res, err instanceof InvalidRequest ? 400 : 500, { error: { message: (err as Error).message } });
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    bodies,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
