// RateLimit-Policy / RateLimit headers in the IETF draft's structured-field form (draft-ietf-httpapi-ratelimit-headers).
import type { RateLimitState } from "@thinktime/db";

export const POLICY_NAME = "tenant";

export function rateLimitHeaders(s: RateLimitState, windowSeconds: number): Record<string, string> {
  const headers: Record<string, string> = {
    "ratelimit-policy": `"${POLICY_NAME}";q=${s.limit};w=${windowSeconds}`,
    ratelimit: `"${POLICY_NAME}";r=${s.remaining};t=${s.resetSeconds}`,
  };
  if (!s.allowed) headers["retry-after"] = String(s.resetSeconds);
  return headers;
}
