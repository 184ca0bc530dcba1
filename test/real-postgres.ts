import { openPostgres, type Database } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";
import { findPostgresBinaries } from "@/tools/postgres/binaries";
import { startPostgresCluster, type PostgresCluster } from "@/tools/postgres/throwaway";

/**
 * A migrated database on a throwaway Postgres server (tools/postgres/' throwaway cluster), for tests whose
 * point is concurrency: PGlite runs one statement at a time, a server runs them side by side.
 * Undefined binaries mean the suite using it is skipped (and says so), except under CI.
 */
export const postgresBinaries = findPostgresBinaries();

export type RealPostgres = {
  /** Connected as the cluster's superuser, which owns the schema it migrated. */
  database: Database;
  /** postgres://postgres@127.0.0.1:PORT/name, trust authentication on loopback. */
  url: string;
  stop: () => Promise<void>;
};

export async function startRealPostgres(name: string): Promise<RealPostgres> {
  if (!postgresBinaries) throw new Error("no Postgres server binaries");
  const cluster: PostgresCluster = await startPostgresCluster(postgresBinaries, name);
  try {
    const database = await openPostgres(cluster.url);
    await migrateDatabase(database);
    return {
      database,
      url: cluster.url,
      stop: async () => {
        await database.close().catch(() => {});
        await cluster.stop();
      },
    };
  } catch (err) {
    await cluster.stop();
    throw err;
  }
}
