import "server-only";
import { sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { queryRows } from "@/db/raw";

/**
 * Removes sign-in attempts made before `before`, a batch per transaction. Throttling reads only
 * the last minutes (LOGIN_WINDOW_MINUTES), and every attempt is also a LOGIN entry in the audit
 * log, so nothing here is the only record of anything; the table is not audited.
 */
export async function pruneLoginAttempts(
  db: Db,
  { before, batchSize = 10_000 }: { before: Date; batchSize?: number },
): Promise<number> {
  let total = 0;
  for (;;) {
    // Oldest ids first through the primary key: the table has no index on the time alone.
    const [row] = await queryRows<{ n: string | number }>(
      db,
      sql`with gone as (
            delete from login_attempts where id in (
              select id from login_attempts where attempted_at < ${before.toISOString()}
              order by id limit ${batchSize})
            returning 1)
          select count(*) as n from gone`,
    );
    const deleted = Number(row?.n ?? 0);
    total += deleted;
    if (deleted < batchSize) return total;
  }
}
