// The Drizzle schema: Postgres is the single source of truth and the job queue.
import { sql } from "drizzle-orm";
import {
  bigint, boolean, check, doublePrecision, index, integer, jsonb, pgEnum, pgTable, primaryKey, real, text, timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";

const createdAt = () => timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow();

export const tenants = pgTable("tenants", {
  id: text("id").primaryKey(), // ten_…
  name: text("name").notNull(),
  /** Operators run the platform: only their `admin` keys reach /admin. Never settable through the API. */
  operator: boolean("operator").notNull().default(false),
  /** Requests per minute across the tenant's keys; null: unlimited. */
  requestsPerMinute: integer("requests_per_minute"),
  /** Compute credits per calendar month (UTC); null: unlimited. */
  monthlyCredits: bigint("monthly_credits", { mode: "number" }),
  createdAt: createdAt(),
});

export const apiKeys = pgTable(
  "api_keys",
  {
    id: text("id").primaryKey(), // key_…
    tenantId: text("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    name: text("name").notNull().default(""),
    /** SHA-256 (hex) of the full key; the key itself is never stored. */
    hash: text("hash").notNull(),
    /** First characters of the key, for display (`tt_ab12cd`). */
    prefix: text("prefix").notNull(),
    scopes: jsonb("scopes").$type<string[]>().notNull().default(sql`'["jobs:write","jobs:read"]'::jsonb`),
    createdAt: createdAt(),
    expiresAt: timestamp("expires_at", { withTimezone: true, mode: "date" }),
    revokedAt: timestamp("revoked_at", { withTimezone: true, mode: "date" }),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true, mode: "date" }),
  },
  (t) => [uniqueIndex("api_keys_hash_idx").on(t.hash), index("api_keys_tenant_idx").on(t.tenantId)],
);

export const jobStatus = pgEnum("job_status", ["queued", "running", "succeeded", "failed", "canceled"]);

export const jobs = pgTable(
  "jobs",
  {
    id: text("id").primaryKey(), // job_…, time-sortable: the cursor of GET /v1/jobs
    tenantId: text("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    status: jobStatus("status").notNull().default("queued"),
    question: text("question").notNull(),
    strategy: text("strategy").notNull(),
    /** Resolved sampling params (JobParams in @thinktime/core). */
    params: jsonb("params").$type<Record<string, unknown>>().notNull(),
    /** JobResult: the chosen answer and how it was chosen. */
    result: jsonb("result").$type<Record<string, unknown>>(),
    error: jsonb("error").$type<{ code: string; message: string }>(),
    attempts: integer("attempts").notNull().default(0),
    leaseOwner: text("lease_owner"),
    leaseExpiresAt: timestamp("lease_expires_at", { withTimezone: true, mode: "date" }),
    cancelRequested: boolean("cancel_requested").notNull().default(false),
    /** Credits held for this job at submit (its budget) in `creditPeriod`; released when it settles. */
    reservedCredits: bigint("reserved_credits", { mode: "number" }).notNull().default(0),
    /** Credits billed when the job ended (never above `reservedCredits`); null until then. */
    chargedCredits: bigint("charged_credits", { mode: "number" }),
    /** `YYYY-MM` the reservation counts against; null for jobs enqueued without one. */
    creditPeriod: text("credit_period"),
    createdAt: createdAt(),
    startedAt: timestamp("started_at", { withTimezone: true, mode: "date" }),
    finishedAt: timestamp("finished_at", { withTimezone: true, mode: "date" }),
  },
  (t) => [
    index("jobs_tenant_id_idx").on(t.tenantId, t.id),
    index("jobs_claim_idx").on(t.status, t.leaseExpiresAt),
  ],
);

export const candidates = pgTable(
  "candidates",
  {
    id: text("id").primaryKey(), // cand_…
    jobId: text("job_id").notNull().references(() => jobs.id, { onDelete: "cascade" }),
    index: integer("index").notNull(),
    text: text("text").notNull(),
    answer: text("answer"),
    tokens: integer("tokens").notNull(),
    /** Sum of the sampled tokens' log-probabilities. */
    logprob: real("logprob"),
    /** Verifier score (ORM P(correct)), when one was asked for. */
    score: real("score"),
    finishReason: text("finish_reason").notNull(),
    chosen: boolean("chosen").notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("candidates_job_index_idx").on(t.jobId, t.index)],
);

export const usageEvents = pgTable(
  "usage_events",
  {
    id: text("id").primaryKey(), // use_…
    tenantId: text("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    jobId: text("job_id").references(() => jobs.id, { onDelete: "set null" }),
    /** One event per job phase: `${jobId}:${phase}`. A second write of the same phase is a no-op. */
    idempotencyKey: text("idempotency_key").notNull(),
    model: text("model").notNull(),
    strategy: text("strategy").notNull(),
    promptTokens: integer("prompt_tokens").notNull(),
    generatedTokens: integer("generated_tokens").notNull(),
    verifierTokens: integer("verifier_tokens").notNull(),
    flops: doublePrecision("flops").notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("usage_events_idem_idx").on(t.idempotencyKey),
    index("usage_tenant_idx").on(t.tenantId),
    // Invoices sum a tenant's events by month.
    index("usage_tenant_created_idx").on(t.tenantId, t.createdAt),
  ],
);

/** Credits per tenant and month: submits reserve atomically against the tenant's limit; finished jobs settle. */
export const creditLedger = pgTable(
  "credit_ledger",
  {
    tenantId: text("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    period: text("period").notNull(), // YYYY-MM (UTC)
    reserved: bigint("reserved", { mode: "number" }).notNull().default(0),
    spent: bigint("spent", { mode: "number" }).notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.period] }),
    check("credit_ledger_nonnegative", sql`${t.reserved} >= 0 AND ${t.spent} >= 0`),
  ],
);

/** Fixed one-minute windows counting each tenant's requests (only for tenants with a limit). */
export const rateLimitWindows = pgTable(
  "rate_limit_windows",
  {
    tenantId: text("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    windowStart: timestamp("window_start", { withTimezone: true, mode: "date" }).notNull(),
    count: integer("count").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.windowStart] })],
);

/** `Idempotency-Key` of job submits, per tenant: the request's hash and the job (or batch of jobs) it made (kept 24 hours). */
export const idempotencyKeys = pgTable(
  "idempotency_keys",
  {
    tenantId: text("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    key: text("key").notNull(),
    requestHash: text("request_hash").notNull(),
    /** The job a POST /v1/jobs made; for a batch, its first job. */
    jobId: text("job_id").notNull(),
    /** A batch's jobs in the order sent (POST /v1/jobs/batch); null for a single submit. */
    jobIds: jsonb("job_ids").$type<string[]>(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.key] })],
);

/** Where a tenant wants job events POSTed; `secret` (`whsec_…`) signs them, so it is kept (shown once at creation). */
export const webhookEndpoints = pgTable(
  "webhook_endpoints",
  {
    id: text("id").primaryKey(), // whe_…
    tenantId: text("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    url: text("url").notNull(),
    secret: text("secret").notNull(),
    /** Event types delivered here (WEBHOOK_EVENT_TYPES in @thinktime/core/api/webhooks). */
    events: jsonb("events").$type<string[]>().notNull(),
    enabled: boolean("enabled").notNull().default(true),
    createdAt: createdAt(),
    disabledAt: timestamp("disabled_at", { withTimezone: true, mode: "date" }),
    /** After a rotation, the old secret still signs deliveries (a second signature) until this time. */
    previousSecret: text("previous_secret"),
    previousSecretExpiresAt: timestamp("previous_secret_expires_at", { withTimezone: true, mode: "date" }),
    /** Start of the current run of failed attempts (null after a success); too long a run disables the endpoint. */
    failingSince: timestamp("failing_since", { withTimezone: true, mode: "date" }),
    /** The `webhook.endpoint_disabled` event recorded when delivery disabled the endpoint (410 or failing too long). */
    disabledEvent: jsonb("disabled_event").$type<Record<string, unknown>>(),
  },
  (t) => [index("webhook_endpoints_tenant_idx").on(t.tenantId, t.id)],
);

export const webhookDeliveryStatus = pgEnum("webhook_delivery_status", ["pending", "delivered", "failed"]);

/**
 * The transactional outbox: one row per event and endpoint, written in the transaction that made the event happen,
 * then claimed (FOR UPDATE SKIP LOCKED, leased through `next_attempt_at`) and POSTed until delivered or given up.
 */
export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    id: text("id").primaryKey(), // whd_…
    /** Sent as `webhook-id`; the same for every endpoint and every retry of one event. */
    eventId: text("event_id").notNull(),
    /** What happened, e.g. `job_…:job.succeeded`: an event is written once per endpoint even if asked twice. */
    eventKey: text("event_key").notNull(),
    tenantId: text("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    endpointId: text("endpoint_id").notNull().references(() => webhookEndpoints.id, { onDelete: "cascade" }),
    eventType: text("event_type").notNull(),
    /** The event as POSTed: `{id, type, timestamp, data}`. */
    payload: jsonb("payload").$type<Record<string, unknown>>().notNull(),
    status: webhookDeliveryStatus("status").notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    /** When the next attempt is due; while an attempt is in flight, when its claim lapses. */
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
    lastStatusCode: integer("last_status_code"),
    lastError: text("last_error"),
    lastAttemptAt: timestamp("last_attempt_at", { withTimezone: true, mode: "date" }),
    deliveredAt: timestamp("delivered_at", { withTimezone: true, mode: "date" }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("webhook_deliveries_event_idx").on(t.endpointId, t.eventKey),
    index("webhook_deliveries_due_idx").on(t.status, t.nextAttemptAt),
    index("webhook_deliveries_endpoint_idx").on(t.endpointId, t.id),
  ],
);

export type Tenant = typeof tenants.$inferSelect;
export type ApiKey = typeof apiKeys.$inferSelect;
export type Job = typeof jobs.$inferSelect;
export type Candidate = typeof candidates.$inferSelect;
export type UsageEvent = typeof usageEvents.$inferSelect;
export type WebhookEndpoint = typeof webhookEndpoints.$inferSelect;
export type WebhookDelivery = typeof webhookDeliveries.$inferSelect;

/**
 * Compute-optimal policy tables (core's PolicyTable), one row per calibrated version; `strategy: "auto"` plans with
 * the newest active one. The artifact under models/planner/ is the source; the edge and generator load it here.
 */
export const policyTables = pgTable(
  "policy_tables",
  {
    version: text("version").primaryKey(),
    /** The PolicyTable JSON, validated by core before it is written. */
    table: jsonb("table").$type<Record<string, unknown>>().notNull(),
    active: boolean("active").notNull().default(true),
    createdAt: createdAt(),
  },
  (t) => [index("policy_tables_active_idx").on(t.active, t.createdAt)],
);

export const priceCurrency = pgEnum("price_currency", ["credits", "usd"]);

/**
 * The price book: per model, effective-dated versions, never updated in place (a trigger refuses UPDATE), so any
 * month can be recomputed. Amounts are integers in the currency's unit (credits, or USD micro-units) per 1M tokens
 * of each kind and per PFLOP (1M GFLOPs); null: that unit is free.
 */
export const prices = pgTable(
  "prices",
  {
    id: text("id").primaryKey(), // pri_…
    model: text("model").notNull(),
    currency: priceCurrency("currency").notNull(),
    promptTokens: bigint("prompt_tokens", { mode: "number" }),
    generatedTokens: bigint("generated_tokens", { mode: "number" }),
    verifierTokens: bigint("verifier_tokens", { mode: "number" }),
    pflops: bigint("pflops", { mode: "number" }),
    effectiveFrom: timestamp("effective_from", { withTimezone: true, mode: "date" }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("prices_model_effective_idx").on(t.model, t.effectiveFrom),
    check(
      "prices_nonnegative",
      sql`coalesce(${t.promptTokens}, 0) >= 0 AND coalesce(${t.generatedTokens}, 0) >= 0 AND coalesce(${t.verifierTokens}, 0) >= 0 AND coalesce(${t.pflops}, 0) >= 0`,
    ),
  ],
);

/** Finalized invoices: one per tenant and calendar month, frozen with their line items (drafts are computed, not stored). */
export const invoices = pgTable(
  "invoices",
  {
    id: text("id").primaryKey(), // inv_YYYYMM…, derived from tenant and month (a draft has the same id)
    tenantId: text("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    period: text("period").notNull(), // YYYY-MM (UTC)
    totalCredits: bigint("total_credits", { mode: "number" }).notNull(),
    totalUsdMicros: bigint("total_usd_micros", { mode: "number" }).notNull(),
    finalizedAt: timestamp("finalized_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("invoices_tenant_period_idx").on(t.tenantId, t.period)],
);

/** An invoice's lines, one per model × strategy × unit × price version; amount = ceil(quantity × unit_price / 1M). */
export const invoiceLineItems = pgTable(
  "invoice_line_items",
  {
    id: text("id").primaryKey(), // ili_…
    invoiceId: text("invoice_id").notNull().references(() => invoices.id, { onDelete: "cascade" }),
    model: text("model").notNull(),
    strategy: text("strategy").notNull(),
    /** prompt_tokens, generated_tokens, verifier_tokens or gflops. */
    unit: text("unit").notNull(),
    quantity: bigint("quantity", { mode: "number" }).notNull(),
    /** The price version applied; null: the default price (1 credit per token, FLOPs free). */
    priceId: text("price_id"),
    currency: priceCurrency("currency").notNull(),
    unitPrice: bigint("unit_price", { mode: "number" }).notNull(),
    amount: bigint("amount", { mode: "number" }).notNull(),
  },
  (t) => [index("invoice_line_items_invoice_idx").on(t.invoiceId)],
);

export type Price = typeof prices.$inferSelect;
export type Invoice = typeof invoices.$inferSelect;
export type InvoiceLineItem = typeof invoiceLineItems.$inferSelect;
