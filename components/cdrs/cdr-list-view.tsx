import Link from "next/link";
import { ExportButton } from "@/components/exports/export-button";
import { cdrPageHref, cdrPageQuery, type CdrPageParams } from "@/lib/cdrs/page-params";
import type { CdrFilterOptions, CdrNames, CdrPageResult } from "@/lib/cdrs/queries";
import { destFieldOf } from "@/lib/cdrs/queries";
import type { CdrViewerPolicy } from "@/lib/cdrs/viewer-policy";
import { ColumnChooser } from "@/components/ui/column-chooser";
import { saveCdrFieldsPreferenceAction } from "@/lib/cdrs/save-preference-actions";
import { CdrFilterForm } from "./cdr-filter-form";
import { CdrTable } from "./cdr-table";

function PageLink({ href, children }: { href: string | null; children: React.ReactNode }) {
  return href ? (
    <Link
      href={href}
      className="rounded-md border border-slate-300 bg-white px-3 py-1.5 hover:bg-slate-50"
    >
      {children}
    </Link>
  ) : (
    <span
      aria-disabled="true"
      className="rounded-md border border-slate-200 px-3 py-1.5 text-slate-400"
    >
      {children}
    </span>
  );
}

/**
 * The CDR page, shared by the Control Panel and the Portal: the filters, the calls of the range
 * the viewer may see, Newer/Older keyset links and the CSV export of the same view.
 */
export function CdrListView({
  policy,
  basePath,
  result,
  names,
  options,
}: {
  policy: CdrViewerPolicy;
  basePath: string;
  result: CdrPageResult;
  names: CdrNames;
  options: CdrFilterOptions;
}) {
  const params: CdrPageParams = result.params;
  const href = (patch: Partial<CdrPageParams>) => cdrPageHref(basePath, params, patch);
  const newestFirst = params.order !== "oldest";
  const page = result.ok ? result.page : null;
  const exportQuery = cdrPageQuery(params, { cursor: "" });
  return (
    <section className="space-y-4">
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="mr-auto text-xl font-semibold">CDRs</h1>
        <ColumnChooser
          action={saveCdrFieldsPreferenceAction}
          title="Show fields"
          columns={policy.fields.allowed.map((key) => ({
            key,
            header: policy.fields.labels[key] ?? key,
          }))}
          visible={policy.fields.visible}
        />
        {result.ok ? (
          <ExportButton
            href={`${basePath}/export${exportQuery ? `?${exportQuery}` : ""}`}
            format="csv"
            label="Export CSV"
            className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm hover:bg-slate-50"
          />
        ) : null}
      </div>
      <CdrFilterForm
        policy={policy}
        basePath={basePath}
        params={params}
        destField={destFieldOf(policy)}
        options={options}
      />
      {result.ok ? (
        <p className="text-xs text-slate-600">
          Times in {policy.viewer.timeZone}.{" "}
          {result.narrowedBy.length > 0 ? `Filtered by ${result.narrowedBy.join(", ")}.` : null}
        </p>
      ) : (
        <p
          data-testid="cdr-error"
          role="status"
          className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900"
        >
          {result.error}
        </p>
      )}
      {page ? (
        <>
          <CdrTable
            policy={policy}
            rows={page.rows}
            names={names}
            recordBase={`${basePath}/`}
            emptyText="No calls in this range match."
          />
          <nav aria-label="Pagination" className="flex gap-2 text-sm">
            <PageLink href={page.prevCursor ? href({ cursor: "" }) : null}>
              {newestFirst ? "Newest" : "Oldest"}
            </PageLink>
            <PageLink href={page.prevCursor ? href({ cursor: page.prevCursor }) : null}>
              {newestFirst ? "← Newer" : "← Earlier"}
            </PageLink>
            <PageLink href={page.nextCursor ? href({ cursor: page.nextCursor }) : null}>
              {newestFirst ? "Older →" : "Later →"}
            </PageLink>
          </nav>
        </>
      ) : null}
    </section>
  );
}
