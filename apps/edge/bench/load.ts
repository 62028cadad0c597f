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

/** `requests` POSTs from `concurrency` clients, each sending its next request when its last one is answered, after
 * `warmup` unmeasured ones over the same connections (so the measured ones pay no TCP connect); `onMeasuring` is
 * called between the two. */
export async function load({ target, warmup, requests, concurrency }: LoadJob, onMeasuring?: () => void): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const run = async (count: number) => {
    const latenciesMs: number[] = [];
    let issued = 0;
    const client = async () => {
      while (issued < count) {
        issued++;
        const start = performance.now();
        const status = await post(agent, target);
        latenciesMs.push(performance.now() - start);
        if (status !== target.expect) throw new Error(`${target.path}: status ${status}, expected ${target.expect}`);
      }
    };
    const start = performance.now();
    await Promise.all(Array.from({ length: Math.min(concurrency, count) }, client));
    return { requests: count, seconds: (performance.now() - start) / 1000, latenciesMs };
  };
  if (warmup > 0) await run(warmup);
  onMeasuring?.();
  const result = await run(requests);
  agent.destroy();
  return result;
}

if (parentPort && workerData) {
  const port = parentPort;
  load(workerData as LoadJob, () => port.postMessage({ measuring: true })).then(
    (r) => port.postMessage({ ok: true, result: r }),
    (err: unknown) => port.postMessage({ ok: false, error: String(err) }),
  );
}
