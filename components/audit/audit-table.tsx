import type { AuditListRow } from "@/lib/audit/queries/audit-log";
import { auditRowView } from "@/lib/audit/row-view";
import { AUDIT_COLUMNS, type AuditColumnKey } from "@/lib/visibility/audit-columns";
import { AuditRows } from "./audit-rows";

/**
 * The audit table. It renders what it is given: the rows hold only the columns the viewer may
 * see, because only those were selected. The header (sort and filter menus) is rendered here;
 * the rows are plain data for a client body (see AuditRows for why).
 */
export function AuditTable({
  rows,
  columns,
  headers,
  ariaSort = {},
  timeZone,
  entryBase,
  emptyText,
}: {
  rows: AuditListRow[];
  columns: readonly AuditColumnKey[];
  headers: Partial<Record<AuditColumnKey, React.ReactNode>>;
  ariaSort?: Partial<Record<AuditColumnKey, "ascending" | "descending">>;
  timeZone: string;
  /** Entry endpoint prefix, e.g. "/audit-log/entries/". */
  entryBase: string;
  emptyText: string;
}) {
  const visible = AUDIT_COLUMNS.filter((c) => columns.includes(c.key));
  const keys = new Set(visible.map((c) => c.key));
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
      <table className="audit-table min-w-full text-sm" data-testid="audit-table">
        <thead className="bg-slate-50 text-left text-xs font-semibold tracking-wide text-slate-600 uppercase">
          <tr>
            {visible.map((c) => (
              <th
                key={c.key}
                scope="col"
                aria-sort={ariaSort[c.key]}
                className="px-3 py-2 whitespace-nowrap"
              >
                {headers[c.key] ?? c.header}
              </th>
            ))}
          </tr>
        </thead>
        <AuditRows
          rows={rows.map((row) => auditRowView(row, keys, timeZone))}
          columns={[...keys]}
          entryBase={entryBase}
          emptyText={emptyText}
        />
      </table>
    </div>
  );
}
