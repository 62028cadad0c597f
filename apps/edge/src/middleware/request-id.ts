// Gives every request an id, echoed in the x-request-id header and in every problem body.
import { newId } from "@thinktime/core";
import { createMiddleware } from "hono/factory";
import type { HonoEnv } from "../hono.js";

export const REQUEST_ID_HEADER = "x-request-id";

export const requestId = () =>
  createMiddleware<HonoEnv>(async (c, next) => {
    const id = newId("req");
    c.set("requestId", id);
    c.header(REQUEST_ID_HEADER, id);
    await next();
    if (!c.res.headers.has(REQUEST_ID_HEADER)) {
      try {
        c.res.headers.set(REQUEST_ID_HEADER, id);
      } catch {
        c.res = new Response(c.res.body, c.res);
        c.res.headers.set(REQUEST_ID_HEADER, id);
      }
    }
  });
