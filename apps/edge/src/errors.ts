// The closed set of API error codes, their HTTP statuses, and the one error class handlers throw.
export const ERROR_CODES = {
  bad_request: { status: 400, title: "Bad request" },
  invalid_json: { status: 400, title: "Malformed JSON" },
  validation_failed: { status: 400, title: "Validation failed" },
  unauthorized: { status: 401, title: "Unauthorized" },
  credits_exhausted: { status: 402, title: "Compute credits exhausted" },
  forbidden: { status: 403, title: "Forbidden" },
  not_found: { status: 404, title: "Not found" },
  method_not_allowed: { status: 405, title: "Method not allowed" },
  conflict: { status: 409, title: "Conflict" },
  payload_too_large: { status: 413, title: "Payload too large" },
  unsupported_media_type: { status: 415, title: "Unsupported media type" },
  idempotency_mismatch: { status: 422, title: "Idempotency key reused" },
  budget_too_small: { status: 422, title: "Budget too small" },
  webhook_url_not_allowed: { status: 422, title: "Webhook URL not allowed" },
  batch_invalid: { status: 422, title: "Invalid jobs in batch" },
  rate_limited: { status: 429, title: "Too many requests" },
  planner_unavailable: { status: 503, title: "Planner unavailable" },
  /** Chat completions: the job they waited for failed or was canceled (a retry would spend again). */
  job_failed: { status: 502, title: "Job failed" },
  /** Chat completions: the job did not finish within the wait; it keeps running (GET /v1/jobs/{id}). */
  job_timeout: { status: 504, title: "Job still running" },
  misconfigured: { status: 500, title: "Service misconfigured" },
  internal: { status: 500, title: "Internal server error" },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface FieldError {
  path: string;
  message: string;
}

export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly errors?: FieldError[];
  /** Extra response headers, e.g. Retry-After on a 429. */
  readonly headers?: Record<string, string>;

  constructor(code: ErrorCode, detail?: string, errors?: FieldError[], headers?: Record<string, string>) {
    super(detail ?? ERROR_CODES[code].title);
    this.name = "ApiError";
    this.code = code;
    this.errors = errors;
    this.headers = headers;
  }

  get status(): number {
    return ERROR_CODES[this.code].status;
  }
}
