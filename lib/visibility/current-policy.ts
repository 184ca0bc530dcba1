import { cache } from "react";
import { getDb } from "@/db/client";
import { getCurrentUser, getSessionIds } from "@/lib/auth/session";
import { resolveAuditColumnsOf } from "./audit-columns";
import { auditViewerPolicy, type AuditViewerPolicy } from "./viewer-policy";

/**
 * The signed-in viewer's audit policy, built once per request (React's request cache) from the
 * session alone. Null when nobody is signed in or the role may not read the audit log.
 * The session with its user and the column settings are read at the same time; the settings
 * count only if the session turns out to be open.
 */
export const getAuditPolicy = cache(async (): Promise<AuditViewerPolicy | null> => {
  const session = await getSessionIds();
  if (!session) return null;
  const db = await getDb();
  const [user, columns] = await Promise.all([
    getCurrentUser(),
    resolveAuditColumnsOf(db, session.userId),
  ]);
  if (!user) return null;
  // Columns read for another role than the user now has (a change in between): read them again.
  return auditViewerPolicy(db, user, columns?.role === user.role ? columns : undefined);
});
