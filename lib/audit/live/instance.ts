import { getDb } from "@/db/client";
import { settledHorizon } from "@/lib/audit/chain/seal";
import { readConfig } from "@/lib/config";
import { AuditLiveHub } from "./hub";

// One hub per process, kept on globalThis like the database (db/client.ts), so every route
// bundle shares its one poll.
const HUB_KEY = Symbol.for("trunkline.auditLiveHub");
type GlobalWithHub = typeof globalThis & { [HUB_KEY]?: Promise<AuditLiveHub> };

export function getAuditLiveHub(): Promise<AuditLiveHub> {
  const g = globalThis as GlobalWithHub;
  g[HUB_KEY] ??= getDb().then(
    (db) => new AuditLiveHub(() => settledHorizon(db), { pollMs: readConfig().AUDIT_LIVE_POLL_MS }),
  );
  return g[HUB_KEY];
}
