import { desc, eq, inArray, sql, type SQL } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { auditLog } from "@/db/schema";
import type { AuditColumnKey } from "@/lib/visibility/audit-columns";

/** Which entries a viewer may see at all: everything, one account's, or some tables'. */
export type AuditScope =
  | { kind: "all" }
  | { kind: "account"; accountId: number }
  | { kind: "tables"; tables: readonly string[] };

export function scopeCondition(scope: AuditScope): SQL | undefined {
  switch (scope.kind) {
    case "all":
      return undefined;
    case "account":
      return eq(auditLog.accountId, scope.accountId);
    case "tables":
      return inArray(auditLog.tableName, [...scope.tables]);
  }
}

export type AuditRow = {
  id: number;
  user?: string;
  ip?: string | null;
  occurredAt?: Date;
  recordPk?: string | null;
  action?: string;
  tableName?: string;
  message?: string;
};

/** Newest entries in scope, selecting only the columns the viewer may see. */
export async function findRecentAuditEntries(
  db: DbOrTx,
  scope: AuditScope,
  columns: readonly AuditColumnKey[],
  limit = 50,
): Promise<AuditRow[]> {
  const visible = new Set(columns);
  const rows = await db
    .select({
      id: auditLog.id,
      ...(visible.has("user") ? { user: auditLog.actorLabel } : {}),
      ...(visible.has("ip") ? { ip: sql<string | null>`host(${auditLog.ip})` } : {}),
      ...(visible.has("occurredAt") ? { occurredAt: auditLog.occurredAt } : {}),
      ...(visible.has("recordPk") ? { recordPk: auditLog.recordPk } : {}),
      ...(visible.has("action") ? { action: auditLog.action } : {}),
      ...(visible.has("tableName") ? { tableName: auditLog.tableName } : {}),
      ...(visible.has("message") ? { message: auditLog.message } : {}),
    })
    .from(auditLog)
    .where(scopeCondition(scope))
    .orderBy(desc(auditLog.occurredAt), desc(auditLog.id))
    .limit(limit);
  return rows as AuditRow[];
}
