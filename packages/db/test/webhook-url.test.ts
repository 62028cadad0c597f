// The SSRF guard: which addresses and names are refused, https only, and resolution checked (localhost for real).
import { describe, expect, it } from "vitest";
import { nodeResolveHost } from "../src/dns-node.js";
import { checkWebhookUrl, isBlockedAddress, type ResolveHost } from "../src/webhook-url.js";

const table: Record<string, string[]> = {
  "hooks.example.com": ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"],
  "sneaky.example.com": ["93.184.215.14", "10.0.0.7"],
  "metadata.example.com": ["169.254.169.254"],
  "v6.example.com": ["fd00:ec2::254"],
};
const fakeDns: ResolveHost = async (host) => table[host] ?? nodeResolveHost(host);
const strict = { allowInsecure: false, resolveHost: fakeDns };
const dev = { allowInsecure: true, resolveHost: fakeDns };

describe("isBlockedAddress", () => {
  it.each([
    "0.0.0.0", "10.1.2.3", "100.64.0.1", "100.127.255.255", "127.0.0.1", "127.255.0.9", "169.254.169.254", "172.16.0.1",
    "172.31.255.255", "192.168.1.1", "192.0.0.192", "198.18.0.1", "224.0.0.1", "255.255.255.255", "::", "::1",
    "::ffff:127.0.0.1", "::ffff:7f00:1", "::ffff:a9fe:a9fe", "64:ff9b::10.0.0.1", "2002:c0a8:101::1", "fc00::1",
    "fd00:ec2::254", "fe80::1", "fe80::1%eth0", "fec0::1", "ff02::1", "2001:db8::1", "2001::1", "100::1", "not an ip",
  ])("refuses %s", (ip) => {
    expect(isBlockedAddress(ip)).toBe(true);
  });

  it.each(["93.184.215.14", "8.8.8.8", "100.128.0.1", "172.32.0.1", "192.169.0.1", "2606:4700::1111", "2001:4860:4860::8888", "::ffff:8.8.8.8", "64:ff9b::8.8.8.8", "2002:808:808::1"])(
    "allows %s",
    (ip) => {
      expect(isBlockedAddress(ip)).toBe(false);
    },
  );
});

describe("checkWebhookUrl", () => {
  it("allows https to a host that resolves only to public addresses", async () => {
    expect(await checkWebhookUrl("https://hooks.example.com/in?x=1", strict)).toEqual({ ok: true });
    expect(await checkWebhookUrl("https://93.184.215.14:8443/in", strict)).toEqual({ ok: true });
  });

  it.each([
    ["http://hooks.example.com/in", "https"],
    ["https://127.0.0.1/in", "private"],
    ["https://0x7f000001/in", "private"],
    ["https://2130706433/in", "private"],
    ["https://127.1/in", "private"],
    ["https://[::1]/in", "private"],
    ["https://[::ffff:169.254.169.254]/latest", "private"],
    ["https://[fd00:ec2::254]/", "private"],
    ["https://localhost/in", "local"],
    ["https://api.localhost/in", "local"],
    ["https://metadata.google.internal/computeMetadata/v1", "local"],
    ["https://metadata/", "local"],
    ["https://printer.local/", "local"],
    ["https://sneaky.example.com/in", "resolves to a private"],
    ["https://metadata.example.com/in", "resolves to a private"],
    ["https://v6.example.com/in", "resolves to a private"],
  ])("refuses %s", async (url, why) => {
    const verdict = await checkWebhookUrl(url, strict);
    expect(verdict.ok).toBe(false);
    expect(verdict.ok ? "" : verdict.reason).toContain(why);
  });

  it("a name the system resolver maps to loopback (localhost, for real) is refused", async () => {
    const verdict = await checkWebhookUrl("https://ip6-localhost.example.com/", { allowInsecure: false, resolveHost: async () => nodeResolveHost("localhost") });
    expect(verdict).toMatchObject({ ok: false, reason: expect.stringContaining("resolves to a private") });
  });

  it("a name that does not resolve is refused as unresolved", async () => {
    const verdict = await checkWebhookUrl("https://nowhere.invalid/", { allowInsecure: false, resolveHost: async () => [] });
    expect(verdict).toEqual({ ok: false, reason: "nowhere.invalid does not resolve", unresolved: true });
    const thrown = await checkWebhookUrl("https://nowhere.invalid/", { allowInsecure: false, resolveHost: () => Promise.reject(new Error("ENOTFOUND")) });
    expect(thrown).toMatchObject({ ok: false, unresolved: true });
  });

  it("the dev setting allows http:// and loopback, but still no other scheme", async () => {
    expect(await checkWebhookUrl("http://127.0.0.1:9/in", dev)).toEqual({ ok: true });
    expect(await checkWebhookUrl("https://localhost/in", dev)).toEqual({ ok: true });
    expect((await checkWebhookUrl("ftp://127.0.0.1/in", dev)).ok).toBe(false);
    expect((await checkWebhookUrl("not a url", dev)).ok).toBe(false);
  });
});
