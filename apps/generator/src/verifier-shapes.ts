// A start-up check that the generator prices verifier tokens at the sizes the verifier says it serves (/readyz).
import type { FlopsModel } from "@thinktime/core";

/** A served model as /readyz lists it; `shape` is absent for the exact checkers. */
export interface ServedModel {
  name: string;
  shape?: { num_parameters: number; num_hidden_layers: number; hidden_size: number };
}

/** The verifier models the worker bills, by the name the verifier serves them under (its /v1/score defaults). */
export const BILLED_AS = { scorer: "orm", stepScorer: "prm" } as const;

/** One line per billed model whose size differs from what the verifier serves under that name (empty: they agree). */
export function shapeMismatches(billed: { scorer?: FlopsModel; stepScorer?: FlopsModel }, served: readonly ServedModel[]): string[] {
  const out: string[] = [];
  for (const [role, name] of Object.entries(BILLED_AS) as [keyof typeof BILLED_AS, string][]) {
    const mine = billed[role];
    const theirs = served.find((m) => m.name === name)?.shape;
    if (!mine || !theirs) continue;
    const same =
      mine.numParameters === theirs.num_parameters && mine.numLayers === theirs.num_hidden_layers && mine.hiddenSize === theirs.hidden_size;
    if (!same) {
      out.push(
        `${name}: billed as ${mine.numParameters} parameters × ${mine.numLayers} layers × ${mine.hiddenSize}, ` +
          `served as ${theirs.num_parameters} × ${theirs.num_hidden_layers} × ${theirs.hidden_size}`,
      );
    }
  }
  return out;
}

/** The models /readyz lists, or null when the verifier cannot be asked now (down, loading, or too slow). */
export async function servedModels(verifierUrl: string, timeoutMs = 5000): Promise<ServedModel[] | null> {
  try {
    const res = await fetch(new URL("/readyz", verifierUrl), { signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) return null;
    const body = (await res.json()) as { models?: ServedModel[] };
    return Array.isArray(body.models) ? body.models : null;
  } catch {
    return null;
  }
}
