import "server-only";
import { sql } from "drizzle-orm";
import type { Db, Tx } from "@/db/client";
import { queryRows } from "@/db/raw";
import { settledHorizon } from "@/lib/audit/chain/seal";
import { retryDelayMs } from "./backoff";
import { lockOutbox } from "./outbox-lock";
import { readQueuedEntries, type StreamEntry } from "./payload";
import { sendBatch } from "./senders";
import { parseStoredTarget, type StreamPolicy } from "./target";

/**
 * The delivery worker's round. For each enabled destination that is due, batches of queued
 * entries after its cursor and up to a final horizon (no entry committed later can have a lower
 * id: lib/audit/chain/seal.ts) are sent in id order, and the cursor moves past a batch only once
 * the destination has accepted it: at least once, in order. A failure keeps the cursor and sets
 * the next attempt after an exponential backoff.
 *
 * One sender per destination across every app instance: a batch is read, sent and recorded
 * while its destination's state row is locked (FOR UPDATE SKIP LOCKED), so another instance
 * skips that destination instead of sending the same batch alongside. If the sender dies, its
 * connection and lock go with it and the next instance resends from the committed cursor.
 */

export type Send = (
  destination: Parameters<typeof sendBatch>[0],
  entries: StreamEntry[],
  policy: StreamPolicy,
) => Promise<void>;

export type DeliverOptions = {
  policy: StreamPolicy;
  /** Entries per batch read from the outbox (a webhook may split it further). */
  batchSize?: number;
  /** Batches per destination per round, so one busy destination does not hold up a round. */
  maxBatches?: number;
  send?: Send;
  random?: () => number;
};

export type RoundResult = { delivered: number; failed: number; pruned: number };

type Claimed = {
  destination_id: string | number;
  kind: string;
  target: unknown;
  secret: string | null;
  delivered_through: string | number;
  attempts: number;
};

type BatchOutcome = "sent" | "idle" | "failed" | "busy";

async function deliverOneBatch(
  db: Db,
  destinationId: number,
  horizon: number,
  options: Required<Omit<DeliverOptions, "policy">> & { policy: StreamPolicy },
  counts: RoundResult,
): Promise<BatchOutcome> {
  return db.transaction(async (tx) => {
    const [claimed] = await queryRows<Claimed>(
      tx,
      sql`select s.destination_id, d.kind::text as kind, d.target, d.secret, s.delivered_through,
                 s.attempts
          from audit_stream_state s
          join audit_stream_destinations d on d.id = s.destination_id
          where s.destination_id = ${destinationId} and d.enabled and s.next_attempt_at <= now()
          for update of s skip locked`,
    );
    if (!claimed) return "busy";
    const cursor = Number(claimed.delivered_through);
    const entries = await readQueuedEntries(tx, {
      after: cursor,
      through: horizon,
      limit: options.batchSize,
    });
    if (entries.length === 0) {
      // Nothing left up to the horizon, or only entries retention removed: skip past them.
      const skipTo = await queuedThrough(tx, cursor, horizon);
      if (skipTo > cursor) await advance(tx, destinationId, skipTo);
      return "idle";
    }
    try {
      const destination = {
        ...parseStoredTarget(claimed.kind, claimed.target),
        secret: claimed.secret,
      };
      await options.send(destination, entries, options.policy);
    } catch (err) {
      const attempts = claimed.attempts + 1;
      const message = (err instanceof Error ? err.message : String(err)).slice(0, 500);
      const delay = retryDelayMs(attempts, options.random);
      await tx.execute(
        sql`update audit_stream_state set attempts = ${attempts}, last_error = ${message},
              last_error_at = now(),
              next_attempt_at = now() + make_interval(secs => ${delay / 1000})
            where destination_id = ${destinationId}`,
      );
      counts.failed += entries.length;
      return "failed";
    }
    await advance(tx, destinationId, entries[entries.length - 1]!.id);
    counts.delivered += entries.length;
    return "sent";
  });
}

async function queuedThrough(tx: Tx, after: number, through: number) {
  const [row] = await queryRows<{ last: string | number | null }>(
    tx,
    sql`select max(entry_id) as last from audit_outbox
        where entry_id > ${after} and entry_id <= ${through}`,
  );
  return Number(row?.last ?? after);
}

async function advance(tx: Tx, destinationId: number, through: number) {
  await tx.execute(
    sql`update audit_stream_state set delivered_through = ${through}, attempts = 0,
          last_delivered_at = now(), next_attempt_at = now()
        where destination_id = ${destinationId} and delivered_through < ${through}`,
  );
}

/**
 * Removes outbox rows every enabled destination has delivered (all settled ones when none is
 * enabled). Under the outbox lock: a destination created, enabled or replayed re-queues its
 * entries under the same lock, so pruning never removes rows it has just put back.
 */
async function pruneOutbox(db: Db, horizon: number): Promise<number> {
  return db.transaction(async (tx) => {
    await lockOutbox(tx);
    const rows = await queryRows<{ entry_id: string | number }>(
      tx,
      sql`delete from audit_outbox where entry_id <= coalesce(
            (select min(s.delivered_through) from audit_stream_state s
               join audit_stream_destinations d on d.id = s.destination_id where d.enabled),
            ${horizon})
          returning entry_id`,
    );
    return rows.length;
  });
}

export async function deliverAuditStream(db: Db, options: DeliverOptions): Promise<RoundResult> {
  const settings = {
    batchSize: options.batchSize ?? 500,
    maxBatches: options.maxBatches ?? 20,
    send: options.send ?? sendBatch,
    random: options.random ?? Math.random,
    policy: options.policy,
  };
  const counts: RoundResult = { delivered: 0, failed: 0, pruned: 0 };
  const horizon = await settledHorizon(db);
  const due = await queryRows<{ id: string | number }>(
    db,
    sql`select s.destination_id as id from audit_stream_state s
        join audit_stream_destinations d on d.id = s.destination_id
        where d.enabled and s.next_attempt_at <= now() and s.delivered_through < ${horizon}
        order by s.destination_id`,
  );
  for (const { id } of due) {
    for (let batch = 0; batch < settings.maxBatches; batch += 1) {
      const outcome = await deliverOneBatch(db, Number(id), horizon, settings, counts);
      if (outcome !== "sent") break;
    }
  }
  counts.pruned = await pruneOutbox(db, horizon);
  return counts;
}
