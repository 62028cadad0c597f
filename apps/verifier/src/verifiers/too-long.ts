// The one 413 every model verifier raises when an item's tokens exceed what the model accepts.
import { ApiError } from "../errors.js";

export function refuseOverlong(lengths: readonly number[], maxTokens: number): void {
  const tooLong = lengths.flatMap((tokens, index) => (tokens > maxTokens ? [{ index, tokens }] : []));
  if (tooLong.length === 0) return;
  const first = tooLong[0]!;
  throw new ApiError(
    "payload_too_large",
    `item ${first.index} is ${first.tokens} tokens (question + solution); the model accepts at most ${maxTokens}`,
    { max_tokens: maxTokens, items: tooLong },
  );
}
