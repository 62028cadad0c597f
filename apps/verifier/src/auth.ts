// Service-token check for /v1/*: only callers holding the shared token (the generator, the edge) may score.
import { createHash, timingSafeEqual } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import { ApiError } from "./errors.js";
import type { AppEnv } from "./context.js";

const digest = (s: string): Buffer => createHash("sha256").update(s, "utf8").digest();

/** Compares fixed-length digests so neither the token's content nor its length leaks through timing. */
export function tokenMatches(presented: string, expected: string): boolean {
  return timingSafeEqual(digest(presented), digest(expected));
}

export const requireServiceToken: MiddlewareHandler<AppEnv> = async (c, next) => {
  const header = c.req.header("authorization");
  const m = header === undefined ? null : /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  if (!m) throw new ApiError("unauthorized", "send the service token as `Authorization: Bearer <token>`");
  if (!tokenMatches(m[1]!, c.var.services.token)) throw new ApiError("unauthorized", "service token is not valid");
  await next();
};
