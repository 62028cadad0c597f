// serveNode over real HTTP: small bodies read up front reach the app intact; large, chunked and aborted ones behave as before.
import { request } from "node:http";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { afterEach, describe, expect, it } from "vitest";
import { type NodeServer, serveNode } from "./serve-node.js";

/**
 * Echoes what it read and whether it came read up front (@hono/node-server puts the IncomingMessage on `env`);
 * bodies over 32 bytes are refused by the app's own limit (413), as newApp's are over 64 KiB.
 */
function echoApp() {
  const app = new Hono<{ Bindings: { incoming: { rawBody?: unknown } } }>();
  app.use("*", bodyLimit({ maxSize: 32, onError: (c) => c.text("too large", 413) }));
  app.post("/echo", async (c) =>
    c.json({ text: await c.req.text(), type: c.req.header("content-type") ?? null, buffered: Buffer.isBuffer(c.env.incoming.rawBody) }),
  );
  app.get("/ping", (c) => c.text("pong"));
  return app;
}

/** Sends `chunks` as the body (Content-Length `declared`, or chunked when null); `abort` hangs up after them. */
function send(port: number, chunks: string[], declared: number | null, abort = false): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { "content-type": "text/plain" };
    if (declared !== null) headers["content-length"] = declared;
    const req = request({ host: "127.0.0.1", port, path: "/echo", method: "POST", headers }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => (body += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", (err) => (abort ? resolve({ status: 0, body: "" }) : reject(err)));
    for (const c of chunks) req.write(c);
    if (abort) setTimeout(() => req.destroy(), 50);
    else req.end();
  });
}

describe("serveNode", () => {
  let server: NodeServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it("hands a body read up front to the app whole, across several TCP writes", async () => {
    server = await serveNode(echoApp().fetch, { bufferBodiesUpTo: 24 });
    const out = await send(server.port, ["héllo ", "wörld"], Buffer.byteLength("héllo wörld"));
    expect(out.status).toBe(200);
    expect(JSON.parse(out.body)).toEqual({ text: "héllo wörld", type: "text/plain", buffered: true });
  });

  it("streams bodies above the buffering size and chunked ones to the app, whose limit still answers 413", async () => {
    server = await serveNode(echoApp().fetch, { bufferBodiesUpTo: 8 });
    const streamed = "x".repeat(20); // over 8: not buffered, under the app's 32
    expect(JSON.parse((await send(server.port, [streamed], 20)).body)).toMatchObject({ text: streamed, buffered: false });
    expect(JSON.parse((await send(server.port, ["ab", "cd"], null)).body)).toMatchObject({ text: "abcd", buffered: false });
    expect((await send(server.port, ["y".repeat(40)], 40)).status).toBe(413);
    expect((await send(server.port, ["z".repeat(20), "z".repeat(20)], null)).status).toBe(413);
  });

  it("keeps serving after a client hangs up halfway through a body it declared", async () => {
    server = await serveNode(echoApp().fetch);
    await send(server.port, ["only part"], 30, true);
    const res = await fetch(`http://127.0.0.1:${server.port}/ping`);
    expect(await res.text()).toBe("pong");
    expect((await send(server.port, ["after"], 5)).status).toBe(200);
  });
});
