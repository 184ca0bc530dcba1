import { cache } from "react";
import { getDb } from "@/db/client";
import { getCurrentUser } from "@/lib/auth/session";
import { auditViewerPolicy, type AuditViewerPolicy } from "./viewer-policy";

/**
 * The signed-in viewer's audit policy, built once per request (React's request cache) from the
 * session alone. Null when nobody is signed in or the role may not read the audit log.
 */
export const getAuditPolicy = cache(async (): Promise<AuditViewerPolicy | null> => {
  const user = await getCurrentUser();
  return user ? auditViewerPolicy(await getDb(), user) : null;
});
