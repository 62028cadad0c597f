// A Server-Sent Events reader as EventSource parses them: event/data/id/retry fields, comment lines, CRLF or LF.
export interface SseMessage {
  event: string;
  data: string;
  id?: string;
  retry?: number;
}

/** Yields each dispatched event of a text/event-stream body; comments (heartbeats) go to `onComment`. */
export async function* readEvents(body: ReadableStream<Uint8Array>, onComment?: (text: string) => void): AsyncGenerator<SseMessage> {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  let data: string[] = [];
  let event = "";
  let id: string | undefined;
  let retry: number | undefined;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      buffer += value;
      let nl = buffer.search(/\r\n|\r|\n/);
      while (nl >= 0) {
        // A lone \r at the end may be the first half of \r\n: wait for more.
        if (buffer[nl] === "\r" && nl === buffer.length - 1) break;
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + (buffer.startsWith("\r\n", nl) ? 2 : 1));
        if (line === "") {
          if (data.length > 0) yield { event: event || "message", data: data.join("\n"), ...(id !== undefined ? { id } : {}), ...(retry !== undefined ? { retry } : {}) };
          [data, event, retry] = [[], "", undefined];
        } else if (line.startsWith(":")) {
          onComment?.(line.slice(1).trim());
        } else {
          const colon = line.indexOf(":");
          const field = colon < 0 ? line : line.slice(0, colon);
          const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
          if (field === "data") data.push(value);
          else if (field === "event") event = value;
          else if (field === "id" && !value.includes("\u0000")) id = value;
          else if (field === "retry" && /^\d+$/.test(value)) retry = Number(value);
        }
        nl = buffer.search(/\r\n|\r|\n/);
      }
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}
