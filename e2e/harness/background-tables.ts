/**
 * Tables the server's own timers write whatever requests do: the sealer links entries, the SIEM
 * worker prunes its outbox and records delivery, the watch notifier records its progress. A check
 * that a refused request changed nothing leaves them out; the newest audit entry id (or the
 * audited tables themselves) shows anything a request would have added.
 */
export const BACKGROUND_TABLES: readonly string[] = [
  "audit_chain",
  "audit_outbox",
  "audit_stream_state",
  "watch_state",
];
