// Closed-loop HTTP load for bench/api.ts, run in a worker thread so the clients do not share the server's event loop.
import { Agent, request } from "node:http";
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
  requests: number;
  concurrency: number;
}

export interface LoadResult {
  requests: number;
  seconds: number;
  latenciesMs: number[];
}

/** One POST over a keep-alive agent; resolves with the status once the body is read. */
function post(agent: Agent, t: LoadTarget): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: "127.0.0.1",
        port: t.port,
        path: t.path,
        method: "POST",
        headers: { ...t.headers, "content-type": "application/json", "content-length": Buffer.byteLength(t.body) },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(t.body);
  });
}

/** `requests` POSTs from `concurrency` clients, each sending its next request when its last one is answered. */
export async function load({ target, requests, concurrency }: LoadJob): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const latenciesMs: number[] = [];
  let issued = 0;
  const client = async () => {
    while (issued < requests) {
      issued++;
      const start = performance.now();
      const status = await post(agent, target);
      latenciesMs.push(performance.now() - start);
      if (status !== target.expect) throw new Error(`${target.path}: status ${status}, expected ${target.expect}`);
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: Math.min(concurrency, requests) }, client));
  const seconds = (performance.now() - start) / 1000;
  agent.destroy();
  return { requests, seconds, latenciesMs };
}

if (parentPort && workerData) {
  const port = parentPort;
  load(workerData as LoadJob).then(
    (r) => port.postMessage({ ok: true, result: r }),
    (err: unknown) => port.postMessage({ ok: false, error: String(err) }),
  );
}
