import { and, eq } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { auditLog } from "@/db/schema";
import { findAuditPage, type AuditPage } from "@/lib/audit/queries/audit-log";
import type { AuditViewerPolicy } from "@/lib/visibility/viewer-policy";

/**
 * The History tab of a record page (account, ingress route, user, branding): that record's audit
 * entries the viewer may see, newest first. Served by the (record_pk, occurred_at) index. Without
 * a record key it lists the whole table's entries (a settings page's history).
 */
export function findRecordHistory(
  db: DbOrTx,
  policy: AuditViewerPolicy,
  { table, recordPk, limit = 100 }: { table: string; recordPk?: string | number; limit?: number },
): Promise<AuditPage> {
  return findAuditPage(db, {
    scope: policy.scope,
    where: and(
      eq(auditLog.tableName, table),
      recordPk === undefined ? undefined : eq(auditLog.recordPk, String(recordPk)),
    ),
    sort: { key: "occurredAt", dir: "desc" },
    cursor: null,
    direction: "next",
    pageSize: limit,
    columns: policy.visible,
  });
}
