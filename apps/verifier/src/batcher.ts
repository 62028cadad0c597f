// Dynamic batching: submissions arriving within a short window coalesce into one model run, up to a row budget.

export interface BatcherOptions {
  /** Rows per run; submissions are kept whole, so one larger than this runs alone. Default 64. */
  maxBatch?: number;
  /** How long the first waiting submission holds the door for others. Default 2 ms. */
  maxWaitMs?: number;
  /** Off: every submission runs at once, on its own (the baseline the benchmark compares against). Default on. */
  enabled?: boolean;
  /** Called with the number of rows of every run. */
  onRun?: (rows: number) => void;
}

interface Pending<I, O> {
  items: readonly I[];
  resolve: (out: O[]) => void;
  reject: (err: unknown) => void;
}

export class DynamicBatcher<I, O> {
  readonly maxBatch: number;
  readonly maxWaitMs: number;
  readonly enabled: boolean;
  private queue: Pending<I, O>[] = [];
  private queuedRows = 0;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private inFlight = 0;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly run: (items: readonly I[]) => Promise<O[]>,
    private readonly options: BatcherOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 64;
    this.maxWaitMs = options.maxWaitMs ?? 2;
    this.enabled = options.enabled ?? true;
    if (!Number.isInteger(this.maxBatch) || this.maxBatch < 1) throw new RangeError(`maxBatch must be a positive integer, got ${this.maxBatch}`);
    if (!(this.maxWaitMs >= 0)) throw new RangeError(`maxWaitMs must be >= 0, got ${this.maxWaitMs}`);
  }

  /** Results for `items`, in order, exactly as `run(items)` would return them. */
  submit(items: readonly I[]): Promise<O[]> {
    if (items.length === 0) return Promise.resolve([]);
    if (!this.enabled) return this.track(this.runOnce(items));
    return this.track(
      new Promise<O[]>((resolve, reject) => {
        this.queue.push({ items, resolve, reject });
        this.queuedRows += items.length;
        this.schedule();
      }),
    );
  }

  /** Resolves once nothing is queued or running (graceful shutdown waits on this). */
  drain(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private async runOnce(items: readonly I[]): Promise<O[]> {
    this.options.onRun?.(items.length);
    const out = await this.run(items);
    if (out.length !== items.length) throw new Error(`batch run returned ${out.length} results for ${items.length} items`);
    return out;
  }

  private track(p: Promise<O[]>): Promise<O[]> {
    this.inFlight++;
    const done = () => {
      if (--this.inFlight === 0) for (const w of this.idleWaiters.splice(0)) w();
    };
    p.then(done, done);
    return p;
  }

  private schedule(): void {
    if (this.running) return; // the run in progress picks the queue up when it ends
    if (this.queuedRows >= this.maxBatch || this.maxWaitMs === 0) {
      this.flush();
    } else if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), this.maxWaitMs);
    }
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.queue.length === 0) return;
    const taken: Pending<I, O>[] = [];
    let rows = 0;
    while (this.queue.length > 0 && (taken.length === 0 || rows + this.queue[0]!.items.length <= this.maxBatch)) {
      const next = this.queue.shift()!;
      taken.push(next);
      rows += next.items.length;
    }
    this.queuedRows -= rows;
    this.running = (async () => {
      try {
        const out = await this.runOnce(taken.flatMap((p) => p.items));
        let at = 0;
        for (const p of taken) {
          p.resolve(out.slice(at, at + p.items.length));
          at += p.items.length;
        }
      } catch (err) {
        for (const p of taken) p.reject(err);
      } finally {
        this.running = undefined;
        // Whoever queued during the run has waited long enough: go again at once.
        if (this.queue.length > 0) this.flush();
      }
    })();
  }
}
