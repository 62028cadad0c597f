// Reads an NDJSON (JSON Lines) batch upload: one CreateJobRequest per line, every bad line reported by its number.
import type { CreateJobRequest } from "@thinktime/core";
import type { FieldError } from "../../../errors.js";
import { fieldErrors } from "../../../lib/error-handler.js";
import { CreateJobBody } from "../../schemas.js";

export type ParsedLines =
  /** `line` is 1-based, counting blank lines too, as an editor shows it. */
  | { kind: "ok"; jobs: Array<{ line: number; request: CreateJobRequest }> }
  | { kind: "invalid"; errors: FieldError[] }
  | { kind: "too_many"; lines: number };

export function parseJobLines(text: string, max: number): ParsedLines {
  const lines = text
    .split(/\r?\n/)
    .map((body, i) => ({ line: i + 1, body }))
    .filter((l) => l.body.trim() !== "");
  if (lines.length > max) return { kind: "too_many", lines: lines.length };
  if (lines.length === 0) return { kind: "invalid", errors: [{ path: "body", message: "no jobs: send one JSON object per line" }] };
  const jobs: Array<{ line: number; request: CreateJobRequest }> = [];
  const errors: FieldError[] = [];
  for (const { line, body } of lines) {
    let value: unknown;
    try {
      value = JSON.parse(body);
    } catch {
      errors.push({ path: `line.${line}`, message: "not valid JSON" });
      continue;
    }
    const parsed = CreateJobBody.safeParse(value);
    if (parsed.success) jobs.push({ line, request: parsed.data });
    else errors.push(...fieldErrors(parsed.error, `line.${line}`));
  }
  return errors.length > 0 ? { kind: "invalid", errors } : { kind: "ok", jobs };
}
