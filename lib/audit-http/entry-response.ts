import { getDb } from "@/db/client";
import { findAuditEntryForViewer } from "@/db/queries/audit-entry";
import { auditScopeFor } from "@/lib/audit/viewer-scope";
import { getCurrentUser } from "@/lib/auth/session";
import { isPortalRole } from "@/lib/auth/roles";
import { resolveAuditColumns } from "@/lib/visibility/audit-columns";

const json = (status: number, body: unknown) =>
  Response.json(body, { status, headers: { "cache-control": "private, no-store" } });

/**
 * One entry for the View Difference popup, as the signed-in user may see it. An entry outside the
 * user's scope is a 404, indistinguishable from one that does not exist.
 */
export async function auditEntryResponse(
  rawId: string,
  audience: "staff" | "portal",
): Promise<Response> {
  const user = await getCurrentUser();
  if (!user) return json(401, { error: "Sign in first." });
  if (isPortalRole(user.role) !== (audience === "portal")) return json(404, { error: "Not found" });
  const scope = auditScopeFor(user);
  const id = Number(rawId);
  if (!scope || !/^\d{1,15}$/.test(rawId) || !Number.isSafeInteger(id))
    return json(404, { error: "Not found" });
  const db = await getDb();
  const { visible } = await resolveAuditColumns(db, user);
  const entry = await findAuditEntryForViewer(db, id, { scope, columns: visible, role: user.role });
  return entry ? json(200, entry) : json(404, { error: "Not found" });
}
