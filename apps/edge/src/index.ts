// Public surface of @thinktime/edge that runs anywhere; the Node server is `@thinktime/edge/node`.
export { newApp, MAX_BODY_BYTES } from "./app.js";
export { ERROR_CODES, ApiError, type ErrorCode } from "./errors.js";
export type { App, HonoEnv, Services } from "./hono.js";
export type { ServicesSource } from "./middleware/services.js";
