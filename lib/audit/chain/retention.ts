import "server-only";
import { sql } from "drizzle-orm";
import type { Db, DbOrTx } from "@/db/client";
import { queryRows } from "@/db/raw";
import { systemActor, type ActorContext } from "../actor";
import { recordAuditEvent } from "../core";
import { writeCheckpoint, type CheckpointTargets } from "./checkpoints";
import { sealAuditLog } from "./seal";

/**
 * Retention of the audit log: removes sealed entries older than the kept period, so that what
 * remains still verifies. The cut is recorded first (a row in audit_retention_cuts with the chain
 * hash of the last removed entry as the anchor, and the same anchor as a "retention" checkpoint
 * outside the database); only then are the entries and their links deleted, in short batches by
 * id range. A run that stops half-way leaves the log verifiable (verification starts after the
 * latest cut) and the next run finishes the deletion first.
 *
 * Batched deletes rather than monthly partitions dropped whole: partitions measured 2–4× slower
 * for the audit page's queries (shared/PERFORMANCE.md), and the deletes' cost to concurrent
 * sign-ins is in bench/RESULTS.md ("Retention").
 */

/** One retention run at a time: its batches take this lock, so two runs never interleave. */
const RETENTION_LOCK = [7301, 3] as const;

export const RETENTION_ACTOR_LABEL = "audit:retention";
export const DEFAULT_RETENTION_BATCH = 10_000;

type RetentionCut = {
  id: number;
  lastRemovedId: number;
  anchorHash: string;
  removedEntries: number;
  removedBefore: Date;
};

export type BatchReport = { from: number; to: number; entries: number; links: number; ms: number };

export type AuditRetentionOptions = {
  /** Entries that occurred before this moment may go. */
  before: Date;
  /** Recorded in the closing entry (the command's --keep-months). */
  keepMonths?: number;
  /** Who the closing entry names; systemActor("audit:retention") by default. */
  actor?: ActorContext;
  targets: CheckpointTargets;
  /** Ids per delete transaction. */
  batchSize?: number;
  onBatch?: (batch: BatchReport) => void;
};

export type AuditRetentionResult = {
  /** A cut left unfinished by an earlier run, completed before anything else. */
  resumed: RetentionCut | null;
  /** This run's cut; null when nothing sealed is old enough. */
  cut: RetentionCut | null;
  deletedEntries: number;
  checkpointError?: string;
};

type CutRow = {
  id: string | number;
  last_removed_id: string | number;
  anchor_hash: string;
  removed_entries: string | number;
  removed_before: string | Date;
};

const toCut = (row: CutRow): RetentionCut => ({
  id: Number(row.id),
  lastRemovedId: Number(row.last_removed_id),
  anchorHash: row.anchor_hash,
  removedEntries: Number(row.removed_entries),
  removedBefore: new Date(row.removed_before),
});

async function latestCut(db: DbOrTx): Promise<RetentionCut | null> {
  const [row] = await queryRows<CutRow>(
    db,
    sql`select id, last_removed_id, anchor_hash, removed_entries, removed_before
        from audit_retention_cuts order by id desc limit 1`,
  );
  return row ? toCut(row) : null;
}

/** The lowest id at or below the cut still stored (entry, link or signature), null when none. */
async function lowestLeft(db: DbOrTx, through: number): Promise<number | null> {
  const [row] = await queryRows<{ lo: string | number | null }>(
    db,
    sql`select least(
          (select min(id) from audit_log where id <= ${through}),
          (select min(entry_id) from audit_chain where entry_id <= ${through}),
          (select min(entry_id) from audit_signatures where entry_id <= ${through})) as lo`,
  );
  return row?.lo == null ? null : Number(row.lo);
}

/**
 * Where to cut: the last sealed entry before the first one young enough to keep. Ids follow
 * commit order, not occurred_at (imports and seeds back-date entries), so "the highest id older
 * than the date" could take younger entries below it along; this never removes an entry that
 * occurred inside the kept period.
 */
async function chooseCut(
  db: DbOrTx,
  before: Date,
  after: number,
): Promise<{ lastId: number; anchorHash: string } | null> {
  const [row] = await queryRows<{ entry_id: string | number; chain_hash: string }>(
    db,
    sql`select entry_id, chain_hash from audit_chain
        where entry_id > ${after}
          and entry_id < coalesce(
            (select min(id) from audit_log where occurred_at >= ${before.toISOString()}),
            9223372036854775807)
        order by entry_id desc limit 1`,
  );
  return row ? { lastId: Number(row.entry_id), anchorHash: row.chain_hash } : null;
}

/**
 * Records the cut, and writes its checkpoint before that record commits: if the file cannot be
 * written nothing is cut, so the database never holds a cut the checkpoints do not know. (The
 * other way round is possible: a commit that fails after the write leaves a retention checkpoint
 * for a cut that never happened, which verification reports as a cut mismatch (when an earlier
 * cut exists) until the next run records a cut, and its checkpoint, again.)
 */
async function recordCut(
  db: Db,
  before: Date,
  targets: CheckpointTargets,
): Promise<{ cut: RetentionCut; checkpointError?: string } | null> {
  return db.transaction(async (tx) => {
    const [a, b] = RETENTION_LOCK;
    await tx.execute(sql`select pg_advisory_xact_lock(${a}::int, ${b}::int)`);
    const previous = await latestCut(tx);
    const chosen = await chooseCut(tx, before, previous?.lastRemovedId ?? 0);
    if (!chosen) return null;
    const [counted] = await queryRows<{ n: string | number }>(
      tx,
      sql`select count(*) as n from audit_log where id <= ${chosen.lastId}`,
    );
    const [row] = await queryRows<CutRow>(
      tx,
      sql`insert into audit_retention_cuts
            (last_removed_id, anchor_hash, removed_entries, removed_before)
          values (${chosen.lastId}, ${chosen.anchorHash}, ${Number(counted?.n ?? 0)},
                  ${before.toISOString()})
          returning id, last_removed_id, anchor_hash, removed_entries, removed_before`,
    );
    const written = await writeCheckpoint(
      {
        lastId: chosen.lastId,
        headHash: chosen.anchorHash,
        at: new Date().toISOString(),
        kind: "retention",
      },
      targets,
    );
    const cut = toCut(row!);
    return written.error ? { cut, checkpointError: written.error } : { cut };
  });
}

/** `months` calendar months before `now` (UTC), the day clamped to the month's last. */
export function monthsBefore(now: Date, months: number): Date {
  const target = new Date(now);
  const day = now.getUTCDate();
  target.setUTCDate(1);
  target.setUTCMonth(target.getUTCMonth() - months);
  const last = new Date(
    Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0),
  ).getUTCDate();
  target.setUTCDate(Math.min(day, last));
  return target;
}

const fmtDate = (d: Date) => d.toISOString().slice(0, 10);

function retentionMessage(cut: RetentionCut): string {
  return (
    `Removed ${cut.removedEntries.toLocaleString("en-US")} audit entries that occurred before ` +
    `${fmtDate(cut.removedBefore)} (up to entry ${cut.lastRemovedId}) under the retention period`
  );
}

/**
 * Deletes the entries and links up to the cut, oldest first, each batch its own short
 * transaction (the log stays writable throughout: an insert never waits for these rows). The
 * last batch writes the closing entry in its transaction, so "nothing left at or below the cut"
 * means the entry exists: a rerun after a crash knows exactly what is left to do.
 */
async function deleteThrough(
  db: Db,
  cut: RetentionCut,
  options: AuditRetentionOptions & { keepMonths: number | undefined },
): Promise<number> {
  const { keepMonths, onBatch } = options;
  const batchSize = options.batchSize ?? DEFAULT_RETENTION_BATCH;
  const through = cut.lastRemovedId;
  let lo = await lowestLeft(db, through);
  let deleted = 0;
  while (lo !== null && lo <= through) {
    const from = lo;
    const to = Math.min(through, from + batchSize - 1);
    const started = performance.now();
    const counts = await db.transaction(async (tx) => {
      const [a, b] = RETENTION_LOCK;
      await tx.execute(sql`select pg_advisory_xact_lock(${a}::int, ${b}::int)`);
      // The append-only triggers let DELETE through for ids up to this, in this transaction only.
      await tx.execute(
        sql`select set_config('trunkline.retention_through', ${String(through)}, true)`,
      );
      const links = await queryRows<{ n: string | number }>(
        tx,
        sql`with gone as (delete from audit_chain where entry_id >= ${from} and entry_id <= ${to}
            returning 1) select count(*) as n from gone`,
      );
      await tx.execute(
        sql`delete from audit_signatures where entry_id >= ${from} and entry_id <= ${to}`,
      );
      const entries = await queryRows<{ n: string | number }>(
        tx,
        sql`with gone as (delete from audit_log where id >= ${from} and id <= ${to}
            returning 1) select count(*) as n from gone`,
      );
      const result = { entries: Number(entries[0]?.n ?? 0), links: Number(links[0]?.n ?? 0) };
      // The last range always holds the cut's own entry, unless another run already removed it.
      if (to === through && result.entries + result.links > 0) {
        await recordAuditEvent(tx, options.actor ?? systemActor(RETENTION_ACTOR_LABEL), {
          action: "DELETE",
          tableName: "audit_log",
          message: retentionMessage(cut),
          after: {
            cut: cut.id,
            removedEntries: cut.removedEntries,
            removedBefore: cut.removedBefore.toISOString(),
            lastRemovedId: cut.lastRemovedId,
            anchorHash: cut.anchorHash,
            ...(keepMonths === undefined ? {} : { keepMonths }),
          },
        });
      }
      return result;
    });
    deleted += counts.entries;
    onBatch?.({ from, to, ...counts, ms: performance.now() - started });
    // Ids have gaps (rolled-back inserts): jump to the next stored one instead of stepping.
    lo = to === through ? null : await lowestLeft(db, through);
  }
  return deleted;
}

/** Thrown before anything is cut when the connection's role may not delete from the log. */
export class RetentionPrivilegeError extends Error {}

/**
 * On a server the app's role may insert into audit_log but not delete from it: finding that out
 * at the first batch would leave a cut recorded that this connection cannot carry out.
 */
async function assertMayDelete(db: DbOrTx): Promise<void> {
  const [row] = await queryRows<{ may: boolean }>(
    db,
    sql`select has_table_privilege('audit_log', 'DELETE')
           and has_table_privilege('audit_chain', 'DELETE')
           and has_table_privilege('audit_signatures', 'DELETE') as may`,
  );
  if (!row?.may) {
    throw new RetentionPrivilegeError(
      "the database role this connects as may not delete from audit_log and audit_chain: " +
        "run retention as the owner (MIGRATION_DATABASE_URL)",
    );
  }
}

/** `npm run audit:retention`: finishes an interrupted cut, seals, cuts, deletes. */
export async function runAuditRetention(
  db: Db,
  options: AuditRetentionOptions,
): Promise<AuditRetentionResult> {
  await assertMayDelete(db);
  let deletedEntries = 0;

  const previous = await latestCut(db);
  const unfinished =
    previous && (await lowestLeft(db, previous.lastRemovedId)) !== null ? previous : null;
  if (unfinished) {
    // Its keep-months was the interrupted run's: not known here.
    deletedEntries += await deleteThrough(db, unfinished, { ...options, keepMonths: undefined });
  }

  // Only sealed entries can be cut (the anchor is a link); a sealer already running elsewhere
  // (the app's) just means this run cuts up to what it has sealed.
  await sealAuditLog(db);
  const recorded = await recordCut(db, options.before, options.targets);
  if (!recorded) return { resumed: unfinished, cut: null, deletedEntries };
  deletedEntries += await deleteThrough(db, recorded.cut, {
    ...options,
    keepMonths: options.keepMonths,
  });
  return {
    resumed: unfinished,
    cut: recorded.cut,
    deletedEntries,
    ...(recorded.checkpointError ? { checkpointError: recorded.checkpointError } : {}),
  };
}
