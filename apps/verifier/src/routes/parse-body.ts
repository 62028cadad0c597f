// Reads a JSON body and validates it against a route's schema: 400 invalid_json or invalid_request with field paths.
import type { Context } from "hono";
import type { z } from "zod";
import type { AppEnv } from "../context.js";
import { ApiError } from "../errors.js";
import { issueList } from "../schema.js";

export async function parseBody<S extends z.ZodType>(c: Context<AppEnv>, schema: S, route: string): Promise<z.infer<S>> {
  const text = await c.req.text();
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new ApiError("invalid_json", "the request body must be a JSON object");
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new ApiError("invalid_request", `the request body does not match the ${route} schema`, { errors: issueList(parsed.error) });
  }
  return parsed.data;
}
