import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPostgres, type Database } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";
import { queryRows } from "@/db/raw";
import { startPostgresCluster, type PostgresCluster } from "@/tools/postgres/throwaway";
import { postgresBinaries } from "./real-postgres";

/** Several instances starting at once on an unmigrated database (README "Scaling"). */
const onServer = postgresBinaries || process.env.CI ? describe : describe.skip;

onServer("migrations started at once (real Postgres)", () => {
  let cluster: PostgresCluster;
  const opened: Database[] = [];
  beforeAll(async () => {
    cluster = await startPostgresCluster(postgresBinaries!, "trunkline_migrate_race");
  }, 60_000);
  afterAll(async () => {
    for (const database of opened) await database.close().catch(() => {});
    await cluster?.stop();
  });

  it("apply each migration once: the others wait, then find nothing to do", async () => {
    for (let i = 0; i < 3; i += 1) opened.push(await openPostgres(cluster.url));
    const results = await Promise.allSettled(opened.map((d) => migrateDatabase(d)));
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "fulfilled", "fulfilled"]);
    const [row] = await queryRows<{ applied: string; distinct: string }>(
      opened[0]!.db,
      sql`select count(*) as applied, count(distinct hash) as distinct
          from drizzle.__drizzle_migrations`,
    );
    expect(Number(row!.applied)).toBeGreaterThanOrEqual(14);
    expect(row!.applied).toBe(row!.distinct);
  }, 120_000);
});
