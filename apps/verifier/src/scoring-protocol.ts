// The messages between the verifier's event loop and a scoring thread (scoring-thread.ts, threaded-scorer.ts).
import type { OrmScorerOptions } from "./orm-scorer.js";
import type { PrmScorerOptions } from "./prm-scorer.js";

export type ScoringThreadData = { kind: "orm"; dir: string; options: OrmScorerOptions } | { kind: "prm"; dir: string; options: PrmScorerOptions };

/** `score`: the ORM's token sequences or the PRM's step rows; `close`: release the session, then end the thread;
 * `exit`: stop the thread as a crash would, at a point where onnxruntime is not mid-run (a terminate() there can
 * abort the whole process): after the run in progress, answering nothing it holds. Tests use it. */
export type ScoringRequest = { id: number; op: "score"; input: unknown } | { id: number; op: "close" } | { id: number; op: "exit" };

export interface ThreadError {
  name: string;
  message: string;
}

export type ThreadMessage =
  | { type: "ready" }
  | { type: "failed"; error: ThreadError }
  | { type: "result"; id: number; output: unknown; cacheBytes?: number }
  | { type: "error"; id: number; error: ThreadError };
