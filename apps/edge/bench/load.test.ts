// The load generator's HTTP framing: a bench that misreads responses would time the wrong thing.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { load, parseResponse } from "./load.js";

const head = (extra: string) => `HTTP/1.1 201 Created\r\ncontent-type: application/json\r\n${extra}\r\n`;

describe("parseResponse", () => {
  it("ends a Content-Length response after its body, and waits for the rest of it", () => {
    const whole = Buffer.from(`${head("Content-Length: 11\r\n")}{"ok":true}`);
    expect(parseResponse(whole)).toEqual({ status: 201, end: whole.length });
    expect(parseResponse(whole.subarray(0, whole.length - 1))).toBeNull();
    expect(parseResponse(whole.subarray(0, 20))).toBeNull();
  });

  it("walks chunked bodies to the last chunk, split anywhere", () => {
    const whole = Buffer.from(`${head("transfer-encoding: chunked\r\n")}5\r\n{"ok"\r\n6\r\n:true}\r\n0\r\n\r\n`);
    expect(parseResponse(whole)).toEqual({ status: 201, end: whole.length });
    for (let cut = 1; cut < whole.length; cut++) expect(parseResponse(whole.subarray(0, cut))).toBeNull();
  });

  it("refuses a response with neither framing (it would end only when the connection closes)", () => {
    expect(() => parseResponse(Buffer.from(head("")))).toThrow(/without a length/);
  });
});

describe("load", () => {
  const serve = (handler: Parameters<typeof createServer>[1]) =>
    new Promise<{ port: number; close(): void }>((resolve) => {
      const server = createServer(handler).listen(0, "127.0.0.1", () =>
        resolve({
          port: (server.address() as AddressInfo).port,
          close: () => {
            server.closeAllConnections();
            server.close();
          },
        }),
      );
    });

  it("sends every request over the kept-alive connections and reads both framings", async () => {
    let bodies = 0;
    const sockets = new Set<unknown>();
    const server = await serve((req, res) => {
      sockets.add(req.socket);
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        if (JSON.parse(body).q === 1) bodies++;
        res.statusCode = 201;
        if (bodies % 2 === 0) res.write("{"); // written in two parts: chunked
        res.end(bodies % 2 === 0 ? "}" : "{}"); // in one: Content-Length
      });
    });
    try {
      const target = { port: server.port, path: "/x", headers: {}, body: '{"q":1}', expect: 201 };
      const r = await load({ target, warmup: 20, requests: 200, concurrency: 8 });
      expect(r.requests).toBe(200);
      expect(r.latenciesMs).toHaveLength(200);
      expect(bodies).toBe(220);
      expect(sockets.size).toBe(8);
    } finally {
      server.close();
    }
  });

  it("fails on a response with another status", async () => {
    const server = await serve((_req, res) => res.writeHead(500).end("no"));
    try {
      const target = { port: server.port, path: "/x", headers: {}, body: "{}", expect: 201 };
      await expect(load({ target, warmup: 0, requests: 5, concurrency: 2 })).rejects.toThrow(/status 500, expected 201/);
    } finally {
      server.close();
    }
  });
});
