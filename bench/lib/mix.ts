import { count, sql, type SQL } from "drizzle-orm";
import type { Db } from "@/db/client";
import {
  countAuditEntries,
  decodeCursor,
  encodeCursor,
  findAuditPage,
  type AuditScope,
  type AuditSort,
} from "@/lib/audit/queries/audit-log";
import { auditLog } from "@/db/schema";
import {
  pageSizeOf,
  parseAuditPageParams,
  type RawSearchParams,
} from "@/lib/search/audit-page-params";
import { AUDIT_COLUMN_KEYS } from "@/lib/visibility/audit-columns";
import { auditQueryFor, type AuditViewerPolicy } from "@/lib/visibility/viewer-policy";
import { BENCH_ACCOUNT_ID, BENCH_CIDR, rareSurname } from "./dataset";

/**
 * The audit page's query mix, each as the URL parameters the page receives, and the three ways
 * of answering it: the product's functions exactly as components/audit/audit-log-view.tsx
 * calls them, the same SQL raw, and what a typical admin tool does (OFFSET + exact COUNT).
 */

/** An admin (scope "all", all eight columns) in UTC: the bench user of the HTTP part. */
const VIEWER = { timeZone: "UTC" };
export const SCOPE: AuditScope = { kind: "all" };

export type Scenario = {
  key: string;
  label: string;
  kind: "page" | "count";
  params: RawSearchParams;
  /** The naive tool's equivalent: OFFSET rows into the same order, or an exact COUNT(*). */
  naiveOffset: number;
};

/** An admin's policy: the bench measures the page as someone who sees every column. */
const POLICY: AuditViewerPolicy = {
  viewer: { id: 0, role: "admin", timeZone: VIEWER.timeZone },
  audience: "staff",
  scope: SCOPE,
  allowed: AUDIT_COLUMN_KEYS,
  visible: AUDIT_COLUMN_KEYS,
  tableOptions: [],
  canExport: true,
};

/** The URL-to-WHERE glue of AuditLogView: the same function, with an admin's policy. */
export function whereFor(raw: RawSearchParams): { where: SQL | undefined; sort: AuditSort } {
  const { where, sort, searchError, filterError } = auditQueryFor(
    POLICY,
    parseAuditPageParams(raw),
  );
  // The page would show these as messages; in the bench they mean the mix itself is wrong.
  if (searchError) throw new Error(`bench mix: search: ${searchError}`);
  if (filterError) throw new Error(`bench mix: filters: ${filterError}`);
  return { where, sort };
}

/** (a) The product's path for one scenario: parse the URL, build the criteria, query. */
export async function productQuery(db: Db, scenario: Scenario): Promise<number> {
  const { where, sort } = whereFor(scenario.params);
  if (scenario.kind === "count") return (await countAuditEntries(db, SCOPE, where)).count;
  const params = parseAuditPageParams(scenario.params);
  const page = await findAuditPage(db, {
    scope: SCOPE,
    where,
    sort,
    cursor: decodeCursor(params.cursor),
    direction: params.nav ?? "next",
    pageSize: pageSizeOf(params),
    columns: AUDIT_COLUMN_KEYS,
  });
  return page.rows.length;
}

/** (c) The naive tool: the same filter, ORDER BY + OFFSET, or an exact COUNT(*) of the set. */
export function naiveQuery(db: Db, scenario: Scenario): { sql: string; params: unknown[] } {
  const { where, sort } = whereFor(scenario.params);
  if (scenario.kind === "count") {
    return db.select({ n: count() }).from(auditLog).where(where).toSQL();
  }
  // Written to match the product's indexes (DESC NULLS LAST): a plain `ORDER BY occurred_at
  // DESC` is NULLS FIRST, which no index serves, and would turn every page into a full sort —
  // that would measure the index mismatch, not OFFSET pagination.
  const last = sql.raw("desc nulls last");
  const order =
    sort.key === "user"
      ? [
          sql`${auditLog.actorLabel} asc nulls last`,
          sql`${auditLog.occurredAt} ${last}`,
          sql`${auditLog.id} ${last}`,
        ]
      : [sql`${auditLog.occurredAt} ${last}`, sql`${auditLog.id} ${last}`];
  return db
    .select({
      id: auditLog.id,
      occurredAt: auditLog.occurredAt,
      user: auditLog.actorLabel,
      actorType: auditLog.actorType,
      ip: sql<string | null>`host(${auditLog.ip})`,
      recordPk: auditLog.recordPk,
      action: auditLog.action,
      tableName: auditLog.tableName,
      message: auditLog.message,
      comment: auditLog.comment,
    })
    .from(auditLog)
    .where(where)
    .orderBy(...order)
    .limit(pageSizeOf(parseAuditPageParams(scenario.params)))
    .offset(scenario.naiveOffset)
    .toSQL();
}

/** How far in the deep keyset page starts; the naive tool's OFFSET for the same page. */
const DEEP_ROWS = 100_000;

/** The ISO minute seven days before `now`, as the date filter's "from" field writes it. */
function sevenDaysAgo(now: Date): string {
  return new Date(now.getTime() - 7 * 24 * 3600 * 1000).toISOString().slice(0, 16);
}

/**
 * The mix. Cursors are real ones: page 1's "Next" link, and the position DEEP_ROWS rows into
 * the newest-first order (encoded as the product encodes it).
 */
export async function buildMix(
  db: Db,
  raw: (text: string, params?: unknown[]) => Promise<Record<string, unknown>[]>,
): Promise<Scenario[]> {
  const first = await findAuditPage(db, {
    scope: SCOPE,
    sort: { key: "occurredAt", dir: "desc" },
    cursor: null,
    direction: "next",
    pageSize: 50,
    columns: AUDIT_COLUMN_KEYS,
  });
  if (!first.nextCursor) throw new Error("bench mix: the audit log has a single page");
  const [deep] = await raw(
    `select id from audit_log order by occurred_at desc, id desc offset $1 limit 1`,
    [DEEP_ROWS - 1],
  );
  if (!deep) throw new Error(`bench mix: fewer than ${DEEP_ROWS} entries`);
  const deepCursor = encodeCursor(Number(deep.id));

  const page = (key: string, label: string, params: RawSearchParams, naiveOffset = 0) =>
    ({ key, label, kind: "page", params, naiveOffset }) as const;
  const countOf = (key: string, label: string, params: RawSearchParams) =>
    ({ key, label, kind: "count", params, naiveOffset: 0 }) as const;
  return [
    page("newest", "newest page (50)", {}),
    page("next", "next page (keyset from page 1)", { cursor: first.nextCursor, nav: "next" }, 50),
    page(
      "deep",
      `deep page (keyset, ${DEEP_ROWS.toLocaleString("en-US")} rows in)`,
      { cursor: deepCursor, nav: "next" },
      DEEP_ROWS,
    ),
    page("account", `account filter (account:${BENCH_ACCOUNT_ID})`, {
      q: `account:${BENCH_ACCOUNT_ID}`,
    }),
    page("action-table", "action + table (action:update table:accounts)", {
      q: "action:update table:accounts",
    }),
    page("common-word", 'free text, common word ("customer")', { q: "customer" }),
    page("rare-token", `free text, rare token ("${rareSurname()}")`, { q: rareSurname() }),
    page("ip-cidr", `ip: CIDR (ip:${BENCH_CIDR})`, { q: `ip:${BENCH_CIDR}` }),
    page("week-by-user", "last 7 days, sorted by user", {
      from: sevenDaysAgo(new Date()),
      sort: "user",
    }),
    countOf("count-all", "count, no filter", {}),
    countOf("count-account", `count, account:${BENCH_ACCOUNT_ID}`, {
      q: `account:${BENCH_ACCOUNT_ID}`,
    }),
    countOf("count-large", "count, large filter (action:update)", { q: "action:update" }),
  ];
}

/** The page's path and query for a scenario, as its own links write it. */
export function pagePath(params: RawSearchParams): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (typeof v === "string") qs.set(k, v);
  }
  const text = qs.toString();
  return `/audit-log${text ? `?${text}` : ""}`;
}
