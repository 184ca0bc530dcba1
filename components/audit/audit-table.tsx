import type { AuditListRow } from "@/lib/audit/queries/audit-log";
import { AUDIT_COLUMNS, type AuditColumnKey } from "@/lib/visibility/audit-columns";
import { AuditRows, type AuditRowView } from "./audit-rows";

/** One formatter per time zone: building an Intl.DateTimeFormat costs more than formatting. */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatDateTime(at: Date, timeZone: string) {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-GB", {
      dateStyle: "medium",
      timeStyle: "medium",
      timeZone,
    });
    formatters.set(timeZone, format);
  }
  return format.format(at);
}

/**
 * A row for the browser: the visible columns' values and nothing else (a hidden column's slot is
 * null, its value not even in the props).
 */
function auditRowView(
  row: AuditListRow,
  columns: ReadonlySet<AuditColumnKey>,
  timeZone: string,
): AuditRowView {
  const shown = <T,>(column: AuditColumnKey, value: T | null | undefined): T | null =>
    columns.has(column) && value ? value : null;
  const at = shown("occurredAt", row.occurredAt);
  return [
    row.id,
    shown("user", row.user),
    shown("ip", row.ip),
    at ? row.cursorAt : null,
    at ? formatDateTime(at, timeZone) : null,
    shown("recordPk", row.recordPk),
    shown("action", row.action),
    shown("tableName", row.tableName),
    shown("message", row.message),
    shown("message", row.comment),
    columns.has("data") && row.hasData ? 1 : 0,
  ];
}

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
