import type { AuditListRow } from "@/lib/audit/queries/audit-log";
import { auditRowView } from "@/lib/audit/row-view";
import { AUDIT_COLUMNS, type AuditColumnKey } from "@/lib/visibility/audit-columns";
import { AuditRows } from "./audit-rows";

/**
 * The audit table. It renders what it is given: the rows hold only the columns the viewer may
 * see, because only those were selected. The header (sort and filter menus) is rendered here;
 * the rows are plain data for a client body (see AuditRows for why).
 *
 * It fits its frame: wide, a fixed layout whose narrow columns have set widths and the message
 * takes the rest; narrow (a container query on the frame, so the sidebar counts), each entry is a
 * card of labelled fields and the headers a row of sort and filter controls (globals.css). The
 * explicit roles keep the table's structure for screen readers that drop it once CSS changes the
 * elements' display.
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
    <div
      className="audit-table-frame overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm"
      data-testid="audit-table-frame"
    >
      <table role="table" className="audit-table w-full text-sm" data-testid="audit-table">
        <thead
          role="rowgroup"
          className="bg-slate-50 text-left text-xs font-semibold tracking-wide text-slate-600 uppercase"
        >
          <tr role="row">
            {visible.map((c) => (
              <th
                key={c.key}
                role="columnheader"
                scope="col"
                aria-sort={ariaSort[c.key]}
                data-column={c.key}
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
