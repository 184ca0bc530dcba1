import { RateLimiterDrizzle, RateLimiterRes } from "rate-limiter-flexible";
import type { DbOrTx } from "@/db/client";
import { apiRateLimits } from "@/db/schema";
import { readConfig } from "@/lib/config";
import { problem } from "@/lib/http/problem";

/**
 * Per-key request limit with rate-limiter-flexible's Drizzle store: the counters live in
 * `api_rate_limits`, so several app instances share one budget per key. One limiter per database
 * handle and limit (tests open several databases in one process).
 */

const limiters = new WeakMap<object, Map<number, RateLimiterDrizzle>>();

function limiterFor(db: DbOrTx, points: number): RateLimiterDrizzle {
  let byPoints = limiters.get(db);
  if (!byPoints) limiters.set(db, (byPoints = new Map<number, RateLimiterDrizzle>()));
  let limiter = byPoints.get(points);
  if (!limiter) {
    limiter = new RateLimiterDrizzle({
      storeClient: db,
      schema: apiRateLimits,
      points,
      duration: 60,
      keyPrefix: "api-key",
      // One row per key, reset in place when its minute is over: nothing to sweep, no timer.
      clearExpiredByTimeout: false,
    });
    byPoints.set(points, limiter);
  }
  return limiter;
}

/** Null when the request may go on; otherwise the 429 to answer, with Retry-After. */
export async function spendApiRequest(
  db: DbOrTx,
  keyId: number,
  points = readConfig().API_RATE_LIMIT_PER_MINUTE,
): Promise<Response | null> {
  try {
    await limiterFor(db, points).consume(String(keyId));
    return null;
  } catch (err) {
    if (!(err instanceof RateLimiterRes)) throw err;
    const seconds = Math.max(1, Math.ceil(err.msBeforeNext / 1000));
    return problem({
      status: 429,
      detail: `This key made more than ${points} requests in a minute. Retry in ${seconds} s.`,
      headers: { "retry-after": String(seconds) },
    });
  }
}
