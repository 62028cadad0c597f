// Starts the verifier in-process (for main.ts, the demo and end-to-end tests): load the models, serve, close cleanly.
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { serve } from "@hono/node-server";
import { newApp } from "./app.js";
import { Metrics } from "./metrics.js";
import { loadVerifiers, type LoadVerifiersOptions } from "./verifiers/load.js";
import type { VerifierRegistry } from "./verifiers/registry.js";

export interface StartVerifierOptions extends LoadVerifiersOptions {
  /** 0 picks a free port; the chosen one is in the returned url. */
  port: number;
  host: string;
  token: string;
  /** A scoring request unanswered after this long gets 503 `timeout` (default 30 s). */
  requestTimeoutMs?: number;
  /** How long close() waits for in-flight requests before cutting connections (default 10 s). */
  shutdownTimeoutMs?: number;
}

export interface RunningVerifier {
  /** Base URL, e.g. http://127.0.0.1:8788 */
  url: string;
  verifiers: VerifierRegistry;
  metrics: Metrics;
  /** Stops accepting connections, lets in-flight requests and their batches finish, then releases the models. Idempotent. */
  close(): Promise<void>;
}

/** Listens first (so /healthz answers and /readyz says 503 while loading), then resolves once the models are loaded. */
export async function startVerifier(options: StartVerifierOptions): Promise<RunningVerifier> {
  const metrics = new Metrics();
  const verifiers = loadVerifiers(options, metrics);
  const app = newApp({ verifiers, token: options.token, metrics, requestTimeoutMs: options.requestTimeoutMs });

  const { server, address } = await new Promise<{ server: Server; address: AddressInfo }>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: options.port, hostname: options.host }, (info) =>
      resolve({ server: s as Server, address: info }),
    ) as Server;
    s.once("error", reject);
  });
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      await stopServer(server, options.shutdownTimeoutMs ?? 10_000);
      await verifiers.close();
    })());

  try {
    await verifiers.loaded;
  } catch (err) {
    await close();
    throw err;
  }
  return { url, verifiers, metrics, close };
}

/** server.close() stops accepting and waits for in-flight requests; idle keep-alive sockets are closed as they appear. */
function stopServer(server: Server, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const sweep = setInterval(() => server.closeIdleConnections(), 50);
    const force = setTimeout(() => server.closeAllConnections(), timeoutMs);
    server.close(() => {
      clearInterval(sweep);
      clearTimeout(force);
      resolve();
    });
    server.closeIdleConnections();
  });
}
