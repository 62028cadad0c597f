// The webhook dispatcher's one pass: claim due outbox rows (SKIP LOCKED + lease), POST them signed, record each outcome.
import { and, eq, inArray, sql } from "drizzle-orm";
import type { Database } from "./client.js";
import { dohResolver } from "./dns.js";
import { webhookDeliveries, webhookEndpoints, type WebhookDelivery, type WebhookEndpoint } from "./schema.js";
import { DEFAULT_DISABLE_AFTER_MS, disableEndpoint, noteEndpointFailure, noteEndpointSuccess } from "./webhook-health.js";
import { webhookHeaders } from "./webhook-signature.js";
import { checkWebhookUrl, type ResolveHost } from "./webhook-url.js";

export interface DeliveryOptions {
  /** Rows claimed per pass; their attempts run concurrently. Default 10. */
  batchSize?: number;
  /** Per attempt, connecting and reading the response included. Default 10 s. */
  timeoutMs?: number;
  /** Attempts before a delivery is given up as failed. Default 8. */
  maxAttempts?: number;
  /** The wait after the first failed attempt; each later one waits 4× longer, with jitter. Default 5 s. */
  baseDelayMs?: number;
  /** Cap on any wait, `Retry-After` included. Default 10 h. */
  maxDelayMs?: number;
  /** An endpoint whose attempts have all failed for this long is disabled. Default 5 days. */
  disableAfterMs?: number;
  /** Dev only: POST to http:// and to loopback/private addresses. Default false. */
  allowInsecureUrls?: boolean;
  /** Resolves each endpoint's host before connecting, to refuse private addresses. Default DNS over HTTPS. */
  resolveHost?: ResolveHost;
}

export interface DeliveryReport {
  claimed: number;
  delivered: number;
  /** Failed attempts that will be retried. */
  retried: number;
  /** Given up: attempts spent, 410 Gone, or the endpoint disabled. */
  failed: number;
}

const DEFAULTS = {
  batchSize: 10,
  timeoutMs: 10_000,
  maxAttempts: 8,
  baseDelayMs: 5_000,
  maxDelayMs: 10 * 3600_000,
  disableAfterMs: DEFAULT_DISABLE_AFTER_MS,
  allowInsecureUrls: false,
  resolveHost: dohResolver() as ResolveHost,
};
type Resolved = typeof DEFAULTS;
const BACKOFF_FACTOR = 4;
const ERROR_CHARS = 500;

export interface ClaimedDelivery {
  delivery: WebhookDelivery;
  endpoint: WebhookEndpoint;
}

const msFromNow = (ms: number) => sql<Date>`now() + (${Math.max(0, Math.round(ms))}::double precision * interval '1 millisecond')`;

/**
 * Claims up to `limit` due pending deliveries: counts the attempt and pushes `next_attempt_at` past `leaseMs`, in one
 * statement over rows locked with SKIP LOCKED, so concurrent dispatchers never claim the same row. A dispatcher that
 * dies mid-attempt leaves the row to be claimed again once the lease lapses (at-least-once).
 */
export async function claimDueDeliveries(db: Database, { limit, leaseMs }: { limit: number; leaseMs: number }): Promise<ClaimedDelivery[]> {
  const claimed = (await db.execute(sql`
    WITH due AS MATERIALIZED (
      SELECT id FROM ${webhookDeliveries}
      WHERE status = 'pending' AND next_attempt_at <= now()
      ORDER BY next_attempt_at, id
      LIMIT ${limit}
      FOR UPDATE SKIP LOCKED
    )
    UPDATE ${webhookDeliveries} AS d
    SET attempts = d.attempts + 1, next_attempt_at = ${msFromNow(leaseMs)}, last_attempt_at = now()
    FROM due WHERE d.id = due.id
    RETURNING d.id`)) as unknown as { rows: Array<{ id: string }> };
  const ids = claimed.rows.map((r) => r.id);
  if (ids.length === 0) return [];
  return db
    .select({ delivery: webhookDeliveries, endpoint: webhookEndpoints })
    .from(webhookDeliveries)
    .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointId))
    .where(inArray(webhookDeliveries.id, ids));
}

type Outcome =
  | { kind: "delivered"; status: number }
  | { kind: "retry"; status: number | null; error: string; retryAfterMs: number | null }
  | { kind: "give_up"; status: number | null; error: string; disableEndpoint?: boolean };

/** Seconds or an HTTP date, as milliseconds from now; null when absent or unreadable. */
function retryAfterMs(header: string | null): number | null {
  if (!header) return null;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(0, at - Date.now());
}

/** The secrets that sign now: the current one, and the one rotated out while its grace period lasts. */
const signingSecrets = (e: WebhookEndpoint) =>
  e.previousSecret && e.previousSecretExpiresAt && e.previousSecretExpiresAt.getTime() > Date.now() ? [e.secret, e.previousSecret] : [e.secret];

/**
 * POSTs one claimed delivery with Standard Webhooks headers, after checking that the URL's host still resolves only
 * to public addresses (the check resolves DNS just before connecting; a refusal is a failed attempt, retried). Any
 * non-2xx (redirects too) is a failed attempt.
 */
async function attempt({ delivery, endpoint }: ClaimedDelivery, opts: Resolved): Promise<Outcome> {
  if (!endpoint.enabled) return { kind: "give_up", status: null, error: "endpoint disabled" };
  const verdict = await checkWebhookUrl(endpoint.url, { allowInsecure: opts.allowInsecureUrls, resolveHost: opts.resolveHost });
  if (!verdict.ok) return { kind: "retry", status: null, error: `refused: ${verdict.reason}`.slice(0, ERROR_CHARS), retryAfterMs: null };
  const timeoutMs = opts.timeoutMs;
  const body = JSON.stringify(delivery.payload);
  const timestamp = Math.floor(Date.now() / 1000);
  try {
    const res = await fetch(endpoint.url, {
      method: "POST",
      body,
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
      headers: {
        "content-type": "application/json",
        "user-agent": "Thinktime-Webhooks/1.0",
        ...(await webhookHeaders(signingSecrets(endpoint), delivery.eventId, timestamp, body)),
      },
    });
    await res.body?.cancel().catch(() => {});
    if (res.status >= 200 && res.status < 300) return { kind: "delivered", status: res.status };
    const error = `HTTP ${res.status}`;
    if (res.status === 410) return { kind: "give_up", status: 410, error: "410 Gone: endpoint disabled", disableEndpoint: true };
    return { kind: "retry", status: res.status, error, retryAfterMs: retryAfterMs(res.headers.get("retry-after")) };
  } catch (err) {
    const e = err as Error;
    const error = e.name === "TimeoutError" ? `timed out after ${timeoutMs} ms` : `${e.name}: ${e.message}${e.cause ? ` (${(e.cause as Error).message ?? e.cause})` : ""}`;
    return { kind: "retry", status: null, error: error.slice(0, ERROR_CHARS), retryAfterMs: null };
  }
}

/** The wait before attempt `attempts + 1`: exponential with "equal jitter" (half fixed, half random), capped. */
export function backoffMs(attempts: number, opts: { baseDelayMs: number; maxDelayMs: number }, random = Math.random): number {
  const exp = Math.min(opts.maxDelayMs, opts.baseDelayMs * BACKOFF_FACTOR ** Math.max(0, attempts - 1));
  return Math.round(exp / 2 + random() * (exp / 2));
}

/**
 * Writes an attempt's outcome, only if this claim is still the latest (a lapsed, re-claimed row is left alone), and
 * what it says about the endpoint's health: a success ends its run of failures, a long enough run disables it.
 */
async function record(db: Database, { delivery }: ClaimedDelivery, outcome: Outcome, opts: Resolved): Promise<keyof DeliveryReport> {
  const current = and(
    eq(webhookDeliveries.id, delivery.id),
    eq(webhookDeliveries.status, "pending"),
    eq(webhookDeliveries.attempts, delivery.attempts),
  );
  if (outcome.kind === "delivered") {
    await db
      .update(webhookDeliveries)
      .set({ status: "delivered", deliveredAt: sql`now()`, lastStatusCode: outcome.status, lastError: null })
      .where(current);
    await noteEndpointSuccess(db, delivery.endpointId);
    return "delivered";
  }
  // A failure of a live endpoint (not a 410, handled below) extends its run of failures, which may disable it.
  const counts = outcome.kind === "retry" || (outcome.kind === "give_up" && !outcome.disableEndpoint && outcome.error !== "endpoint disabled");
  const disabled = counts && (await noteEndpointFailure(db, delivery.endpointId, outcome.error, opts.disableAfterMs));
  if (outcome.kind === "give_up" || disabled || delivery.attempts >= opts.maxAttempts) {
    await db.transaction(async (tx) => {
      await tx
        .update(webhookDeliveries)
        .set({ status: "failed", lastStatusCode: outcome.status, lastError: outcome.error })
        .where(current);
      if (outcome.kind === "give_up" && outcome.disableEndpoint) await disableEndpoint(tx, delivery.endpointId, "gone", outcome.error);
    });
    return "failed";
  }
  const wait = Math.min(opts.maxDelayMs, Math.max(backoffMs(delivery.attempts, opts), outcome.retryAfterMs ?? 0));
  await db
    .update(webhookDeliveries)
    .set({ nextAttemptAt: msFromNow(wait), lastStatusCode: outcome.status, lastError: outcome.error })
    .where(current);
  return "retried";
}

/** One dispatcher pass: claims a batch of due deliveries and attempts them concurrently. */
export async function deliverDueWebhooks(db: Database, options: DeliveryOptions = {}): Promise<DeliveryReport> {
  const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  const opts: Resolved = { ...DEFAULTS, ...given };
  // The lease outlasts the attempt, so no other dispatcher retries a row while its POST may still be in flight.
  const claimed = await claimDueDeliveries(db, { limit: opts.batchSize, leaseMs: opts.timeoutMs * 2 + 30_000 });
  const report: DeliveryReport = { claimed: claimed.length, delivered: 0, retried: 0, failed: 0 };
  await Promise.all(
    claimed.map(async (c) => {
      report[await record(db, c, await attempt(c, opts), opts)]++;
    }),
  );
  return report;
}
