// Server-Sent Events responses that keep reading the database after the handler returns: abortable and error-safe.
import type { Context } from "hono";
import { streamSSE } from "hono/streaming";
import type { HonoEnv } from "../hono.js";

export interface EventStream {
  /** Aborted when the client goes away: stop polling. */
  readonly signal: AbortSignal;
  /** One event; `data` is sent as JSON unless it is a string. */
  send(message: { event?: string; id?: string; retry?: number; data: unknown }): Promise<void>;
  /** A comment line (heartbeats): clients ignore it, proxies see traffic. */
  comment(text: string): Promise<void>;
  /** Waits `ms`, or less if the client goes away. */
  sleep(ms: number): Promise<void>;
}

export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const wake = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", wake);
      resolve();
    };
    const timer = setTimeout(wake, ms);
    signal.addEventListener("abort", wake, { once: true });
  });
}

/**
 * Answers with `text/event-stream` and runs `produce` while the client listens. A failure inside is logged, never sent
 * (the stream just ends); a per-request database (Workers) stays open until `produce` is done.
 */
export function eventStream(c: Context<HonoEnv>, produce: (stream: EventStream) => Promise<void>): Response {
  let finished!: () => void;
  const done = new Promise<void>((resolve) => (finished = resolve));
  c.get("services").holdOpen?.(done);
  c.header("x-accel-buffering", "no");
  return streamSSE(c, async (sse) => {
    const aborted = new AbortController();
    sse.onAbort(() => aborted.abort());
    const stream: EventStream = {
      signal: aborted.signal,
      send: ({ data, ...rest }) => sse.writeSSE({ ...rest, data: typeof data === "string" ? data : JSON.stringify(data) }),
      comment: (text) => sse.write(`: ${text.replace(/[\r\n]+/g, " ")}\n\n`).then(() => {}),
      sleep: (ms) => abortableSleep(ms, aborted.signal),
    };
    try {
      await produce(stream);
    } catch (err) {
      if (!aborted.signal.aborted) console.error(`[edge] ${c.get("requestId")} event stream failed`, err);
    } finally {
      finished();
    }
  });
}
