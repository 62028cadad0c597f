// Runs webhook delivery passes: a stoppable timer loop for Node (embedded) and a time-boxed drain for Workers' cron.
import { deliverDueWebhooks, type Database, type DeliveryOptions } from "@thinktime/db";

export interface DispatcherOptions extends DeliveryOptions {
  /** Idle wait between passes that found less than a full batch. Default 1 s. */
  intervalMs?: number;
}

export interface RunningDispatcher {
  /** Ends the loop after the pass in flight (its attempts finish and are recorded); resolves when it has. */
  stop(): Promise<void>;
}

const log = (msg: string, err: unknown) =>
  console.error(JSON.stringify({ level: "error", msg, error: err instanceof Error ? err.message : String(err) }));

export function startWebhookDispatcher(db: Database, opts: DispatcherOptions = {}): RunningDispatcher {
  const { intervalMs = 1_000, ...delivery } = opts;
  const batchSize = delivery.batchSize ?? 10;
  let stopped = false;
  let wake: (() => void) | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const idle = () =>
    new Promise<void>((resolve) => {
      wake = resolve;
      timer = setTimeout(resolve, intervalMs);
    });
  const loop = (async () => {
    while (!stopped) {
      let full = false;
      try {
        full = (await deliverDueWebhooks(db, delivery)).claimed >= batchSize;
      } catch (err) {
        log("webhook dispatch pass failed", err);
      }
      if (!stopped && !full) await idle();
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      wake?.();
      await loop;
    },
  };
}

/** Passes until nothing is due or `budgetMs` is spent (a Worker's scheduled run is short-lived). Returns deliveries made. */
export async function drainWebhooks(db: Database, { budgetMs = 25_000, ...delivery }: DeliveryOptions & { budgetMs?: number } = {}) {
  const until = Date.now() + budgetMs;
  let delivered = 0;
  while (Date.now() < until) {
    const report = await deliverDueWebhooks(db, delivery);
    delivered += report.delivered;
    if (report.claimed === 0) break;
  }
  return delivered;
}
