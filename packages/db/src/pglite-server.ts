// Serves a file-backed PGlite over the Postgres wire protocol, so separate processes can share the embedded database.
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";

export interface PgliteServer {
  /** postgres:// URL for node-postgres clients (edge, generator). */
  url: string;
  close(): Promise<void>;
}

/**
 * PGlite is a single-connection database: the socket server multiplexes client connections and runs each
 * transaction exclusively, so `FOR UPDATE SKIP LOCKED` claims stay correct (they are simply serialized).
 */
export async function servePglite(opts: { dataDir?: string; port?: number; host?: string; maxConnections?: number }):
  Promise<PgliteServer> {
  const db = await PGlite.create(opts.dataDir);
  const host = opts.host ?? "127.0.0.1";
  const server = new PGLiteSocketServer({ db, host, port: opts.port ?? 0, maxConnections: opts.maxConnections ?? 32 });
  await server.start();
  const port = listeningPort(server) ?? opts.port;
  if (!port) throw new Error("PGlite socket server did not report its port");
  return {
    url: `postgres://postgres@${host}:${port}/postgres`,
    close: async () => {
      await server.stop();
      await db.close();
    },
  };
}

function listeningPort(server: PGLiteSocketServer): number | undefined {
  const inner = (server as unknown as { server?: { address(): unknown } }).server;
  const address = inner?.address();
  return typeof address === "object" && address !== null ? (address as { port: number }).port : undefined;
}
