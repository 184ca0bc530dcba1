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
  /** Entries after this id are sent (the client's Last-Event-ID or `since`). */
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

/** Late ids remembered as sent, so a late announcement is never sent twice. */
const SENT_MEMORY = 5000;

/**
 * One viewer's live tail as an event stream: `entries` events (rows newest first, in the table's
 * own row shape, `id:` the highest entry id sent so a reconnect resumes after it), comment
 * heartbeats, and an `end` event when the session ends. Each wake-up from the hub costs one
 * query for this viewer, whatever the number of entries behind it; a wake-up arriving while a
 * query runs is merged into the next one.
 */
export function openLiveStream(options: LiveStreamOptions): ReadableStream<Uint8Array> {
  const { db, hub, params } = options;
  const batch = options.batch ?? 200;
  const onError = options.onError ?? ((err) => console.error("audit live tail:", err));
  let view: LiveView = liveViewOf(options.policy, params);
  let lastSent = options.since;
  const sent = new Set<number>();
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

  function send(rows: AuditRowView[]) {
    const fresh = rows.filter((row) => !sent.has(row[0]));
    if (fresh.length === 0) return;
    for (const [id] of fresh) {
      sent.add(id);
      if (id > lastSent) lastSent = id;
    }
    for (const id of sent) {
      if (sent.size <= SENT_MEMORY) break;
      sent.delete(id);
    }
    write(sseEvent("entries", { rows: fresh.reverse() }, lastSent));
  }

  // One query at a time; ids announced meanwhile wait for the next one, merged.
  let running = false;
  let pending: number[] | null = null;
  async function run(ids: readonly number[]) {
    running = true;
    try {
      // Announced ids at or below what was sent came late (committed after a higher id): ask for
      // them by id. Those above are read anyway, past lastSent.
      let late = ids.filter((id) => id <= lastSent && !sent.has(id));
      for (;;) {
        const rows = await readLiveRows(db, view, lastSent, late, batch);
        if (closed) return;
        send(rows);
        if (rows.length < batch) break;
        late = [];
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
  const wake = (ids: readonly number[]) => {
    if (closed) return;
    if (running) {
      (pending ??= []).push(...ids);
      return;
    }
    void run(ids);
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
      // Listening now: read what came since `since`, then follow the announcements.
      wake([]);
    },
    cancel() {
      close();
    },
  });
}
