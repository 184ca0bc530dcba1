/**
 * The demo history is planned first and played afterwards in time order, so audit ids grow
 * with occurred_at and every change is applied to the state its predecessors left.
 */

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

type Step = { at: number; seq: number; run: (at: Date) => Promise<void> };

/**
 * PGlite runs queries synchronously, so a chain of awaited writes never lets timers, signals or
 * I/O run: a minute-long seed would leave Ctrl-C, log output and anything else waiting.
 */
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export class Timeline {
  private readonly steps: Step[] = [];

  constructor(
    /** Nothing may happen before this instant or after `end`. */
    readonly start: number,
    readonly end: number,
  ) {}

  /** Plans `run` at `at`, clamped into the window; equal times keep their planning order. */
  at(at: number, run: (at: Date) => Promise<void>): number {
    const clamped = Math.min(this.end, Math.max(this.start, Math.round(at)));
    this.steps.push({ at: clamped, seq: this.steps.length, run });
    return clamped;
  }

  get size(): number {
    return this.steps.length;
  }

  async play(onProgress?: (done: number, total: number) => void): Promise<void> {
    const ordered = [...this.steps].sort((a, b) => a.at - b.at || a.seq - b.seq);
    for (const [i, step] of ordered.entries()) {
      await step.run(new Date(step.at));
      if ((i + 1) % 100 === 0) await yieldToEventLoop();
      if (onProgress && (i + 1) % 500 === 0) onProgress(i + 1, ordered.length);
    }
  }
}
