import { sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { apiKeyUsage } from "@/db/schema";

/**
 * Records that a key was used, at most once a minute per key: the process remembers its own last
 * write, and the statement itself skips a row written less than a minute ago by another instance.
 * Not audited (using a key is not a change) and never in the audited `api_keys` row.
 */

const EVERY_MS = 60_000;
const lastWritten = new Map<number, number>();

export async function noteApiKeyUse(
  db: DbOrTx,
  keyId: number,
  ip: string | null,
  now = Date.now(),
): Promise<void> {
  if (now - (lastWritten.get(keyId) ?? 0) < EVERY_MS) return;
  lastWritten.set(keyId, now);
  const at = new Date(now);
  await db
    .insert(apiKeyUsage)
    .values({ keyId, lastUsedAt: at, lastIp: ip })
    .onConflictDoUpdate({
      target: apiKeyUsage.keyId,
      set: { lastUsedAt: at, lastIp: ip },
      // As text: postgres-js (the server driver) cannot bind a Date inside raw sql, PGlite can.
      setWhere: sql`${apiKeyUsage.lastUsedAt} < ${at.toISOString()}::timestamptz - interval '1 minute'`,
    });
}
