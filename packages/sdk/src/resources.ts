// client.usage, client.keys, client.invoices: the tenant's credits, API keys and monthly invoices.
import { InvoiceList, InvoiceResource } from "@thinktime/core/api/invoices";
import { CreatedKeyResource, type CreateKeyRequest, KeyList, KeyResource, type RotateKeyRequest } from "@thinktime/core/api/keys";
import { CreditUsageResource } from "@thinktime/core/api/tenants";
import type { z } from "zod";
import type { Transport } from "./http.js";

export class Usage {
  constructor(private readonly http: Transport) {}

  /** Credits limit, reserved, spent and remaining in a month (`YYYY-MM`, default the current one). */
  get(opts: { period?: string } = {}): Promise<CreditUsageResource> {
    return this.http.call(CreditUsageResource, "GET", "/v1/usage", { query: { period: opts.period } });
  }
}

export class Keys {
  constructor(private readonly http: Transport) {}

  /** A new key; its plaintext `key` is in this answer only. */
  create(body: z.input<typeof CreateKeyRequest> = {}): Promise<CreatedKeyResource> {
    return this.http.call(CreatedKeyResource, "POST", "/v1/keys", { json: body });
  }

  list(): Promise<KeyList> {
    return this.http.call(KeyList, "GET", "/v1/keys");
  }

  revoke(id: string): Promise<KeyResource> {
    return this.http.call(KeyResource, "POST", `/v1/keys/${encodeURIComponent(id)}/revoke`);
  }

  /** A replacement key (plaintext shown once); the old one keeps working for `grace_seconds`. */
  rotate(id: string, body: z.input<typeof RotateKeyRequest> = {}): Promise<CreatedKeyResource> {
    return this.http.call(CreatedKeyResource, "POST", `/v1/keys/${encodeURIComponent(id)}/rotate`, { json: body });
  }
}

export class Invoices {
  constructor(private readonly http: Transport) {}

  list(): Promise<InvoiceList> {
    return this.http.call(InvoiceList, "GET", "/v1/invoices");
  }

  get(id: string): Promise<InvoiceResource> {
    return this.http.call(InvoiceResource, "GET", `/v1/invoices/${encodeURIComponent(id)}`);
  }
}
