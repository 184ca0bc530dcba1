import type { AuditListRow } from "@/lib/audit/queries/audit-log";
import { AUDIT_COLUMNS, type AuditColumnKey } from "@/lib/visibility/audit-columns";
import { DiffDialog } from "./diff-dialog";

const ACTION_STYLES: Record<string, string> = {
  CREATE: "bg-emerald-50 text-emerald-700 ring-emerald-600/20",
  POST: "bg-emerald-50 text-emerald-700 ring-emerald-600/20",
  UPDATE: "bg-sky-50 text-sky-700 ring-sky-600/20",
  PUT: "bg-sky-50 text-sky-700 ring-sky-600/20",
  DELETE: "bg-red-50 text-red-700 ring-red-600/20",
  LOGIN: "bg-slate-100 text-slate-700 ring-slate-500/20",
  GENERATE: "bg-violet-50 text-violet-700 ring-violet-600/20",
  PUBLISH: "bg-amber-50 text-amber-800 ring-amber-600/20",
  SEND: "bg-indigo-50 text-indigo-700 ring-indigo-600/20",
};

function formatDateTime(at: Date, timeZone: string) {
  return new Intl.DateTimeFormat("en-GB", {
    dateStyle: "medium",
    timeStyle: "medium",
    timeZone,
  }).format(at);
}

/**
 * The audit table. It renders what it is given: the rows hold only the columns the viewer may
 * see, because only those were selected.
 */
export function AuditTable({
  rows,
  columns,
  headers,
  ariaSort = {},
  timeZone,
  entryUrl,
  emptyText,
}: {
  rows: AuditListRow[];
  columns: readonly AuditColumnKey[];
  headers: Partial<Record<AuditColumnKey, React.ReactNode>>;
  ariaSort?: Partial<Record<AuditColumnKey, "ascending" | "descending">>;
  timeZone: string;
  entryUrl: (id: number) => string;
  emptyText: string;
}) {
  const visible = AUDIT_COLUMNS.filter((c) => columns.includes(c.key));
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
      <table className="min-w-full text-sm" data-testid="audit-table">
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
        <tbody className="divide-y divide-slate-100">
          {rows.length === 0 ? (
            <tr>
              <td colSpan={visible.length} className="px-3 py-10 text-center text-slate-500">
                {emptyText}
              </td>
            </tr>
          ) : null}
          {rows.map((row) => (
            <tr key={row.id} className="align-top hover:bg-slate-50" data-entry-id={row.id}>
              {visible.map((c) => (
                <td key={c.key} className="px-3 py-2" data-column={c.key}>
                  <Cell column={c.key} row={row} timeZone={timeZone} entryUrl={entryUrl} />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Cell({
  column,
  row,
  timeZone,
  entryUrl,
}: {
  column: AuditColumnKey;
  row: AuditListRow;
  timeZone: string;
  entryUrl: (id: number) => string;
}) {
  switch (column) {
    case "user":
      return <span className="block max-w-48">{row.user}</span>;
    case "ip":
      return <span className="font-mono text-xs whitespace-nowrap">{row.ip ?? "—"}</span>;
    case "occurredAt":
      return row.occurredAt ? (
        <time dateTime={row.cursorAt} title={row.cursorAt} className="whitespace-nowrap">
          {formatDateTime(row.occurredAt, timeZone)}
        </time>
      ) : null;
    case "recordPk":
      return <span className="font-mono text-xs">{row.recordPk ?? "—"}</span>;
    case "action":
      return (
        <span
          className={`rounded px-1.5 py-0.5 text-xs font-semibold ring-1 ring-inset ${ACTION_STYLES[row.action ?? ""] ?? ""}`}
        >
          {row.action}
        </span>
      );
    case "tableName":
      return <span className="font-mono text-xs">{row.tableName}</span>;
    case "message":
      return (
        <span className="block min-w-72">
          {row.message}
          {row.comment ? (
            <span className="mt-0.5 block text-xs text-slate-500">Reason: {row.comment}</span>
          ) : null}
        </span>
      );
    case "data":
      return row.hasData ? (
        <DiffDialog
          entryUrl={entryUrl(row.id)}
          label={`Entry #${row.id}${row.message ? `: ${row.message}` : ""}`}
        />
      ) : (
        <span className="text-slate-400">—</span>
      );
  }
}
