// Starts Debian's websockify in front of Postgres so tests can drive the Neon serverless driver against it.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { connect, createServer } from "node:net";
import { testDatabaseUrl } from "./testing.js";

export interface WsProxy {
  /** host:port to pass as createDb({ driver: "neon", wsProxy }). */
  address: string;
  port: number;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, "close");
  return port;
}

const canConnect = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => {
      socket.destroy();
      resolve(false);
    });
  });

/** Spawns `websockify 127.0.0.1:<free port> <target>` (target defaults to TEST_DATABASE_URL's host:port). */
export async function startWebsockify(
  opts: { target?: string; bin?: string; timeoutMs?: number } = {},
): Promise<WsProxy> {
  const db = new URL(testDatabaseUrl());
  const target = opts.target ?? `${db.hostname}:${db.port || 5432}`;
  const port = await freePort();
  const child = spawn(opts.bin ?? "websockify", [`127.0.0.1:${port}`, target], {
    stdio: ["ignore", "pipe", "pipe"],
    detached: true, // own process group: stop() also ends the per-connection children it forks
  });
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  let exited = false;
  const exit = once(child, "exit").then(() => (exited = true));
  const spawnError = once(child, "error").then(([err]) => err as Error);

  const stop = async () => {
    if (exited) return;
    try {
      process.kill(-child.pid!, "SIGTERM");
    } catch {}
    const killer = setTimeout(() => {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {}
    }, 2000);
    await exit;
    clearTimeout(killer);
  };

  const deadline = Date.now() + (opts.timeoutMs ?? 10_000);
  for (;;) {
    const failed = await Promise.race([spawnError, new Promise<null>((r) => setTimeout(() => r(null), 50))]);
    if (failed) throw new Error(`could not start websockify (${opts.bin ?? "websockify"}): ${failed.message}`);
    if (exited) throw new Error(`websockify exited before listening on ${port}:\n${output}`);
    if (await canConnect(port)) return { address: `127.0.0.1:${port}`, port, stop };
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`websockify did not listen on ${port} within ${opts.timeoutMs ?? 10_000} ms:\n${output}`);
    }
  }
}
