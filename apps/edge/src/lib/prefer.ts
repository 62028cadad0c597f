// Parses `Prefer: wait=N` (RFC 7240) into a bounded number of seconds.
export const MAX_WAIT_SECONDS = 60;

/** The wait the client asked for, capped at MAX_WAIT_SECONDS; null when it did not ask (or asked nonsense). */
export function preferredWait(header: string | undefined, max = MAX_WAIT_SECONDS): number | null {
  if (!header) return null;
  for (const part of header.split(/[,;]/)) {
    const m = /^\s*wait\s*=\s*"?(\d{1,9})"?\s*$/i.exec(part);
    if (m?.[1]) return Math.min(Number(m[1]), max);
  }
  return null;
}
