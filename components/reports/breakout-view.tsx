import Link from "next/link";
import { ExportButton } from "@/components/exports/export-button";
import { SortIcon } from "@/components/ui/icons";
import type {
  BreakoutCell,
  BreakoutDisplayColumn,
  BreakoutRow,
  BreakoutView as BreakoutViewData,
} from "@/lib/reports/breakout";
import {
  BREAKOUT_PERIODS,
  breakoutHref,
  type BreakoutParams,
} from "@/lib/reports/breakout-params";
import { ColumnChooser } from "@/components/ui/column-chooser";
import { saveBreakoutColumnsPreferenceAction } from "@/lib/cdrs/save-preference-actions";
import type { CdrViewerPolicy } from "@/lib/cdrs/viewer-policy";
import { breakoutColumn } from "@/lib/reports/breakout-columns";
import { BreakoutChart } from "./breakout-chart";

/**
 * The breakout report, shared by the Control Panel and the Portal. It draws what
 * loadBreakoutView read under the viewer's policy: the columns, groupings and filters offered
 * are the ones that policy allows, and the rows hold nothing else.
 */
export function BreakoutView({
  basePath,
  view,
  policy,
}: {
  basePath: string;
  view: BreakoutViewData;
  policy: CdrViewerPolicy;
}) {
  const { params, result, options } = view;
  const exportHref = breakoutHref(`${basePath}/export`, params);
  return (
    <section className="space-y-4">
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="mr-auto text-xl font-semibold">Breakout report</h1>
        <ColumnChooser
          action={saveBreakoutColumnsPreferenceAction}
          columns={policy.breakout.allowed.map((key) => ({
            key,
            header: breakoutColumn(key).label,
          }))}
          visible={policy.breakout.visible}
        />
        {result.ok ? (
          <ExportButton
            href={exportHref}
            format="csv"
            label="Export CSV"
            className="rounded-md border border-slate-300 bg-white px-3 py-2 text-sm hover:bg-slate-50"
          />
        ) : null}
      </div>

      <BreakoutFilterForm
        basePath={basePath}
        params={params}
        options={options}
        grouped={view.groups}
      />

      {[...result.refused, ...(result.ok ? [] : [result.error])].length > 0 ? (
        <ul
          data-testid="breakout-problems"
          className="space-y-1 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900"
        >
          {result.refused.map((m) => (
            <li key={m}>{m} It was left out of the report.</li>
          ))}
          {result.ok ? null : <li>{result.error}</li>}
        </ul>
      ) : null}

      {result.ok ? (
        <>
          {result.report.chart.series.length > 0 ? (
            <BreakoutChart
              points={result.report.chart.points}
              series={result.report.chart.series}
            />
          ) : null}
          <BreakoutTable
            basePath={basePath}
            params={params}
            columns={result.report.plan.columns}
            sort={result.report.plan.sort}
            rows={result.report.rows}
            totals={result.report.totals}
          />
          {result.report.truncated ? (
            <p className="text-sm text-slate-600">
              Showing the first {result.report.rows.length.toLocaleString("en-US")} rows; the
              totals cover them all. Group more coarsely or export the report for the rest.
            </p>
          ) : null}
        </>
      ) : null}
    </section>
  );
}

const INPUT = "rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm";

/** A plain GET form: it works without JavaScript, and its URL is the report's whole state. */
function BreakoutFilterForm({
  basePath,
  params,
  options,
  grouped,
}: {
  basePath: string;
  params: BreakoutParams;
  options: BreakoutViewData["options"];
  grouped: readonly string[];
}) {
  return (
    <form
      method="get"
      action={basePath}
      aria-label="Report filters"
      className="flex flex-wrap items-end gap-4 rounded-lg border border-slate-200 bg-white p-3 text-sm shadow-sm"
    >
      <label className="flex flex-col gap-1">
        <span className="font-medium text-slate-700">From</span>
        <input type="date" name="from" defaultValue={params.from} required className={INPUT} />
      </label>
      <label className="flex flex-col gap-1">
        <span className="font-medium text-slate-700">To</span>
        <input type="date" name="to" defaultValue={params.to} required className={INPUT} />
      </label>
      {options.groups.length > 0 ? (
        <fieldset className="flex flex-col gap-1">
          <legend className="mb-1 font-medium text-slate-700">Group by</legend>
          {/* Sent even when every box is cleared, so that "no grouping" is not the default. */}
          <input type="hidden" name="group" value="none" />
          <div className="flex flex-wrap gap-3">
            {options.groups.map((g) => (
              <label key={g.key} className="flex items-center gap-1.5">
                <input
                  type="checkbox"
                  name="group"
                  value={g.key}
                  defaultChecked={grouped.includes(g.key)}
                />
                {g.label}
              </label>
            ))}
          </div>
        </fieldset>
      ) : null}
      <label className="flex flex-col gap-1">
        <span className="font-medium text-slate-700">Period</span>
        <select name="period" defaultValue={params.period} className={INPUT}>
          {BREAKOUT_PERIODS.map((p) => (
            <option key={p} value={p}>
              {p === "none" ? "Whole range" : `By ${p}`}
            </option>
          ))}
        </select>
      </label>
      {options.customers ? (
        <AccountSelect name="customer" label="Customers" options={options.customers} selected={params.customer} />
      ) : null}
      {options.carriers ? (
        <AccountSelect name="carrier" label="Carriers" options={options.carriers} selected={params.carrier} />
      ) : null}
      {params.sort ? <input type="hidden" name="sort" value={params.sort} /> : null}
      {params.dir ? <input type="hidden" name="dir" value={params.dir} /> : null}
      <button
        type="submit"
        className="rounded-md bg-slate-900 px-3 py-2 text-sm font-medium text-white hover:bg-slate-700"
      >
        Run report
      </button>
    </form>
  );
}

function AccountSelect({
  name,
  label,
  options,
  selected,
}: {
  name: string;
  label: string;
  options: { id: number; name: string }[];
  selected: number[];
}) {
  return (
    <label className="flex flex-col gap-1">
      <span className="font-medium text-slate-700">{label}</span>
      <select
        name={name}
        multiple
        size={Math.min(4, Math.max(2, options.length))}
        defaultValue={selected.map(String)}
        className={`${INPUT} min-w-48`}
      >
        {options.map((o) => (
          <option key={o.id} value={o.id}>
            {o.name}
          </option>
        ))}
      </select>
    </label>
  );
}

const NUMBER_FORMATS: Partial<Record<string, Intl.NumberFormat>> = {
  count: new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 }),
  minutes: new Intl.NumberFormat("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 }),
  money: new Intl.NumberFormat("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 4 }),
  ratio: new Intl.NumberFormat("en-US", { maximumFractionDigits: 2 }),
};

function formatCell(column: BreakoutDisplayColumn, value: BreakoutCell | undefined): string {
  if (value === null || value === undefined) return "—";
  const format = NUMBER_FORMATS[column.kind];
  if (!format) return String(value);
  const n = Number(value);
  return Number.isFinite(n) ? format.format(n) : String(value);
}

const CELLS =
  "[&_:is(td,th)]:px-3 [&_:is(td,th)]:py-1.5 [&_:is(td,th)]:whitespace-nowrap [&_td]:text-right [&_th]:text-left";

const numeric = (c: BreakoutDisplayColumn) =>
  c.kind !== "group" && c.kind !== "period" && c.kind !== "currency";

/** The table: headers are links that sort (ascending first); totals in the footer. */
function BreakoutTable({
  basePath,
  params,
  columns,
  sort,
  rows,
  totals,
}: {
  basePath: string;
  params: BreakoutParams;
  columns: BreakoutDisplayColumn[];
  sort: { key: string; dir: "asc" | "desc" };
  rows: BreakoutRow[];
  totals: BreakoutRow[];
}) {
  // Without a period or a group the rows are already the totals.
  const keyed = columns.some((c) => c.kind === "group" || c.kind === "period");
  const align = (c: BreakoutDisplayColumn) => (numeric(c) ? "text-right" : "text-left");
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
      <table className="min-w-full text-sm" data-testid="breakout-table">
        <thead className="bg-slate-50 text-xs font-semibold tracking-wide text-slate-600 uppercase">
          <tr>
            {columns.map((c) => {
              const active = sort.key === c.key ? sort.dir : null;
              const next = active === "asc" ? "desc" : "asc";
              return (
                <th
                  key={c.key}
                  scope="col"
                  aria-sort={
                    active ? (active === "asc" ? "ascending" : "descending") : undefined
                  }
                  className={`px-3 py-2 whitespace-nowrap ${align(c)}`}
                >
                  <Link
                    href={breakoutHref(basePath, params, { sort: c.key, dir: next })}
                    className="inline-flex items-center gap-1 hover:text-slate-900"
                  >
                    {c.label}
                    <SortIcon dir={active} />
                  </Link>
                </th>
              );
            })}
          </tr>
        </thead>
        {/* Cell styles live on the body, not on each of the thousand cells: a keyed cell is
            the row's header (left), a figure a plain cell (right). */}
        <tbody className={`divide-y divide-slate-100 ${CELLS} [&_th]:font-normal [&_tr:hover]:bg-slate-50`}>
          {rows.length === 0 ? (
            <tr>
              <td colSpan={columns.length} className="py-6 text-center! text-slate-500">
                No traffic in this range.
              </td>
            </tr>
          ) : (
            rows.map((row, i) => (
              <tr key={i}>
                {columns.map((c) =>
                  numeric(c) ? (
                    <td key={c.key}>{formatCell(c, row[c.key])}</td>
                  ) : (
                    <th key={c.key} scope="row">
                      {formatCell(c, row[c.key])}
                    </th>
                  ),
                )}
              </tr>
            ))
          )}
        </tbody>
        {keyed && rows.length > 0 ? (
          <tfoot className={`border-t-2 border-slate-300 bg-slate-50 font-semibold ${CELLS}`}>
            {totals.map((total, i) => (
              <tr key={i} data-testid="breakout-total">
                {columns.map((c, j) => {
                  const text = j === 0 ? "Total" : c.key in total ? formatCell(c, total[c.key]) : "";
                  return numeric(c) ? (
                    <td key={c.key}>{text}</td>
                  ) : (
                    <th key={c.key} scope="row">
                      {text}
                    </th>
                  );
                })}
              </tr>
            ))}
          </tfoot>
        ) : null}
      </table>
    </div>
  );
}
