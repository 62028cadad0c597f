// readEvents parses text/event-stream as EventSource does, however the bytes are split into chunks.
import { describe, expect, it } from "vitest";
import { readEvents, type SseMessage } from "../src/sse.js";

function streamOf(chunks: string[]): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  return new ReadableStream({
    start(c) {
      for (const chunk of chunks) c.enqueue(enc.encode(chunk));
      c.close();
    },
  });
}

async function collect(chunks: string[]): Promise<{ events: SseMessage[]; comments: string[] }> {
  const comments: string[] = [];
  const events: SseMessage[] = [];
  for await (const e of readEvents(streamOf(chunks), (c) => comments.push(c))) events.push(e);
  return { events, comments };
}

const TEXT =
  ": heartbeat\n\nretry: 2000\nevent: progress\nid: queued-1\ndata: {\"a\":1}\n\n" +
  "data: line one\ndata:line two\n\n" +
  ": another comment\nevent: done\r\nid: done\r\ndata: {}\r\n\r\n" +
  "data: never dispatched without a blank line";

describe("readEvents", () => {
  it("reads fields, multi-line data, comments, CRLF, and keeps the last id", async () => {
    const { events, comments } = await collect([TEXT]);
    expect(events).toEqual([
      { event: "progress", id: "queued-1", retry: 2000, data: '{"a":1}' },
      { event: "message", id: "queued-1", data: "line one\nline two" },
      { event: "done", id: "done", data: "{}" },
    ]);
    expect(comments).toEqual(["heartbeat", "another comment"]);
  });

  it("gives the same events when the stream arrives one character at a time", async () => {
    const whole = await collect([TEXT]);
    expect(await collect([...TEXT])).toEqual(whole);
  });
});
