import { formatAuditQuery } from "@/lib/search/format-audit-query";
import { parseAuditPageParams, type RawSearchParams } from "@/lib/search/audit-page-params";

/**
 * The audit page's search and column filters as one query in the search language, for a new
 * watch: the filters are written as qualifiers after the search box's text, which is how the
 * page itself checks them (viewer-policy.ts). One difference: a qualifier in both (the box says
 * `action:UPDATE`, the filter DELETE) combines with OR here, AND on the page.
 */
export function watchQueryOf(raw: RawSearchParams): string {
  const params = parseAuditPageParams(raw);
  const filters = formatAuditQuery({
    user: params.user,
    ip: params.ip,
    action: params.action,
    table: params.table,
    pk: params.pk,
    after: params.from ? [params.from] : [],
    before: params.to ? [params.to] : [],
  });
  return [params.q.trim(), filters].filter(Boolean).join(" ").slice(0, 500);
}
