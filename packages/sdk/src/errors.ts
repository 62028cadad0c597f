// ThinktimeError: an API answer that was not a success, carrying its RFC 9457 problem so callers branch on `code`.
import type { Problem } from "@thinktime/core/api/jobs";

export type ProblemDetails = Problem;

export class ThinktimeError extends Error {
  override readonly name = "ThinktimeError";
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly detail: string;
  readonly errors: Array<{ path: string; message: string }>;
  readonly requestId: string | null;

  constructor(readonly problem: ProblemDetails) {
    super(`${problem.status} ${problem.title}: ${problem.detail}`);
    this.status = problem.status;
    this.code = problem.code;
    this.title = problem.title;
    this.detail = problem.detail;
    this.errors = problem.errors ?? [];
    this.requestId = problem.request_id || null;
  }
}
