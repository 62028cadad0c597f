// A DNS resolver for runtimes without node:dns (Workers): DNS-over-HTTPS JSON queries for A and AAAA records.
import type { ResolveHost } from "./webhook-url.js";

interface DohAnswer {
  Answer?: Array<{ type: number; data: string }>;
}

const A = 1;
const AAAA = 28;

/** Resolves through a DoH JSON endpoint (Cloudflare's by default); addresses of both families, CNAMEs followed by it. */
export function dohResolver(endpoint = "https://cloudflare-dns.com/dns-query", timeoutMs = 5_000): ResolveHost {
  return async (hostname) => {
    const query = async (type: "A" | "AAAA") => {
      const url = `${endpoint}?name=${encodeURIComponent(hostname)}&type=${type}`;
      const res = await fetch(url, { headers: { accept: "application/dns-json" }, signal: AbortSignal.timeout(timeoutMs) });
      if (!res.ok) throw new Error(`DoH ${type} lookup answered ${res.status}`);
      const body = (await res.json()) as DohAnswer;
      return (body.Answer ?? []).filter((a) => a.type === A || a.type === AAAA).map((a) => a.data);
    };
    const [four, six] = await Promise.all([query("A"), query("AAAA")]);
    return [...four, ...six];
  };
}
