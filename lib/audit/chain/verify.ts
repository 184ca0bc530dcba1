import "server-only";
import { sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { queryRows } from "@/db/raw";
import type { Checkpoint, CheckpointLog } from "./checkpoints";
import { GENESIS_HASH, linkHash } from "./links";

/**
 * Verification: recomputes every entry's hash from its stored columns and walks the chain's
 * links, in id order, page by page; then compares the head with the external checkpoint.
 */

export type ProblemKind =
  | "changed"
  | "reordered"
  | "deleted"
  | "inserted"
  | "chain-broken"
  | "checkpoint-mismatch"
  | "checkpoint-file"
  | "cut-mismatch";

export type ChainProblem = { kind: ProblemKind; entryId: number | null; detail: string };

export type VerificationReport = {
  ok: boolean;
  fromId: number;
  toId: number | null;
  /** Entries whose hash and link were checked. */
  checkedEntries: number;
  /** Entries newer than the last seal: not yet part of the chain, so not yet provable. */
  unsealedEntries: number;
  sealedHeadId: number;
  checkpoint: Checkpoint | null;
  problems: ChainProblem[];
  /** How many problems there were in all; `problems` keeps the first MAX_LISTED. */
  problemCount: number;
};

export type VerifyOptions = {
  fromId?: number;
  toId?: number;
  /** The external checkpoints (readCheckpoints); without them a consistent rewrite is invisible. */
  checkpoints?: CheckpointLog;
};

const PAGE = 5_000;
const MAX_LISTED = 1_000;

type Link = { entry_id: string | number; entry_hash: string; chain_hash: string };
type Entry = { id: string | number; entry_hash: string };
type Cut = { last_removed_id: string | number; anchor_hash: string };

class Findings {
  readonly listed: ChainProblem[] = [];
  count = 0;
  add(kind: ProblemKind, entryId: number | null, detail: string) {
    this.count += 1;
    if (this.listed.length < MAX_LISTED) this.listed.push({ kind, entryId, detail });
  }
}

async function latestCut(
  db: DbOrTx,
): Promise<{ lastRemovedId: number; anchorHash: string } | null> {
  const [cut] = await queryRows<Cut>(
    db,
    sql`select last_removed_id, anchor_hash from audit_retention_cuts order by id desc limit 1`,
  );
  return cut ? { lastRemovedId: Number(cut.last_removed_id), anchorHash: cut.anchor_hash } : null;
}

async function linkAt(db: DbOrTx, entryId: number): Promise<Link | null> {
  const [link] = await queryRows<Link>(
    db,
    sql`select entry_id, entry_hash, chain_hash from audit_chain where entry_id = ${entryId}`,
  );
  return link ?? null;
}

/** The chain hash the link at `fromId` must continue from. */
async function previousChainHash(
  db: DbOrTx,
  fromId: number,
  cut: { lastRemovedId: number; anchorHash: string } | null,
): Promise<string> {
  const [link] = await queryRows<{ chain_hash: string }>(
    db,
    sql`select chain_hash from audit_chain where entry_id < ${fromId}
        order by entry_id desc limit 1`,
  );
  return link?.chain_hash ?? cut?.anchorHash ?? GENESIS_HASH;
}

export async function verifyAuditChain(
  db: DbOrTx,
  options: VerifyOptions = {},
): Promise<VerificationReport> {
  const findings = new Findings();
  const cut = await latestCut(db);
  const [head] = await queryRows<{ head: string | number | null }>(
    db,
    sql`select max(entry_id) as head from audit_chain`,
  );
  const sealedHeadId = Number(head?.head ?? cut?.lastRemovedId ?? 0);
  const fromId = Math.max(options.fromId ?? 1, (cut?.lastRemovedId ?? 0) + 1);
  const toId = options.toId ?? null;
  const upTo = toId ?? Number.MAX_SAFE_INTEGER;

  let previous = await previousChainHash(db, fromId, cut);
  let previousId: number | null = null;
  let checkedEntries = 0;
  let unsealedEntries = 0;
  let lo = fromId;
  for (;;) {
    const [entries, links] = await Promise.all([
      queryRows<Entry>(
        db,
        sql`select id, trunkline_audit_entry_hash(a) as entry_hash from audit_log a
            where id >= ${lo} and id <= ${upTo} order by id limit ${PAGE}`,
      ),
      queryRows<Link>(
        db,
        sql`select entry_id, entry_hash, chain_hash from audit_chain
            where entry_id >= ${lo} and entry_id <= ${upTo} order by entry_id limit ${PAGE}`,
      ),
    ]);
    // Both sides are complete up to the lower of their last ids when either page was full.
    const lastOf = (rows: unknown[], id: (i: number) => number) =>
      rows.length === PAGE ? id(rows.length - 1) : Number.POSITIVE_INFINITY;
    const bound = Math.min(
      lastOf(entries, (i) => Number(entries[i]!.id)),
      lastOf(links, (i) => Number(links[i]!.entry_id)),
    );
    const actual = new Map(entries.map((e) => [Number(e.id), e.entry_hash]));
    const sealedAs = new Map(links.map((l) => [l.entry_hash, Number(l.entry_id)]));
    const ids = [...new Set([...actual.keys(), ...links.map((l) => Number(l.entry_id))])]
      .filter((id) => id <= bound)
      .sort((a, b) => a - b);
    const linkOf = new Map(links.map((l) => [Number(l.entry_id), l]));

    for (const id of ids) {
      const link = linkOf.get(id);
      const hash = actual.get(id);
      if (!link) {
        if (id <= sealedHeadId) {
          findings.add("inserted", id, `entry ${id} is not in the chain: inserted out of band`);
        } else {
          unsealedEntries += 1;
        }
        continue;
      }
      checkedEntries += 1;
      if (hash === undefined) {
        findings.add("deleted", id, `entry ${id} was sealed but is no longer in the log`);
      } else if (hash !== link.entry_hash) {
        const movedFrom = sealedAs.get(hash);
        if (movedFrom !== undefined && movedFrom !== id) {
          findings.add("reordered", id, `entry ${id} holds what was sealed as entry ${movedFrom}`);
        } else {
          findings.add("changed", id, `entry ${id} differs from what was sealed`);
        }
      }
      if (linkHash(previous, id, link.entry_hash) !== link.chain_hash) {
        findings.add(
          "chain-broken",
          id,
          previousId === null
            ? `the chain breaks at entry ${id}: its link does not follow from the one before it`
            : `the chain breaks between entries ${previousId} and ${id}: entries between them ` +
                "were removed with their links, or a link was rewritten",
        );
      }
      previous = link.chain_hash;
      previousId = id;
    }
    if (bound === Number.POSITIVE_INFINITY) break;
    lo = bound + 1;
  }

  const checkpoint = await compareCheckpoints(db, options.checkpoints, cut, sealedHeadId, findings);
  return {
    ok: findings.count === 0,
    fromId,
    toId,
    checkedEntries,
    unsealedEntries,
    sealedHeadId,
    checkpoint,
    problems: findings.listed,
    problemCount: findings.count,
  };
}

/**
 * The head recorded outside the database must still be in the chain with the same hash: a chain
 * rewritten consistently from some entry on (or cut short) cannot match it.
 */
async function compareCheckpoints(
  db: DbOrTx,
  log: CheckpointLog | undefined,
  cut: { lastRemovedId: number; anchorHash: string } | null,
  sealedHeadId: number,
  findings: Findings,
): Promise<Checkpoint | null> {
  if (!log) return null;
  for (const line of log.invalidLines) {
    findings.add("checkpoint-file", null, `checkpoint file line ${line} is not a checkpoint`);
  }
  const checkpoint = log.latest;
  if (checkpoint && checkpoint.lastId > (cut?.lastRemovedId ?? 0)) {
    const link = await linkAt(db, checkpoint.lastId);
    if (!link) {
      findings.add(
        "checkpoint-mismatch",
        checkpoint.lastId,
        checkpoint.lastId > sealedHeadId
          ? `the chain ends at entry ${sealedHeadId}, before the checkpoint's entry ` +
              `${checkpoint.lastId} of ${checkpoint.at}: its tail was removed`
          : `the checkpoint's entry ${checkpoint.lastId} of ${checkpoint.at} has no link`,
      );
    } else if (link.chain_hash !== checkpoint.headHash) {
      findings.add(
        "checkpoint-mismatch",
        checkpoint.lastId,
        `the chain at entry ${checkpoint.lastId} differs from the checkpoint of ` +
          `${checkpoint.at}: the chain was rewritten`,
      );
    }
  }
  if (cut) {
    const recorded = log.latestCut;
    if (
      !recorded ||
      recorded.lastId !== cut.lastRemovedId ||
      recorded.headHash !== cut.anchorHash
    ) {
      findings.add(
        "cut-mismatch",
        cut.lastRemovedId,
        `the retention cut at entry ${cut.lastRemovedId} does not match the checkpoints' record of it`,
      );
    }
  }
  return checkpoint;
}
