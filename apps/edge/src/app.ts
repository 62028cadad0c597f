// newApp(): the one factory that assembles the edge's Hono app (middleware, routes, errors, OpenAPI doc).
import { OpenAPIHono } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import { ApiError } from "./errors.js";
import type { App, HonoEnv } from "./hono.js";
import { fieldErrors, handleError, handleNotFound } from "./lib/error-handler.js";
import { requestId } from "./middleware/request-id.js";
import { services, type ServicesSource } from "./middleware/services.js";
import { registerDocs } from "./routes/docs/get.js";
import { registerHealthz } from "./routes/healthz.js";
import { registerCreateChatCompletion } from "./routes/v1/chat/completions/create.js";
import { registerCancelJob } from "./routes/v1/jobs/cancel.js";
import { registerCreateJobBatch } from "./routes/v1/jobs/batch.js";
import { registerCreateJob } from "./routes/v1/jobs/create.js";
import { registerJobEvents } from "./routes/v1/jobs/events.js";
import { registerGetJob } from "./routes/v1/jobs/get.js";
import { registerListJobs } from "./routes/v1/jobs/list.js";
import { registerCreateKey } from "./routes/v1/keys/create.js";
import { registerListKeys } from "./routes/v1/keys/list.js";
import { registerListModels } from "./routes/v1/models/list.js";
import { registerRevokeKey } from "./routes/v1/keys/revoke.js";
import { registerRotateKey } from "./routes/v1/keys/rotate.js";
import { registerGetUsage } from "./routes/v1/usage/get.js";
import { registerCreateWebhook } from "./routes/v1/webhooks/create.js";
import { registerDeleteWebhook } from "./routes/v1/webhooks/delete.js";
import { registerEnableWebhook } from "./routes/v1/webhooks/enable.js";
import { registerListDeliveries } from "./routes/v1/webhooks/deliveries.js";
import { registerListWebhooks } from "./routes/v1/webhooks/list.js";
import { registerGetWebhook } from "./routes/v1/webhooks/get.js";
import { registerReplayDelivery } from "./routes/v1/webhooks/replay.js";
import { registerRotateWebhookSecret } from "./routes/v1/webhooks/rotate.js";
import { registerGetInvoice } from "./routes/v1/invoices/get.js";
import { registerListInvoices } from "./routes/v1/invoices/list.js";
import { registerAdminFinalizeInvoice } from "./routes/admin/invoices/finalize.js";
import { registerAdminCreatePrice } from "./routes/admin/prices/create.js";
import { registerAdminListPrices } from "./routes/admin/prices/list.js";
import { registerAdminCreateKey } from "./routes/admin/keys/create.js";
import { registerAdminListKeys } from "./routes/admin/keys/list.js";
import { registerAdminRevokeKey } from "./routes/admin/keys/revoke.js";
import { registerAdminCreateTenant } from "./routes/admin/tenants/create.js";
import { registerAdminGetTenant } from "./routes/admin/tenants/get.js";
import { registerAdminListTenants } from "./routes/admin/tenants/list.js";
import { registerAdminUpdateQuotas } from "./routes/admin/tenants/quotas.js";
import { registerAdminUsage } from "./routes/admin/usage/list.js";

/** Request bodies above this are refused (413) before they are parsed. */
export const MAX_BODY_BYTES = 64 * 1024;

export function newApp(source: ServicesSource): App {
  const app = new OpenAPIHono<HonoEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        throw new ApiError("validation_failed", "The request is invalid.", fieldErrors(result.error, result.target));
      }
    },
  });
  app.onError(handleError);
  app.notFound(handleNotFound);

  app.use("*", requestId());
  app.use("*", services(source));
  const limitBody = bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: () => {
      throw new ApiError("payload_too_large", `Request bodies are limited to ${MAX_BODY_BYTES} bytes.`);
    },
  });
  app.use("/v1/*", limitBody);
  app.use("/admin/*", limitBody);

  registerHealthz(app);
  registerDocs(app);
  registerCreateJobBatch(app);
  registerCreateJob(app);
  registerListJobs(app);
  registerGetJob(app);
  registerJobEvents(app);
  registerCancelJob(app);
  registerCreateKey(app);
  registerListKeys(app);
  registerRevokeKey(app);
  registerRotateKey(app);
  registerGetUsage(app);
  registerCreateWebhook(app);
  registerListWebhooks(app);
  registerDeleteWebhook(app);
  registerListDeliveries(app);
  registerGetWebhook(app);
  registerRotateWebhookSecret(app);
  registerEnableWebhook(app);
  registerReplayDelivery(app);
  registerListInvoices(app);
  registerGetInvoice(app);
  registerListModels(app);
  registerCreateChatCompletion(app);
  registerAdminCreateTenant(app);
  registerAdminListTenants(app);
  registerAdminGetTenant(app);
  registerAdminUpdateQuotas(app);
  registerAdminCreateKey(app);
  registerAdminListKeys(app);
  registerAdminRevokeKey(app);
  registerAdminUsage(app);
  registerAdminListPrices(app);
  registerAdminCreatePrice(app);
  registerAdminFinalizeInvoice(app);

  app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", {
    type: "http",
    scheme: "bearer",
    description: "An API key: `Authorization: Bearer tt_…`",
  });
  app.doc31("/openapi.json", {
    openapi: "3.1.0",
    info: { title: "Thinktime API", version: "1.0.0", description: "Test-time compute for math questions." },
  });
  return app;
}
