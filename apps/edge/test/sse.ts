// Reads a text/event-stream body in tests the way EventSource does: events (event, id, data, retry) and comment lines.
export interface SseEvent {
  event?: string;
  id?: string;
  retry?: number;
  data: string;
}

export interface SseRead {
  events: SseEvent[];
  comments: string[];
  /** The server closed the stream (rather than `until` stopping the read). */
  ended: boolean;
}

function parseBlock(block: string, out: SseRead): SseEvent | null {
  const data: string[] = [];
  const event: Partial<SseEvent> = {};
  for (const line of block.split("\n")) {
    if (line.startsWith(":")) {
      out.comments.push(line.slice(1).trim());
      continue;
    }
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
    if (field === "data") data.push(value);
    else if (field === "event") event.event = value;
    else if (field === "id") event.id = value;
    else if (field === "retry") event.retry = Number(value);
  }
  if (data.length === 0 && event.event === undefined) return null;
  return { ...event, data: data.join("\n") };
}

/** Reads events until `until` says stop (then cancels the body) or the server ends the stream; fails after `timeoutMs`. */
export async function readSse(res: Response, until?: (e: SseEvent) => boolean, timeoutMs = 30_000): Promise<SseRead> {
  if (!res.body) throw new Error("no body");
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  const out: SseRead = { events: [], comments: [], ended: false };
  let buffer = "";
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    void reader.cancel();
  }, timeoutMs);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        if (timedOut) throw new Error(`readSse: no end within ${timeoutMs} ms; read ${JSON.stringify(out)}`);
        out.ended = true;
        return out;
      }
      buffer += decoder.decode(value, { stream: true }).replace(/\r\n?/g, "\n");
      let cut = buffer.indexOf("\n\n");
      while (cut >= 0) {
        const e = parseBlock(buffer.slice(0, cut), out);
        buffer = buffer.slice(cut + 2);
        if (e) {
          out.events.push(e);
          if (until?.(e)) {
            await reader.cancel();
            return out;
          }
        }
        cut = buffer.indexOf("\n\n");
      }
    }
  } finally {
    clearTimeout(timer);
  }
}

export const json = <T = Record<string, unknown>>(e: SseEvent): T => JSON.parse(e.data) as T;
