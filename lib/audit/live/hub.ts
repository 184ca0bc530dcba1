/**
 * One per app instance: finds out that new audit entries are there and wakes the open live tails.
 *
 * Cost, which is the point of this design: writers pay nothing for it (no trigger, no NOTIFY,
 * whose commit-time lock would serialise every audited write for a feature few have open). While
 * at least one stream is open, the hub asks for the settled horizon (settledHorizon in
 * lib/audit/chain/seal.ts: every id at or below it is final) once every `pollMs`, ONE cheap query
 * per instance whatever the number of streams. When the horizon moves, each stream runs ONE query
 * for its own search, within its viewer policy, for the ids past what it sent up to the horizon.
 * With nothing written, no stream queries anything; with no stream open, the hub queries nothing.
 *
 * Because only settled ids are read, an entry can never commit below what a stream has passed:
 * a stream (and a reconnect resuming after its last id) misses nothing and sends nothing twice.
 */

/** The settled horizon now: no entry at or below it is still to commit. */
export type HorizonSource = () => Promise<number>;

/** A stream's wake-up: the new horizon, up to which it may read. */
export type LiveSubscriber = (horizon: number) => void;

export type HubOptions = { pollMs?: number; onError?: (err: unknown) => void };

export class AuditLiveHub {
  private readonly subscribers = new Set<LiveSubscriber>();
  private pollTimer: NodeJS.Timeout | null = null;
  private starting: Promise<void> | null = null;
  /** Bumped at each stop, so a poll still running from before never schedules another. */
  private generation = 0;
  private known = 0;
  private readonly pollMs: number;
  private readonly onError: (err: unknown) => void;

  constructor(
    private readonly horizonNow: HorizonSource,
    options: HubOptions = {},
  ) {
    this.pollMs = options.pollMs ?? 1000;
    this.onError = options.onError ?? ((err) => console.error("audit live tail:", err));
  }

  /**
   * Adds a stream. Resolves once the hub knows a horizon (`horizon`) and polls past it, so the
   * stream reads up to `horizon` itself and is woken for everything after (no gap in between).
   */
  async subscribe(subscriber: LiveSubscriber): Promise<() => void> {
    this.subscribers.add(subscriber);
    await this.start();
    return () => {
      this.subscribers.delete(subscriber);
      if (this.subscribers.size === 0) void this.stop();
    };
  }

  /** The highest settled horizon this hub has seen. */
  get horizon(): number {
    return this.known;
  }

  get size(): number {
    return this.subscribers.size;
  }

  private start(): Promise<void> {
    this.starting ??= (async () => {
      // No wake-up here: each new subscriber reads up to `horizon` itself once this resolves.
      await this.poll(false);
      this.schedule(this.generation);
    })();
    return this.starting;
  }

  private async stop(): Promise<void> {
    const started = this.starting;
    if (!started) return;
    await started;
    // A stream may have subscribed while this one was leaving.
    if (this.subscribers.size > 0 || this.starting !== started) return;
    this.starting = null;
    this.generation++;
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.pollTimer = null;
  }

  /** The next poll once this one is done: a poll waiting on a writer never overlaps another. */
  private schedule(generation: number) {
    if (generation !== this.generation) return;
    this.pollTimer = setTimeout(() => {
      void this.poll(true).then(() => this.schedule(generation));
    }, this.pollMs);
    this.pollTimer.unref();
  }

  private async poll(wake: boolean) {
    try {
      const horizon = await this.horizonNow();
      if (horizon <= this.known) return;
      this.known = horizon;
      if (wake) this.wakeAll(horizon);
    } catch (err) {
      this.onError(err);
    }
  }

  private wakeAll(horizon: number) {
    for (const subscriber of this.subscribers) {
      try {
        subscriber(horizon);
      } catch (err) {
        this.onError(err);
      }
    }
  }
}
