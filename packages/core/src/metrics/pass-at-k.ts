// pass@k from n samples per question: the benchmark's coverage curve, estimated without bias (Chen et al. 2021).

/**
 * The probability that at least one of k samples, drawn without replacement from n of which c are correct, is
 * correct: 1 − C(n−c, k) / C(n, k). Computed as 1 − ∏_{i=n−c+1}^{n} (1 − k/i), which never forms a binomial, so it
 * stays exact to rounding for any n. Needs integers with 1 ≤ k ≤ n and 0 ≤ c ≤ n; RangeError otherwise.
 */
export function passAtK(n: number, c: number, k: number): number {
  if (!Number.isInteger(n) || !Number.isInteger(c) || !Number.isInteger(k)) {
    throw new RangeError(`passAtK needs integers, got n=${n} c=${c} k=${k}`);
  }
  if (k < 1 || k > n) throw new RangeError(`passAtK needs 1 ≤ k ≤ n, got n=${n} k=${k}`);
  if (c < 0 || c > n) throw new RangeError(`passAtK needs 0 ≤ c ≤ n, got n=${n} c=${c}`);
  if (n - c < k) return 1;
  let allWrong = 1;
  for (let i = n - c + 1; i <= n; i++) allWrong *= 1 - k / i;
  return 1 - allWrong;
}

/** pass@k averaged over questions, each with its own n and c. RangeError on an empty list or any invalid sample. */
export function meanPassAtK(samples: readonly { n: number; c: number }[], k: number): number {
  if (samples.length === 0) throw new RangeError("meanPassAtK needs at least one sample");
  let total = 0;
  for (const s of samples) total += passAtK(s.n, s.c, k);
  return total / samples.length;
}
