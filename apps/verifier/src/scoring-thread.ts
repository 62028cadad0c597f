// Runs one model (ORM or PRM, its ONNX session and KV cache) in a worker thread, so a run never blocks the event loop.
import { parentPort, workerData } from "node:worker_threads";
import { OrmScorer } from "./orm-scorer.js";
import { PrmScorer, type StepRow } from "./prm-scorer.js";
import type { ScoringRequest, ScoringThreadData, ThreadMessage } from "./scoring-protocol.js";

const data = workerData as ScoringThreadData;
const port = parentPort!;
/** Set by an `exit` request: the thread ends after the run in progress instead of answering it. */
let exiting = false;

try {
  const scorer = data.kind === "orm" ? await OrmScorer.load(data.dir, data.options) : await PrmScorer.load(data.dir, data.options);
  // One request at a time, in arrival order: runs are synchronous inside onnxruntime anyway, and the PRM's cache
  // sees each batch whole.
  let queue: Promise<void> = Promise.resolve();
  let held = 0;
  port.on("message", (req: ScoringRequest) => {
    if (req.op === "exit") {
      exiting = true;
      if (held === 0) process.exit(1);
      return;
    }
    held++;
    queue = queue.then(() => serve(scorer, req)).finally(() => {
      held--;
    });
  });
  port.postMessage({ type: "ready" } satisfies ThreadMessage);
} catch (err) {
  port.postMessage({ type: "failed", error: describe(err) } satisfies ThreadMessage);
}

async function serve(scorer: OrmScorer | PrmScorer, req: Exclude<ScoringRequest, { op: "exit" }>): Promise<void> {
  try {
    if (req.op === "close") {
      await scorer.close();
      port.postMessage({ type: "result", id: req.id, output: null } satisfies ThreadMessage);
      port.close();
      return;
    }
    const output =
      scorer instanceof OrmScorer ? await scorer.score(req.input as number[][]) : await scorer.scoreRows(req.input as StepRow[]);
    if (exiting) process.exit(1);
    const cacheBytes = scorer instanceof PrmScorer ? scorer.cacheBytes() : 0;
    port.postMessage({ type: "result", id: req.id, output, cacheBytes } satisfies ThreadMessage);
  } catch (err) {
    if (exiting) process.exit(1);
    port.postMessage({ type: "error", id: req.id, error: describe(err) } satisfies ThreadMessage);
  }
}

function describe(err: unknown): { name: string; message: string } {
  return err instanceof Error ? { name: err.name, message: err.message } : { name: "Error", message: String(err) };
}
