/** Full-jitter backoff (AWS's "Exponential Backoff And Jitter"): a random wait up to min(capMs, baseMs * 2^attempt). */
export function fullJitter(attempt: number, { baseMs, capMs }: { baseMs: number; capMs: number }): number {
  return Math.random() * Math.min(capMs, baseMs * 2 ** attempt);
}
