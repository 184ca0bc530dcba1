import { AuditTable } from "@/components/audit/audit-table";
import { getDb } from "@/db/client";
import { findRecordHistory } from "@/lib/audit/queries/record-history";
import { getAuditPolicy } from "@/lib/visibility/current-policy";

/**
 * The History tab of a Control Panel record page (account, ingress route, user, branding, column
 * settings): reads that record's audit entries the viewer may see, newest first, each with View
 * Difference. A route-level component because it reads the database (components/ do not).
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
  const page = await findRecordHistory(await getDb(), policy, { table, recordPk, limit });
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
