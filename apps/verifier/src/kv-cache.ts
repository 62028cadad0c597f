// The KV state of recently scored prefixes, keyed by a hash of their tokens and bounded in bytes (least recent out).
import { createHash, type Hash } from "node:crypto";

/** One cached prefix: per layer, keys and values laid out [heads, length, headDim], and the score at every position. */
export interface KvEntry {
  length: number;
  keys: Float32Array[];
  values: Float32Array[];
  scores: Float32Array;
}

export const entryBytes = (e: KvEntry): number =>
  e.scores.byteLength + e.keys.reduce((n, k) => n + k.byteLength, 0) + e.values.reduce((n, v) => n + v.byteLength, 0);

/** Hash of every prefix `tokens[0..cut)` for the given ascending cuts, in one pass over the tokens. */
export function prefixKeys(tokens: readonly number[], cuts: readonly number[]): string[] {
  const hash: Hash = createHash("sha256");
  const out: string[] = [];
  let at = 0;
  for (const cut of cuts) {
    if (cut < at || cut > tokens.length) throw new RangeError(`cuts must ascend within the tokens, got ${cut}`);
    hash.update(Int32Array.from(tokens.slice(at, cut)));
    at = cut;
    out.push(`${cut}:${hash.copy().digest("base64url")}`);
  }
  return out;
}

export interface KvCacheStats {
  entries: number;
  bytes: number;
  maxBytes: number;
  hits: number;
  misses: number;
}

export class PrefixKvCache {
  private readonly entries = new Map<string, KvEntry>();
  private used = 0;
  hits = 0;
  misses = 0;

  constructor(readonly maxBytes: number) {
    if (!Number.isFinite(maxBytes) || maxBytes < 0) throw new RangeError(`maxBytes must be >= 0, got ${maxBytes}`);
  }

  /** The longest cached prefix among `keys` (ordered by ascending length), refreshed as most recent; counts a hit or a miss. */
  longest(keys: readonly string[]): { index: number; entry: KvEntry } | undefined {
    for (let i = keys.length - 1; i >= 0; i--) {
      const entry = this.entries.get(keys[i]!);
      if (entry) {
        this.entries.delete(keys[i]!);
        this.entries.set(keys[i]!, entry);
        this.hits++;
        return { index: i, entry };
      }
    }
    this.misses++;
    return undefined;
  }

  set(key: string, entry: KvEntry): void {
    const size = entryBytes(entry);
    if (size > this.maxBytes) return;
    const old = this.entries.get(key);
    if (old) {
      this.entries.delete(key);
      this.used -= entryBytes(old);
    }
    this.entries.set(key, entry);
    this.used += size;
    for (const [k, e] of this.entries) {
      if (this.used <= this.maxBytes) break;
      this.entries.delete(k);
      this.used -= entryBytes(e);
    }
  }

  clear(): void {
    this.entries.clear();
    this.used = 0;
  }

  stats(): KvCacheStats {
    return { entries: this.entries.size, bytes: this.used, maxBytes: this.maxBytes, hits: this.hits, misses: this.misses };
  }
}
