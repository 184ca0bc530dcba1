import { getDatabase } from "@/db/client";
import { AuditLiveHub } from "./hub";
import { auditLogSource } from "./notifications";

// One hub per process, kept on globalThis like the database (db/client.ts), so every route
// bundle shares its one LISTEN connection.
const HUB_KEY = Symbol.for("trunkline.auditLiveHub");
type GlobalWithHub = typeof globalThis & { [HUB_KEY]?: Promise<AuditLiveHub> };

export function getAuditLiveHub(): Promise<AuditLiveHub> {
  const g = globalThis as GlobalWithHub;
  g[HUB_KEY] ??= getDatabase().then((database) => new AuditLiveHub(auditLogSource(database)));
  return g[HUB_KEY];
}
