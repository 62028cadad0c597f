// The queries every authenticated request or submit makes (key lookup, rate-limit hit, credit reservation + insert),
// run one by one (Workers: I/O cannot cross requests) or coalesced across concurrent requests (one process, Node).
import { coalesce, Rejected } from "./coalesce.js";
import type { Database } from "./client.js";
import { findActiveKeysWithTenant, sha256Hex } from "./keys.js";
import { hitRateLimits, type RateLimitState } from "./ratelimit.js";
import type { ApiKey, Tenant } from "./schema.js";
import { submitJobsGrouped, type GroupedSubmit } from "./submit-group.js";
import type { SubmitOutcome } from "./submit.js";

export interface HotPath {
  findKey(key: string): Promise<{ key: ApiKey; tenant: Tenant } | null>;
  hitRateLimit(tenantId: string, limit: number): Promise<RateLimitState>;
  /** A submit without Idempotency-Key (those take submitJob's path). */
  submit(input: GroupedSubmit): Promise<Extract<SubmitOutcome, { kind: "created" | "insufficient_credits" }>>;
}

/** Each call its own queries: for runtimes where one request's I/O may not serve another's (Workers). */
export function directHotPath(db: Database): HotPath {
  return {
    findKey: async (key) => (await findActiveKeysWithTenant(db, [key]))[0]!,
    hitRateLimit: async (tenantId, limit) => (await hitRateLimits(db, [{ tenantId, limit }]))[0]!,
    submit: async (input) => {
      const [out] = await submitJobsGrouped(db, [input]);
      if (out instanceof Rejected) throw out.error;
      return out!;
    },
  };
}

export interface CoalescedOptions {
  /** Most requests one batch serves (default 64). */
  maxBatch?: number;
  /** Batches of one kind running at once (default 2: one commits while the next is formed). */
  maxInFlight?: number;
}

/**
 * Concurrent requests share queries: lookups that arrive while one is in flight run as one `IN (…)` query,
 * rate-limit hits as one upsert, submits as one transaction (group commit). A request alone runs at once. Results
 * per request are what the direct path gives. Key hashes are remembered (bounded) so a busy key is hashed once.
 */
export function coalescedHotPath(db: Database, opts: CoalescedOptions = {}): HotPath {
  const sizes = { maxBatch: opts.maxBatch ?? 64, maxInFlight: opts.maxInFlight ?? 2 };
  const hash = memoized(sha256Hex, 10_000);
  const findKeys = coalesce((keys: string[]) => findActiveKeysWithTenant(db, keys, new Date(), hash), sizes);
  const hits = coalesce((items: { tenantId: string; limit: number }[]) => hitRateLimits(db, items), sizes);
  // One submit batch at a time: a second would queue on the same ledger rows anyway.
  const submits = coalesce((inputs: GroupedSubmit[]) => submitJobsGrouped(db, inputs), { ...sizes, maxInFlight: 1 });
  return { findKey: findKeys, hitRateLimit: (tenantId, limit) => hits({ tenantId, limit }), submit: submits };
}

/** `f` with its last `max` results kept (oldest forgotten first). */
function memoized(f: (s: string) => Promise<string>, max: number): (s: string) => Promise<string> {
  const seen = new Map<string, Promise<string>>();
  return (s) => {
    let out = seen.get(s);
    if (!out) {
      if (seen.size >= max) seen.delete(seen.keys().next().value!);
      out = f(s);
      seen.set(s, out);
      out.catch(() => seen.delete(s));
    }
    return out;
  };
}
