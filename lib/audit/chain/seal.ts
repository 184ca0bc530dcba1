import "server-only";
import { sql } from "drizzle-orm";
import type { Db, DbOrTx } from "@/db/client";
import { queryRows } from "@/db/raw";
import { GENESIS_HASH, HORIZON_LOCK, linkHash, SEALER_LOCK } from "./links";

/**
 * The sealer: links every settled audit entry into the chain, in id order, in batches. Writers
 * never wait for it and never for each other; it runs in one process at a time (a try-lock, so
 * a second instance skips instead of queueing).
 */

export type SealResult = { sealed: number; head: ChainHead; busy: boolean };
export type ChainHead = { entryId: number; chainHash: string };

const BATCH = 2_000;

/** The last link, or where retention left the chain (its anchor), or the genesis. */
async function chainHead(db: DbOrTx): Promise<ChainHead> {
  const [link] = await queryRows<{ entry_id: string | number; chain_hash: string }>(
    db,
    sql`select entry_id, chain_hash from audit_chain order by entry_id desc limit 1`,
  );
  if (link) return { entryId: Number(link.entry_id), chainHash: link.chain_hash };
  const [cut] = await queryRows<{ last_removed_id: string | number; anchor_hash: string }>(
    db,
    sql`select last_removed_id, anchor_hash from audit_retention_cuts order by id desc limit 1`,
  );
  if (cut) return { entryId: Number(cut.last_removed_id), chainHash: cut.anchor_hash };
  return { entryId: 0, chainHash: GENESIS_HASH };
}

/**
 * The highest id below which every entry is final. Inserts hold the horizon lock shared from
 * drawing their id until they commit (trigger audit_log_draw_id), so once this transaction holds
 * it exclusively no transaction holds an id that is not yet visible. Its own short transaction:
 * writers wait only for this one read.
 */
export function settledHorizon(db: Db): Promise<number> {
  const [a, b] = HORIZON_LOCK;
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${a}::int, ${b}::int)`);
    const [row] = await queryRows<{ horizon: string | number | null }>(
      tx,
      sql`select max(id) as horizon from audit_log`,
    );
    return Number(row?.horizon ?? 0);
  });
}

type Pending = { id: string | number; entry_hash: string };

export async function sealAuditLog(
  db: Db,
  { maxEntries = Number.POSITIVE_INFINITY }: { maxEntries?: number } = {},
): Promise<SealResult> {
  const horizon = await settledHorizon(db);
  return db.transaction(async (tx) => {
    const [a, b] = SEALER_LOCK;
    const [lock] = await queryRows<{ got: boolean }>(
      tx,
      sql`select pg_try_advisory_xact_lock(${a}::int, ${b}::int) as got`,
    );
    let head = await chainHead(tx);
    if (!lock?.got) return { sealed: 0, head, busy: true };

    let sealed = 0;
    while (sealed < maxEntries && head.entryId < horizon) {
      const limit = Math.min(BATCH, maxEntries - sealed);
      const pending = await queryRows<Pending>(
        tx,
        sql`select id, trunkline_audit_entry_hash(a) as entry_hash from audit_log a
            where id > ${head.entryId} and id <= ${horizon} order by id limit ${limit}`,
      );
      if (pending.length === 0) break;
      let previous = head.chainHash;
      const links = pending.map((row) => {
        previous = linkHash(previous, Number(row.id), row.entry_hash);
        return { entry_id: Number(row.id), entry_hash: row.entry_hash, chain_hash: previous };
      });
      // One parameter for the batch, the same on both drivers.
      await tx.execute(
        sql`insert into audit_chain (entry_id, entry_hash, chain_hash)
            select entry_id, entry_hash, chain_hash from json_to_recordset(${JSON.stringify(links)}::json)
              as l(entry_id bigint, entry_hash text, chain_hash text)`,
      );
      head = { entryId: links[links.length - 1]!.entry_id, chainHash: previous };
      sealed += pending.length;
    }
    return { sealed, head, busy: false };
  });
}
