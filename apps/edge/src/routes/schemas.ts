// OpenAPI-named response schemas (shapes live in @thinktime/core) and the problem responses each route can return.
import { z } from "@hono/zod-openapi";
import { CreateJobRequest, JobList, JobResource, JobSummary, LIMITS, Problem } from "@thinktime/core";
import { CreatedKeyResource, CreateKeyRequest, KeyList, KeyResource, RotateKeyRequest } from "@thinktime/core/api/keys";
import {
  CreateTenantRequest, CreditUsageList, CreditUsageResource, TenantList, TenantResource, UpdateQuotasRequest,
} from "@thinktime/core/api/tenants";
import {
  CreatedWebhookResource, CreateWebhookRequest, DeletedWebhookResource, WebhookDeliveryList, WebhookDeliveryResource,
  WebhookList, WebhookResource,
} from "@thinktime/core/api/webhooks";
import { ERROR_CODES, type ErrorCode } from "../errors.js";
import { PROBLEM_CONTENT_TYPE } from "../lib/problem.js";

/**
 * Names a core schema as an OpenAPI component. Zod 4 gives a schema its methods when it is built, so schemas
 * built before @hono/zod-openapi extended zod lack `.openapi()`; a clone made now has it.
 */
export const named = <T extends z.ZodType>(schema: T, name: string): T => schema.clone().openapi(name) as T;

/** Postgres text cannot hold NUL, so such a question is refused here (400) rather than failing the insert (500). */
export const CreateJobBody = named(
  CreateJobRequest.refine((r) => !r.question.includes("\u0000"), { path: ["question"], message: "question must not contain NUL characters" }),
  "CreateJobRequest",
);
export const JobSchema = named(JobResource, "Job");
export const JobSummarySchema = named(JobSummary, "JobSummary");
export const JobListSchema = named(JobList.extend({ data: z.array(JobSummarySchema) }), "JobList");
export const ProblemSchema = named(Problem, "Problem");
export const CreateKeyBody = named(CreateKeyRequest, "CreateKeyRequest");
export const RotateKeyBody = named(RotateKeyRequest, "RotateKeyRequest");
export const KeySchema = named(KeyResource, "ApiKey");
export const CreatedKeySchema = named(CreatedKeyResource, "CreatedApiKey");
export const KeyListSchema = named(KeyList.extend({ data: z.array(KeySchema) }), "ApiKeyList");
export const CreateTenantBody = named(CreateTenantRequest, "CreateTenantRequest");
export const UpdateQuotasBody = named(UpdateQuotasRequest, "UpdateQuotasRequest");
export const TenantSchema = named(TenantResource, "Tenant");
export const TenantListSchema = named(TenantList.extend({ data: z.array(TenantSchema) }), "TenantList");
export const CreditUsageSchema = named(CreditUsageResource, "CreditUsage");
export const CreditUsageListSchema = named(CreditUsageList.extend({ data: z.array(CreditUsageSchema) }), "CreditUsageList");

export const CreateWebhookBody = named(CreateWebhookRequest, "CreateWebhookRequest");
export const WebhookSchema = named(WebhookResource, "WebhookEndpoint");
export const CreatedWebhookSchema = named(CreatedWebhookResource, "CreatedWebhookEndpoint");
export const WebhookListSchema = named(WebhookList.extend({ data: z.array(WebhookSchema) }), "WebhookEndpointList");
export const DeletedWebhookSchema = named(DeletedWebhookResource, "DeletedWebhookEndpoint");
export const WebhookDeliverySchema = named(WebhookDeliveryResource, "WebhookDelivery");
export const WebhookDeliveryListSchema = named(
  WebhookDeliveryList.extend({ data: z.array(WebhookDeliverySchema) }),
  "WebhookDeliveryList",
);

export const KeyIdParam = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "id", in: "path" }, example: "key_01jc5x3v7m2k8q9r4t6w8y0z2a4c" }),
});

export const TenantIdParam = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "id", in: "path" }, example: "ten_01jc5x3v7m2k8q9r4t6w8y0z2a4c" }),
});

export const JobIdParam = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "id", in: "path" }, example: "job_01jc5x3v7m2k8q9r4t6w8y0z2a4c" }),
});

export const WebhookIdParam = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "id", in: "path" }, example: "whe_01jc5x3v7m2k8q9r4t6w8y0z2a4c" }),
});

export const DeliveryIdParam = WebhookIdParam.extend({
  delivery_id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "delivery_id", in: "path" }, example: "whd_01jc5x3v7m2k8q9r4t6w8y0z2a4c" }),
});

export const DEFAULT_PAGE_SIZE = 20;

/** `?limit=&cursor=` of a cursor-paginated list whose ids start with `prefix` (job, whd, …). */
export function pageQuery(prefix: string) {
  return z.object({
    limit: z
      .string()
      .regex(/^\d{1,4}$/, "limit must be an integer")
      .transform(Number)
      .pipe(z.number().int().min(1).max(LIMITS.pageSize))
      .optional()
      .openapi({ param: { name: "limit", in: "query" }, type: "integer", minimum: 1, maximum: LIMITS.pageSize, default: DEFAULT_PAGE_SIZE }),
    cursor: z
      .string()
      .regex(new RegExp(`^${prefix}_[0-9a-z]{26}$`), "invalid cursor")
      .optional()
      .openapi({ param: { name: "cursor", in: "query" }, description: "next_cursor of the previous page" }),
  });
}

export const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { "application/json": { schema } },
});

/** Problem responses for the given codes, grouped by HTTP status. */
export function problems(...codes: ErrorCode[]) {
  const byStatus: Record<number, ErrorCode[]> = {};
  for (const code of [...codes, "internal" as const]) {
    const status = ERROR_CODES[code].status;
    byStatus[status] = [...(byStatus[status] ?? []), code];
  }
  return Object.fromEntries(
    Object.entries(byStatus).map(([status, cs]) => [
      status,
      { description: `Problem: ${cs.join(", ")}`, content: { [PROBLEM_CONTENT_TYPE]: { schema: ProblemSchema } } },
    ]),
  );
}

/** What any authenticated route can answer: no or bad key, missing scope, rate limited. */
export const AUTH_PROBLEMS: ErrorCode[] = ["unauthorized", "forbidden", "rate_limited"];
export const BEARER = [{ bearerAuth: [] }];
