import type { DbOrTx } from "@/db/client";
import {
  countAuditEntries,
  decodeCursor,
  findAuditPage,
  type AuditPage,
  type AuditSort,
} from "@/lib/audit/queries/audit-log";
import {
  pageSizeOf,
  parseAuditPageParams,
  type AuditPageParams,
  type RawSearchParams,
} from "@/lib/search/audit-page-params";
import { auditQueryFor, type AuditViewerPolicy } from "@/lib/visibility/viewer-policy";

/** What the audit page shows for one request; the page reads it and AuditLogView draws it. */
export type AuditLogViewData = {
  params: AuditPageParams;
  sort: AuditSort;
  /** A refused or malformed search or filter: reported, and left out of the query. */
  searchError: string | null;
  filterError: string | null;
  page: AuditPage;
  total: { count: number; exact: boolean };
};

/**
 * The audit page's read, shared by the Control Panel and the Portal: parse the URL, apply the
 * viewer's policy (decided by the caller from the session, never from the URL), query.
 */
export async function findAuditLogView(
  db: DbOrTx,
  policy: AuditViewerPolicy,
  searchParams: RawSearchParams,
): Promise<AuditLogViewData> {
  const params = parseAuditPageParams(searchParams);
  const { where, sort, searchError, filterError } = auditQueryFor(policy, params);
  const [page, total] = await Promise.all([
    findAuditPage(db, {
      scope: policy.scope,
      where,
      sort,
      cursor: decodeCursor(params.cursor),
      direction: params.nav ?? "next",
      pageSize: pageSizeOf(params),
      columns: policy.visible,
    }),
    countAuditEntries(db, policy.scope, where),
  ]);
  return { params, sort, searchError, filterError, page, total };
}
