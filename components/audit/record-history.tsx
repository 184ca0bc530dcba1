import { and, eq } from "drizzle-orm";
import { getDb } from "@/db/client";
import { findAuditPage, type AuditScope } from "@/db/queries/audit-log";
import { auditLog, type UserRole } from "@/db/schema";
import { resolveAuditColumns } from "@/lib/visibility/audit-columns";
import { AuditTable } from "./audit-table";

/**
 * The History tab of a record page (account, ingress route, user, branding): that record's audit
 * entries, newest first, each with View Difference. Served by the (record_pk, occurred_at) index.
 * Without a record key it lists the whole table's entries (a settings page's history).
 */
export async function RecordHistory({
  viewer,
  scope,
  table,
  recordPk,
  entryBasePath = "/audit-log",
  limit = 100,
}: {
  viewer: { id: number; role: UserRole; timeZone: string };
  scope: AuditScope;
  table: string;
  recordPk?: string | number;
  entryBasePath?: string;
  limit?: number;
}) {
  const db = await getDb();
  const { visible } = await resolveAuditColumns(db, viewer);
  const page = await findAuditPage(db, {
    scope,
    where: and(
      eq(auditLog.tableName, table),
      recordPk === undefined ? undefined : eq(auditLog.recordPk, String(recordPk)),
    ),
    sort: { key: "occurredAt", dir: "desc" },
    cursor: null,
    direction: "next",
    pageSize: limit,
    columns: visible,
  });
  const search = new URLSearchParams({
    q: recordPk === undefined ? `table:${table}` : `table:${table} pk:${recordPk}`,
  });
  return (
    <section aria-label="History" className="space-y-2">
      <AuditTable
        rows={page.rows}
        columns={visible}
        headers={{}}
        timeZone={viewer.timeZone}
        entryUrl={(id) => `${entryBasePath}/entries/${id}`}
        emptyText="No changes recorded for this record."
      />
      {page.nextCursor ? (
        <a href={`${entryBasePath}?${search}`} className="text-sm text-brand underline">
          Older entries in the audit log
        </a>
      ) : null}
    </section>
  );
}
