// HTTP client of the verifier service (POST /v1/score) as the strategies' Scorer, with bounded retries.
import type { CallOptions, ScoreItem, Scorer } from "@thinktime/core";
import { z } from "zod";

export type VerifierErrorCode = "verifier_unavailable" | "verifier_rejected" | "verifier_bad_response";

/** The verifier could not score: unreachable/overloaded after retries, refused the request, or answered nonsense. */
export class VerifierError extends Error {
  override readonly name = "VerifierError";
  constructor(
    readonly code: VerifierErrorCode,
    message: string,
    readonly details: { attempts: number; status?: number } = { attempts: 0 },
  ) {
    super(message);
  }
}

export interface VerifierClientOptions {
  /** Base URL, e.g. http://127.0.0.1:8082 (no trailing /v1). */
  url: string;
  /** Shared service token, sent as `Authorization: Bearer …`. */
  token: string;
  /** Tries per request, first included. Default 5. */
  maxAttempts?: number;
  /** First backoff; doubles per retry, capped by maxDelayMs, with jitter in [½, 1]×. Default 250 ms. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** One HTTP attempt's limit. Default 5 s. */
  attemptTimeoutMs?: number;
  /** Everything for one score() call, retries included. Default 12 s. */
  totalTimeoutMs?: number;
  /** Items per HTTP request (the verifier accepts at most 256). */
  maxItemsPerRequest?: number;
  fetch?: typeof fetch;
  random?: () => number;
  /** Told before each retry (for logs): the attempt that failed, why, and the wait before the next one. */
  onRetry?: (info: { attempt: number; problem: string; delayMs: number }) => void;
}

const ScoreResponse = z.object({
  scores: z.array(z.number().min(0).max(1)),
  usage: z.object({ tokens: z.number().int().nonnegative() }),
});

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal!.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });

/** Retry-After in ms (delta-seconds or HTTP date), or undefined. */
function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  const secs = Number(header);
  if (Number.isFinite(secs)) return Math.max(0, secs * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

export class VerifierClient implements Scorer {
  private readonly endpoint: string;
  private readonly opts: Required<Omit<VerifierClientOptions, "url" | "token">>;

  constructor(private readonly options: VerifierClientOptions) {
    this.endpoint = `${options.url.replace(/\/+$/, "")}/v1/score`;
    this.opts = {
      maxAttempts: options.maxAttempts ?? 5,
      baseDelayMs: options.baseDelayMs ?? 250,
      maxDelayMs: options.maxDelayMs ?? 4000,
      attemptTimeoutMs: options.attemptTimeoutMs ?? 5000,
      totalTimeoutMs: options.totalTimeoutMs ?? 12_000,
      maxItemsPerRequest: options.maxItemsPerRequest ?? 256,
      fetch: options.fetch ?? fetch,
      random: options.random ?? Math.random,
      onRetry: options.onRetry ?? (() => {}),
    };
  }

  async score(items: ScoreItem[], options: CallOptions = {}): Promise<{ scores: number[]; tokens: number }> {
    const scores: number[] = [];
    let tokens = 0;
    const deadline = Date.now() + this.opts.totalTimeoutMs;
    for (let i = 0; i < items.length; i += this.opts.maxItemsPerRequest) {
      const chunk = items.slice(i, i + this.opts.maxItemsPerRequest);
      const res = await this.post(chunk, deadline, options.signal);
      scores.push(...res.scores);
      tokens += res.usage.tokens;
    }
    return { scores, tokens };
  }

  private async post(items: ScoreItem[], deadline: number, signal?: AbortSignal): Promise<z.infer<typeof ScoreResponse>> {
    const body = JSON.stringify({ items: items.map(({ question, solution }) => ({ question, solution })) });
    let lastProblem = "no attempt made";
    let lastStatus: number | undefined;
    let attempt = 0;
    while (attempt < this.opts.maxAttempts) {
      attempt++;
      const remaining = deadline - Date.now();
      if (remaining <= 0) break;
      const timeout = AbortSignal.timeout(Math.min(this.opts.attemptTimeoutMs, remaining));
      const attemptSignal = signal ? AbortSignal.any([signal, timeout]) : timeout;
      let retryAfter: number | undefined;
      try {
        const res = await this.opts.fetch(this.endpoint, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${this.options.token}` },
          body,
          signal: attemptSignal,
        });
        const text = await res.text();
        if (res.ok) {
          const parsed = ScoreResponse.safeParse(safeJson(text));
          if (!parsed.success || parsed.data.scores.length !== items.length) {
            throw new VerifierError(
              "verifier_bad_response",
              `verifier answered 200 with an unexpected body for ${items.length} items: ${text.slice(0, 200)}`,
              { attempts: attempt, status: res.status },
            );
          }
          return parsed.data;
        }
        lastStatus = res.status;
        lastProblem = `HTTP ${res.status}: ${detailOf(text)}`;
        if (!(res.status >= 500 || res.status === 429 || res.status === 408)) {
          throw new VerifierError("verifier_rejected", `verifier refused the request (${lastProblem})`, {
            attempts: attempt,
            status: res.status,
          });
        }
        retryAfter = retryAfterMs(res.headers.get("retry-after"));
      } catch (err) {
        if (err instanceof VerifierError) throw err;
        if (signal?.aborted) throw signal.reason;
        lastStatus = undefined;
        lastProblem = timeout.aborted ? "attempt timed out" : `network error: ${causeOf(err)}`;
      }
      if (attempt >= this.opts.maxAttempts) break;
      const backoff = Math.min(this.opts.maxDelayMs, this.opts.baseDelayMs * 2 ** (attempt - 1));
      const delay = Math.max(retryAfter ?? 0, backoff * (0.5 + 0.5 * this.opts.random()));
      if (Date.now() + delay >= deadline) break;
      this.opts.onRetry({ attempt, problem: lastProblem, delayMs: Math.round(delay) });
      await sleep(delay, signal);
    }
    throw new VerifierError(
      "verifier_unavailable",
      `verifier at ${this.endpoint} unavailable after ${attempt} attempt(s): ${lastProblem}`,
      { attempts: attempt, ...(lastStatus !== undefined ? { status: lastStatus } : {}) },
    );
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function detailOf(text: string): string {
  const body = safeJson(text) as { code?: unknown; detail?: unknown } | undefined;
  if (body && typeof body === "object" && (body.code || body.detail)) return `${String(body.code ?? "")} ${String(body.detail ?? "")}`.trim();
  return text.slice(0, 200) || "(empty body)";
}

function causeOf(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err as Error & { cause?: unknown }).cause;
    const code = cause && typeof cause === "object" && "code" in cause ? String((cause as { code: unknown }).code) : "";
    return code ? `${err.message} (${code})` : err.message;
  }
  return String(err);
}
