// The system resolver for Node (getaddrinfo, /etc/hosts included); kept out of the index so Workers never load node:dns.
import { lookup } from "node:dns/promises";
import type { ResolveHost } from "./webhook-url.js";

export const nodeResolveHost: ResolveHost = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map((a) => a.address);
