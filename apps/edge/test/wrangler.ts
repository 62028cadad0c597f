// Spawns `wrangler dev` (local workerd, nothing remote) for the Worker entry and stops its whole process group.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const EDGE_DIR = fileURLToPath(new URL("..", import.meta.url));

export interface RunningWorker {
  url: string;
  output(): string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, "close");
  return port;
}

/** Starts the worker with `vars` (as --var NAME:value) and resolves once it answers GET /healthz at all. */
export async function startWrangler(vars: Record<string, string>, timeoutMs = 120_000): Promise<RunningWorker> {
  const port = await freePort();
  const scratch = mkdtempSync(join(tmpdir(), "edge-wrangler-"));
  const args = ["exec", "wrangler", "dev", "--port", String(port), "--ip", "127.0.0.1", "--local"];
  args.push("--show-interactive-dev-session=false", "--persist-to", join(scratch, "state"));
  args.push("--test-scheduled"); // GET /__scheduled runs the cron handler (the webhook dispatcher)
  for (const [k, v] of Object.entries(vars)) args.push("--var", `${k}:${v}`);
  const child = spawn("pnpm", args, {
    cwd: EDGE_DIR,
    detached: true, // own process group: stop() also ends workerd
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      CI: "1",
      WRANGLER_SEND_METRICS: "false",
      WRANGLER_SEND_ERROR_REPORTS: "false",
      WRANGLER_HIDE_BANNER: "true", // the banner is what checks npm for updates
      CLOUDFLARE_CF_FETCH_ENABLED: "false", // no fetch of workers.cloudflare.com/cf.json
      DO_NOT_TRACK: "1",
      WRANGLER_LOG_PATH: join(scratch, "logs"),
      XDG_CONFIG_HOME: join(scratch, "config"),
    },
  });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (out += d));
  let exited = false;
  const exit = once(child, "exit").then(() => (exited = true));

  const stop = async () => {
    if (!exited) {
      try {
        process.kill(-child.pid!, "SIGTERM");
      } catch {}
      const killer = setTimeout(() => {
        try {
          process.kill(-child.pid!, "SIGKILL");
        } catch {}
      }, 5000);
      await exit;
      clearTimeout(killer);
    }
    // wrangler's group (workerd, esbuild) can outlive wrangler itself, e.g. when wrangler exits on its own after
    // failing closed, and keep writing into the scratch dir: end the whole group before removing it.
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {}
    try {
      rmSync(scratch, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
    } catch (err) {
      console.warn(`workerd scratch dir left behind: ${scratch} (${err instanceof Error ? err.message : String(err)})`);
    }
  };

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited) {
      await stop();
      throw new Error(`wrangler dev exited early:\n${out}`);
    }
    try {
      await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) });
      return { url, output: () => out, stop };
    } catch {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`wrangler dev did not answer within ${timeoutMs} ms:\n${out}`);
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}
