// Prefixed, time-sortable ids (`job_…`, `ten_…`, `key_…`) and random job seeds, drawn from one pooled random source.

const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"; // Crockford base32, lower case

/** Random bytes drawn 4 KiB at a time: one getRandomValues call per id or seed cost ~2–3% of the API server's thread. */
const pool = new Uint8Array(4096);
let used = pool.length;

/** The next `n` (≤ 4096) random bytes: the offset of the first in `pool`. */
function take(n: number): number {
  if (used + n > pool.length) {
    crypto.getRandomValues(pool);
    used = 0;
  }
  used += n;
  return used - n;
}

/** 10 chars of millisecond time + 16 random chars: lexicographic order follows creation time. */
export function newId(prefix: string, now: number = Date.now()): string {
  let time = "";
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  const at = take(16);
  let rand = "";
  for (let i = at; i < at + 16; i++) rand += ALPHABET[pool[i]! % 32];
  return `${prefix}_${time}${rand}`;
}

/** A uniformly random integer in [0, 2^31): a job's sampling seed when the request names none. */
export function randomSeed(): number {
  const at = take(4);
  return ((pool[at]! << 24) | (pool[at + 1]! << 16) | (pool[at + 2]! << 8) | pool[at + 3]!) >>> 1;
}
