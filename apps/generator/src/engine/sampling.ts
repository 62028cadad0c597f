// Next-token choice from one row of logits: greedy argmax, or temperature + top-k + top-p with a seeded draw.
import { fnv1a } from "@thinktime/core";

export interface TokenSampling {
  /** 0 = greedy. */
  temperature: number;
  top_p: number;
  top_k?: number;
}

/** Seed of sample `index` of a request: depends only on (seed, index), never on what else shares the batch. */
export function deriveSeed(seed: number, index: number): number {
  return fnv1a(`thinktime:${seed >>> 0}:${index}`);
}

/** Lowest index of the largest logit (ties → lowest id, so greedy is deterministic). */
export function argmax(logits: Float32Array, offset: number, vocab: number): number {
  let best = 0;
  let bestVal = logits[offset]!;
  for (let i = 1; i < vocab; i++) {
    const v = logits[offset + i]!;
    if (v > bestVal) {
      bestVal = v;
      best = i;
    }
  }
  return best;
}

/** log softmax(logits)[token] at temperature 1: the model's own log-probability of the token. */
export function logProbAt(logits: Float32Array, offset: number, vocab: number, token: number): number {
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < vocab; i++) max = Math.max(max, logits[offset + i]!);
  let sum = 0;
  for (let i = 0; i < vocab; i++) sum += Math.exp(logits[offset + i]! - max);
  return logits[offset + token]! - max - Math.log(sum);
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/**
 * Token ids by descending logit, ties to the lower id: the order a comparator sort gives, at native sort speed.
 * Each logit's float32 bits become an order-preserving integer (negatives flipped), inverted for descending order,
 * scaled past the id bits and plus the id: distinct doubles, so a plain numeric sort is exact.
 */
export function descendingOrder(logits: Float32Array, offset: number, vocab: number): ArrayLike<number> {
  const idBits = Math.max(1, Math.ceil(Math.log2(vocab)));
  if (idBits > 21) {
    const order = Array.from({ length: vocab }, (_, i) => i);
    return order.sort((a, b) => logits[offset + b]! - logits[offset + a]! || a - b);
  }
  const scale = 2 ** idBits;
  const keys = new Float64Array(vocab);
  for (let i = 0; i < vocab; i++) {
    f32[0] = logits[offset + i]! + 0; // -0 → +0, as the comparator sees them equal
    const bits = u32[0]!;
    const ascending = bits & 0x80000000 ? ~bits >>> 0 : (bits | 0x80000000) >>> 0;
    keys[i] = (0xffffffff - ascending) * scale + i;
  }
  keys.sort();
  const order = new Uint32Array(vocab);
  for (let i = 0; i < vocab; i++) order[i] = keys[i]! % scale;
  return order;
}

/**
 * Draws a token from softmax(logits / temperature) restricted to the top_k most likely tokens and then to the
 * smallest set whose probability reaches top_p. Uses exactly one rand() per draw (none when greedy).
 */
export function sampleToken(
  logits: Float32Array,
  offset: number,
  vocab: number,
  params: TokenSampling,
  rand: () => number,
): number {
  if (params.temperature <= 0) return argmax(logits, offset, vocab);
  const order = descendingOrder(logits, offset, vocab);
  const k = params.top_k !== undefined && params.top_k > 0 ? Math.min(params.top_k, vocab) : vocab;
  const max = logits[offset + order[0]!]!;
  const probs = new Float64Array(k);
  let total = 0;
  for (let i = 0; i < k; i++) {
    const p = Math.exp((logits[offset + order[i]!]! - max) / params.temperature);
    probs[i] = p;
    total += p;
  }
  // Nucleus: keep the head of the sorted list until its mass reaches top_p (at least one token).
  const topP = Math.min(Math.max(params.top_p, 0), 1);
  let kept = 0;
  let mass = 0;
  while (kept < k) {
    mass += probs[kept]!;
    kept++;
    if (mass >= topP * total) break;
  }
  let u = rand() * mass;
  for (let i = 0; i < kept; i++) {
    u -= probs[i]!;
    if (u < 0) return order[i]!;
  }
  return order[kept - 1]!;
}
