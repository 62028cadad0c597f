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
  const server = new PGLiteSocketServer({
    db: pinExtendedQueries(db),
    host,
    port: opts.port ?? 0,
    maxConnections: opts.maxConnections ?? 32,
  });
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

// Extended-protocol messages that leave the unnamed statement/portal open until the next Sync.
const OPENS_BATCH = new Set(["P", "B", "D", "E", "C", "H"].map((c) => c.charCodeAt(0)));
const CLOSES_BATCH = new Set(["S", "Q"].map((c) => c.charCodeAt(0)));

/**
 * pglite-socket queues single protocol messages and keeps one client's messages together only while
 * `isInTransaction()` is true, so two clients' Parse/Bind/Execute/Sync batches can interleave on PGlite's one
 * session (a parameterized query then fails, or runs another client's statement; electric-sql/pglite#1046). The
 * returned view reports "in a transaction" from a client's first Parse until its Sync as well, which makes the
 * server's queue run each batch for one client at a time.
 */
export function pinExtendedQueries(db: PGlite): PGlite {
  let batchOpen = false;
  return new Proxy(db, {
    get(target, prop) {
      if (prop === "isInTransaction") return () => batchOpen || target.isInTransaction();
      if (prop === "execProtocolRawStream") {
        return async (...args: Parameters<PGlite["execProtocolRawStream"]>) => {
          const type = args[0][0] ?? 0;
          try {
            return await target.execProtocolRawStream(...args);
          } finally {
            if (OPENS_BATCH.has(type)) batchOpen = true;
            else if (CLOSES_BATCH.has(type)) batchOpen = false;
          }
        };
      }
      if (prop === "exec") {
        // The server rolls back for a client that disconnects mid-transaction; its batch is over too.
        return (...args: Parameters<PGlite["exec"]>) => {
          if (/^\s*ROLLBACK/i.test(args[0])) batchOpen = false;
          return target.exec(...args);
        };
      }
      const value = Reflect.get(target, prop);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

function listeningPort(server: PGLiteSocketServer): number | undefined {
  const inner = (server as unknown as { server?: { address(): unknown } }).server;
  const address = inner?.address();
  return typeof address === "object" && address !== null ? (address as { port: number }).port : undefined;
}
