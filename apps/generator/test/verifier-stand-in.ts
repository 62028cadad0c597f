// Test-only loopback HTTP server speaking the verifier's /v1/score and /v1/score-steps contract (the unit's edge; never
// used in product code). Scores by solution length (each step by its prefix's); can be told to fail, stall, or answer garbage.
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
  /** Requests per path (any outcome). */
  paths: Record<string, number>;
  /** Responses per call index (default "ok"). */
  modes: StandInMode[];
  defaultMode: StandInMode;
  /** Resolves the next time a request arrives. */
  nextRequest(): Promise<void>;
  close(): Promise<void>;
}

export const lengthScore = (solution: string) => Math.min(1, solution.length / 100);
export const pairTokens = (q: string, s: string) => 2 + q.length + s.length;
/** The stand-in PRM: per non-blank line, lengthScore of the solution up to and including it. */
export const stepScores = (solution: string) => {
  const lines = solution.split("\n").filter((l) => l.trim().length > 0);
  return lines.map((_, i) => lengthScore(lines.slice(0, i + 1).join("\n")));
};

export async function startStandIn(token = "svc-test-token"): Promise<StandIn> {
  const hung: ServerResponse[] = [];
  let waiters: (() => void)[] = [];
  const state: StandIn = {
    url: "",
    token,
    calls: 0,
    items: [],
    paths: {},
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
    const path = req.url ?? "";
    state.paths[path] = (state.paths[path] ?? 0) + 1;
    if (req.method !== "POST" || (path !== "/v1/score" && path !== "/v1/score-steps")) return send(404, { code: "not_found" });
    if (req.headers.authorization !== `Bearer ${token}` || mode === "401") return send(401, { code: "unauthorized", detail: "bad token" });
    if (mode === "503") return send(503, { code: "not_ready", detail: "loading" });
    if (mode === "hang") return void hung.push(res);
    const { items } = JSON.parse(body) as { items: { question: string; solution: string }[] };
    state.items.push(...items);
    if (mode === "garbage") return send(200, { scores: [2], step_scores: [[2]], usage: {} });
    const tokens = items.reduce((n, it) => n + pairTokens(it.question, it.solution), 0);
    if (path === "/v1/score-steps") {
      const steps = items.map((it) => stepScores(it.solution));
      return send(200, { model: "prm", aggregation: "last", step_delimiter: "\n", step_scores: steps, scores: steps.map((s) => s.at(-1) ?? 0), usage: { tokens } });
    }
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
