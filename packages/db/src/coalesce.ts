// Group commit for hot queries: calls that arrive while a batch is in flight run together as the next batch.

export interface CoalesceOptions {
  /** Most items one batch takes; the rest wait for the next. */
  maxBatch: number;
  /** Batches that may run at once; a new call runs at once (a batch of one) only while fewer are in flight. */
  maxInFlight: number;
}

/** A result that fails only its own call (coalesce rejects that call with `error`, the batch's others resolve). */
export class Rejected {
  constructor(readonly error: unknown) {}
}

/** Runs `f` after the I/O callbacks already due (Node's setImmediate), else on the next timer tick. */
const afterIo: (f: () => void) => void = (f) =>
  typeof setImmediate === "function" ? void setImmediate(f) : void setTimeout(f, 0);

/**
 * Wraps `run` (items → one result per item, in order) so concurrent calls share batches. A batch starts once the
 * I/O callbacks already due have run (so requests that arrived together join it, even when the database answers
 * without yielding to I/O, as in-process PGlite does) and while fewer than maxInFlight run; calls that arrive
 * meanwhile queue and the next batch takes them all (up to maxBatch). This is a database's group commit, one level
 * up; a lone call waits only for that one turn of the event loop. If `run` throws, every call of that batch rejects; a
 * `Rejected` result rejects only its own call.
 */
export function coalesce<I, O>(run: (items: I[]) => Promise<(O | Rejected)[]>, opts: CoalesceOptions): (item: I) => Promise<O> {
  if (!(opts.maxBatch >= 1 && opts.maxInFlight >= 1)) throw new Error("coalesce: maxBatch and maxInFlight must be ≥ 1");
  const queue: { item: I; resolve: (o: O) => void; reject: (e: unknown) => void }[] = [];
  let inFlight = 0;
  let scheduled = false;

  const schedule = () => {
    if (scheduled || queue.length === 0 || inFlight >= opts.maxInFlight) return;
    scheduled = true;
    afterIo(() => {
      scheduled = false;
      pump();
    });
  };

  const pump = () => {
    while (inFlight < opts.maxInFlight && queue.length > 0) {
      const batch = queue.splice(0, opts.maxBatch);
      inFlight += 1;
      run(batch.map((b) => b.item))
        .then(
          (out) => {
            if (out.length !== batch.length) throw new Error(`coalesce: ${out.length} results for ${batch.length} items`);
            batch.forEach((b, i) => {
              const o = out[i]!;
              if (o instanceof Rejected) b.reject(o.error);
              else b.resolve(o);
            });
          },
          (err: unknown) => rejectAll(batch, err),
        )
        .catch((err: unknown) => rejectAll(batch, err))
        .finally(() => {
          inFlight -= 1;
          schedule();
        });
    }
  };

  return (item) =>
    new Promise<O>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      schedule();
    });
}

function rejectAll(batch: readonly { reject: (e: unknown) => void }[], err: unknown): void {
  for (const b of batch) b.reject(err);
}
