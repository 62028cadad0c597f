// The environment schemas: the webhook dev setting is off unless turned on explicitly, and a bad value fails closed.
import { describe, expect, it } from "vitest";
import { NodeEnv, parseEnv, WorkerEnv } from "./env.js";

describe("WEBHOOK_ALLOW_INSECURE_URLS", () => {
  const node = { DATABASE_URL: "postgres://x@127.0.0.1/db" };

  it("is off by default, and when empty", () => {
    expect(parseEnv(NodeEnv, node).data?.WEBHOOK_ALLOW_INSECURE_URLS).toBe(false);
    expect(parseEnv(WorkerEnv, { ...node, WEBHOOK_ALLOW_INSECURE_URLS: "" }).data?.WEBHOOK_ALLOW_INSECURE_URLS).toBe(false);
  });

  it.each([["true", true], ["1", true], ["false", false], ["0", false]])("reads %s as %s", (value, on) => {
    expect(parseEnv(NodeEnv, { ...node, WEBHOOK_ALLOW_INSECURE_URLS: value }).data?.WEBHOOK_ALLOW_INSECURE_URLS).toBe(on);
    expect(parseEnv(WorkerEnv, { ...node, WEBHOOK_ALLOW_INSECURE_URLS: value }).data?.WEBHOOK_ALLOW_INSECURE_URLS).toBe(on);
  });

  it.each(["yes", "TRUE", "on"])("refuses %s", (value) => {
    const parsed = parseEnv(NodeEnv, { ...node, WEBHOOK_ALLOW_INSECURE_URLS: value });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(["WEBHOOK_ALLOW_INSECURE_URLS"]);
  });
});
