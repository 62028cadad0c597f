// Beam search over the engine's raw forward pass, the HARP paper's baseline: `beams` beams, each expanded by its
// `expand` most likely next tokens, ranked by summed log-probability; finished beams compete length-normalized.
import { spanFlops } from "@thinktime/core";
import { assembleRows, logProbAt, type Engine, type KvCache } from "../src/engine/index.js";

export interface BeamResult {
  tokens: number[];
  text: string;
  /** Prefill once plus every beam's decode positions, by the engine's billing formula. */
  flops: number;
}

interface Beam {
  tokens: number[];
  score: number;
}

/** Log-softmax of one logits row, top `k` (token, logprob) pairs, ties to the lower id. */
function topK(logits: Float32Array, offset: number, vocab: number, k: number): { token: number; lp: number }[] {
  const ids = Array.from({ length: vocab }, (_, i) => i);
  ids.sort((a, b) => logits[offset + b]! - logits[offset + a]! || a - b);
  return ids.slice(0, k).map((token) => ({ token, lp: logProbAt(logits, offset, vocab, token) }));
}

export async function beamSearch(
  engine: Engine,
  prompt: number[],
  { beams = 3, expand = 5, maxTokens = 192 }: { beams?: number; expand?: number; maxTokens?: number } = {},
): Promise<BeamResult> {
  const V = engine.config.vocab_size;
  const eos = engine.tokenizer.eosId;
  const fm = engine.flopsModel;
  const P = prompt.length;
  const limit = Math.min(maxTokens, engine.maxPositions - P);
  let flops = spanFlops(fm, 0, P);
  const first = await engine.forward({ inputIds: [prompt] });
  let kv: KvCache = first.present;
  let logits = first.logits;
  let rowOffsets = [(P - 1) * V];
  let alive: Beam[] = [{ tokens: [], score: 0 }];
  const finished: Beam[] = [];
  const normalized = (b: Beam) => b.score / Math.max(1, b.tokens.length);
  for (let t = 0; t < limit && alive.length > 0; t++) {
    const candidates: { parent: number; token: number; score: number }[] = [];
    alive.forEach((beam, i) => {
      for (const { token, lp } of topK(logits, rowOffsets[i]!, V, expand)) {
        candidates.push({ parent: i, token, score: beam.score + lp });
      }
    });
    candidates.sort((a, b) => b.score - a.score);
    // As Hugging Face's beam search: an EOS among the `beams` best candidates finishes its beam; the best
    // non-EOS candidates carry on; the search ends once `beams` beams have finished (early stopping).
    const next: { parent: number; token: number; score: number }[] = [];
    for (const [rank, c] of candidates.entries()) {
      if (next.length >= beams) break;
      const tokens = [...alive[c.parent]!.tokens, c.token];
      if (c.token === eos || t === limit - 1) {
        if (rank < beams) finished.push({ tokens, score: c.score });
      } else next.push(c);
    }
    if (finished.length >= beams || next.length === 0) break;
    kv = assembleRows(next.map((c) => ({ kv, row: c.parent })), kv.length, engine.dims);
    const position = P + t;
    flops += next.length * spanFlops(fm, position, position + 1);
    const out = await engine.forward({ inputIds: next.map((c) => [c.token]), past: kv });
    kv = out.present;
    logits = out.logits;
    rowOffsets = next.map((_, i) => i * V);
    alive = next.map((c) => ({ tokens: [...alive[c.parent]!.tokens, c.token], score: c.score }));
  }
  const pool = finished.length > 0 ? finished : alive;
  const winner = pool.reduce((a, b) => (normalized(b) > normalized(a) ? b : a));
  return { tokens: winner.tokens, text: engine.tokenizer.decode(winner.tokens), flops };
}
