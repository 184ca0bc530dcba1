import { getDb } from "@/db/client";
import { findAuditEntryForViewer } from "@/lib/audit/queries/audit-entry";
import { loadAuditViewer } from "@/lib/visibility/current-policy";

const json = (status: number, body: unknown) =>
  Response.json(body, { status, headers: { "cache-control": "private, no-store" } });

/**
 * One entry for the View Difference popup, as the signed-in user's policy allows. An entry
 * outside the user's scope is a 404, indistinguishable from one that does not exist.
 */
export async function auditEntryResponse(
  rawId: string,
  audience: "staff" | "portal",
): Promise<Response> {
  const { user, policy } = await loadAuditViewer();
  if (!user) return json(401, { error: "Sign in first." });
  const id = Number(rawId);
  if (
    !policy ||
    policy.audience !== audience ||
    !/^\d{1,15}$/.test(rawId) ||
    !Number.isSafeInteger(id)
  )
    return json(404, { error: "Not found" });
  const entry = await findAuditEntryForViewer(await getDb(), id, policy);
  return entry ? json(200, entry) : json(404, { error: "Not found" });
}
