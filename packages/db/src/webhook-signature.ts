// Standard Webhooks signatures with Web Crypto (Node and Workers): `v1,` + base64 HMAC-SHA256 of `id.timestamp.body`.

export const SECRET_PREFIX = "whsec_";
const SECRET_BYTES = 32;
/** Receivers should refuse timestamps further than this from their clock (replay protection). */
export const DEFAULT_TOLERANCE_SECONDS = 5 * 60;

const toBase64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
const fromBase64 = (text: string) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

/** A fresh `whsec_` + base64 secret: the HMAC key is the decoded bytes, as the Standard Webhooks libraries expect. */
export function newWebhookSecret(): string {
  const bytes = new Uint8Array(SECRET_BYTES);
  crypto.getRandomValues(bytes);
  return SECRET_PREFIX + toBase64(bytes);
}

function hmacKey(secret: string, usage: "sign" | "verify") {
  const raw = fromBase64(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret);
  return crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, [usage]);
}

const signedContent = (id: string, timestamp: number, body: string) =>
  new TextEncoder().encode(`${id}.${timestamp}.${body}`);

/** The `webhook-signature` header value for one message. */
export async function signWebhook(secret: string, id: string, timestamp: number, body: string): Promise<string> {
  const mac = await crypto.subtle.sign("HMAC", await hmacKey(secret, "sign"), signedContent(id, timestamp, body));
  return `v1,${toBase64(new Uint8Array(mac))}`;
}

/**
 * The three headers a delivery carries besides its content type. Several secrets (during a rotation's grace period)
 * give one space-separated `v1,…` signature each: a receiver holding either secret verifies.
 */
export async function webhookHeaders(
  secrets: string | string[],
  id: string,
  timestamp: number,
  body: string,
): Promise<Record<string, string>> {
  const signatures = await Promise.all([secrets].flat().map((s) => signWebhook(s, id, timestamp, body)));
  return { "webhook-id": id, "webhook-timestamp": String(timestamp), "webhook-signature": signatures.join(" ") };
}

/**
 * What a receiver does: true if one of the space-separated `v1,` signatures matches (compared in constant time by
 * crypto.subtle.verify) and the timestamp is within `toleranceSeconds` of `nowSeconds`.
 */
export async function verifyWebhook(
  secret: string,
  headers: { id: string; timestamp: string; signature: string },
  body: string,
  { toleranceSeconds = DEFAULT_TOLERANCE_SECONDS, nowSeconds = Math.floor(Date.now() / 1000) } = {},
): Promise<boolean> {
  const timestamp = Number(headers.timestamp);
  if (!/^\d{1,12}$/.test(headers.timestamp) || Math.abs(nowSeconds - timestamp) > toleranceSeconds) return false;
  const key = await hmacKey(secret, "verify");
  const content = signedContent(headers.id, timestamp, body);
  for (const part of headers.signature.split(" ")) {
    const [version, sig] = part.split(",", 2);
    if (version !== "v1" || !sig) continue;
    let mac: Uint8Array;
    try {
      mac = fromBase64(sig);
    } catch {
      continue;
    }
    if (await crypto.subtle.verify("HMAC", key, mac, content)) return true;
  }
  return false;
}
