// @thinktime/db: schema, client factory and the queries every service shares. Node-only parts live in ./migrate.
export * from "./client.js";
export * as schema from "./schema.js";
export * from "./schema.js";
export * from "./keys.js";
export * from "./queue.js";
export * from "./credits.js";
export * from "./ratelimit.js";
export * from "./submit.js";
export * from "./tenants.js";
export * from "./webhooks.js";
export * from "./webhook-delivery.js";
export * from "./webhook-signature.js";
