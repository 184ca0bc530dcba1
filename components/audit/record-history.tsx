import { and, eq } from "drizzle-orm";
import { getDb } from "@/db/client";
import { findAuditPage } from "@/lib/audit/queries/audit-log";
import { auditLog } from "@/db/schema";
import { getAuditPolicy } from "@/lib/visibility/current-policy";
import { AuditTable } from "./audit-table";

/**
 * The History tab of a record page (account, ingress route, user, branding): that record's audit
 * entries, newest first, each with View Difference. Served by the (record_pk, occurred_at) index.
 * Without a record key it lists the whole table's entries (a settings page's history).
 */
export async function RecordHistory({
  table,
  recordPk,
  entryBasePath = "/audit-log",
  limit = 100,
}: {
  table: string;
  recordPk?: string | number;
  entryBasePath?: string;
  limit?: number;
}) {
  const policy = await getAuditPolicy();
  if (!policy) return null;
  const page = await findAuditPage(await getDb(), {
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
  const search = new URLSearchParams({
    q: recordPk === undefined ? `table:${table}` : `table:${table} pk:${recordPk}`,
  });
  return (
    <section aria-label="History" className="space-y-2">
      <AuditTable
        rows={page.rows}
        columns={policy.visible}
        headers={{}}
        timeZone={policy.viewer.timeZone}
        entryBase={`${entryBasePath}/entries/`}
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
