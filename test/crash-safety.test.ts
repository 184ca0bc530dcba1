import { randomInt } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { eq, sql } from "drizzle-orm";
import { afterAll, describe, it, type ExpectStatic } from "vitest";
import { DatabaseUnavailableError, openPglite, type Db } from "@/db/client";
import { readLockHolder } from "@/db/embedded/folder-lock";
import { queryRows } from "@/db/raw";
import { accounts } from "@/db/schema";
import { DEMO_SIGN_INS } from "@/seed/demo/demo";
import { hasAnyUser, hasDemoData } from "@/seed/demo/status";
import { rowToJson } from "@/lib/audit/to-json";
import { tableCounts, type TableCounts } from "./crash/child-io";
import { CrashChild, killAllChildren } from "./crash/harness";
import { checkIntegrity } from "./crash/integrity";
import { CRASH_ACCOUNT_NAME, writeRequestId, type WriterReady } from "./crash/protocol";

/**
 * The embedded database survives its process being killed at any moment: PGlite's WAL keeps
 * every committed transaction and drops an unfinished one on the next open, and the folder
 * lock is the kernel's (flock), so the next process may open the folder at once. Each test runs
 * the work in a child process (test/crash/*.ts) and SIGKILLs it in the middle.
 *
 * The three tests run side by side (each in its own folder): they mostly wait on children, and
 * one after the other they would take well over a minute.
 */

const root = mkdtempSync(path.join(tmpdir(), "trunkline-crash-"));
afterAll(async () => {
  // A test that failed midway may leave a child running: kill it before removing its folder.
  await killAllChildren();
  rmSync(root, { recursive: true, force: true });
});

/** A folder of its own per test; the lock file `<folder>.lock` sits beside it, also in root. */
const folder = (name: string) => path.join(root, name, "pglite");

/**
 * Opens the folder right after a kill. It must succeed on the first try and take the lock at
 * once: the old timer-based lock refused for 15 s after its owner died. The whole open also
 * starts PGlite and replays its WAL, which takes longer on a loaded machine.
 */
async function reopen(dir: string, expect: ExpectStatic) {
  const started = Date.now();
  const database = await openPglite(dir);
  const ms = Date.now() - started;
  const holder = readLockHolder(dir);
  expect(holder?.pid).toBe(process.pid);
  const lockMs = Date.parse(holder!.since) - started;
  expect(lockMs).toBeLessThan(2_000);
  expect(ms).toBeLessThan(15_000);
  return { database, ms, lockMs };
}

const linesStartingWith = (lines: string[], prefix: string) =>
  lines.filter((l) => l.startsWith(prefix)).map((l) => l.slice(prefix.length));

type Entry = {
  action: string;
  table_name: string;
  record_pk: string;
  request_id: string;
  before: Record<string, unknown>;
  after: Record<string, unknown>;
};

// Longer than the 15 s after which the old timer-based lock counted a silent owner as gone.
const BUSY_MS = 16_500;
// Enough history for the kill on its first progress line (step 500) to land mid-seed.
const SEED_SCALE = "0.2";
const SEED_CDRS = 2_000;

/** The demo data, complete: the sign-ins, the accounts, every CDR rolled up. */
async function expectCompleteDemo(db: Db, expect: ExpectStatic) {
  expect(await hasDemoData(db)).toBe(true);
  const emails = await queryRows<{ email: string }>(db, sql`select email from users`);
  expect(emails.map((e) => e.email)).toEqual(
    expect.arrayContaining(DEMO_SIGN_INS.map((s) => s.email)),
  );
  const [c] = await queryRows<Record<string, number>>(
    db,
    sql`select
      (select count(*)::int from accounts) as accounts,
      (select count(*)::int from ingress_routes) as ingress,
      (select count(*)::int from audit_log) as audit,
      (select count(*)::int from login_attempts) as login_attempts,
      (select count(*)::int from cdrs) as cdrs,
      (select coalesce(sum(attempts), 0)::int from cdr_daily) as rolled_up`,
  );
  expect(c!.accounts).toBeGreaterThanOrEqual(24);
  expect(c!.ingress).toBeGreaterThanOrEqual(50);
  expect(c!.audit).toBeGreaterThan(1_000);
  expect(c!.login_attempts).toBeGreaterThan(0);
  expect(c!.cdrs).toBe(SEED_CDRS);
  expect(c!.rolled_up).toBe(SEED_CDRS);
  return c!;
}

describe.concurrent("the embedded database killed with SIGKILL", () => {
  it("loses no acknowledged audited write, and keeps no write without its entry or entry without its write", async ({
    expect,
  }) => {
    const dir = folder("writer");
    // What the previous round left, for the next run to find unchanged.
    let previous: { counts: TableCounts; lastValue: number } | undefined;

    for (let round = 1; round <= 3; round++) {
      // A different moment in each round, so the kill lands at different points of a write.
      const wanted = 150 + randomInt(250);
      const writer = new CrashChild("audited-writer.ts", [dir]);
      const readyLine = await writer.waitFor((l) => l.startsWith("ready "), 60_000);
      const ready = JSON.parse(readyLine.slice("ready ".length)) as WriterReady;
      if (previous) {
        // The restarted writer sees exactly what the check after the last kill saw.
        expect(ready.counts).toEqual(previous.counts);
        expect(ready.next).toBe(previous.lastValue + 1);
      }
      await writer.waitFor((l) => l === `ack ${ready.next + wanted - 1}`, 60_000);
      const lines = await writer.kill();

      // Acks arrive in order, one per write, from `next` on. The child went on writing after
      // the ack the kill was sent on, so the last ack it got out is the one that counts.
      const acked = linesStartingWith(lines, "ack ").map(Number);
      expect(acked.length).toBeGreaterThanOrEqual(wanted);
      expect(acked).toEqual(acked.map((_, i) => ready.next + i));
      const lastAck = acked.at(-1)!;

      const { database, ms } = await reopen(dir, expect);
      try {
        const { db } = database;
        const entries = await queryRows<Entry>(
          db,
          sql`select action::text, table_name, record_pk, request_id, before, after
              from audit_log where id > ${ready.maxAuditId} order by id`,
        );
        // Every acknowledged write has its entry; the write in flight at the kill may have
        // committed before its ack got out, and then it has its entry too — never more.
        const lastValue = ready.next + entries.length - 1;
        expect([lastAck, lastAck + 1]).toContain(lastValue);
        entries.forEach((entry, i) => {
          const n = ready.next + i;
          expect(entry).toMatchObject({
            action: "UPDATE",
            table_name: "accounts",
            record_pk: String(ready.accountId),
            request_id: writeRequestId(n),
          });
          expect(entry.after.creditLimit).toBe(n.toFixed(2));
          expect(entry.before.creditLimit).toBe((n - 1).toFixed(2));
          // Each entry starts from the state the previous one ended in: no change is missing
          // between them, and none was applied twice.
          if (i > 0) expect(entry.before).toEqual(entries[i - 1]!.after);
        });

        // The account is what its newest entry says.
        const [account] = await db.select().from(accounts).where(eq(accounts.id, ready.accountId));
        expect(account?.name).toBe(CRASH_ACCOUNT_NAME);
        expect(rowToJson(account!)).toEqual(entries.at(-1)!.after);

        // Nothing else changed: every table has the rows it had before this run's first write,
        // the audit log exactly one more per write, each with its signature.
        const counts = await tableCounts(db);
        expect(counts).toEqual({
          ...ready.counts,
          "public.audit_log": ready.counts["public.audit_log"]! + entries.length,
          "public.audit_signatures": ready.counts["public.audit_signatures"]! + entries.length,
          // queued for SIEM streaming with each entry (no worker runs here to prune it)
          "public.audit_outbox": ready.counts["public.audit_outbox"]! + entries.length,
        });
        console.info(
          `writer round ${round}: acks ${ready.next}..${lastAck} (${acked.length}), ` +
            `committed ${ready.next}..${lastValue}` +
            `${lastValue > lastAck ? " (the write in flight had committed, unacknowledged)" : ""}` +
            `, reopened in ${ms} ms`,
        );
        previous = { counts, lastValue };
      } finally {
        await database.close();
      }
    }
    // After three kills, Postgres's own checks find every page, row and index intact.
    const integrity = await checkIntegrity(dir);
    expect(integrity.tables).toBe(Object.keys(previous!.counts).length);
    expect(integrity.indexes).toBeGreaterThan(integrity.tables);
  }, 180_000);

  it("leaves none of the demo seed behind when killed mid-seed, and the next start seeds it whole", async ({
    expect,
  }) => {
    const dir = folder("seed");
    const args = [dir, SEED_SCALE, String(SEED_CDRS)];
    const seeder = new CrashChild("seeder.ts", args);
    const migrated = await seeder.waitFor((l) => l.startsWith("migrated "), 60_000);
    const baseline = JSON.parse(migrated.slice("migrated ".length)) as TableCounts;
    // Killed on the history's first progress line: 500 steps are written inside the seed's
    // transaction and at least as many more (then the CDRs) are still to come, so the kill
    // lands in the middle of it however the processes are scheduled.
    const progress = await seeder.waitFor((l) => /^log +500 \/ \d+$/.test(l), 120_000);
    const lines = await seeder.kill();
    const steps = Number(progress.split("/")[1]);
    expect(steps - 500).toBeGreaterThanOrEqual(500);
    expect(lines).not.toContainEqual(expect.stringMatching(/^seeded /));

    const first = await reopen(dir, expect);
    try {
      // Not half a seed: no user, and every table as the migrations left it.
      expect(await hasAnyUser(first.database.db)).toBe(false);
      expect(await tableCounts(first.database.db)).toEqual(baseline);
    } finally {
      await first.database.close();
    }

    // The next start makes the same decision (no user → seed) and this time finishes.
    const rerun = new CrashChild("seeder.ts", args);
    expect(await rerun.exitCode(), rerun.describe()).toBe(0);
    expect(rerun.lines).toContain(`migrated ${JSON.stringify(baseline)}`);
    expect(rerun.lines).toContain("seeding");
    expect(rerun.lines).toContain(`log Writing ${steps} steps of history through the audit core…`);
    expect(rerun.lines).toContain(`seeded ${JSON.stringify({ seeded: true })}`);

    const second = await reopen(dir, expect);
    try {
      const counts = await expectCompleteDemo(second.database.db, expect);
      console.info(
        `seed: killed at "${progress.slice(4).trim()}" steps; reopened in ${first.ms} ms with ` +
          `nothing of it; the next start seeded ${JSON.stringify(counts)}`,
      );
    } finally {
      await second.database.close();
    }
    const integrity = await checkIntegrity(dir);
    expect(integrity.tables).toBe(Object.keys(baseline).length);
    expect(integrity.indexes).toBeGreaterThan(integrity.tables);
  }, 180_000);

  it("keeps the folder locked by a live owner too busy to run a timer, and frees it the moment the owner is killed", async ({
    expect,
  }) => {
    const dir = folder("busy");
    const holder = new CrashChild("busy-holder.ts", [dir, String(BUSY_MS)]);
    const locked = await holder.waitFor((l) => l.startsWith("locked "), 60_000);
    expect(Number(locked.slice("locked ".length))).toBe(holder.pid);
    const busySince = Date.now();

    // Every attempt while the owner is alive is refused, naming the owner.
    const tryOpen = async () => {
      const result = await openPglite(dir).then(
        async (database) => {
          await database.close();
          return new Error("opened a folder another live process holds");
        },
        (err: unknown) => err,
      );
      expect(result).toBeInstanceOf(DatabaseUnavailableError);
      expect((result as Error).message).toContain(`in use by process ${holder.pid} `);
    };
    const done = holder.waitFor((l) => l.startsWith("busy-done "), BUSY_MS + 30_000);
    let busy = true;
    const settled = done.then(
      () => void (busy = false),
      () => void (busy = false),
    );
    let refusals = 0;
    while (busy) {
      await tryOpen();
      refusals++;
      await Promise.race([settled, new Promise((resolve) => setTimeout(resolve, 1_000))]);
    }
    const [, queries, timerTurns] = (await done).split(" ").map(Number);
    // The owner really was busy past the old staleness limit, its event loop shut all along.
    expect(Date.now() - busySince).toBeGreaterThan(15_000);
    expect(queries).toBeGreaterThan(0);
    expect(timerTurns).toBe(0);
    // About one a second; fewer when the other tests' checks hold up this process.
    expect(refusals).toBeGreaterThanOrEqual(10);
    // And once more now, past the 15 s.
    await tryOpen();

    await holder.kill();
    const { database, ms, lockMs } = await reopen(dir, expect);
    await database.close();
    console.info(
      `lock: ${refusals + 1} refusals naming pid ${holder.pid} while it ran ${queries} queries ` +
        `in ${BUSY_MS} ms (${timerTurns} timer turns); after the kill, locked in ${lockMs} ms, ` +
        `opened in ${ms} ms`,
    );
  }, 120_000);
});
