/**
 * Timing loops with hard bounds: a fixed number of iterations, cut short by a time budget, so
 * a query that turns out to take seconds cannot stretch the run into hours.
 */

export type Timing = { n: number; median: number; p95: number; min: number; max: number };

export type LoopOptions = {
  /** Untimed runs first (caches, plans, connections); one only when a run is slow. */
  warmup: number;
  iterations: number;
  /** Stop timing once this much wall time has gone by… */
  budgetMs: number;
  /** …but not before this many timed runs. */
  minIterations: number;
};

export const QUERY_LOOP: LoopOptions = {
  warmup: 3,
  iterations: 30,
  budgetMs: 40_000,
  minIterations: 3,
};
export const NAIVE_LOOP: LoopOptions = {
  warmup: 2,
  iterations: 30,
  budgetMs: 25_000,
  minIterations: 3,
};
/** The product's JavaScript alone (canned rows): fast, so many runs. */
export const JS_LOOP: LoopOptions = {
  warmup: 20,
  iterations: 300,
  budgetMs: 5_000,
  minIterations: 20,
};
/** The capped count a page runs next to its rows. */
export const COUNT_LOOP: LoopOptions = {
  warmup: 2,
  iterations: 15,
  budgetMs: 15_000,
  minIterations: 3,
};
/**
 * Rounds of the whole page mix a freshly started server serves before any page is timed: in the
 * first few hundred requests V8 is still compiling the render path, which would land in the
 * tail of whichever pages are timed first.
 */
export const HTTP_WARM_ROUNDS = 5;

export const HTTP_LOOP: LoopOptions = {
  warmup: 3,
  iterations: 20,
  budgetMs: 40_000,
  minIterations: 5,
};

/** Nearest-rank percentile of an ascending list. */
function percentile(sorted: number[], p: number): number {
  const rank = Math.max(1, Math.ceil(p * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1]!;
}

export function summarize(samples: number[]): Timing {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    n: sorted.length,
    median: percentile(sorted, 0.5),
    p95: percentile(sorted, 0.95),
    min: sorted[0]!,
    max: sorted.at(-1)!,
  };
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await fn();
  return performance.now() - started;
}

/**
 * Times several ways of answering the same question in alternation (a, b, a, b…): on a machine
 * shared with other work, load that comes and goes then weighs on each way alike.
 */
export async function measureInterleaved(
  ways: readonly (() => Promise<unknown>)[],
  options: LoopOptions,
): Promise<Timing[]> {
  let slow = false;
  for (let i = 0; i < options.warmup && !(slow && i > 0); i++) {
    for (const way of ways) {
      if ((await timed(way)) > 1_000) slow = true;
    }
  }
  const samples: number[][] = ways.map(() => []);
  const started = performance.now();
  for (let i = 0; i < options.iterations; i++) {
    if (i >= options.minIterations && performance.now() - started > options.budgetMs) break;
    for (const [w, way] of ways.entries()) samples[w]!.push(await timed(way));
  }
  return samples.map(summarize);
}

export const measure = async (fn: () => Promise<unknown>, options: LoopOptions): Promise<Timing> =>
  (await measureInterleaved([fn], options))[0]!;

/** Milliseconds for tables: two decimals under 10 ms, one under 100, none above. */
export function fmtMs(ms: number): string {
  if (ms < 10) return ms.toFixed(2);
  if (ms < 100) return ms.toFixed(1);
  return ms.toFixed(0);
}

export function fmtRatio(r: number): string {
  return r < 10 ? `${r.toFixed(2)}×` : `${r.toFixed(0)}×`;
}
