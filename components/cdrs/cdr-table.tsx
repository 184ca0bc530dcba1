import Link from "next/link";
import { formatCdrValue, isNumericCdrField } from "@/lib/cdrs/format";
import type { CdrNames, CdrRow } from "@/lib/cdrs/queries";
import type { CdrViewerPolicy } from "@/lib/cdrs/viewer-policy";

/**
 * The CDR table: one column per visible field, in the policy's order and under the viewer's
 * labels. It renders what it is given; the rows hold only the visible fields because only those
 * were selected. Each row links to its record by sealed reference.
 */
export function CdrTable({
  policy,
  rows,
  names,
  recordBase,
  emptyText,
}: {
  policy: CdrViewerPolicy;
  rows: readonly CdrRow[];
  names: CdrNames;
  recordBase: string;
  emptyText: string;
}) {
  const columns = policy.fields.visible;
  const { timeZone } = policy.viewer;
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
      <table className="min-w-full text-sm" data-testid="cdr-table">
        <thead className="bg-slate-50 text-left text-xs text-slate-600">
          <tr>
            <th scope="col" className="px-3 py-2">
              <span className="sr-only">Record</span>
            </th>
            {columns.map((key) => (
              <th
                key={key}
                scope="col"
                data-field={key}
                className={`whitespace-nowrap px-3 py-2 font-medium ${isNumericCdrField(key) ? "text-right" : ""}`}
              >
                {policy.fields.labels[key] ?? key}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {rows.length === 0 ? (
            <tr>
              <td colSpan={columns.length + 1} className="px-3 py-6 text-center text-slate-600">
                {emptyText}
              </td>
            </tr>
          ) : (
            rows.map((row) => (
              <tr key={row.ref} className="hover:bg-slate-50">
                <td className="px-3 py-1.5">
                  <Link href={`${recordBase}${row.ref}`} className="text-brand underline">
                    View
                  </Link>
                </td>
                {columns.map((key) => (
                  <td
                    key={key}
                    className={`whitespace-nowrap px-3 py-1.5 ${isNumericCdrField(key) ? "text-right tabular-nums" : ""}`}
                  >
                    {formatCdrValue(key, row.values[key], { timeZone, names })}
                  </td>
                ))}
              </tr>
            ))
          )}
        </tbody>
      </table>
    </div>
  );
}
