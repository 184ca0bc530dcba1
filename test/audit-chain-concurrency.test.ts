import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "@/db/raw";
import { systemActor } from "@/lib/audit/actor";
import { recordAuditEvent } from "@/lib/audit/core";
import { sealAuditLog } from "@/lib/audit/chain/seal";
import { verifyAuditChain } from "@/lib/audit/chain/verify";
import { postgresBinaries, startRealPostgres, type RealPostgres } from "./real-postgres";

/**
 * On a real server, where commits land out of id order: the sealer running while many writers
 * commit never seals past an id a writer still holds (which would later look inserted out of
 * band), and two sealers never both seal.
 */
const onServer = postgresBinaries || process.env.CI ? describe : describe.skip;

onServer("the chain under concurrent writers (real Postgres)", () => {
  let pg: RealPostgres;
  beforeAll(async () => {
    pg = await startRealPostgres("trunkline_chain");
  }, 60_000);
  afterAll(() => pg?.stop());

  it("seals while writers commit out of order, and everything verifies with nothing skipped", async () => {
    const db = pg.database.db;
    let writing = true;
    const writer = async (w: number) => {
      for (let i = 0; i < 60; i += 1) {
        await db.transaction(async (tx) => {
          await recordAuditEvent(tx, systemActor(`writer ${w}`), {
            action: "UPDATE",
            tableName: "accounts",
            message: `write ${w}.${i}`,
          });
          // hold the drawn id for a moment so later ids commit first
          if (i % 7 === w % 7) await tx.execute(sql`select pg_sleep(0.02)`);
        });
      }
    };
    const sealer = async () => {
      let rounds = 0;
      while (writing) {
        await sealAuditLog(db);
        rounds += 1;
      }
      return rounds;
    };
    const sealing = sealer();
    await Promise.all(Array.from({ length: 8 }, (_, w) => writer(w)));
    writing = false;
    expect(await sealing).toBeGreaterThan(1);
    await sealAuditLog(db);

    const report = await verifyAuditChain(db);
    expect(report.problems).toEqual([]);
    expect(report).toMatchObject({ ok: true, checkedEntries: 480, unsealedEntries: 0 });
  }, 120_000);

  it("lets one sealer work at a time: the other reports busy and seals nothing", async () => {
    const db = pg.database.db;
    for (let i = 0; i < 20; i += 1) {
      await recordAuditEvent(db, systemActor(), {
        action: "UPDATE",
        tableName: "accounts",
        message: `${i}`,
      });
    }
    const results = await Promise.all([sealAuditLog(db), sealAuditLog(db), sealAuditLog(db)]);
    const [{ links }] = (await queryRows<{ links: string }>(
      db,
      sql`select count(*) as links from audit_chain`,
    )) as [{ links: string }];
    expect(results.reduce((n, r) => n + r.sealed, 0)).toBe(20);
    expect(Number(links)).toBe(500);
    expect(results.some((r) => r.busy) || results.filter((r) => r.sealed > 0).length === 1).toBe(
      true,
    );
  }, 60_000);
});
