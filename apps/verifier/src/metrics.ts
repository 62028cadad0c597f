// Prometheus metrics in the text exposition format (0.0.4): a few counters, gauges and histograms, no dependency.

type Labels = Record<string, string>;
const key = (labels: Labels) =>
  Object.entries(labels)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}="${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`)
    .join(",");
const series = (name: string, labelText: string, extra = "") => {
  const all = [labelText, extra].filter((s) => s.length > 0).join(",");
  return all.length > 0 ? `${name}{${all}}` : name;
};

class Counter {
  private readonly values = new Map<string, number>();
  constructor(readonly name: string, readonly help: string, readonly type: "counter" | "gauge" = "counter") {}
  inc(labels: Labels = {}, by = 1): void {
    const k = key(labels);
    this.values.set(k, (this.values.get(k) ?? 0) + by);
  }
  set(labels: Labels, value: number): void {
    this.values.set(key(labels), value);
  }
  get(labels: Labels = {}): number {
    return this.values.get(key(labels)) ?? 0;
  }
  render(): string[] {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} ${this.type}`];
    for (const [k, v] of this.values) lines.push(`${series(this.name, k)} ${v}`);
    return lines;
  }
}

class Histogram {
  private readonly data = new Map<string, { counts: number[]; sum: number; count: number }>();
  constructor(readonly name: string, readonly help: string, readonly buckets: readonly number[]) {}
  observe(labels: Labels, value: number): void {
    const k = key(labels);
    const d = this.data.get(k) ?? { counts: this.buckets.map(() => 0), sum: 0, count: 0 };
    this.data.set(k, d);
    this.buckets.forEach((b, i) => {
      if (value <= b) d.counts[i]!++;
    });
    d.sum += value;
    d.count++;
  }
  count(labels: Labels = {}): number {
    return this.data.get(key(labels))?.count ?? 0;
  }
  render(): string[] {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    for (const [k, d] of this.data) {
      for (const [i, b] of this.buckets.entries()) lines.push(`${series(`${this.name}_bucket`, k, `le="${b}"`)} ${d.counts[i]}`);
      lines.push(`${series(`${this.name}_bucket`, k, 'le="+Inf"')} ${d.count}`);
      lines.push(`${series(`${this.name}_sum`, k)} ${d.sum}`);
      lines.push(`${series(`${this.name}_count`, k)} ${d.count}`);
    }
    return lines;
  }
}

/** Everything the verifier reports; one instance per app, shared by routes and models. */
export class Metrics {
  readonly requests = new Counter("verifier_requests_total", "HTTP requests by route, model and status.");
  readonly latency = new Histogram("verifier_request_duration_seconds", "HTTP request latency by route.", [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
  ]);
  readonly batchSize = new Histogram("verifier_batch_size", "Rows per model run (dynamic batching) by model.", [1, 2, 4, 8, 16, 32, 64, 128, 256]);
  readonly cacheHits = new Counter("verifier_kv_cache_hits_total", "Rows whose prefix KV state came from the cache.");
  readonly cacheMisses = new Counter("verifier_kv_cache_misses_total", "Rows scored with a full pass (no cached prefix).");
  readonly cacheBytes = new Counter("verifier_kv_cache_bytes", "Bytes of KV state held for recent prefixes.", "gauge");
  readonly tokensRun = new Counter("verifier_tokens_run_total", "Tokens run through a model.");
  readonly tokensCached = new Counter("verifier_tokens_cached_total", "Tokens whose KV state was reused from the cache.");
  readonly inFlight = new Counter("verifier_requests_in_flight", "Scoring requests being served now.", "gauge");
  readonly threadRestarts = new Counter("verifier_scoring_thread_restarts_total", "Scoring threads started again after stopping unasked, by model.");

  render(): string {
    const all = [this.requests, this.latency, this.batchSize, this.cacheHits, this.cacheMisses, this.cacheBytes, this.tokensRun, this.tokensCached, this.inFlight, this.threadRestarts];
    return `${all.flatMap((m) => m.render()).join("\n")}\n`;
  }
}
