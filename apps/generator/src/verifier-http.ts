// The verifier service over HTTP for every client of it: Bearer auth, bounded retries with backoff, timeouts, chunking.
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

export interface VerifierHttpOptions {
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
  /** Everything for one call (all its chunks and retries). Default 12 s. */
  totalTimeoutMs?: number;
  /** Items per HTTP request (the verifier accepts at most 256). */
  maxItemsPerRequest?: number;
  fetch?: typeof fetch;
  random?: () => number;
  /** Told before each retry (for logs): the attempt that failed, why, and the wait before the next one. */
  onRetry?: (info: { attempt: number; problem: string; delayMs: number }) => void;
}

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

/** POSTs JSON to one verifier route with retries; 5xx, 408, 429, timeouts and network errors are retried. */
export class VerifierHttp {
  readonly endpoint: string;
  private readonly opts: Required<Omit<VerifierHttpOptions, "url" | "token">>;

  constructor(
    private readonly options: VerifierHttpOptions,
    path: string,
  ) {
    this.endpoint = `${options.url.replace(/\/+$/, "")}${path}`;
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

  /**
   * Posts `items` in requests of at most maxItemsPerRequest, one after another, all within totalTimeoutMs; `parse`
   * turns a 200 body into the chunk's result, or null when it does not fit the chunk (verifier_bad_response).
   */
  async postInChunks<I, T>(
    items: readonly I[],
    body: (chunk: I[]) => unknown,
    parse: (json: unknown, chunk: I[]) => T | null,
    signal?: AbortSignal,
  ): Promise<T[]> {
    const out: T[] = [];
    const deadline = Date.now() + this.opts.totalTimeoutMs;
    for (let i = 0; i < items.length; i += this.opts.maxItemsPerRequest) {
      const chunk = items.slice(i, i + this.opts.maxItemsPerRequest);
      out.push(await this.post(JSON.stringify(body(chunk)), (json) => parse(json, chunk), chunk.length, deadline, signal));
    }
    return out;
  }

  private async post<T>(body: string, parse: (json: unknown) => T | null, count: number, deadline: number, signal?: AbortSignal): Promise<T> {
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
          const parsed = parse(safeJson(text));
          if (parsed === null) {
            throw new VerifierError(
              "verifier_bad_response",
              `verifier answered 200 with an unexpected body for ${count} items: ${text.slice(0, 200)}`,
              { attempts: attempt, status: res.status },
            );
          }
          return parsed;
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
