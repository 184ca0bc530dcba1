import type { SQL } from "drizzle-orm";
import { and } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { auditCriteriaCondition } from "@/lib/audit/queries/audit-criteria";
import { DEFAULT_SORT, type AuditScope, type AuditSort } from "@/lib/audit/queries/audit-log";
import type { UserRole } from "@/db/schema";
import { auditScopeFor, tableOptionsFor } from "@/lib/audit/viewer-scope";
import { can } from "@/lib/auth/permissions";
import { isPortalRole } from "@/lib/auth/roles";
import { AUDIT_TABLE_FILTER_VALUES } from "@/lib/audit/table-names";
import type { AuditCriteria } from "@/lib/search/criteria";
import { sortOf, type AuditPageParams } from "@/lib/search/audit-page-params";
import { formatAuditQuery } from "@/lib/search/format-audit-query";
import { parseAuditQuery } from "@/lib/search/parse-audit-query";
import {
  AUDIT_COLUMNS,
  resolveAuditColumns,
  type AuditColumnKey,
  type AuditColumnVisibility,
} from "./audit-columns";
import { maskAuditData } from "./audit-data";

/**
 * What one viewer may see of the audit log, decided once per request from the session alone:
 * which entries (scope), which columns (permission, then preference), which data fields are
 * masked, and whether they may export. Every audit read path (page, count, sort, cursor, search,
 * filters, entry details, record history, export) takes this object and nothing else decides.
 */
export type AuditViewerPolicy = {
  viewer: { id: number; role: UserRole; timeZone: string };
  audience: "staff" | "portal";
  scope: AuditScope;
  /** Columns the permission layer allows: the only ones that may be searched, filtered, sorted. */
  allowed: readonly AuditColumnKey[];
  /** Allowed minus what the viewer hid for themselves: the columns drawn. */
  visible: readonly AuditColumnKey[];
  /** Values the Table filter offers. */
  tableOptions: readonly string[];
  canExport: boolean;
};

export type PolicyViewer = {
  id: number;
  role: UserRole;
  timeZone: string;
  accountId: number | null;
};

/** Null when the viewer may not read the audit log at all. */
export async function auditViewerPolicy(
  db: DbOrTx,
  viewer: PolicyViewer,
  /** The viewer's columns when already read (resolveAuditColumnsOf, for this role). */
  columns?: AuditColumnVisibility,
): Promise<AuditViewerPolicy | null> {
  const scope = auditScopeFor(viewer);
  if (!scope) return null;
  const { allowed, visible } = columns ?? (await resolveAuditColumns(db, viewer));
  return {
    viewer: { id: viewer.id, role: viewer.role, timeZone: viewer.timeZone },
    audience: isPortalRole(viewer.role) ? "portal" : "staff",
    scope,
    allowed,
    visible,
    tableOptions: tableOptionsFor(scope) ?? AUDIT_TABLE_FILTER_VALUES,
    canExport: can(viewer.role, "audit:export"),
  };
}

export const mayUse = (policy: AuditViewerPolicy, column: AuditColumnKey) =>
  policy.allowed.includes(column);

/** The requested sort when its column is the viewer's, else the default: never an error. */
function policySort(policy: AuditViewerPolicy, params: AuditPageParams): AuditSort {
  const sort = sortOf(params);
  return sort.key === "occurredAt" || mayUse(policy, sort.key) ? sort : DEFAULT_SORT;
}

/**
 * Each field of the criteria: the column it reads (`account:`, `ingress:` and free text read
 * scope ids or only the viewer's own columns, so none), and how an export's entry names it.
 */
const CRITERIA_FIELDS: readonly [keyof AuditCriteria, AuditColumnKey | null, string][] = [
  ["text", null, "text"],
  ["users", "user", "User"],
  ["ips", "ip", "IP"],
  ["actions", "action", "Action"],
  ["tables", "tableName", "Table"],
  ["pks", "recordPk", "Primary Key"],
  ["accounts", null, "account"],
  ["ingresses", null, "ingress"],
  // The comment is shown with the message: who may not see one may not search the other.
  ["comments", "message", "Comment"],
  ["after", "occurredAt", "after"],
  ["before", "occurredAt", "before"],
];

/** Every name an export's entry may give for what narrowed it. */
export const AUDIT_NARROWING_NAMES: readonly string[] = CRITERIA_FIELDS.map(([, , name]) => name);

const usedFields = (criteria: AuditCriteria) =>
  CRITERIA_FIELDS.filter(([field]) => {
    const value = criteria[field];
    return Array.isArray(value) ? value.length > 0 : value !== undefined;
  });

const headerOf = (key: AuditColumnKey) => AUDIT_COLUMNS.find((c) => c.key === key)!.header;

/**
 * Why these criteria may not run for this viewer, or null. The message names the column and
 * never the value, so it tells nothing about what the column holds.
 */
function hiddenColumnRefusal(policy: AuditViewerPolicy, criteria: AuditCriteria): string | null {
  const hidden = usedFields(criteria).find(([, column]) => column && !mayUse(policy, column));
  return hidden?.[1] ? `${headerOf(hidden[1])} is not among your columns.` : null;
}

export type AuditQuery = {
  where: SQL | undefined;
  sort: AuditSort;
  /** Shown above the table; the part that failed is left out, the rest of the view applies. */
  searchError: string | null;
  filterError: string | null;
  /** What narrowed the view, by name only ("text", "IP", "Action"): safe to show to anyone. */
  narrowedBy: string[];
};

/**
 * The search box and the column/URL filters of a request, checked against the policy and turned
 * into one condition. Free text only ever matches the viewer's own columns.
 */
export function auditQueryFor(policy: AuditViewerPolicy, params: AuditPageParams): AuditQuery {
  const check = (text: string) => {
    const parsed = parseAuditQuery(text, { timeZone: policy.viewer.timeZone });
    if (!parsed.ok) return { condition: undefined, error: parsed.error, names: [] };
    const refusal = hiddenColumnRefusal(policy, parsed.criteria);
    if (refusal) return { condition: undefined, error: refusal, names: [] };
    return {
      condition: auditCriteriaCondition(parsed.criteria, policy.allowed),
      error: null,
      names: usedFields(parsed.criteria).map(([, , name]) => name),
    };
  };
  const search = check(params.q);
  // The column filters, written in the search language, so that one parser validates both.
  const filters = check(
    formatAuditQuery({
      user: params.user,
      ip: params.ip,
      action: params.action,
      table: params.table,
      pk: params.pk,
      after: params.from ? [params.from] : [],
      before: params.to ? [params.to] : [],
    }),
  );
  return {
    where: and(search.condition, filters.condition),
    sort: policySort(policy, params),
    searchError: search.error,
    filterError: filters.error,
    narrowedBy: [...new Set([...search.names, ...filters.names])],
  };
}

/** An entry's before/after as this viewer may see them. */
export function maskedData(
  policy: AuditViewerPolicy,
  tableName: string,
  data: Record<string, unknown> | null,
): Record<string, unknown> | null {
  return maskAuditData(tableName, data, policy.viewer.role);
}
