import type { AuditRow } from "@/db/queries/audit-log";
import { AUDIT_COLUMNS, type AuditColumnKey } from "@/lib/visibility/audit-columns";

const ACTION_STYLES: Record<string, string> = {
  CREATE: "bg-emerald-50 text-emerald-700",
  POST: "bg-emerald-50 text-emerald-700",
  UPDATE: "bg-sky-50 text-sky-700",
  PUT: "bg-sky-50 text-sky-700",
  DELETE: "bg-red-50 text-red-700",
  LOGIN: "bg-slate-100 text-slate-700",
  GENERATE: "bg-violet-50 text-violet-700",
  PUBLISH: "bg-amber-50 text-amber-800",
  SEND: "bg-indigo-50 text-indigo-700",
};

function formatTime(at: Date, timeZone: string) {
  return new Intl.DateTimeFormat("en-GB", {
    dateStyle: "medium",
    timeStyle: "medium",
    timeZone,
  }).format(at);
}

/** The audit table; only the columns passed in are rendered, and only they were fetched. */
export function AuditTable({
  rows,
  columns,
  timeZone,
}: {
  rows: AuditRow[];
  columns: readonly AuditColumnKey[];
  timeZone: string;
}) {
  const visible = AUDIT_COLUMNS.filter((c) => columns.includes(c.key));
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
      <table className="min-w-full text-sm">
        <thead className="bg-slate-50 text-left text-xs font-semibold tracking-wide text-slate-600 uppercase">
          <tr>
            {visible.map((c) => (
              <th key={c.key} scope="col" className="px-3 py-2 whitespace-nowrap">
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {rows.length === 0 ? (
            <tr>
              <td colSpan={visible.length} className="px-3 py-8 text-center text-slate-500">
                No audit entries yet.
              </td>
            </tr>
          ) : null}
          {rows.map((row) => (
            <tr key={row.id} className="align-top hover:bg-slate-50">
              {visible.map((c) => (
                <td key={c.key} className="px-3 py-2">
                  <Cell column={c.key} row={row} timeZone={timeZone} />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Cell({ column, row, timeZone }: { column: AuditColumnKey; row: AuditRow; timeZone: string }) {
  switch (column) {
    case "user":
      return <span className="whitespace-nowrap">{row.user}</span>;
    case "ip":
      return <span className="font-mono text-xs">{row.ip ?? "—"}</span>;
    case "occurredAt":
      return row.occurredAt ? (
        <time dateTime={row.occurredAt.toISOString()} title={row.occurredAt.toISOString()} className="whitespace-nowrap">
          {formatTime(row.occurredAt, timeZone)}
        </time>
      ) : null;
    case "recordPk":
      return <span className="font-mono text-xs">{row.recordPk ?? "—"}</span>;
    case "action":
      return (
        <span
          className={`rounded px-1.5 py-0.5 text-xs font-semibold ${ACTION_STYLES[row.action ?? ""] ?? ""}`}
        >
          {row.action}
        </span>
      );
    case "tableName":
      return <span className="font-mono text-xs">{row.tableName}</span>;
    case "message":
      return <span>{row.message}</span>;
    case "data":
      return <span className="text-slate-400">—</span>;
  }
}
