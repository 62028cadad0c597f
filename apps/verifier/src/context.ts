// The typed per-request context: services built once by newApp and the request id, read by every route.
import type { Metrics } from "./metrics.js";
import type { VerifierRegistry } from "./verifiers/registry.js";

export interface Services {
  token: string;
  verifiers: VerifierRegistry;
  metrics: Metrics;
}

export interface AppEnv {
  Variables: {
    services: Services;
    requestId: string;
    /** The model a scoring request named, for metrics labels. */
    model?: string;
  };
}
