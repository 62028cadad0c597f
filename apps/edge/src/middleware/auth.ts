// Bearer-key authentication, per-tenant rate limiting and scope checks: the key's tenant scopes every query made.
import type { Scope } from "@thinktime/core/api/keys";
import { touchKey, WINDOW_SECONDS } from "@thinktime/db";
import { createMiddleware } from "hono/factory";
import { ApiError } from "../errors.js";
import type { HonoEnv } from "../hono.js";
import { rateLimitHeaders } from "../lib/ratelimit-headers.js";

export type { Scope };

const BEARER = /^Bearer +(tt_[A-Za-z0-9]{1,128})$/i;

/**
 * Authenticates the request, counts it against the tenant's requests per minute (every authenticated request
 * counts, refused ones too), then checks `scope`. `operator` routes (/admin) also need the key's tenant to be one.
 */
export const requireKey = (scope: Scope, opts: { operator?: boolean } = {}) =>
  createMiddleware<HonoEnv>(async (c, next) => {
    const header = c.req.header("authorization");
    if (!header) throw new ApiError("unauthorized", "Missing Authorization header; send `Authorization: Bearer tt_…`.");
    const match = BEARER.exec(header.trim());
    if (!match?.[1]) throw new ApiError("unauthorized", "Malformed Authorization header; expected `Bearer tt_…`.");
    const { db, hotPath } = c.get("services");
    const found = await hotPath.findKey(match[1]);
    if (!found) throw new ApiError("unauthorized", "The API key is invalid, expired or revoked.");
    const { key, tenant } = found;
    await touchKey(db, key);
    if (tenant.requestsPerMinute !== null) {
      const state = await hotPath.hitRateLimit(tenant.id, tenant.requestsPerMinute);
      const headers = rateLimitHeaders(state, WINDOW_SECONDS);
      if (!state.allowed) {
        throw new ApiError("rate_limited", `Rate limit of ${state.limit} requests per minute reached; retry in ${state.resetSeconds} s.`, undefined, headers);
      }
      for (const [name, value] of Object.entries(headers)) c.header(name, value);
    }
    if (!key.scopes.includes(scope)) throw new ApiError("forbidden", `The API key lacks the ${scope} scope.`);
    if (opts.operator && !tenant.operator) throw new ApiError("forbidden", "Only operator admin keys may use the admin API.");
    c.set("key", key);
    c.set("tenant", tenant);
    await next();
  });
