import { sql } from "drizzle-orm";
import type { Tx } from "@/db/client";

/** Advisory key of the outbox's pruning (beside the chain's keys, lib/audit/chain/links.ts). */
const OUTBOX_LOCK = [7301, 3] as const;

/**
 * Serialises pruning the outbox with re-queueing into it (a new destination, enable, replay),
 * for the rest of the transaction: otherwise a prune that read the cursors before a destination
 * committed could delete rows that destination had just re-queued.
 */
export async function lockOutbox(tx: Tx): Promise<void> {
  const [a, b] = OUTBOX_LOCK;
  await tx.execute(sql`select pg_advisory_xact_lock(${a}::int, ${b}::int)`);
}

/** Puts the entries after `cursor` back in the outbox (pruned while paused, or for a replay). */
export async function requeueAfter(tx: Tx, cursor: number): Promise<void> {
  await lockOutbox(tx);
  await tx.execute(
    sql`insert into audit_outbox (entry_id) select id from audit_log where id > ${cursor}
        on conflict do nothing`,
  );
}
