// The one prompt format the model zoo is trained on: the question, a newline, then the solution lines.

export function formatPrompt(question: string): string {
  return `${question.trim()}\n`;
}
