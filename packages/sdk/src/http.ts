// The one place the SDK talks HTTP: auth header, JSON bodies, problem+json errors mapped to ThinktimeError.
import { Problem } from "@thinktime/core/api/jobs";
import type { z } from "zod";
import { ThinktimeError } from "./errors.js";

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export interface TransportOptions {
  baseUrl: string;
  apiKey: string;
  fetch?: FetchLike;
}

export interface CallOptions {
  query?: Record<string, string | number | undefined>;
  json?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export class Transport {
  readonly baseUrl: string;
  private readonly apiKey: string;
  private readonly fetchImpl: FetchLike;

  constructor(opts: TransportOptions) {
    this.baseUrl = opts.baseUrl.replace(/\/+$/, "");
    this.apiKey = opts.apiKey;
    this.fetchImpl = opts.fetch ?? ((input, init) => fetch(input, init));
  }

  /** The raw response of a successful call (any 2xx); anything else is thrown as a ThinktimeError. */
  async send(method: string, path: string, opts: CallOptions = {}): Promise<Response> {
    const url = new URL(this.baseUrl + path);
    for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { authorization: `Bearer ${this.apiKey}`, ...opts.headers };
    let body: string | undefined;
    if (opts.json !== undefined) {
      body = JSON.stringify(opts.json);
      headers["content-type"] = "application/json";
    }
    const res = await this.fetchImpl(url.toString(), { method, headers, body, signal: opts.signal });
    if (!res.ok) throw await toError(res);
    return res;
  }

  /** A JSON call whose answer is checked against `schema`, so what comes back is typed by what was verified. */
  async call<S extends z.ZodType>(schema: S, method: string, path: string, opts: CallOptions = {}): Promise<z.infer<S>> {
    const res = await this.send(method, path, opts);
    return schema.parse(await res.json());
  }
}

/** Reads a failed response as its problem; a body that is not one (a proxy's HTML page) becomes a generic problem. */
export async function toError(res: Response): Promise<ThinktimeError> {
  const text = await res.text().catch(() => "");
  const requestId = res.headers.get("x-request-id") ?? "";
  try {
    const parsed = Problem.safeParse(JSON.parse(text));
    if (parsed.success) return new ThinktimeError(parsed.data);
  } catch {}
  return new ThinktimeError({
    type: "about:blank",
    title: res.statusText || `HTTP ${res.status}`,
    status: res.status,
    detail: text.slice(0, 500) || `The server answered ${res.status} without a problem body.`,
    code: "http_error",
    request_id: requestId,
  });
}
