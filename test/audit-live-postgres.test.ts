import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPostgres, type ServerDatabase } from "@/db/client";
import { systemActor } from "@/lib/audit/actor";
import { recordAuditEvent } from "@/lib/audit/core";
import { AuditLiveHub } from "@/lib/audit/live/hub";
import { auditLogSource } from "@/lib/audit/live/notifications";
import { postgresBinaries, startRealPostgres, type RealPostgres } from "./real-postgres";

/**
 * Two app instances on one server, each with its own pool and its own hub: an entry written
 * through one is announced to both (one LISTEN connection each), including entries that commit
 * out of id order.
 */
const onServer = postgresBinaries || process.env.CI ? describe : describe.skip;

onServer("the live tail across instances (real Postgres)", () => {
  let pg: RealPostgres;
  let second: ServerDatabase;
  beforeAll(async () => {
    pg = await startRealPostgres("trunkline_live");
    second = await openPostgres(pg.url);
  }, 60_000);
  afterAll(async () => {
    await second?.close();
    await pg?.stop();
  });

  it("announces every committed entry to every instance's hub, also out of id order", async () => {
    const first = pg.database as ServerDatabase;
    const heard: [Set<number>, Set<number>] = [new Set(), new Set()];
    const hubs = [first, second].map(
      (database) => new AuditLiveHub(auditLogSource(database), { coalesceMs: 50 }),
    );
    const stops = await Promise.all(
      hubs.map((hub, i) => hub.subscribe((ids) => ids.forEach((id) => heard[i]!.add(id)))),
    );
    const write = (db: typeof first.db, message: string, holdMs = 0) =>
      db.transaction(async (tx) => {
        const id = await recordAuditEvent(tx, systemActor("live"), {
          action: "UPDATE",
          tableName: "accounts",
          message,
        });
        if (holdMs) await tx.execute(sql`select pg_sleep(${holdMs / 1000})`);
        return id;
      });
    // The first draws the lower id and commits last.
    const ids = await Promise.all([
      write(first.db, "held", 300),
      (async () => {
        await new Promise((resolve) => setTimeout(resolve, 50));
        return write(second.db, "quick");
      })(),
    ]);
    expect(ids[0]).toBeLessThan(ids[1]);
    const until = Date.now() + 5000;
    while (heard.some((h) => ids.some((id) => !h.has(id))) && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    for (const h of heard) expect([...h].sort((a, b) => a - b)).toEqual(ids);
    stops.forEach((stop) => stop());
  }, 30_000);
});
