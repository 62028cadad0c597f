// The one prompt format the model zoo is trained on: the question, a newline, then the solution lines.

export function formatPrompt(question: string): string {
  return `${question.trim()}\n`;
}

/** Earlier attempts a revision prompt holds at most (Snell et al. §6 keep the last four). */
export const REVISION_WINDOW = 4;

/**
 * The prompt of the revision policy (models/revise): the question, then each earlier attempt after an `Attempt:`
 * line (the last REVISION_WINDOW of them), then `Revision:`; with no earlier attempt, the plain prompt. Same as
 * revision_prompt in models/zoo/revisions.py.
 */
export function formatRevisionPrompt(question: string, attempts: readonly string[], window = REVISION_WINDOW): string {
  const kept = window > 0 ? attempts.slice(-window) : [];
  if (kept.length === 0) return formatPrompt(question);
  return `${formatPrompt(question)}${kept.map((a) => `Attempt:\n${a.trim()}\n`).join("")}Revision:\n`;
}
