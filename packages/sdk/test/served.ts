// The real edge app served over loopback HTTP on a migrated in-memory PGlite, with the edge tests' Harness for tenants and keys.
import { startEdge } from "@thinktime/edge/node";
import { Harness, type Seeded } from "../../../apps/edge/test/harness.js";
import { Thinktime } from "../src/index.js";

export const ALL_SCOPES = ["jobs:write", "jobs:read", "usage:read", "admin"];

export interface Served {
  h: Harness;
  url: string;
  /** A tenant with every scope, and a client holding its key. */
  tenant(name?: string): Promise<Seeded & { client: Thinktime }>;
  close(): Promise<void>;
}

export async function serve(): Promise<Served> {
  const h = await Harness.open("pglite");
  const edge = await startEdge({ db: h.db });
  return {
    h,
    url: edge.url,
    async tenant(name = "acme") {
      const seeded = await h.tenant({ name, scopes: ALL_SCOPES });
      return { ...seeded, client: new Thinktime({ baseUrl: edge.url, apiKey: seeded.key }) };
    },
    async close() {
      await edge.close();
      await h.close();
    },
  };
}
