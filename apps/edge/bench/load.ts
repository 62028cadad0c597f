// Closed-loop HTTP load for bench/api.ts over bare keep-alive sockets, run in a worker thread so the clients do not
// share the server's event loop.
import { connect, type Socket } from "node:net";
import { parentPort, workerData } from "node:worker_threads";

export interface LoadTarget {
  port: number;
  path: string;
  headers: Record<string, string>;
  body: string;
  /** The status every response must have. */
  expect: number;
}

export interface LoadJob {
  target: LoadTarget;
  /** Requests sent first over the same keep-alive connections and not measured (connects, JIT, caches). */
  warmup: number;
  requests: number;
  concurrency: number;
}

export interface LoadResult {
  requests: number;
  seconds: number;
  latenciesMs: number[];
}

/** Where the response at the head of `buf` ends and its status, or null while it is incomplete (Content-Length or
 * chunked framing; the server under test answers keep-alive requests with one or the other). */
export function parseResponse(buf: Buffer): { status: number; end: number } | null {
  const headEnd = buf.indexOf("\r\n\r\n");
  if (headEnd === -1) return null;
  const head = buf.toString("latin1", 0, headEnd);
  const status = Number(head.slice(9, 12));
  const length = /\r\ncontent-length:[ \t]*(\d+)/i.exec(head);
  if (length) {
    const end = headEnd + 4 + Number(length[1]);
    return buf.length >= end ? { status, end } : null;
  }
  if (!/\r\ntransfer-encoding:[ \t]*chunked/i.test(head)) throw new Error(`response without a length: ${head.split("\r\n")[0]}`);
  let at = headEnd + 4;
  for (;;) {
    const lineEnd = buf.indexOf("\r\n", at);
    if (lineEnd === -1) return null;
    const size = Number.parseInt(buf.toString("latin1", at, lineEnd), 16);
    at = lineEnd + 2 + size + 2; // the chunk and its CRLF; after the last (size 0): the CRLF that ends the trailers
    if (buf.length < at) return null;
    if (size === 0) return { status, end: at };
  }
}

/**
 * One keep-alive HTTP/1.1 connection on a bare socket, one request in flight: a load generator as lean as wrk's, so
 * the clients' own work (node:http's client costs more per request than the bare route's server) neither steals the
 * server's CPU nor queues responses in the client's event loop, which would read as server latency.
 */
class Connection {
  private readonly socket: Socket;
  private buf: Buffer = Buffer.alloc(0);
  private waiting: { resolve(status: number): void; reject(err: Error): void } | null = null;

  constructor(port: number) {
    this.socket = connect({ host: "127.0.0.1", port, noDelay: true });
    this.socket.on("data", (chunk) => this.onData(chunk));
    this.socket.on("error", (err) => this.fail(err));
    this.socket.on("close", () => this.fail(new Error("the server closed a keep-alive connection")));
  }

  /** Sends `request` (a whole serialized request) and resolves with the response's status once its body is read. */
  send(request: Buffer): Promise<number> {
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.socket.write(request);
    });
  }

  close(): void {
    this.socket.removeAllListeners("close");
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    let parsed: ReturnType<typeof parseResponse>;
    try {
      parsed = parseResponse(this.buf);
    } catch (err) {
      this.fail(err as Error);
      return;
    }
    if (!parsed) return;
    if (parsed.end !== this.buf.length) {
      this.fail(new Error("bytes after the response to the one request in flight"));
      return;
    }
    this.buf = Buffer.alloc(0);
    const w = this.waiting;
    this.waiting = null;
    w?.resolve(parsed.status);
  }

  private fail(err: Error): void {
    const w = this.waiting;
    this.waiting = null;
    w?.reject(err);
  }
}

/** The target's POST serialized once: every request of a run is these bytes. */
function serialize(t: LoadTarget): Buffer {
  const headers = { ...t.headers, host: `127.0.0.1:${t.port}`, "content-type": "application/json", "content-length": String(Buffer.byteLength(t.body)) };
  const lines = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`);
  return Buffer.from(`POST ${t.path} HTTP/1.1\r\n${lines.join("")}\r\n${t.body}`);
}

/** `requests` POSTs from `concurrency` clients, each sending its next request when its last one is answered, after
 * `warmup` unmeasured ones over the same connections (so the measured ones pay no TCP connect); `onMeasuring` is
 * called between the two. */
export async function load({ target, warmup, requests, concurrency }: LoadJob, onMeasuring?: () => void): Promise<LoadResult> {
  const request = serialize(target);
  const connections = Array.from({ length: concurrency }, () => new Connection(target.port));
  const run = async (count: number) => {
    const latenciesMs: number[] = [];
    let issued = 0;
    const client = async (connection: Connection) => {
      while (issued < count) {
        issued++;
        const start = performance.now();
        const status = await connection.send(request);
        latenciesMs.push(performance.now() - start);
        if (status !== target.expect) throw new Error(`${target.path}: status ${status}, expected ${target.expect}`);
      }
    };
    const start = performance.now();
    await Promise.all(connections.slice(0, count).map(client));
    return { requests: count, seconds: (performance.now() - start) / 1000, latenciesMs };
  };
  try {
    if (warmup > 0) await run(warmup);
    onMeasuring?.();
    return await run(requests);
  } finally {
    for (const c of connections) c.close();
  }
}

if (parentPort && workerData) {
  const port = parentPort;
  load(workerData as LoadJob, () => port.postMessage({ measuring: true })).then(
    (r) => port.postMessage({ ok: true, result: r }),
    (err: unknown) => port.postMessage({ ok: false, error: String(err) }),
  );
}
