// Shared test fixtures: the real ORM export, a tiny random PRM export (models/prm/export.py --random) and sample pairs.
import path from "node:path";
import { fileURLToPath } from "node:url";

export const APP_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const ORM_DIR = path.resolve(APP_DIR, "../../models/orm/onnx");
/** The product default; a random-init placeholder until models/prm/train.py has run. */
export const PRM_DIR = path.resolve(APP_DIR, "../../models/prm/onnx");
/** 2 layers × 32 wide, random weights: fast, and enough to test wiring, parity and caching. Rebuilt with
 *  `/usr/bin/python3 models/prm/export.py --random --n-layer 2 --n-head 2 --n-embd 32 --out apps/verifier/test/fixtures/prm-tiny` */
export const TINY_PRM_DIR = path.resolve(APP_DIR, "test/fixtures/prm-tiny");
export const TOKEN = "test-service-token-0123456789";

export const QUESTION = "Start with 7. Add 5. Multiply by 3. What is the result?";
export const SOLUTIONS = [
  "7 + 5 = 12\n12 * 3 = 36\nAnswer: 36",
  "7 + 5 = 12\n12 * 3 = 35\nAnswer: 35",
  "Answer: 36",
  "",
  "7 + 5 = 13\n13 * 3 = 39\nAnswer: 39\n",
  "I think the answer is 36.",
  "unicode ✓ and emoji 🙂 become <unk>",
];

/** A real arith problem (generateArith) with a correct solution, one step at a time. */
export const ARITH_QUESTION = "Ana has 12 apples. She gets 5 more. She ends up with 3 times as many. She loses 7. How many apples now?";
export const ARITH_STEPS = ["12+5=17", "17*3=51", "51-7=44", "Answer: 44"];

export const AUTH = { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" };

/** POSTs JSON (or a raw string) to a running verifier over real HTTP. */
export async function postJson(base: string, route: string, body: unknown, headers: Record<string, string> = AUTH): Promise<Response> {
  return fetch(`${base}${route}`, { method: "POST", headers, body: typeof body === "string" ? body : JSON.stringify(body) });
}

/** Asserts an RFC 9457 problem response with the given status and code; returns its body. */
export async function expectProblem(res: Response, status: number, code: string): Promise<Record<string, unknown>> {
  const { expect } = await import("vitest");
  const body = (await res.json()) as Record<string, unknown>;
  expect({ status: res.status, code: body.code }).toEqual({ status, code });
  expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
  expect(body).toMatchObject({ status, code, type: `urn:thinktime:problem:${code}` });
  expect(typeof body.title).toBe("string");
  expect(typeof body.detail).toBe("string");
  expect(body.request_id).toBe(res.headers.get("x-request-id"));
  return body;
}

/** Serves a Hono app on a free port over real HTTP (for apps built by hand in tests). */
export async function serveApp(app: { fetch: (req: Request) => Response | Promise<Response> }): Promise<{ url: string; close(): Promise<void> }> {
  const { serve } = await import("@hono/node-server");
  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, (info) =>
      resolve({
        url: `http://127.0.0.1:${info.port}`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            (server as unknown as { closeAllConnections(): void }).closeAllConnections();
          }),
      }),
    );
  });
}
