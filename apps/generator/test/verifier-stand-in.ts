// Test-only loopback HTTP server speaking the verifier's /v1/score contract (the unit's edge; never used in product
// code). Scores by solution length; can be told to fail, stall, or answer garbage.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type StandInMode = "ok" | "503" | "401" | "garbage" | "hang";

export interface StandIn {
  url: string;
  token: string;
  /** Requests received (any outcome). */
  calls: number;
  /** Items of every request, in order. */
  items: { question: string; solution: string }[];
  /** Responses per call index (default "ok"). */
  modes: StandInMode[];
  defaultMode: StandInMode;
  /** Resolves the next time a request arrives. */
  nextRequest(): Promise<void>;
  close(): Promise<void>;
}

export const lengthScore = (solution: string) => Math.min(1, solution.length / 100);
export const pairTokens = (q: string, s: string) => 2 + q.length + s.length;

export async function startStandIn(token = "svc-test-token"): Promise<StandIn> {
  const hung: ServerResponse[] = [];
  let waiters: (() => void)[] = [];
  const state: StandIn = {
    url: "",
    token,
    calls: 0,
    items: [],
    modes: [],
    defaultMode: "ok",
    nextRequest: () => new Promise<void>((r) => waiters.push(r)),
    close: async () => {
      for (const res of hung) res.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
  const server: Server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const mode = state.modes[state.calls] ?? state.defaultMode;
    state.calls++;
    const ws = waiters;
    waiters = [];
    for (const w of ws) w();
    let body = "";
    for await (const chunk of req) body += String(chunk);
    const send = (status: number, obj: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(obj));
    };
    if (req.method !== "POST" || req.url !== "/v1/score") return send(404, { code: "not_found" });
    if (req.headers.authorization !== `Bearer ${token}` || mode === "401") return send(401, { code: "unauthorized", detail: "bad token" });
    if (mode === "503") return send(503, { code: "not_ready", detail: "loading" });
    if (mode === "hang") return void hung.push(res);
    const { items } = JSON.parse(body) as { items: { question: string; solution: string }[] };
    state.items.push(...items);
    if (mode === "garbage") return send(200, { scores: [2], usage: {} });
    send(200, {
      scores: items.map((it) => lengthScore(it.solution)),
      usage: { tokens: items.reduce((n, it) => n + pairTokens(it.question, it.solution), 0) },
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}

/** A loopback URL where nothing listens. */
export async function deadUrl(): Promise<string> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", () => r()));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return `http://127.0.0.1:${port}`;
}
