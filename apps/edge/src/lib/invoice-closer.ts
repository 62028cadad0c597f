// Finalizes ended months' invoices in the background on Node; the Worker's cron calls finalizeDueInvoices itself.
import { finalizeDueInvoices, type Database } from "@thinktime/db";

export interface RunningInvoiceCloser {
  /** Ends the loop after the pass in flight; resolves when it has. */
  stop(): Promise<void>;
}

const log = (err: unknown) =>
  console.error(JSON.stringify({ level: "error", msg: "invoice finalization pass failed", error: err instanceof Error ? err.message : String(err) }));

/** One pass now, then one every `intervalMs` (default 15 min): cheap when nothing is due (one probe per month). */
export function startInvoiceCloser(db: Database, { intervalMs = 15 * 60_000, graceMs }: { intervalMs?: number; graceMs?: number } = {}): RunningInvoiceCloser {
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let inFlight: Promise<unknown> = Promise.resolve();
  const pass = () => {
    inFlight = finalizeDueInvoices(db, { graceMs })
      .catch(log)
      .finally(() => {
        if (!stopped) timer = setTimeout(pass, intervalMs);
      });
  };
  pass();
  return {
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await inFlight;
    },
  };
}
