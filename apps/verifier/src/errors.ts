// The closed set of error codes this service returns, each with its HTTP status, rendered as RFC 9457 problem+json.
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";

export const ERROR_STATUS = {
  invalid_json: 400,
  invalid_request: 400,
  invalid_steps: 400,
  not_a_process_model: 400,
  unauthorized: 401,
  not_found: 404,
  unknown_model: 404,
  payload_too_large: 413,
  internal: 500,
  not_ready: 503,
  timeout: 503,
} as const satisfies Record<string, ContentfulStatusCode>;

export type ErrorCode = keyof typeof ERROR_STATUS;

const TITLES: Record<ErrorCode, string> = {
  invalid_json: "Request body is not valid JSON",
  invalid_request: "Request failed validation",
  invalid_steps: "Solution has no steps to score",
  not_a_process_model: "Model does not score steps",
  unauthorized: "Missing or invalid service token",
  not_found: "No such resource",
  unknown_model: "Unknown model",
  payload_too_large: "Payload too large",
  internal: "Internal error",
  not_ready: "Model not ready",
  timeout: "Request timed out",
};

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  request_id: string;
  instance?: string;
  /** Field-level issues for `invalid_request`. */
  errors?: Array<{ path: string; message: string }>;
  [extension: string]: unknown;
}

/** Thrown anywhere in a handler; the app's error handler renders it as a problem response. */
export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    detail: string,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(detail);
    this.name = "ApiError";
  }
  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

export function problemBody(code: ErrorCode, detail: string, requestId: string, instance?: string, extensions: Record<string, unknown> = {}): Problem {
  return {
    type: `urn:thinktime:problem:${code}`,
    title: TITLES[code],
    status: ERROR_STATUS[code],
    detail,
    code,
    request_id: requestId,
    ...(instance !== undefined ? { instance } : {}),
    ...extensions,
  };
}

export function problem(c: Context, code: ErrorCode, detail: string, extensions: Record<string, unknown> = {}): Response {
  const requestId = (c.get("requestId") as string | undefined) ?? "unknown";
  const body = problemBody(code, detail, requestId, c.req.path, extensions);
  const headers: Record<string, string> = { "content-type": "application/problem+json", "x-request-id": requestId };
  if (code === "unauthorized") headers["www-authenticate"] = 'Bearer realm="thinktime-verifier"';
  return new Response(JSON.stringify(body), { status: ERROR_STATUS[code], headers });
}
