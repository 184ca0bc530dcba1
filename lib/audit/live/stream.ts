import type { DbOrTx } from "@/db/client";
import type { AuditRowView } from "@/lib/audit/row-view";
import type { AuditPageParams } from "@/lib/search/audit-page-params";
import type { AuditViewerPolicy } from "@/lib/visibility/viewer-policy";
import type { AuditLiveHub } from "./hub";
import { liveViewOf, readLiveRows, type LiveView } from "./query";
import { sseComment, sseEvent, sseRetry } from "./sse";

export type LiveStreamOptions = {
  db: DbOrTx;
  hub: AuditLiveHub;
  policy: AuditViewerPolicy;
  params: AuditPageParams;
  /**
   * Entries after this id are sent (the client's Last-Event-ID or `since`, else the settled
   * horizon when the stream was asked for).
   */
  since: number;
  /**
   * The viewer's policy again, from their session without marking it seen; null once the
   * session has ended (signed out, expired, idle, user disabled): the stream then ends.
   */
  recheck: () => Promise<AuditViewerPolicy | null>;
  heartbeatMs?: number;
  recheckMs?: number;
  /** Rows per query; a burst larger than this is read in several. */
  batch?: number;
  signal?: AbortSignal;
  onError?: (err: unknown) => void;
};

/**
 * One viewer's live tail as an event stream: `entries` events (rows newest first, in the table's
 * own row shape, `id:` the horizon read up to, so a reconnect resumes after it), comment
 * heartbeats, and an `end` event when the session ends. Each wake-up from the hub (a new settled
 * horizon) costs one query for this viewer, whatever the number of entries behind it (more only
 * past `batch` rows); a wake-up arriving while a query runs is merged into the next one.
 */
export function openLiveStream(options: LiveStreamOptions): ReadableStream<Uint8Array> {
  const { db, hub, params } = options;
  const batch = options.batch ?? 200;
  const onError = options.onError ?? ((err) => console.error("audit live tail:", err));
  let view: LiveView = liveViewOf(options.policy, params);
  /** Every id up to here is read (sent, or not the viewer's): only settled ids ever are. */
  let lastSent = options.since;
  let closed = false;
  let unsubscribe: (() => void) | null = null;
  const timers: NodeJS.Timeout[] = [];
  let controller!: ReadableStreamDefaultController<Uint8Array>;

  const write = (chunk: Uint8Array) => {
    if (closed) return;
    try {
      controller.enqueue(chunk);
    } catch {
      close();
    }
  };

  function close(reason?: string) {
    if (closed) return;
    if (reason) write(sseEvent("end", { reason }));
    closed = true;
    unsubscribe?.();
    for (const timer of timers) clearInterval(timer);
    options.signal?.removeEventListener("abort", onAbort);
    try {
      controller.close();
    } catch {
      // already closed by the client going away
    }
  }
  const onAbort = () => close();

  function send(rows: AuditRowView[], upTo: number) {
    lastSent = upTo;
    if (rows.length > 0) write(sseEvent("entries", { rows: rows.reverse() }, upTo));
  }

  // One query at a time; a horizon arriving meanwhile waits for the next one.
  let running = false;
  let pending: number | null = null;
  async function run(horizon: number) {
    running = true;
    try {
      while (lastSent < horizon) {
        const rows = await readLiveRows(db, view, lastSent, horizon, batch);
        if (closed) return;
        // A full batch may have more behind it; otherwise everything up to the horizon is read,
        // including the entries this viewer may not see.
        send(rows, rows.length < batch ? horizon : rows.at(-1)![0]);
      }
    } catch (err) {
      onError(err);
      close("error");
    } finally {
      running = false;
      const next = pending;
      pending = null;
      if (next && !closed) void run(next);
    }
  }
  const wake = (horizon: number) => {
    if (closed || horizon <= lastSent) return;
    if (running) {
      pending = Math.max(pending ?? 0, horizon);
      return;
    }
    void run(horizon);
  };

  async function recheck() {
    try {
      const policy = await options.recheck();
      if (!policy) return close("signed-out");
      // Column or scope changes apply from the next read on.
      view = liveViewOf(policy, params);
    } catch (err) {
      onError(err);
    }
  }

  return new ReadableStream<Uint8Array>({
    async start(c) {
      controller = c;
      if (options.signal?.aborted) return close();
      options.signal?.addEventListener("abort", onAbort);
      write(sseRetry(3000));
      const stop = await hub.subscribe(wake);
      if (closed) return stop();
      unsubscribe = stop;
      timers.push(
        setInterval(() => write(sseComment("heartbeat")), options.heartbeatMs ?? 15_000),
        setInterval(() => void recheck(), options.recheckMs ?? 15_000),
      );
      // The hub polls past its horizon now: read up to it, then follow the wake-ups.
      wake(hub.horizon);
    },
    cancel() {
      close();
    },
  });
}
