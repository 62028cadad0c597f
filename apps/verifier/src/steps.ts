// Splits a solution into steps and maps each step to the token where its score is read (its last non-space token).
import { formatPrompt, type CharTokenizer } from "@thinktime/core";

export const DEFAULT_STEP_DELIMITER = "\n";

export interface EncodedSteps {
  /** BOS + formatPrompt(question) + solution verbatim: the same ids the ORM reads (ormTokens). */
  tokens: number[];
  /** The text of each non-blank step, in order. */
  steps: string[];
  /** Token index of each step's last non-space token: where that step's score is read. */
  stepEnds: number[];
  /** Ascending token lengths at which a prefix may have been cached: after the prompt, each step and delimiter. */
  cuts: number[];
}

/** Segments between delimiters; blank ones are not steps but keep their tokens (the text is scored verbatim). */
export function encodeSteps(tokenizer: CharTokenizer, question: string, solution: string, delimiter = DEFAULT_STEP_DELIMITER): EncodedSteps {
  if (delimiter.length === 0) throw new RangeError("the step delimiter must not be empty");
  const tokens = tokenizer.encode(formatPrompt(question), { bos: true });
  const steps: string[] = [];
  const stepEnds: number[] = [];
  const cuts = [tokens.length];
  const delimiterIds = tokenizer.encode(delimiter, { bos: false });
  solution.split(delimiter).forEach((segment, i) => {
    if (i > 0) {
      tokens.push(...delimiterIds);
      cuts.push(tokens.length);
    }
    const trimmed = segment.trimEnd();
    if (trimmed.trim().length > 0) {
      steps.push(segment);
      stepEnds.push(tokens.length + tokenizer.encode(trimmed, { bos: false }).length - 1);
    }
    tokens.push(...tokenizer.encode(segment, { bos: false }));
    if (trimmed.length > 0) cuts.push(tokens.length);
  });
  return { tokens, steps, stepEnds, cuts: [...new Set(cuts)] };
}

/** The non-blank steps of a solution, verbatim (for verifiers that read text, not tokens). */
export function splitSteps(solution: string, delimiter = DEFAULT_STEP_DELIMITER): string[] {
  if (delimiter.length === 0) throw new RangeError("the step delimiter must not be empty");
  return solution.split(delimiter).filter((s) => s.trim().length > 0);
}
