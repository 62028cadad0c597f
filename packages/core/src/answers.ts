// Answer extraction and equivalence: voting and checking must agree on when two answers are the same.

const ANSWER_LINE = /Answer:\s*([^\n]*)/g;
const GSM8K_MARK = /####\s*([^\n]*)/g;
const NUMBER = /-?\d[\d,]*(?:\.\d+)?|-?\.\d+/g;

/**
 * The final answer of a solution: the last `Answer: …` line, else the last `#### …` mark, else the last number
 * in the text. Returns null when the text holds no answer at all.
 */
export function extractAnswer(text: string): string | null {
  const marked = lastMatch(ANSWER_LINE, text) ?? lastMatch(GSM8K_MARK, text);
  if (marked !== null) {
    const trimmed = marked.trim();
    if (trimmed.length === 0) return null;
    const num = lastMatch(NUMBER, trimmed, 0);
    return num ?? trimmed;
  }
  return lastMatch(NUMBER, text, 0);
}

/** A canonical key so that `42`, `42.0`, `1,000` vs `1000`, and `-3` vs `- 3` compare equal. */
export function normalizeAnswer(answer: string): string {
  const compact = answer.trim().replace(/^\$/, "").replace(/\s+/g, "").replace(/\.$/, "");
  if (/^-?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$|^-?\.\d+$/.test(compact)) {
    const value = Number(compact.replace(/,/g, ""));
    if (Number.isFinite(value)) return String(Object.is(value, -0) ? 0 : value);
  }
  return compact.toLowerCase();
}

export function answersEqual(a: string | null, b: string | null): boolean {
  if (a === null || b === null) return false;
  return normalizeAnswer(a) === normalizeAnswer(b);
}

function lastMatch(re: RegExp, text: string, group = 1): string | null {
  let last: string | null = null;
  for (const m of text.matchAll(re)) last = m[group] ?? null;
  return last;
}
