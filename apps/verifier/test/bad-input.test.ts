// Every bad request to either scoring route is a 4xx problem+json (never a 5xx), and both routes require the token.
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ERROR_STATUS } from "../src/errors.js";
import { startVerifier, type RunningVerifier } from "../src/server.js";
import { ARITH_QUESTION, AUTH, expectProblem, ORM_DIR, postJson, QUESTION, TINY_PRM_DIR, TOKEN } from "./helpers.js";

let v: RunningVerifier;
beforeAll(async () => {
  v = await startVerifier({ port: 0, host: "127.0.0.1", token: TOKEN, ormDir: ORM_DIR, prmDir: TINY_PRM_DIR, threads: 1 });
});
afterAll(async () => {
  await v?.close();
});

const ok = { question: QUESTION, solution: "Answer: 36" };
const ROUTES = ["/v1/score", "/v1/score-steps"] as const;

describe("auth on every scoring route", () => {
  for (const route of ROUTES) {
    it(`${route}: 401 without a token, with a wrong one, a prefix of it or another scheme; before the body is read`, async () => {
      const body = { items: [ok] };
      const res = await postJson(v.url, route, body, { "content-type": "application/json" });
      await expectProblem(res, 401, "unauthorized");
      expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
      for (const authorization of ["Bearer wrong", `Bearer ${TOKEN.slice(0, -1)}`, `Bearer ${TOKEN}x`, `Basic ${TOKEN}`, "Bearer", TOKEN]) {
        await expectProblem(await postJson(v.url, route, body, { authorization }), 401, "unauthorized");
      }
      await expectProblem(await postJson(v.url, route, "{not json", { authorization: "Bearer nope" }), 401, "unauthorized");
    });
  }
});

const shared: Array<[string, unknown, number, string]> = [
  ["malformed JSON", '{"items": [', 400, "invalid_json"],
  ["empty body", "", 400, "invalid_json"],
  ["JSON null", "null", 400, "invalid_request"],
  ["JSON array", "[]", 400, "invalid_request"],
  ["missing items", {}, 400, "invalid_request"],
  ["empty items", { items: [] }, 400, "invalid_request"],
  ["too many items", { items: Array.from({ length: 257 }, () => ok) }, 400, "invalid_request"],
  ["items not an array", { items: ok }, 400, "invalid_request"],
  ["item not an object", { items: ["x"] }, 400, "invalid_request"],
  ["question not a string", { items: [{ ...ok, question: 5 }] }, 400, "invalid_request"],
  ["solution missing", { items: [{ question: QUESTION }] }, 400, "invalid_request"],
  ["solution null", { items: [{ ...ok, solution: null }] }, 400, "invalid_request"],
  ["solution over 16000 chars", { items: [{ ...ok, solution: "x".repeat(16_001) }] }, 400, "invalid_request"],
  ["empty question", { items: [{ ...ok, question: "   " }] }, 400, "invalid_request"],
  ["question over 4000 chars", { items: [{ ...ok, question: "x".repeat(4001) }] }, 400, "invalid_request"],
  ["reference_answer not a string", { items: [{ ...ok, reference_answer: 36 }] }, 400, "invalid_request"],
  ["empty reference_answer", { items: [{ ...ok, reference_answer: "" }] }, 400, "invalid_request"],
  ["unknown item field", { items: [{ ...ok, extra: 1 }] }, 400, "invalid_request"],
  ["unknown top-level field", { items: [ok], n: 3 }, 400, "invalid_request"],
  ["__proto__ field", `{"items":[{"question":"q","solution":"s"}],"__proto__":{"x":1}}`, 400, "invalid_request"],
  ["model not a string", { items: [ok], model: 1 }, 400, "invalid_request"],
  ["unknown aggregation", { items: [ok], model: "prm", aggregation: "max" }, 400, "invalid_request"],
  ["empty step_delimiter", { items: [ok], model: "prm", step_delimiter: "" }, 400, "invalid_request"],
  ["unknown model", { items: [ok], model: "gpt-9" }, 404, "unknown_model"],
  ["prm: an empty solution has no steps", { items: [ok, { ...ok, solution: " \n\n " }], model: "prm" }, 400, "invalid_steps"],
  ["prm: over max tokens", { items: [ok, { ...ok, solution: "1".repeat(400) }], model: "prm" }, 413, "payload_too_large"],
  ["prm: question within 4000 chars but over max tokens", { items: [{ ...ok, question: "x".repeat(4000) }], model: "prm" }, 413, "payload_too_large"],
  ["arith-checker: not an arith question", { items: [ok], model: "arith-checker" }, 400, "invalid_request"],
  ["arith-checker: no steps", { items: [{ question: ARITH_QUESTION, solution: "" }], model: "arith-checker" }, 400, "invalid_steps"],
];
const scoreOnly: Array<[string, unknown, number, string]> = [
  ["orm: over max tokens", { items: [ok, { ...ok, solution: "1".repeat(400) }] }, 413, "payload_too_large"],
  ["orm: an aggregation other than last", { items: [ok], aggregation: "min" }, 400, "invalid_request"],
  ["reference-match without a reference_answer", { items: [ok], model: "reference-match" }, 400, "invalid_request"],
];
const stepsOnly: Array<[string, unknown, number, string]> = [
  ["an outcome model (orm)", { items: [ok], model: "orm" }, 400, "not_a_process_model"],
  ["an outcome model (reference-match)", { items: [{ ...ok, reference_answer: "36" }], model: "reference-match" }, 400, "not_a_process_model"],
];

for (const route of ROUTES) {
  describe(`${route}: bad input is a 4xx problem, never a 5xx`, () => {
    for (const [name, body, status, code] of [...shared, ...(route === "/v1/score" ? scoreOnly : stepsOnly)]) {
      it(`${name} → ${status} ${code}`, async () => {
        const problem = await expectProblem(await postJson(v.url, route, body), status, code);
        expect(ERROR_STATUS[code as keyof typeof ERROR_STATUS]).toBe(status);
        if (code === "invalid_request" && typeof body !== "string") expect(Array.isArray(problem.errors)).toBe(true);
      });
    }
  });
}

describe("problem details", () => {
  it("413s a body over the byte limit before parsing it (own connection: the server hangs up after answering)", async () => {
    for (const route of ROUTES) {
      const body = JSON.stringify({ items: [{ ...ok, solution: "y".repeat(3 * 1024 * 1024) }] });
      const { port } = new URL(v.url);
      const res = await new Promise<{ status: number; type: string; code: string }>((resolve, reject) => {
        const req = http.request({ host: "127.0.0.1", port: Number(port), path: route, method: "POST", agent: false, headers: AUTH }, (r) => {
          let text = "";
          r.setEncoding("utf8").on("data", (d: string) => (text += d));
          r.on("end", () => resolve({ status: r.statusCode ?? 0, type: String(r.headers["content-type"]), code: (JSON.parse(text) as { code: string }).code }));
        });
        req.on("error", reject);
        req.end(body);
      });
      expect(res).toEqual({ status: 413, type: expect.stringMatching(/^application\/problem\+json/), code: "payload_too_large" });
    }
  });

  it("413 names the offending item and the limit", async () => {
    const body = await expectProblem(await postJson(v.url, "/v1/score", { items: [ok, { ...ok, solution: "1".repeat(400) }] }), 413, "payload_too_large");
    expect(body.max_tokens).toBe(384);
    expect(body.items).toEqual([{ index: 1, tokens: 1 + QUESTION.length + 1 + 400 }]);
  });

  it("400 points at the failing field", async () => {
    const body = await expectProblem(await postJson(v.url, "/v1/score-steps", { items: [ok, { ...ok, question: 5 }] }), 400, "invalid_request");
    expect(body.errors).toEqual([expect.objectContaining({ path: "items[1].question" })]);
    const steps = await expectProblem(await postJson(v.url, "/v1/score-steps", { items: [ok, { ...ok, solution: "" }] }), 400, "invalid_steps");
    expect(steps.errors).toEqual([{ path: "items[1].solution", message: "no non-blank step" }]);
  });

  it("404s unknown routes and wrong methods as problems, and echoes a caller's x-request-id", async () => {
    await expectProblem(await fetch(`${v.url}/v1/nope`, { headers: AUTH }), 404, "not_found");
    await expectProblem(await fetch(`${v.url}/v1/score-steps`, { headers: AUTH }), 404, "not_found");
    const res = await postJson(v.url, "/v1/score", "{", { ...AUTH, "x-request-id": "gen-123" });
    expect(res.headers.get("x-request-id")).toBe("gen-123");
    expect(((await res.json()) as { request_id: string }).request_id).toBe("gen-123");
  });
});
