// Loads GSM8K-style JSONL (`question`, `answer` ending in `#### N`) so users can bring a real dataset.

export interface Gsm8kProblem {
  id: string;
  question: string;
  /** The reasoning before `####`, with calculator annotations `<<…>>` removed. */
  solution: string;
  answer: string;
}

export class DatasetFormatError extends Error {
  constructor(readonly line: number, message: string) {
    super(`line ${line}: ${message}`);
    this.name = "DatasetFormatError";
  }
}

export function parseGsm8kJsonl(text: string, idPrefix = "gsm8k"): Gsm8kProblem[] {
  const out: Gsm8kProblem[] = [];
  const lines = text.split(/\r?\n/);
  for (const [i, raw] of lines.entries()) {
    if (raw.trim().length === 0) continue;
    let row: unknown;
    try {
      row = JSON.parse(raw);
    } catch {
      throw new DatasetFormatError(i + 1, "not valid JSON");
    }
    if (typeof row !== "object" || row === null) throw new DatasetFormatError(i + 1, "expected an object");
    const { question, answer } = row as Record<string, unknown>;
    if (typeof question !== "string" || question.trim() === "") {
      throw new DatasetFormatError(i + 1, "`question` must be a non-empty string");
    }
    if (typeof answer !== "string") throw new DatasetFormatError(i + 1, "`answer` must be a string");
    const mark = answer.lastIndexOf("####");
    if (mark === -1) throw new DatasetFormatError(i + 1, "`answer` must end with `#### N`");
    const final = answer.slice(mark + 4).trim();
    if (final === "") throw new DatasetFormatError(i + 1, "empty final answer after ####");
    const solution = answer.slice(0, mark).replace(/<<[^>]*>>/g, "").trim();
    out.push({ id: `${idPrefix}-${out.length}`, question: question.trim(), solution, answer: final });
  }
  return out;
}
