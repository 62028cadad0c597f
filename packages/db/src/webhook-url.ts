// The SSRF guard for webhook URLs: https only, and no host that is, or resolves to, a private or metadata address.

/** Every address a hostname resolves to (A and AAAA); throws or returns [] when it does not resolve. */
export type ResolveHost = (hostname: string) => Promise<string[]>;

export interface WebhookUrlPolicy {
  /** Dev only: allow http:// and hosts on loopback/private networks (local receivers, the embedded stack). */
  allowInsecure: boolean;
  resolveHost: ResolveHost;
}

export type UrlVerdict =
  | { ok: true }
  /** `unresolved`: the host did not resolve, which says nothing about where it will point later. */
  | { ok: false; reason: string; unresolved?: boolean };

type Range = [base: bigint, bits: number];
const v4 = (a: number, b: number, c: number, d: number) => BigInt(((a << 24) | (b << 16) | (c << 8) | d) >>> 0);

/** IPv4 ranges that are not the public internet: this network, private, CGNAT, loopback, link-local (cloud metadata), test nets, multicast, reserved. */
const BLOCKED_V4: Range[] = [
  [v4(0, 0, 0, 0), 8], [v4(10, 0, 0, 0), 8], [v4(100, 64, 0, 0), 10], [v4(127, 0, 0, 0), 8], [v4(169, 254, 0, 0), 16],
  [v4(172, 16, 0, 0), 12], [v4(192, 0, 0, 0), 24], [v4(192, 0, 2, 0), 24], [v4(192, 88, 99, 0), 24], [v4(192, 168, 0, 0), 16],
  [v4(198, 18, 0, 0), 15], [v4(198, 51, 100, 0), 24], [v4(203, 0, 113, 0), 24], [v4(224, 0, 0, 0), 4], [v4(240, 0, 0, 0), 4],
];

const v6 = (hex: string) => parseV6(hex) as bigint;
/** IPv6 ranges refused outright: IPv4-compatible and unspecified/loopback, local NAT64, discard, Teredo and other IETF blocks, documentation, unique-local (incl. fd00:ec2::254), site- and link-local, multicast. */
const BLOCKED_V6: Range[] = [
  [v6("::"), 96], [v6("64:ff9b:1::"), 48], [v6("100::"), 64], [v6("2001::"), 23], [v6("2001:db8::"), 32],
  [v6("fc00::"), 7], [v6("fec0::"), 10], [v6("fe80::"), 10], [v6("ff00::"), 8],
];
/** IPv6 ranges that carry an IPv4 address: mapped (::ffff:a.b.c.d), NAT64 (64:ff9b::a.b.c.d), 6to4 (2002:AABB:CCDD::). */
const EMBEDS_V4: Array<[...Range, shift: bigint]> = [[v6("::ffff:0:0"), 96, 0n], [v6("64:ff9b::"), 96, 0n], [v6("2002::"), 16, 80n]];

const inRange = (ip: bigint, [base, bits]: Range, width: number) => ip >> BigInt(width - bits) === base >> BigInt(width - bits);

function parseV4(text: string): bigint | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return null;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return null;
  return v4(parts[0]!, parts[1]!, parts[2]!, parts[3]!);
}

function parseV6(text: string): bigint | null {
  let s = text.replace(/^\[|\]$/g, "").replace(/%.*$/, "").toLowerCase();
  const tail = /(\d{1,3}(?:\.\d{1,3}){3})$/.exec(s);
  if (tail) {
    const four = parseV4(tail[1]!);
    if (four === null) return null;
    s = `${s.slice(0, -tail[1]!.length)}${(four >> 16n).toString(16)}:${(four & 0xffffn).toString(16)}`;
  }
  const halves = s.split("::");
  if (halves.length > 2 || !s.includes(":")) return null;
  const head = halves[0] ? halves[0].split(":") : [];
  const rest = halves.length === 2 && halves[1] ? halves[1].split(":") : [];
  const fill = 8 - head.length - rest.length;
  if ((halves.length === 2 && fill < 1) || (halves.length === 1 && fill !== 0)) return null;
  const groups = [...head, ...Array<string>(halves.length === 2 ? fill : 0).fill("0"), ...rest];
  if (!groups.every((g) => /^[0-9a-f]{1,4}$/.test(g))) return null;
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(Number.parseInt(g, 16)), 0n);
}

/** True for an address (IPv4 or IPv6 text) a webhook must never reach; unparseable text counts as blocked. */
export function isBlockedAddress(address: string): boolean {
  const four = parseV4(address);
  if (four !== null) return BLOCKED_V4.some((r) => inRange(four, r, 32));
  const six = parseV6(address);
  if (six === null) return true;
  for (const [base, bits, shift] of EMBEDS_V4) {
    if (inRange(six, [base, bits], 128)) return BLOCKED_V4.some((r) => inRange((six >> shift) & 0xffffffffn, r, 32));
  }
  return BLOCKED_V6.some((r) => inRange(six, r, 128));
}

/** Names that mean "this machine" or "the local network": localhost, single labels, .internal/.local, cloud metadata. */
function isBlockedName(host: string): boolean {
  if (!host.includes(".")) return true;
  return /(^|\.)(localhost|local|internal|localdomain|home\.arpa)$/.test(host) || host === "metadata.goog";
}

/**
 * Whether a webhook may be POSTed to `url`: https (http only when `allowInsecure`), and, unless `allowInsecure`, a
 * host that is not a blocked name or address and resolves only to public addresses. Checked when an endpoint is
 * made and again before each delivery (DNS may have changed since).
 */
export async function checkWebhookUrl(url: string, policy: WebhookUrlPolicy): Promise<UrlVerdict> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { ok: false, reason: "not a valid URL" };
  }
  if (parsed.protocol !== "https:" && !(policy.allowInsecure && parsed.protocol === "http:")) {
    return { ok: false, reason: "webhook URLs must use https://" };
  }
  if (policy.allowInsecure) return { ok: true };
  const host = parsed.hostname.replace(/\.$/, "").toLowerCase();
  if (parseV4(host) !== null || host.startsWith("[")) {
    return isBlockedAddress(host) ? { ok: false, reason: "the host is a private, loopback or reserved address" } : { ok: true };
  }
  if (isBlockedName(host)) return { ok: false, reason: "the host is a local or internal name" };
  let addresses: string[];
  try {
    addresses = await policy.resolveHost(host);
  } catch {
    addresses = [];
  }
  if (addresses.length === 0) return { ok: false, reason: `${host} does not resolve`, unresolved: true };
  if (addresses.some(isBlockedAddress)) return { ok: false, reason: `${host} resolves to a private, loopback or reserved address` };
  return { ok: true };
}
