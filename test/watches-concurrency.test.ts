import { and, eq } from "drizzle-orm";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, describe, it } from "vitest";
import { emailOutbox } from "@/db/schema";
import { systemActor } from "@/lib/audit/actor";
import { recordAuditEvent } from "@/lib/audit/core";
import { runWatchRound } from "@/lib/watches/notify";
import { createWatchOperation } from "@/lib/watches/watches";
import { insertTestUser } from "./factories";
import { postgresBinaries, startRealPostgres, type RealPostgres } from "./real-postgres";
import { asCurrent, runAs } from "./run-action";

/**
 * On a real server, where commits land out of id order and several instances run the notifier:
 * every matching entry is counted in exactly one notification (none skipped because a lower id
 * committed late, none twice because two notifiers ran at once).
 */
const onServer = postgresBinaries || process.env.CI ? describe : describe.skip;

onServer("the watch notifier under concurrent writers and notifiers (real Postgres)", () => {
  let pg: RealPostgres;
  beforeAll(async () => {
    pg = await startRealPostgres("trunkline_watches");
  }, 60_000);
  afterAll(() => pg?.stop());

  it("notifies each entry once while writers commit out of order and three notifiers run", async () => {
    const db = pg.database.db;
    const admin = asCurrent(await insertTestUser(db, { role: "admin" }));
    const created = await runAs(db, createWatchOperation, admin, {
      name: "Writes",
      query: "table:accounts",
      channel: "email",
    });
    expect(created).toMatchObject({ status: "ok" });

    let writing = true;
    const writer = async (w: number) => {
      for (let i = 0; i < 20; i += 1) {
        await db.transaction(async (tx) => {
          await recordAuditEvent(tx, systemActor(`writer ${w}`), {
            action: "UPDATE",
            tableName: "accounts",
            message: `write ${w}.${i}`,
          });
          // Holds the drawn id for a moment so later ids commit first.
          if (i % 3 === w % 3) await tx.execute(sql`select pg_sleep(0.05)`);
        });
      }
    };
    let busy = 0;
    const notifier = async () => {
      while (writing) {
        const result = await runWatchRound(db);
        if (result.busy) busy += 1;
      }
    };
    const notifiers = [notifier(), notifier(), notifier()];
    await Promise.all(Array.from({ length: 8 }, (_, w) => writer(w)));
    writing = false;
    await Promise.all(notifiers);
    await runWatchRound(db);

    const mails = await db
      .select()
      .from(emailOutbox)
      .where(and(eq(emailOutbox.toAddress, admin.email), eq(emailOutbox.kind, "watch")))
      .orderBy(emailOutbox.id);
    const totals = mails.map((m) => Number(/: (\d+) new audit entr/.exec(m.subject)![1]));
    expect(totals.reduce((a, b) => a + b, 0)).toBe(160);
    const listed = mails.flatMap((m) => [...m.bodyText.matchAll(/^#(\d+)/gm)].map((x) => x[1]));
    expect(new Set(listed).size).toBe(listed.length);
    expect(mails.length).toBeGreaterThan(1);
    expect(busy).toBeGreaterThan(0);
  }, 120_000);
});
