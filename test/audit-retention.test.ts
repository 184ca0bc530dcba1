import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { pgErrorOf } from "@/db/errors";
import { queryRows } from "@/db/raw";
import { emailOutbox, loginAttempts } from "@/db/schema";
import { systemActor } from "@/lib/audit/actor";
import { auditedMutation, recordAuditEvent } from "@/lib/audit/core";
import { readCheckpoints } from "@/lib/audit/chain/checkpoints";
import {
  RETENTION_ACTOR_LABEL,
  monthsBefore,
  runAuditRetention,
  type AuditRetentionOptions,
} from "@/lib/audit/chain/retention";
import { sealAndCheckpoint } from "@/lib/audit/chain/verification";
import { verifyAuditChain } from "@/lib/audit/chain/verify";
import { pruneLoginAttempts } from "@/lib/auth/retention";
import { queueEmail } from "@/lib/email/outbox";
import { pruneEmailOutbox } from "@/lib/email/retention";
import { freshChainDatabaseEachTest } from "./chain-support";

/**
 * Retention on PGlite: old sealed entries go, what remains still verifies (and tampering with
 * it is still caught), a run stopped half-way is finished by the next, and the outbox and the
 * sign-in attempts are pruned in batches.
 */

const chain = freshChainDatabaseEachTest("retention");

const NOW = new Date();
const DAY = 86_400_000;
const daysAgo = (days: number) => new Date(NOW.getTime() - days * DAY);
/** Twelve months kept: entries 400 days old go, 30 days old stay. */
const BEFORE = monthsBefore(NOW, 12);
const OLD = daysAgo(400);
const RECENT = daysAgo(30);

async function writeEntries(count: number, at: Date): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < count; i += 1) {
    ids.push(
      await recordAuditEvent(chain.db, systemActor("retention test", { at }), {
        action: "UPDATE",
        tableName: "accounts",
        recordPk: String(i),
        message: `Changed account ${i}`,
        after: { creditLimit: i },
      }),
    );
  }
  return ids;
}

const retain = (options: Partial<AuditRetentionOptions> = {}) =>
  runAuditRetention(chain.db, {
    before: BEFORE,
    keepMonths: 12,
    targets: chain.targets,
    ...options,
  });

const verify = () =>
  verifyAuditChain(chain.db, { checkpoints: readCheckpoints(chain.targets.file) });

async function storedIds(table: "audit_log" | "audit_chain"): Promise<number[]> {
  const column = table === "audit_log" ? sql`id` : sql`entry_id`;
  const rows = await queryRows<{ id: string | number }>(
    chain.db,
    sql`select ${column} as id from ${sql.raw(table)} order by 1`,
  );
  return rows.map((r) => Number(r.id));
}

async function retentionEntries() {
  return queryRows<{ id: string | number; action: string; message: string; after: unknown }>(
    chain.db,
    sql`select id, action, message, after from audit_log
        where actor_label = ${RETENTION_ACTOR_LABEL} and table_name = 'audit_log' order by id`,
  );
}

async function expectRefused(work: Promise<unknown>, pattern: RegExp) {
  const err = await work.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err, "the database accepted the write").not.toBeNull();
  expect(pgErrorOf(err)?.message).toMatch(pattern);
}

describe("monthsBefore", () => {
  it("steps back calendar months in UTC, the day clamped to the shorter month", () => {
    expect(monthsBefore(new Date("2026-03-31T10:00:00Z"), 1).toISOString()).toBe(
      "2026-02-28T10:00:00.000Z",
    );
    expect(monthsBefore(new Date("2024-03-31T00:00:00Z"), 1).toISOString()).toBe(
      "2024-02-29T00:00:00.000Z",
    );
    expect(monthsBefore(new Date("2026-01-15T08:30:00Z"), 13).toISOString()).toBe(
      "2024-12-15T08:30:00.000Z",
    );
  });
});

describe("audit log retention", () => {
  it("removes the old sealed entries, records the cut, and what remains verifies", async () => {
    const old = await writeEntries(5, OLD);
    const recent = await writeEntries(3, RECENT);
    await sealAndCheckpoint(chain.db, chain.targets);
    expect(await verify()).toMatchObject({ ok: true, checkedEntries: 8 });

    const result = await retain();
    expect(result).toMatchObject({
      resumed: null,
      deletedEntries: 5,
      cut: { lastRemovedId: old[4], removedEntries: 5, removedBefore: BEFORE },
    });
    const [closing] = await retentionEntries();
    expect((await storedIds("audit_log")).filter((id) => id !== Number(closing!.id))).toEqual(
      recent,
    );
    expect((await storedIds("audit_chain"))[0]).toBe(recent[0]);

    // the cut's anchor is the chain hash the removed entry had, in the database and outside it
    const log = readCheckpoints(chain.targets.file);
    expect(log.latestCut).toMatchObject({ kind: "retention", lastId: old[4] });
    expect(log.latestCut!.headHash).toBe(result.cut!.anchorHash);

    expect(closing).toMatchObject({
      action: "DELETE",
      message:
        `Removed 5 audit entries that occurred before ${BEFORE.toISOString().slice(0, 10)} ` +
        `(up to entry ${old[4]}) under the retention period`,
      after: {
        cut: result.cut!.id,
        removedEntries: 5,
        lastRemovedId: old[4],
        keepMonths: 12,
        removedBefore: BEFORE.toISOString(),
      },
    });

    await sealAndCheckpoint(chain.db, chain.targets);
    const report = await verify();
    expect(report.problems).toEqual([]);
    expect(report).toMatchObject({ ok: true, checkedEntries: 4, fromId: old[4]! + 1 });
  });

  it("still names tampering with what remains, and a cut the checkpoints do not know", async () => {
    await writeEntries(4, OLD);
    const recent = await writeEntries(3, RECENT);
    await retain();
    await sealAndCheckpoint(chain.db, chain.targets);
    expect((await verify()).ok).toBe(true);

    await chain.asSuperuser(sql`update audit_log set message = 'Nothing' where id = ${recent[1]!}`);
    expect((await verify()).problems.map((p) => [p.kind, p.entryId])).toEqual([
      ["changed", recent[1]],
    ]);
    await chain.asSuperuser(
      sql`update audit_log set message = 'Changed account 1' where id = ${recent[1]!}`,
    );

    // moving the cut forward to hide entries: the checkpoints still hold the real cut
    const [cut] = await queryRows<{ anchor: string }>(
      chain.db,
      sql`select chain_hash as anchor from audit_chain where entry_id = ${recent[1]!}`,
    );
    await chain.asSuperuser(
      sql`insert into audit_retention_cuts (last_removed_id, anchor_hash, removed_entries, removed_before)
          values (${recent[1]!}, ${cut!.anchor}, 2, now())`,
    );
    await chain.asSuperuser(sql`delete from audit_log where id <= ${recent[1]!}`);
    const report = await verify();
    expect(report.ok).toBe(false);
    expect(report.problems.map((p) => [p.kind, p.entryId])).toEqual([["cut-mismatch", recent[1]]]);
  });

  it("never removes an entry inside the kept period, even one with a lower id than an old one", async () => {
    const [older] = await writeEntries(1, OLD);
    const [young] = await writeEntries(1, RECENT);
    // back-dated after a newer one (an import): its id is higher than the young entry's
    const [backDated] = await writeEntries(1, OLD);
    await retain();
    const kept = await storedIds("audit_log");
    expect(kept).not.toContain(older);
    expect(kept).toContain(young);
    expect(kept).toContain(backDated);
  });

  it("refuses to delete entries past the cut, even in its own transaction", async () => {
    const old = await writeEntries(2, OLD);
    const recent = await writeEntries(1, RECENT);
    await sealAndCheckpoint(chain.db, chain.targets);
    const attempt = chain.db.transaction(async (tx) => {
      await tx.execute(
        sql`select set_config('trunkline.retention_through', ${String(old[1])}, true)`,
      );
      await tx.execute(sql`delete from audit_log where id = ${recent[0]!}`);
    });
    await expectRefused(attempt, /append-only/);
    await expectRefused(
      chain.db.execute(sql`delete from audit_log where id = ${old[0]!}`),
      /append-only/,
    );
  });

  it("does nothing when no sealed entry is old enough", async () => {
    await writeEntries(3, RECENT);
    expect(await retain()).toEqual({ resumed: null, cut: null, deletedEntries: 0 });
    expect(await storedIds("audit_log")).toHaveLength(3);
    expect(readCheckpoints(chain.targets.file).latestCut).toBeNull();
    expect(await retentionEntries()).toEqual([]);
  });

  it("cuts again later from the previous cut, and may take every sealed entry", async () => {
    await writeEntries(3, OLD);
    const first = await retain();
    const more = await writeEntries(2, daysAgo(380));
    // with the first run's closing entry (young) in between, the kept period stops at it…
    expect(await retain()).toMatchObject({ cut: null });
    // …and a period that ends tomorrow takes everything sealed
    const second = await retain({ before: new Date(Date.now() + DAY) });
    expect(second.cut).toMatchObject({ lastRemovedId: more[1], removedEntries: 3 });
    expect(second.cut!.id).toBeGreaterThan(first.cut!.id);
    expect(await storedIds("audit_chain")).toEqual([]);
    expect(await verify()).toMatchObject({ ok: true, unsealedEntries: 1 });

    // the chain goes on from the anchor
    await writeEntries(2, RECENT);
    await sealAndCheckpoint(chain.db, chain.targets);
    expect(await verify()).toMatchObject({ ok: true, checkedEntries: 3 });
  });

  it("a run stopped half-way leaves a verifiable log, and the next run finishes it", async () => {
    const old = await writeEntries(7, OLD);
    await writeEntries(2, RECENT);
    await sealAndCheckpoint(chain.db, chain.targets);

    let batches = 0;
    const crashed = retain({
      batchSize: 2,
      onBatch: () => {
        if ((batches += 1) === 2) throw new Error("killed");
      },
    });
    await expect(crashed).rejects.toThrow("killed");
    // the cut is recorded and two batches are gone; the rest of it is still there
    const left = await storedIds("audit_log");
    expect(left).toContain(old[4]);
    expect(left).not.toContain(old[3]);
    expect(await retentionEntries()).toEqual([]);
    const midway = await verify();
    expect(midway.problems).toEqual([]);
    expect(midway.ok).toBe(true);

    const rerun = await retain({ batchSize: 2 });
    expect(rerun.resumed).toMatchObject({ lastRemovedId: old[6], removedEntries: 7 });
    expect(rerun.deletedEntries).toBe(3);
    // the resumed cut is finished; nothing new was old enough to cut again
    expect(rerun.cut).toBeNull();
    expect((await storedIds("audit_log")).filter((id) => id <= old[6]!)).toEqual([]);
    const closing = await retentionEntries();
    expect(closing).toHaveLength(1);
    expect(closing[0]!.message).toContain("Removed 7 audit entries");
    await sealAndCheckpoint(chain.db, chain.targets);
    expect(await verify()).toMatchObject({ ok: true, problems: [] });
  });
});

describe("sign-in attempts and outbox retention", () => {
  it("removes sign-in attempts older than the period, in batches", async () => {
    const at = (days: number) => daysAgo(days);
    await chain.db.insert(loginAttempts).values([
      ...Array.from({ length: 5 }, (_, i) => ({
        email: `old${i}@example.com`,
        outcome: "invalid" as const,
        attemptedAt: at(100 + i),
      })),
      { email: "new@example.com", outcome: "success" as const, attemptedAt: at(10) },
    ]);
    expect(await pruneLoginAttempts(chain.db, { before: at(90), batchSize: 2 })).toBe(5);
    const left = await chain.db.select({ email: loginAttempts.email }).from(loginAttempts);
    expect(left).toEqual([{ email: "new@example.com" }]);
  });

  it("removes old sent and failed emails through the audited core, one entry per batch", async () => {
    const actor = systemActor("outbox test");
    const email = (n: number) => ({
      kind: "invitation" as const,
      toAddress: `user${n}@example.com`,
      subject: "Welcome",
      bodyText: `secret link ${n}`,
      userId: null,
      accountId: null,
    });
    const ids: number[] = [];
    for (let n = 0; n < 6; n += 1) ids.push((await queueEmail(chain.db, actor, email(n))).id);
    // sent 0–2, failed 3, queued 4 (all old); 5 sent recently
    const settle = async (id: number, status: "sent" | "failed" | "queued", days: number) =>
      auditedMutation(chain.db, actor, {
        table: "email_outbox",
        action: "UPDATE",
        id,
        change: async (tx) => {
          await tx
            .update(emailOutbox)
            .set({ status, createdAt: daysAgo(days) })
            .where(eq(emailOutbox.id, id));
        },
      });
    for (const [i, id] of ids.entries()) {
      await settle(
        id,
        i < 3 ? "sent" : i === 3 ? "failed" : i === 4 ? "queued" : "sent",
        i < 5 ? 120 : 5,
      );
    }

    // straight SQL is refused by the outbox's guard
    await expectRefused(
      chain.db.delete(emailOutbox).where(eq(emailOutbox.id, ids[0]!)),
      /outside the audited-mutation core/,
    );

    const removed = await pruneEmailOutbox(chain.db, systemActor(RETENTION_ACTOR_LABEL), {
      before: daysAgo(90),
      days: 90,
      batchSize: 3,
    });
    expect(removed).toBe(4);
    const left = await chain.db.select({ id: emailOutbox.id }).from(emailOutbox);
    expect(left.map((r) => r.id).sort((a, b) => a - b)).toEqual([ids[4], ids[5]]);

    const entries = await queryRows<{ message: string; after: { ids: number[]; removed: number } }>(
      chain.db,
      sql`select message, after from audit_log
          where table_name = 'email_outbox' and action = 'DELETE' order by id`,
    );
    expect(entries.map((e) => e.after.ids)).toEqual([ids.slice(0, 3), [ids[3]]]);
    expect(entries[0]!.message).toBe(
      `Removed 3 sent or failed emails created before ${daysAgo(90).toISOString().slice(0, 10)} ` +
        "under the retention period",
    );
    // the log's own entries about these emails are untouched
    const sends = await queryRows<{ n: string | number }>(
      chain.db,
      sql`select count(*) as n from audit_log where table_name = 'email_outbox' and action = 'SEND'`,
    );
    expect(Number(sends[0]!.n)).toBe(6);
  });
});
