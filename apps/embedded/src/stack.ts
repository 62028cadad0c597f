// The embedded deployment: a file-backed PGlite shared over the wire, plus edge, generator and verifier processes.
import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import { createApiKey, createDb, createTenant, tenants, type DbHandle } from "@thinktime/db";
import { migrate } from "@thinktime/db/migrate";
import { servePglite } from "@thinktime/db/pglite-server";
import type { Scope } from "@thinktime/core/api/keys";
import { eq } from "drizzle-orm";
import { freePort, spawnService, waitForHttp, waitForLine, type Service, type SpawnOptions } from "./services.js";

export interface StackOptions {
  /** PGlite data directory (file-backed). */
  dataDir: string;
  edgePort?: number;
  policyDir?: string;
  ormDir?: string;
  echo?: boolean;
  /** Extra environment for the generator process (e.g. verifier retry tuning). */
  generatorEnv?: Record<string, string>;
}

export interface Stack {
  edgeUrl: string;
  verifierUrl: string;
  databaseUrl: string;
  /** A supervisor-side connection, for seeding and inspection. */
  db: DbHandle;
  services: Service[];
  /**
   * Stops one service, runs `whileDown` (if given), then starts it again with the same settings (same port),
   * resolving once it is ready.
   */
  restart(name: "verifier" | "generator" | "edge", whileDown?: () => Promise<void>): Promise<void>;
  /**
   * Creates (or reuses) a tenant by name and returns a fresh API key for it. `operator` makes a new tenant an
   * operator (its admin keys reach /admin); `scopes` default to jobs:write and jobs:read.
   */
  createKey(tenantName: string, opts?: { operator?: boolean; scopes?: Scope[] }): Promise<{ tenantId: string; key: string }>;
  stop(): Promise<void>;
}

export async function startStack(opts: StackOptions): Promise<Stack> {
  mkdirSync(opts.dataDir, { recursive: true });
  const pglite = await servePglite({ dataDir: opts.dataDir });
  const db = await createDb({ driver: "pg", url: pglite.url, max: 4 });
  const services: Service[] = [];
  const specs = new Map<string, SpawnOptions>();
  const launch = async (spec: SpawnOptions) => {
    specs.set(spec.name, spec);
    services.push(await spawnService(spec));
  };
  const stop = async () => {
    for (const s of [...services].reverse()) await s.stop();
    await db.close();
    await pglite.close();
  };
  try {
    await migrate(db);
    const verifierToken = randomBytes(24).toString("hex");
    const verifierPort = await freePort();
    const verifierUrl = `http://127.0.0.1:${verifierPort}`;
    const echo = opts.echo ?? false;
    await launch({
      name: "verifier", script: "apps/verifier/src/main.ts", echo,
      env: { PORT: String(verifierPort), HOST: "127.0.0.1", VERIFIER_TOKEN: verifierToken, ...dir("ORM_DIR", opts.ormDir) },
      ready: (s) => waitForHttp(`${verifierUrl}/readyz`, s),
    });
    await launch({
      name: "generator", script: "apps/generator/src/main.ts", echo,
      env: { DATABASE_URL: pglite.url, VERIFIER_URL: verifierUrl, VERIFIER_TOKEN: verifierToken,
        ...dir("POLICY_DIR", opts.policyDir), ...opts.generatorEnv },
      ready: (s) => waitForLine(/"msg":"generator started"/, s),
    });
    const edgePort = opts.edgePort ?? (await freePort());
    const edgeUrl = `http://127.0.0.1:${edgePort}`;
    await launch({
      name: "edge", script: "apps/edge/src/node.ts", echo,
      // A local dev stack: webhook receivers on this machine (http://127.0.0.1…) are allowed, explicitly.
      env: { DATABASE_URL: pglite.url, PORT: String(edgePort), HOST: "127.0.0.1", WEBHOOK_ALLOW_INSECURE_URLS: "true" },
      ready: (s) => waitForHttp(`${edgeUrl}/healthz`, s),
    });
    return {
      edgeUrl, verifierUrl, databaseUrl: pglite.url, db, services, stop,
      restart: async (name, whileDown) => {
        const i = services.findIndex((s) => s.name === name);
        const spec = specs.get(name);
        if (i < 0 || !spec) throw new Error(`no ${name} service in this stack`);
        await services[i]!.stop();
        await whileDown?.();
        services[i] = await spawnService(spec);
      },
      createKey: async (tenantName, keyOpts = {}) => {
        const [existing] = await db.db.select().from(tenants).where(eq(tenants.name, tenantName)).limit(1);
        const tenantId = existing?.id ?? (await createTenant(db.db, tenantName, { operator: keyOpts.operator ?? false })).id;
        const { key } = await createApiKey(db.db, tenantId, {
          name: "embedded", ...(keyOpts.scopes ? { scopes: [...keyOpts.scopes] } : {}),
        });
        return { tenantId, key };
      },
    };
  } catch (e) {
    await stop();
    throw e;
  }
}

function dir(name: string, value: string | undefined): Record<string, string> {
  return value ? { [name]: value } : {};
}
