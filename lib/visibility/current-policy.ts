import { cache } from "react";
import { getDb } from "@/db/client";
import { getCurrentUser, getSessionIds, type CurrentUser } from "@/lib/auth/session";
import { resolveAuditColumnsOf } from "./audit-columns";
import { auditViewerPolicy, type AuditViewerPolicy } from "./viewer-policy";

/**
 * The signed-in user and their audit policy, built from the session alone. Policy null when
 * nobody is signed in or the role may not read the audit log. The session with its user and the
 * column settings are read at the same time; the settings count only if the session is open.
 * Route handlers call this once (React's cache does not reach them); pages use getAuditPolicy.
 */
export async function loadAuditViewer(): Promise<{
  user: CurrentUser | null;
  policy: AuditViewerPolicy | null;
}> {
  const session = await getSessionIds();
  if (!session) return { user: null, policy: null };
  const db = await getDb();
  const [user, columns] = await Promise.all([
    getCurrentUser(),
    resolveAuditColumnsOf(db, session.userId),
  ]);
  if (!user) return { user: null, policy: null };
  // Columns read for another role than the user now has (a change in between): read them again.
  const policy = await auditViewerPolicy(
    db,
    user,
    columns?.role === user.role ? columns : undefined,
  );
  return { user, policy };
}

/** The viewer's audit policy, built once per request (React's request cache). */
export const getAuditPolicy = cache(
  async (): Promise<AuditViewerPolicy | null> => (await loadAuditViewer()).policy,
);
