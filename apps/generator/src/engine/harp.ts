// HARP's arithmetic (Storaï & Hwang 2024), kept pure so tests can recompute a reframed step by hand:
// entropy of the raw next-token distribution, dropout on input embeddings, and the logit mix.
import { HARP_DEFAULTS as API_HARP_DEFAULTS, fnv1a, mulberry32 } from "@thinktime/core";
import type { HarpParams } from "./types.js";

export interface HarpSettings {
  theta: number;
  delta: number;
  beta: number;
  variant: "faithful" | "cached";
  window: number;
}

/** The API's defaults (packages/core), so a job that names none decodes like an engine request that names none. */
export const HARP_DEFAULTS: HarpSettings = { ...API_HARP_DEFAULTS };

export function resolveHarp(p: HarpParams | undefined): HarpSettings {
  return {
    theta: p?.theta ?? HARP_DEFAULTS.theta,
    delta: p?.delta ?? HARP_DEFAULTS.delta,
    beta: p?.beta ?? HARP_DEFAULTS.beta,
    variant: p?.variant ?? HARP_DEFAULTS.variant,
    window: p?.window ?? HARP_DEFAULTS.window,
  };
}

/** Problems with HARP settings, or null. theta may be +Infinity (never reframe). */
export function harpProblem(h: HarpSettings): string | null {
  if (Number.isNaN(h.theta) || h.theta < 0) return "harp.theta must be >= 0";
  if (!(h.delta >= 0 && h.delta < 1)) return "harp.delta must be in [0, 1)";
  if (!(h.beta >= 0 && h.beta <= 1)) return "harp.beta must be in [0, 1]";
  if (h.variant !== "faithful" && h.variant !== "cached") return 'harp.variant must be "faithful" or "cached"';
  if (!Number.isInteger(h.window) || h.window < 1) return "harp.window must be a positive integer";
  return null;
}

/**
 * The dropout masks' random stream of sample `index`: separate from the sampling stream so that reframing never
 * shifts which uniform a later token draw gets, and independent of batch composition like the sampling seed.
 */
export function harpRand(seed: number, index: number): () => number {
  return mulberry32(fnv1a(`thinktime-harp:${seed >>> 0}:${index}`));
}

/** Shannon entropy in bits of softmax(logits[offset .. offset+vocab)): raw logits, no temperature or top-p. */
export function entropyBits(logits: Float32Array, offset: number, vocab: number): number {
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < vocab; i++) max = Math.max(max, logits[offset + i]!);
  let z = 0;
  let s = 0;
  for (let i = 0; i < vocab; i++) {
    const x = logits[offset + i]! - max;
    const e = Math.exp(x);
    z += e;
    s += e * x;
  }
  // H = log Z − E[x] with x = logit − max, in nats; convert to bits.
  return (Math.log(z) - s / z) / Math.LN2;
}

/**
 * Input embeddings of `tokens` with element-wise dropout: each of the tokens.length × hidden values is zeroed
 * when rand() < delta, drawn position by position, channel by channel. No 1/(1−δ) rescaling (the paper's choice).
 * Writes into `out` at `outOffset` (a row of a left-padded batch) and returns it.
 */
export function dropoutEmbeddings(
  table: Float32Array,
  hidden: number,
  tokens: readonly number[],
  delta: number,
  rand: () => number,
  out: Float32Array = new Float32Array(tokens.length * hidden),
  outOffset = 0,
): Float32Array {
  for (let t = 0; t < tokens.length; t++) {
    const src = tokens[t]! * hidden;
    const dst = outOffset + t * hidden;
    for (let c = 0; c < hidden; c++) out[dst + c] = rand() < delta ? 0 : table[src + c]!;
  }
  return out;
}

/** β·original + (1−β)·reframed, both raw logit rows of length vocab. */
export function mixLogits(
  original: Float32Array,
  originalOffset: number,
  reframed: Float32Array,
  reframedOffset: number,
  vocab: number,
  beta: number,
): Float32Array {
  const out = new Float32Array(vocab);
  for (let i = 0; i < vocab; i++) {
    out[i] = beta * original[originalOffset + i]! + (1 - beta) * reframed[reframedOffset + i]!;
  }
  return out;
}
