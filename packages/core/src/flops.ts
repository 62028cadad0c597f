// Inference FLOPs accounting: usage rows bill compute, and strategies are compared at equal FLOPs.

/** The shape numbers the FLOPs estimate needs (HF config: num_parameters, num_hidden_layers, hidden_size). */
export interface FlopsModel {
  numParameters: number;
  numLayers: number;
  hiddenSize: number;
}

/**
 * Forward-pass FLOPs of one token that attends to `contextLen` positions (itself included):
 *   2·num_parameters + 2·num_layers·context_len·hidden_size
 * The first term is the weight matmuls (one multiply-add per parameter); the second the attention over the
 * context (the "Large Language Monkeys" / Kaplan et al. per-token inference estimate).
 */
export function tokenFlops(model: FlopsModel, contextLen: number): number {
  return 2 * model.numParameters + 2 * model.numLayers * contextLen * model.hiddenSize;
}

/**
 * FLOPs of the tokens at positions [start, end) of one sequence, the token at position t attending to t + 1
 * positions: the sum of tokenFlops in closed form. A prompt of P tokens is spanFlops(m, 0, P), counted once per
 * request however many samples share it; a sample's G generated tokens are spanFlops(m, P, P + G).
 */
export function spanFlops(model: FlopsModel, start: number, end: number): number {
  if (end <= start) return 0;
  const tokens = end - start;
  // Σ_{t=start}^{end-1} (t + 1) = (end·(end+1) − start·(start+1)) / 2
  const contextSum = (end * (end + 1) - start * (start + 1)) / 2;
  return 2 * model.numParameters * tokens + 2 * model.numLayers * model.hiddenSize * contextSum;
}
