// The models this verifier serves, by name, each ready or still loading; readiness and shutdown see them all.
import { ApiError } from "../errors.js";
import type { ModelShape, Verifier } from "./types.js";

type Slot = { status: "loading" } | { status: "ready"; verifier: Verifier } | { status: "failed"; error: Error };

export interface ModelStatus {
  name: string;
  status: Slot["status"];
  kind?: Verifier["kind"];
  max_tokens?: number;
  /** The model's size (config.json), so callers can price its tokens; absent for the exact checkers. */
  shape?: ModelShape;
  error?: string;
}

export class VerifierRegistry {
  private readonly slots = new Map<string, Slot>();
  /** Settles once every model has loaded (rejects with the first load failure). */
  readonly loaded: Promise<void>;
  private closing: Promise<void> | undefined;

  constructor(entries: Record<string, Verifier | Promise<Verifier>>) {
    const loads = Object.entries(entries).map(async ([name, entry]) => {
      this.slots.set(name, { status: "loading" });
      try {
        const verifier = await entry;
        if (verifier.name !== name) throw new Error(`model "${name}" resolved to a verifier named "${verifier.name}"`);
        this.slots.set(name, { status: "ready", verifier });
      } catch (e) {
        const error = e instanceof Error ? e : new Error(String(e));
        this.slots.set(name, { status: "failed", error });
        throw error;
      }
    });
    this.loaded = Promise.all(loads).then(() => undefined);
    this.loaded.catch(() => {}); // surfaced by /readyz and by whoever awaits `loaded`
  }

  names(): string[] {
    return [...this.slots.keys()];
  }

  /** The named verifier; 404 unknown_model for a name not served here, 503 not_ready while loading or stopping. */
  get(name: string): Verifier {
    const slot = this.slots.get(name);
    if (!slot) throw new ApiError("unknown_model", `model "${name}" is not served here; available: ${this.names().join(", ")}`);
    if (this.closing) throw new ApiError("not_ready", "the verifier is shutting down; retry on another instance");
    if (slot.status === "loading") throw new ApiError("not_ready", `model "${name}" is still loading; retry shortly`);
    if (slot.status === "failed") throw new ApiError("not_ready", `model "${name}" failed to load: ${slot.error.message}`);
    return slot.verifier;
  }

  status(): { ready: boolean; models: ModelStatus[] } {
    const models = [...this.slots].map(([name, slot]): ModelStatus => {
      if (slot.status === "ready") {
        const { kind, maxTokens, shape } = slot.verifier;
        return {
          name, status: "ready", kind,
          ...(maxTokens !== undefined ? { max_tokens: maxTokens } : {}),
          ...(shape !== undefined ? { shape } : {}),
        };
      }
      return slot.status === "failed" ? { name, status: "failed", error: slot.error.message } : { name, status: "loading" };
    });
    return { ready: this.closing === undefined && models.every((m) => m.status === "ready"), models };
  }

  /** Refuses new work, lets queued batches finish, then releases the models. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.loaded.catch(() => {});
      await Promise.all(
        [...this.slots.values()].map((slot) => (slot.status === "ready" ? slot.verifier.close?.() : undefined)),
      );
    })();
    return this.closing;
  }
}
