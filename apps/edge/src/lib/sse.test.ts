// eventStream over real HTTP: the SSE wire format, failures that end the stream quietly, and a client leaving mid-stream.
import type { Database, HotPath } from "@thinktime/db";
import { Hono } from "hono";
import { afterEach, describe, expect, it } from "vitest";
import { readSse } from "../../test/sse.js";
import type { HonoEnv } from "../hono.js";
import { requestId } from "../middleware/request-id.js";
import { serveNode } from "./serve-node.js";
import { abortableSleep, type EventStream, eventStream } from "./sse.js";

/** An app with one streaming route running `produce`; `held` collects what the route asked services to hold open. */
async function serveStream(produce: (s: EventStream) => Promise<void>) {
  const held: Promise<unknown>[] = [];
  const app = new Hono<HonoEnv>();
  app.use("*", requestId());
  app.use("*", async (c, next) => {
    // This route never touches the database; only holdOpen is used.
    c.set("services", { db: null as unknown as Database, hotPath: null as unknown as HotPath, holdOpen: (p) => void held.push(p) });
    await next();
  });
  app.get("/events", (c) => eventStream(c, produce));
  const server = await serveNode(app.fetch);
  return { url: `http://127.0.0.1:${server.port}/events`, held, close: server.close };
}

describe("eventStream", () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    close = undefined;
  });

  it("writes events (JSON unless a string) and comments, then ends", async () => {
    const s = await serveStream(async (stream) => {
      await stream.comment("hello\nworld");
      await stream.send({ event: "progress", id: "p1", retry: 1500, data: { a: 1 } });
      await stream.send({ data: "[DONE]" });
    });
    close = s.close;
    const res = await fetch(s.url);
    expect(res.headers.get("content-type")).toBe("text/event-stream");
    expect(res.headers.get("cache-control")).toBe("no-cache");
    expect(res.headers.get("x-request-id")).toMatch(/^req_/);
    const read = await readSse(res);
    expect(read).toEqual({
      ended: true,
      comments: ["hello world"],
      events: [
        { event: "progress", id: "p1", retry: 1500, data: '{"a":1}' },
        { data: "[DONE]" },
      ],
    });
    await expect(Promise.all(s.held)).resolves.toHaveLength(1);
  });

  it("a failure inside ends the stream without sending it, and is logged", async () => {
    const s = await serveStream(async (stream) => {
      await stream.send({ data: "one" });
      throw new Error("secret database detail");
    });
    close = s.close;
    const logged: unknown[] = [];
    const orig = console.error;
    console.error = (...args: unknown[]) => void logged.push(args);
    try {
      const res = await fetch(s.url);
      const text = await res.text();
      expect(text).toBe("data: one\n\n");
    } finally {
      console.error = orig;
    }
    expect(JSON.stringify(logged)).toContain("event stream failed");
  });

  it("a client leaving mid-stream aborts the producer promptly, and what it held is released", async () => {
    let ended: ((at: number) => void) | undefined;
    const endedAt = new Promise<number>((r) => (ended = r));
    const s = await serveStream(async (stream) => {
      await stream.send({ data: "first" });
      while (!stream.signal.aborted) await stream.sleep(60_000);
      ended?.(Date.now());
    });
    close = s.close;
    const client = new AbortController();
    const res = await fetch(s.url, { signal: client.signal });
    const reader = res.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe("data: first\n\n");
    const leftAt = Date.now();
    client.abort();
    expect((await endedAt) - leftAt).toBeLessThan(2_000);
    await expect(Promise.all(s.held)).resolves.toHaveLength(1);
  });
});

describe("abortableSleep", () => {
  it("wakes on abort, and at once when already aborted", async () => {
    const ac = new AbortController();
    const started = Date.now();
    setTimeout(() => ac.abort(), 20);
    await abortableSleep(10_000, ac.signal);
    await abortableSleep(10_000, ac.signal);
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
