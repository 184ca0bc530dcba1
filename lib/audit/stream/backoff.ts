/**
 * How long a failing destination waits before the next attempt: 1 s doubling per consecutive
 * failure, capped at 5 minutes, with "equal jitter" (half fixed, half random) so destinations
 * that failed together do not all retry in the same instant.
 */
const BACKOFF_BASE_MS = 1_000;
export const BACKOFF_CAP_MS = 5 * 60_000;

export function retryDelayMs(attempts: number, random: () => number = Math.random): number {
  const exponent = Math.min(Math.max(attempts, 1) - 1, 30);
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** exponent);
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}
