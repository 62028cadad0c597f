// A real webhook receiver for tests (node:http on 127.0.0.1:0) that checks each signature itself with node:crypto.
import { createHmac, timingSafeEqual } from "node:crypto";
import { once } from "node:events";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedWebhook {
  id: string;
  timestamp: string;
  signature: string;
  contentType: string;
  body: string;
  /** The signature matched `secret` (checked independently of ./webhook-signature) and the timestamp is fresh. */
  verified: boolean;
  /** The status this request was answered with. */
  status: number;
}

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  /** Wait this long before answering (to test timeouts). */
  delayMs?: number;
}

export interface WebhookReceiver {
  /** POST here. */
  url: string;
  received: ReceivedWebhook[];
  /** The endpoint's `whsec_…` secret, set once it is known; requests are checked against it. */
  secret: string | null;
  /** How to answer the `n`-th request (0-based) carrying this webhook id; default 204. */
  reply: (req: ReceivedWebhook, n: number) => Reply;
  /** Requests received per webhook id. */
  countById(): Map<string, number>;
  close(): Promise<void>;
}

/** Standard Webhooks, written out from the spec: base64 HMAC-SHA256 over `id.timestamp.body` with the decoded secret. */
function verify(secret: string, id: string, timestamp: string, signature: string, body: string): boolean {
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) return false;
  const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
  const expected = createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest();
  return signature.split(" ").some((part) => {
    const [version, sig] = part.split(",", 2);
    const given = Buffer.from(sig ?? "", "base64");
    return version === "v1" && given.length === expected.length && timingSafeEqual(given, expected);
  });
}

const readBody = async (req: IncomingMessage) => {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8");
};

export async function startWebhookReceiver(reply?: WebhookReceiver["reply"]): Promise<WebhookReceiver> {
  const seen = new Map<string, number>();
  const receiver: WebhookReceiver = {
    url: "",
    received: [],
    secret: null,
    reply: reply ?? (() => ({ status: 204 })),
    countById: () => new Map(seen),
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, "close");
    },
  };
  const server = createServer(async (req, res) => {
    const body = await readBody(req);
    const header = (name: string) => String(req.headers[name] ?? "");
    const hook: ReceivedWebhook = {
      id: header("webhook-id"),
      timestamp: header("webhook-timestamp"),
      signature: header("webhook-signature"),
      contentType: header("content-type"),
      body,
      verified: false,
      status: 0,
    };
    hook.verified = !!receiver.secret && verify(receiver.secret, hook.id, hook.timestamp, hook.signature, body);
    const n = seen.get(hook.id) ?? 0;
    seen.set(hook.id, n + 1);
    const answer = receiver.reply(hook, n);
    hook.status = answer.status;
    receiver.received.push(hook);
    if (answer.delayMs) await new Promise((r) => setTimeout(r, answer.delayMs));
    if (res.destroyed) return;
    res.writeHead(answer.status, answer.headers);
    res.end();
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  return receiver;
}
