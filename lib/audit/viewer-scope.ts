import type { AuditScope } from "@/lib/audit/queries/audit-log";
import { can } from "@/lib/auth/permissions";
import { isPortalRole } from "@/lib/auth/roles";
import type { CurrentUser } from "@/lib/auth/session";
import { BRANDING_TABLES } from "./table-names";

/**
 * Which audit entries a user may see at all, from the session alone (never from the URL):
 * a portal user their own account's, `branding` the branding tables', other staff everything.
 */
export function auditScopeFor(user: Pick<CurrentUser, "role" | "accountId">): AuditScope | null {
  if (!can(user.role, "audit:read")) return null;
  if (isPortalRole(user.role)) {
    return user.accountId === null ? null : { kind: "account", accountId: user.accountId };
  }
  if (can(user.role, "audit:read-all-tables")) return { kind: "all" };
  return { kind: "tables", tables: BRANDING_TABLES };
}

export function tableOptionsFor(scope: AuditScope): readonly string[] | undefined {
  return scope.kind === "tables" ? scope.tables : undefined;
}
