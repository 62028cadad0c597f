// Renders a job's live progress on stderr: status, best answer so far, spend against budget.
import type { JobProgress } from "../progress.js";
import type { Io } from "./common.js";

const fmt = (n: number) => (n >= 1e6 ? n.toExponential(2) : String(n));

export function describeProgress(p: JobProgress): string {
  const parts = [p.status, `best ${p.best_answer ?? "-"}`, `${p.candidates} candidates`];
  const tokens = p.budget?.tokens !== undefined ? `${fmt(p.spent.tokens)}/${fmt(p.budget.tokens)} tokens` : `${fmt(p.spent.tokens)} tokens`;
  const flops = p.budget?.flops !== undefined ? `${fmt(p.spent.flops)}/${fmt(p.budget.flops)} FLOPs` : `${fmt(p.spent.flops)} FLOPs`;
  parts.push(tokens, flops);
  if (p.cancel_requested) parts.push("cancel requested");
  return parts.join(" · ");
}

/** One line per change, redrawn in place on a terminal; `end()` finishes the line. */
export function progressPrinter(io: Io): { update: (p: JobProgress) => void; end: () => void } {
  let drawn = false;
  return {
    update(p) {
      const line = describeProgress(p);
      if (io.errIsTty) {
        process.stderr.write(`\r\x1b[2K${line}`);
        drawn = true;
      } else io.err(line);
    },
    end() {
      if (drawn) process.stderr.write("\n");
      drawn = false;
    },
  };
}
