// GET /healthz: liveness; the process is up and serving HTTP, whether or not the model has loaded.
import type { Handler } from "hono";
import type { AppEnv } from "../context.js";

export const getHealthz: Handler<AppEnv> = (c) => c.json({ status: "ok" });
