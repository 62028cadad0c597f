// @thinktime/sdk: a typed client for the Thinktime REST API, its responses checked against core's schemas.
export type { CreateJobRequest, JobList, JobResource, JobSummary, Problem } from "@thinktime/core/api/jobs";
export type { InvoiceList, InvoiceResource } from "@thinktime/core/api/invoices";
export type { CreatedKeyResource, KeyList, KeyResource } from "@thinktime/core/api/keys";
export type { CreditUsageResource } from "@thinktime/core/api/tenants";
export { Thinktime, type ThinktimeOptions } from "./client.js";
export { ThinktimeError, type ProblemDetails } from "./errors.js";
export type { FetchLike } from "./http.js";
export type { CreateJobInput, CreateJobOptions, EventsOptions, JobEvent, ListJobsOptions, WaitOptions } from "./jobs.js";
export { JobProgress } from "./progress.js";
export { readEvents, type SseMessage } from "./sse.js";
