import { and, lte, type SQL } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { auditLog } from "@/db/schema";
import {
  DEFAULT_SORT,
  findAuditEntriesAfter,
  findAuditPage,
  type AuditListRow,
} from "@/lib/audit/queries/audit-log";
import { auditRowView, type AuditRowView } from "@/lib/audit/row-view";
import type { AuditPageParams } from "@/lib/search/audit-page-params";
import type { AuditColumnKey } from "@/lib/visibility/audit-columns";
import { auditQueryFor, type AuditViewerPolicy } from "@/lib/visibility/viewer-policy";

/**
 * What one live tail reads: the page's own search and filters under the viewer's policy
 * (auditQueryFor, as the page: a refused part is left out, the rest applies) and the rows shaped
 * as the page's table shapes them (auditRowView), so a hidden column is never selected and never
 * sent.
 */
export type LiveView = {
  policy: AuditViewerPolicy;
  where: SQL | undefined;
};

export const liveViewOf = (policy: AuditViewerPolicy, params: AuditPageParams): LiveView => ({
  policy,
  where: auditQueryFor(policy, params).where,
});

const shape = (view: LiveView, rows: AuditListRow[]): AuditRowView[] => {
  const columns = new Set<AuditColumnKey>(view.policy.visible);
  return rows.map((row) => auditRowView(row, columns, view.policy.viewer.timeZone));
};

/** Entries past `afterId` up to the settled `upTo` that the view shows, oldest first. */
export async function readLiveRows(
  db: DbOrTx,
  view: LiveView,
  afterId: number,
  upTo: number,
  limit: number,
): Promise<AuditRowView[]> {
  const { scope, visible } = view.policy;
  const rows = await findAuditEntriesAfter(db, {
    scope,
    where: view.where,
    afterId,
    upTo,
    limit,
    columns: visible,
  });
  return shape(view, rows);
}

/**
 * The newest entries up to the settled `upTo` the view shows, oldest first: a one-off answer's
 * content without `since` (none above the horizon, so resuming after it misses nothing).
 */
export async function readNewestRows(
  db: DbOrTx,
  view: LiveView,
  upTo: number,
  limit: number,
): Promise<AuditRowView[]> {
  const { scope, visible } = view.policy;
  const page = await findAuditPage(db, {
    scope,
    where: and(view.where, lte(auditLog.id, upTo)),
    sort: DEFAULT_SORT,
    cursor: null,
    direction: "next",
    pageSize: limit,
    columns: visible,
  });
  return shape(view, page.rows).reverse();
}
