// Prefixed, time-sortable ids (`job_…`, `ten_…`, `key_…`): readable in logs and ordered by creation.

const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"; // Crockford base32, lower case

/** Random bytes drawn 4 KiB at a time: one getRandomValues call per id cost ~2% of the API server's thread. */
const pool = new Uint8Array(4096);
let used = pool.length;

/** 10 chars of millisecond time + 16 random chars: lexicographic order follows creation time. */
export function newId(prefix: string, now: number = Date.now()): string {
  let time = "";
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  if (used + 16 > pool.length) {
    crypto.getRandomValues(pool);
    used = 0;
  }
  let rand = "";
  for (let i = used; i < used + 16; i++) rand += ALPHABET[pool[i]! % 32];
  used += 16;
  return `${prefix}_${time}${rand}`;
}
