// A model whose scoring thread stopped is being restarted: the calls it held answer 503 not_ready (retry), not 500.
import { ApiError } from "../errors.js";
import { ScoringThreadExited } from "../threaded-scorer.js";

export function retryable(err: unknown): never {
  if (err instanceof ScoringThreadExited) throw new ApiError("not_ready", err.message);
  throw err;
}
