// Folding a solution's step scores into one outcome score: last (Snell et al.'s choice), min, prod or mean.
export const AGGREGATIONS = ["last", "min", "prod", "mean"] as const;
export type Aggregation = (typeof AGGREGATIONS)[number];

export function aggregate(stepScores: readonly number[], how: Aggregation): number {
  if (stepScores.length === 0) throw new RangeError("cannot aggregate zero step scores");
  switch (how) {
    case "last":
      return stepScores.at(-1)!;
    case "min":
      return Math.min(...stepScores);
    case "prod":
      return stepScores.reduce((p, s) => p * s, 1);
    case "mean":
      return stepScores.reduce((a, s) => a + s, 0) / stepScores.length;
  }
}
