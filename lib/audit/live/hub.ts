/**
 * One per app instance: hears about new audit entries and wakes the open live tails.
 *
 * Cost, which is the point of this design: the database sends each new entry's id once per
 * instance (one LISTEN connection, see notifications.ts), ids are gathered for `coalesceMs`, and
 * each open stream then runs ONE query for its own search, within its viewer policy, for the
 * whole batch. With nothing written, no stream queries anything: the only work is the fallback
 * poll, one `select max(id)` per instance every `pollMs` while at least one stream is open, which
 * wakes the streams if an entry arrived without its notification (a LISTEN connection lost for
 * a while). With no stream open, the hub stops listening and polling altogether.
 */

/** Where the hub hears of new entries. */
export type LiveSource = {
  /** Starts listening; each committed entry's id is passed to `onId`. Resolves to stop. */
  listen: (onId: (id: number) => void) => Promise<() => Promise<void>>;
  /** The highest entry id now, for the fallback poll. */
  maxId: () => Promise<number>;
};

/**
 * A stream's wake-up: the ids announced since the last one (empty when the poll found entries
 * whose notifications were missed; the stream then reads past what it sent).
 */
export type LiveSubscriber = (ids: readonly number[]) => void;

export type HubOptions = { coalesceMs?: number; pollMs?: number; onError?: (err: unknown) => void };

export class AuditLiveHub {
  private readonly subscribers = new Set<LiveSubscriber>();
  private buffer: number[] = [];
  private flushTimer: NodeJS.Timeout | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  private starting: Promise<void> | null = null;
  private unlisten: (() => Promise<void>) | null = null;
  /** The highest id heard of or polled: the poll wakes the streams only past it. */
  private highest = 0;
  private readonly coalesceMs: number;
  private readonly pollMs: number;
  private readonly onError: (err: unknown) => void;

  constructor(
    private readonly source: LiveSource,
    options: HubOptions = {},
  ) {
    this.coalesceMs = options.coalesceMs ?? 500;
    this.pollMs = options.pollMs ?? 5000;
    this.onError = options.onError ?? ((err) => console.error("audit live tail:", err));
  }

  /**
   * Adds a stream. Resolves once the hub is listening, so an entry committed after that is
   * announced to it: a stream reads what it missed only after this (no gap in between).
   */
  async subscribe(subscriber: LiveSubscriber): Promise<() => void> {
    this.subscribers.add(subscriber);
    await this.start();
    return () => {
      this.subscribers.delete(subscriber);
      if (this.subscribers.size === 0) void this.stop();
    };
  }

  get size(): number {
    return this.subscribers.size;
  }

  private start(): Promise<void> {
    this.starting ??= (async () => {
      try {
        this.unlisten = await this.source.listen((id) => this.heard(id));
      } catch (err) {
        // The poll still finds new entries, a few seconds late.
        this.onError(err);
      }
      try {
        this.highest = Math.max(this.highest, await this.source.maxId());
      } catch (err) {
        this.onError(err);
      }
      this.pollTimer = setInterval(() => void this.poll(), this.pollMs);
      this.pollTimer.unref();
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
    if (this.pollTimer) clearInterval(this.pollTimer);
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.pollTimer = this.flushTimer = null;
    this.buffer = [];
    const unlisten = this.unlisten;
    this.unlisten = null;
    await unlisten?.().catch(this.onError);
  }

  private heard(id: number) {
    if (!Number.isSafeInteger(id)) return;
    this.buffer.push(id);
    this.flushTimer ??= setTimeout(() => this.flush(), this.coalesceMs);
  }

  private flush() {
    this.flushTimer = null;
    const ids = this.buffer;
    this.buffer = [];
    if (ids.length === 0) return;
    this.highest = maxOf(this.highest, ids);
    this.wakeAll(ids);
  }

  private async poll() {
    try {
      const max = await this.source.maxId();
      // Ids still waiting in the buffer are as good as heard: their flush wakes the streams.
      const heard = maxOf(this.highest, this.buffer);
      if (max > heard) {
        this.highest = max;
        this.wakeAll([]);
      }
    } catch (err) {
      this.onError(err);
    }
  }

  private wakeAll(ids: readonly number[]) {
    for (const subscriber of this.subscribers) {
      try {
        subscriber(ids);
      } catch (err) {
        this.onError(err);
      }
    }
  }
}

/** A burst can hold more ids than a spread may pass as arguments. */
function maxOf(start: number, ids: readonly number[]): number {
  let max = start;
  for (const id of ids) if (id > max) max = id;
  return max;
}
