// The one error handler: ApiErrors, Hono's HTTP exceptions, zod failures and values the database cannot hold become
// problems; anything else a bare 500.
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ZodError } from "zod";
import { ApiError, type ErrorCode, type FieldError } from "../errors.js";
import type { HonoEnv } from "../hono.js";
import { problemResponse } from "./problem.js";

const TARGET_NAMES: Record<string, string> = { json: "body", query: "query", param: "path", header: "header" };

/** Flattens zod issues into `{path, message}` pairs; `path` starts with where the input came from. */
export function fieldErrors(error: ZodError, target: string): FieldError[] {
  const root = TARGET_NAMES[target] ?? target;
  return error.issues.flatMap((issue) => {
    const base = [root, ...issue.path.map(String)];
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => ({ path: [...base, key].join("."), message: "unknown field" }));
    }
    return [{ path: base.join("."), message: issue.message }];
  });
}

function fromHttpException(err: HTTPException): ApiError {
  const byStatus: Record<number, ErrorCode> = {
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    415: "unsupported_media_type",
  };
  if (err.status === 400 && /json/i.test(err.message)) return new ApiError("invalid_json", "The request body is not valid JSON.");
  const code = byStatus[err.status] ?? (err.status < 500 ? "bad_request" : "internal");
  return new ApiError(code, code === "internal" ? undefined : err.message || undefined);
}

/**
 * The Postgres data exception (SQLSTATE class 22) behind `err`, through drivers' and drizzle's `cause` chains: a value
 * from the request Postgres cannot hold (a NUL character, a number out of its column's range), which no schema here
 * spells out. Whatever statement it hit failed and rolled back, so the request changed nothing.
 */
function dataException(err: unknown): { code: string; message: string } | null {
  for (let e = err, depth = 0; e && typeof e === "object" && depth < 6; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (typeof code === "string" && /^22[0-9A-Z]{3}$/.test(code)) return { code, message: String(message ?? "") };
  }
  return null;
}

export function handleError(err: Error, c: Context<HonoEnv>): Response {
  if (err instanceof ApiError) {
    return problemResponse(c, err);
  }
  if (err instanceof HTTPException) return problemResponse(c, fromHttpException(err));
  const data = dataException(err);
  if (data) return problemResponse(c, new ApiError("bad_request", `A value in the request cannot be stored: ${data.message} (SQLSTATE ${data.code}).`));
  console.error(`[edge] ${c.get("requestId")} unhandled error`, err);
  return problemResponse(c, new ApiError("internal", "An unexpected error occurred."));
}

export function handleNotFound(c: Context<HonoEnv>): Response {
  return problemResponse(c, new ApiError("not_found", `No route for ${c.req.method} ${c.req.path}.`));
}
