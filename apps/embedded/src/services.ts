// Spawns Thinktime's services as real child processes and waits until each one says it is ready.
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

export async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once("error", fail);
    srv.listen(0, "127.0.0.1", () => {
      const address = srv.address();
      const port = typeof address === "object" && address ? address.port : 0;
      srv.close(() => ok(port));
    });
  });
}

export interface Service {
  name: string;
  child: ChildProcess;
  /** Everything the process printed, for error reports. */
  output(): string;
  stop(): Promise<void>;
}

export interface SpawnOptions {
  name: string;
  /** A TypeScript entry point, relative to the repo root; run with Node and tsx. */
  script: string;
  env: Record<string, string>;
  /** Resolves once the service is ready; rejects to abort. */
  ready: (service: Service) => Promise<void>;
  /** Echo the service's output with a `[name]` prefix. */
  echo?: boolean;
  readyTimeoutMs?: number;
}

export async function spawnService(opts: SpawnOptions): Promise<Service> {
  const child = spawn(process.execPath, ["--import", "tsx", resolve(REPO_ROOT, opts.script)], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...opts.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  const onData = (chunk: Buffer) => {
    const text = chunk.toString();
    log += text;
    if (log.length > 200_000) log = log.slice(-100_000);
    if (opts.echo) for (const line of text.split("\n")) if (line.trim()) process.stderr.write(`[${opts.name}] ${line}\n`);
  };
  child.stdout?.on("data", onData);
  child.stderr?.on("data", onData);
  const exited = new Promise<number | null>((ok) => child.once("exit", (code) => ok(code)));
  const service: Service = {
    name: opts.name,
    child,
    output: () => log,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
  const timeoutMs = opts.readyTimeoutMs ?? 120_000;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      opts.ready(service),
      exited.then((code) => {
        throw new Error(`${opts.name} exited with code ${code} before it was ready:\n${log.slice(-4000)}`);
      }),
      new Promise((_, fail) => {
        timer = setTimeout(() => fail(new Error(`${opts.name} not ready after ${timeoutMs} ms:\n${log.slice(-4000)}`)),
          timeoutMs);
      }),
    ]);
  } catch (e) {
    await service.stop();
    throw e;
  } finally {
    clearTimeout(timer);
  }
  return service;
}

/** Polls `url` until it answers 200. */
export async function waitForHttp(url: string, service: Service): Promise<void> {
  for (;;) {
    if (service.child.exitCode !== null) return;
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Waits until the process prints a line matching `pattern`. */
export async function waitForLine(pattern: RegExp, service: Service): Promise<void> {
  while (!pattern.test(service.output())) {
    if (service.child.exitCode !== null) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}
