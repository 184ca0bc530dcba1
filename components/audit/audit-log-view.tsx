import Link from "next/link";
import { AUDIT_ACTIONS } from "@/db/schema";
import type { AuditSortKey } from "@/lib/audit/queries/audit-log";
import type { AuditLogViewData } from "@/lib/audit/queries/audit-log-view";
import {
  auditPageHref,
  PAGE_SIZES,
  pageSizeOf,
  type AuditPageParams,
} from "@/lib/search/audit-page-params";
import { AUDIT_COLUMNS, type AuditColumnKey } from "@/lib/visibility/audit-columns";
import type { AuditViewerPolicy } from "@/lib/visibility/viewer-policy";
import { AuditTable } from "./audit-table";
import { ColumnChooser } from "@/components/ui/column-chooser";
import { ExportButton } from "@/components/exports/export-button";
import { saveAuditColumnsAction } from "@/lib/visibility/save-columns-action";
import { ColumnHeader, type ColumnFilter } from "./column-header";
import { LiveControls, LiveTail } from "./live-tail";
import { RefreshButton } from "./refresh-button";
import { SearchBox } from "./search-box";

/**
 * The audit page, shared by the Control Panel and the Portal: draws what the page read with
 * findAuditLogView under the viewer's policy (decided from the session, never from the URL).
 */
export function AuditLogView({
  policy,
  basePath,
  view,
}: {
  policy: AuditViewerPolicy;
  basePath: string;
  view: AuditLogViewData;
}) {
  const { viewer, allowed, visible } = policy;
  // A refused or malformed search or filter is reported and left out; the rest still applies.
  const { params, sort, searchError, filterError, page, total } = view;

  const href = (patch: Partial<AuditPageParams>) =>
    auditPageHref(basePath, params, { cursor: "", nav: undefined, ...patch });
  const sortable = (key: AuditColumnKey): key is AuditSortKey => key !== "data";
  const filterFor = (key: AuditColumnKey): ColumnFilter | undefined => {
    switch (key) {
      case "action":
        return {
          kind: "checkbox",
          param: "action",
          options: AUDIT_ACTIONS,
          selected: params.action,
        };
      case "tableName":
        return {
          kind: "checkbox",
          param: "table",
          options: policy.tableOptions,
          selected: params.table,
        };
      case "user":
        return {
          kind: "text",
          param: "user",
          values: params.user,
          placeholder: "Ada Admin, Portal",
        };
      case "ip":
        return {
          kind: "text",
          param: "ip",
          values: params.ip,
          placeholder: "203.0.113.7, 10.0.0.0/8",
        };
      case "recordPk":
        return { kind: "text", param: "pk", values: params.pk, placeholder: "1042" };
      case "occurredAt":
        return { kind: "range", from: params.from, to: params.to };
      default:
        return undefined;
    }
  };
  const headers: Partial<Record<AuditColumnKey, React.ReactNode>> = {};
  const ariaSort: Partial<Record<AuditColumnKey, "ascending" | "descending">> = {};
  for (const column of AUDIT_COLUMNS) {
    if (!visible.includes(column.key)) continue;
    const active = sort.key === column.key ? sort.dir : null;
    if (active) ariaSort[column.key] = active === "asc" ? "ascending" : "descending";
    headers[column.key] = (
      <ColumnHeader
        header={column.header}
        sort={active}
        ascHref={sortable(column.key) ? href({ sort: column.key, dir: "asc" }) : undefined}
        descHref={sortable(column.key) ? href({ sort: column.key, dir: "desc" }) : undefined}
        filter={filterFor(column.key)}
      />
    );
  }

  const chips = activeChips(params, href);
  const exportQuery = auditPageHref("", params, { cursor: "", nav: undefined }).replace(/^\?/, "");
  const size = pageSizeOf(params);
  // Showing the newest entries: Live goes on from the newest shown (none missed in between).
  const newestFirst = !params.cursor && sort.key === "occurredAt" && sort.dir === "desc";
  const newestShown = newestFirst ? Math.max(0, ...page.rows.map((row) => row.id)) : 0;
  const liveQuery = [exportQuery, newestShown > 0 ? `since=${newestShown}` : ""]
    .filter(Boolean)
    .join("&");

  return (
    <LiveTail key={exportQuery} streamUrl={`${basePath}/live${liveQuery ? `?${liveQuery}` : ""}`}>
      <section className="space-y-4">
        <div className="flex flex-wrap items-start gap-3">
          <h1 className="mr-2 py-2 text-xl font-semibold">Audit log</h1>
          <SearchBox
            key={params.q}
            initial={params.q}
            serverError={searchError ?? (filterError ? `Filter: ${filterError}` : null)}
            timeZone={viewer.timeZone}
          />
          <div className="flex items-center gap-2">
            <ColumnChooser
              action={saveAuditColumnsAction}
              columns={AUDIT_COLUMNS.filter((c) => allowed.includes(c.key))}
              visible={visible}
            />
            {policy.canExport ? (
              <>
                <ExportButton
                  href={`${basePath}/export?format=csv${exportQuery ? `&${exportQuery}` : ""}`}
                  format="csv"
                  label="Export CSV"
                  className="rounded-md border border-slate-300 bg-white px-3 py-2 text-sm hover:bg-slate-50"
                />
                <ExportButton
                  href={`${basePath}/export?format=ndjson${exportQuery ? `&${exportQuery}` : ""}`}
                  format="ndjson"
                  label="NDJSON"
                  className="rounded-md border border-slate-300 bg-white px-3 py-2 text-sm hover:bg-slate-50"
                />
              </>
            ) : null}
            <Link
              href={auditPageHref(`${basePath}/watches`, params, {
                cursor: "",
                nav: undefined,
                sort: undefined,
                dir: undefined,
                size: undefined,
              })}
              className="rounded-md border border-slate-300 bg-white px-3 py-2 text-sm hover:bg-slate-50"
            >
              Watch this search
            </Link>
            <RefreshButton />
            <LiveControls />
          </div>
        </div>

        {chips.length > 0 ? (
          <ul aria-label="Active filters" className="flex flex-wrap gap-2">
            {chips.map((chip) => (
              <li key={chip.label}>
                <Link
                  href={chip.removeHref}
                  className="inline-flex items-center gap-1 rounded-full bg-slate-200 px-3 py-1 text-xs hover:bg-slate-300"
                  aria-label={`Remove filter ${chip.label}`}
                >
                  {chip.label} <span aria-hidden>×</span>
                </Link>
              </li>
            ))}
            <li>
              <Link href={basePath} className="px-2 py-1 text-xs text-slate-600 underline">
                Clear all
              </Link>
            </li>
          </ul>
        ) : null}

        <p className="text-sm text-slate-600" data-testid="audit-count">
          {total.exact
            ? `${total.count.toLocaleString("en-US")} ${total.count === 1 ? "entry" : "entries"}`
            : `About ${total.count.toLocaleString("en-US")} entries (estimate)`}
        </p>

        <AuditTable
          rows={page.rows}
          columns={visible}
          headers={headers}
          ariaSort={ariaSort}
          timeZone={viewer.timeZone}
          entryBase={`${basePath}/entries/`}
          emptyText={chips.length > 0 ? "No entries match." : "No audit entries yet."}
        />

        <nav aria-label="Pagination" className="flex items-center justify-between gap-4 text-sm">
          <div className="flex gap-2">
            <PageLink href={page.prevCursor ? href({}) : null}>Newest</PageLink>
            <PageLink
              href={page.prevCursor ? href({ cursor: page.prevCursor, nav: "prev" }) : null}
            >
              ← Previous
            </PageLink>
            <PageLink
              href={page.nextCursor ? href({ cursor: page.nextCursor, nav: "next" }) : null}
            >
              Next →
            </PageLink>
          </div>
          <div className="flex items-center gap-1 text-slate-600">
            Rows per page:
            {PAGE_SIZES.map((n) =>
              n === size ? (
                <span
                  key={n}
                  aria-current="true"
                  className="rounded bg-slate-200 px-2 py-0.5 font-medium"
                >
                  {n}
                </span>
              ) : (
                <Link
                  key={n}
                  href={href({ size: n })}
                  className="rounded px-2 py-0.5 hover:bg-slate-100"
                >
                  {n}
                </Link>
              ),
            )}
          </div>
        </nav>
      </section>
    </LiveTail>
  );
}

function PageLink({ href, children }: { href: string | null; children: React.ReactNode }) {
  const cls = "rounded-md border border-slate-300 px-3 py-1.5";
  return href ? (
    <Link href={href} className={`${cls} bg-white hover:bg-slate-50`}>
      {children}
    </Link>
  ) : (
    <span aria-disabled="true" className={`${cls} text-slate-400`}>
      {children}
    </span>
  );
}

function activeChips(params: AuditPageParams, href: (patch: Partial<AuditPageParams>) => string) {
  const chips: { label: string; removeHref: string }[] = [];
  if (params.q) chips.push({ label: `Search: ${params.q}`, removeHref: href({ q: "" }) });
  const lists = [
    ["action", "Action"],
    ["table", "Table"],
    ["user", "User"],
    ["ip", "IP"],
    ["pk", "Primary Key"],
  ] as const;
  for (const [key, label] of lists) {
    if (params[key].length > 0) {
      chips.push({ label: `${label}: ${params[key].join(", ")}`, removeHref: href({ [key]: [] }) });
    }
  }
  if (params.from)
    chips.push({ label: `From ${params.from.replace("T", " ")}`, removeHref: href({ from: "" }) });
  if (params.to)
    chips.push({ label: `Before ${params.to.replace("T", " ")}`, removeHref: href({ to: "" }) });
  return chips;
}
