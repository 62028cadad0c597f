// The exact text and token ids the ORM was trained on, so serving and training (models/prm/steps.py) never drift.
import { formatPrompt, type CharTokenizer } from "@thinktime/core";

/** The text scored for a (question, solution) pair: the prompt format, then the solution verbatim (no EOS). */
export function ormInput(question: string, solution: string): string {
  return formatPrompt(question) + solution;
}

/** Token ids for a pair: BOS + ormInput(question, solution). The score is read at the last of these. */
export function ormTokens(tokenizer: CharTokenizer, question: string, solution: string): number[] {
  return tokenizer.encode(ormInput(question, solution), { bos: true });
}
