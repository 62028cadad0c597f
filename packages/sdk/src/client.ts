// The Thinktime client: one transport (base URL, key, fetch) shared by every resource.
import { type FetchLike, Transport } from "./http.js";
import { Jobs } from "./jobs.js";
import { Invoices, Keys, Usage } from "./resources.js";

export interface ThinktimeOptions {
  /** The API's origin, e.g. `http://127.0.0.1:8787`. */
  baseUrl: string;
  /** A `tt_…` key. */
  apiKey: string;
  /** Default: the global fetch. */
  fetch?: FetchLike;
}

export class Thinktime {
  readonly jobs: Jobs;
  readonly usage: Usage;
  readonly keys: Keys;
  readonly invoices: Invoices;

  constructor(opts: ThinktimeOptions) {
    const http = new Transport(opts);
    this.jobs = new Jobs(http);
    this.usage = new Usage(http);
    this.keys = new Keys(http);
    this.invoices = new Invoices(http);
  }
}
