// Renders an ApiError as an RFC 9457 application/problem+json response carrying the request id.
import type { Context } from "hono";
import { type ApiError, ERROR_CODES } from "../errors.js";
import type { HonoEnv } from "../hono.js";

export const PROBLEM_CONTENT_TYPE = "application/problem+json";

export function problemType(code: string): string {
  return `urn:thinktime:problem:${code}`;
}

export function problemResponse(c: Context<HonoEnv>, err: ApiError): Response {
  const { status, title } = ERROR_CODES[err.code];
  const body = {
    type: problemType(err.code),
    title,
    status,
    detail: err.message,
    code: err.code,
    request_id: c.get("requestId") ?? "",
    ...(err.errors ? { errors: err.errors } : {}),
  };
  const headers: Record<string, string> = { ...err.headers, "content-type": PROBLEM_CONTENT_TYPE };
  if (status === 401) headers["www-authenticate"] = 'Bearer realm="thinktime"';
  return c.body(JSON.stringify(body), status as 400, headers);
}
