import { and, asc, eq, gt, inArray, lte, sql, type SQL } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { queryRows } from "@/db/raw";
import { auditLog } from "@/db/schema";
import type { AuditColumnKey } from "@/lib/visibility/audit-columns";

/**
 * Reads of the audit page: keyset pagination over an allow-listed sort, each sort served by an
 * index `(column, occurred_at desc nulls last, id desc nulls last)` (db/schema/audit-log.ts).
 */

/** Which entries a viewer may see at all: everything, one account's, or some tables'. */
export type AuditScope =
  | { kind: "all" }
  | { kind: "account"; accountId: number }
  | { kind: "tables"; tables: readonly string[] };

export function scopeCondition(scope: AuditScope): SQL | undefined {
  switch (scope.kind) {
    case "all":
      return undefined;
    case "account":
      return eq(auditLog.accountId, scope.accountId);
    case "tables":
      return inArray(auditLog.tableName, [...scope.tables]);
  }
}

export const AUDIT_SORT_KEYS = [
  "occurredAt",
  "user",
  "ip",
  "recordPk",
  "action",
  "tableName",
  "message",
] as const;
export type AuditSortKey = (typeof AUDIT_SORT_KEYS)[number];
type SortDir = "asc" | "desc";
export type AuditSort = { key: AuditSortKey; dir: SortDir };
export const DEFAULT_SORT: AuditSort = { key: "occurredAt", dir: "desc" };

/** The leading sort expression per key (as indexed) and whether it can be null. */
const SORT_COLUMNS: Record<
  Exclude<AuditSortKey, "occurredAt">,
  { expr: SQL; nullable: boolean }
> = {
  user: { expr: sql`${auditLog.actorLabel}`, nullable: false },
  ip: { expr: sql`${auditLog.ip}`, nullable: true },
  recordPk: { expr: sql`${auditLog.recordPk}`, nullable: true },
  action: { expr: sql`${auditLog.action}::text`, nullable: false },
  tableName: { expr: sql`${auditLog.tableName}`, nullable: false },
  message: { expr: sql`left(${auditLog.message}, 100)`, nullable: false },
};

/**
 * A position in the ordered log, as the server reads it from the entry a cursor names: the
 * leading sort value (absent for the time sort), and the exact occurred_at (microseconds, as
 * text: a JS Date would lose them) and id. It never leaves the server.
 */
type Anchor = [value: string | null, at: string, id: number];

/**
 * Cursors name only an entry id: the sort value is read back on the server within the viewer's
 * scope, so a cursor carries no column value, and a forged one can only point at an entry the
 * viewer may see anyway.
 */
export function encodeCursor(id: number): string {
  return String(id);
}

/** Null for anything that is not a cursor this module made (the page then starts at the top). */
export function decodeCursor(text: string | undefined | null): number | null {
  if (!text || !/^[1-9]\d{0,15}$/.test(text)) return null;
  const id = Number(text);
  return Number.isSafeInteger(id) ? id : null;
}

const cursorAtExpr = sql<string>`to_char(${auditLog.occurredAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

function sortValueExpr(sort: AuditSort) {
  return sort.key === "occurredAt"
    ? sql<null>`null`
    : sql<string | null>`(${SORT_COLUMNS[sort.key].expr})::text`;
}

/** The anchor of a cursor's entry, or null when it is not one the viewer may see (or none). */
async function anchorOf(
  db: DbOrTx,
  scope: AuditScope,
  sort: AuditSort,
  id: number,
): Promise<Anchor | null> {
  const [row] = await db
    .select({ value: sortValueExpr(sort), at: cursorAtExpr })
    .from(auditLog)
    .where(and(eq(auditLog.id, id), scopeCondition(scope)));
  return row ? [row.value, row.at, id] : null;
}

/**
 * The index scanned forward gives (col asc nulls last, occurred_at desc, id desc); backward the
 * exact mirror. A page in "desc" order, or a step back, walks it backward.
 */
function orderBy(sort: AuditSort, backward: boolean): SQL {
  if (sort.key === "occurredAt") {
    // Time sort: "desc" is the index's forward direction.
    const dir = sort.dir === "desc" ? !backward : backward;
    const d = sql.raw(dir ? "desc nulls last" : "asc nulls first");
    return sql`${auditLog.occurredAt} ${d}, ${auditLog.id} ${d}`;
  }
  const walkBackward = sort.dir === "desc" ? !backward : backward;
  const lead = sql.raw(walkBackward ? "desc nulls first" : "asc nulls last");
  const rest = sql.raw(walkBackward ? "asc nulls first" : "desc nulls last");
  return sql`${SORT_COLUMNS[sort.key].expr} ${lead}, ${auditLog.occurredAt} ${rest}, ${auditLog.id} ${rest}`;
}

/** Rows strictly after `cursor` in the walk order that `orderBy(sort, backward)` produces. */
function afterCursor(sort: AuditSort, cursor: Anchor, backward: boolean): SQL {
  const [value, at, id] = cursor;
  const tuple = sql`(${auditLog.occurredAt}, ${auditLog.id})`;
  const pos = sql`(${at}::timestamptz, ${id}::bigint)`;
  if (sort.key === "occurredAt") {
    const older = sort.dir === "desc" ? !backward : backward;
    return older ? sql`${tuple} < ${pos}` : sql`${tuple} > ${pos}`;
  }
  const { expr, nullable } = SORT_COLUMNS[sort.key];
  const walkBackward = sort.dir === "desc" ? !backward : backward;
  // Within one leading value the index order is time descending; walking backward, ascending.
  const timeNext = walkBackward ? sql`${tuple} > ${pos}` : sql`${tuple} < ${pos}`;
  if (value === null) {
    // Nulls sort last forward (first backward): past a null only more nulls, or nothing.
    return walkBackward
      ? sql`(${expr} is not null or ${timeNext})`
      : sql`(${expr} is null and ${timeNext})`;
  }
  const beyond = walkBackward ? sql`${expr} < ${value}` : sql`${expr} > ${value}`;
  const nulls = nullable && !walkBackward ? sql` or ${expr} is null` : sql``;
  return sql`(${beyond} or (${expr} = ${value} and ${timeNext})${nulls})`;
}

export type AuditListRow = {
  id: number;
  cursorAt: string;
  hasData: boolean;
  user?: string;
  actorType?: string;
  ip?: string | null;
  occurredAt?: Date;
  recordPk?: string | null;
  action?: string;
  tableName?: string;
  message?: string;
  comment?: string | null;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
  dataTable?: string;
};

export type AuditPageParams = {
  scope: AuditScope;
  where?: SQL;
  sort: AuditSort;
  /** The entry id a cursor named (decodeCursor); outside the scope or gone, the first page. */
  cursor: number | null;
  /** "next" reads past the cursor; "prev" reads the page before it. */
  direction: "next" | "prev";
  pageSize: number;
  columns: readonly AuditColumnKey[];
  /** Also select before/after (exports); the page loads them per entry instead. */
  withData?: boolean;
};

export type AuditPage = {
  rows: AuditListRow[];
  /** Cursor of the last row when more follow, for "Older"/"Next". */
  nextCursor: string | null;
  /** Cursor of the first row when rows precede it, for "Newer"/"Previous". */
  prevCursor: string | null;
};

/** Only the columns the viewer may see are selected: hidden data is never fetched. */
function selection(columns: readonly AuditColumnKey[], withData: boolean) {
  const visible = new Set(columns);
  return {
    id: auditLog.id,
    cursorAt: cursorAtExpr,
    hasData: sql<boolean>`(${auditLog.before} is not null or ${auditLog.after} is not null)`,
    ...(visible.has("user") ? { user: auditLog.actorLabel, actorType: auditLog.actorType } : {}),
    ...(visible.has("ip") ? { ip: sql<string | null>`host(${auditLog.ip})` } : {}),
    ...(visible.has("occurredAt") ? { occurredAt: auditLog.occurredAt } : {}),
    ...(visible.has("recordPk") ? { recordPk: auditLog.recordPk } : {}),
    ...(visible.has("action") ? { action: auditLog.action } : {}),
    ...(visible.has("tableName") ? { tableName: auditLog.tableName } : {}),
    ...(visible.has("message") ? { message: auditLog.message, comment: auditLog.comment } : {}),
    // Masking needs the table even when the Table column is not shown.
    ...(withData && visible.has("data")
      ? { before: auditLog.before, after: auditLog.after, dataTable: auditLog.tableName }
      : {}),
  };
}

const cursorOf = (row: AuditListRow): string => encodeCursor(row.id);

export async function findAuditPage(db: DbOrTx, params: AuditPageParams): Promise<AuditPage> {
  const { sort, pageSize } = params;
  const cursor = params.cursor ? await anchorOf(db, params.scope, sort, params.cursor) : null;
  const backward = params.direction === "prev" && cursor !== null;
  const rows = (await db
    .select(selection(params.columns, params.withData ?? false))
    .from(auditLog)
    .where(
      and(
        scopeCondition(params.scope),
        params.where,
        cursor ? afterCursor(sort, cursor, backward) : undefined,
      ),
    )
    .orderBy(orderBy(sort, backward))
    .limit(pageSize + 1)) as AuditListRow[];

  const more = rows.length > pageSize;
  const page = rows.slice(0, pageSize);
  if (backward) page.reverse();
  const first = page[0];
  const last = page.at(-1);
  return {
    rows: page,
    nextCursor: last && (backward ? true : more) ? cursorOf(last) : null,
    prevCursor: first && (backward ? more : cursor !== null) ? cursorOf(first) : null,
  };
}

/**
 * The live tail's read (lib/audit/live): entries past `afterId` up to `upTo` (the settled
 * horizon), oldest first, with the page's selection.
 */
export function findAuditEntriesAfter(
  db: DbOrTx,
  params: {
    scope: AuditScope;
    where?: SQL;
    afterId: number;
    upTo: number;
    limit: number;
    columns: readonly AuditColumnKey[];
  },
): Promise<AuditListRow[]> {
  return db
    .select(selection(params.columns, false))
    .from(auditLog)
    .where(
      and(
        scopeCondition(params.scope),
        params.where,
        gt(auditLog.id, params.afterId),
        lte(auditLog.id, params.upTo),
      ),
    )
    .orderBy(asc(auditLog.id))
    .limit(params.limit);
}

const EXACT_COUNT_CAP = 10_000;
/**
 * Above this planner estimate the exact count is not even tried: counting up to the cap through a
 * filter that matches a few percent of the table walks hundreds of thousands of index entries.
 */
const ESTIMATE_ONLY_ABOVE = 50_000;

/**
 * Exact when small, the planner's estimate (marked as such) when large: the estimate first
 * (a fraction of a millisecond), then a count capped at EXACT_COUNT_CAP when it looks small.
 */
export async function countAuditEntries(
  db: DbOrTx,
  scope: AuditScope,
  where?: SQL,
): Promise<{ count: number; exact: boolean }> {
  const condition = and(scopeCondition(scope), where);
  const filtered = sql`select 1 from ${auditLog} ${condition ? sql`where ${condition}` : sql``}`;
  const [plan] = await queryRows<{ "QUERY PLAN": unknown }>(
    db,
    sql`explain (format json) ${filtered}`,
  );
  const json = plan?.["QUERY PLAN"];
  const parsed = (typeof json === "string" ? JSON.parse(json) : json) as [
    { Plan: { "Plan Rows": number } },
  ];
  const estimate = Math.round(parsed[0].Plan["Plan Rows"]);
  if (estimate > ESTIMATE_ONLY_ABOVE) return { count: estimate, exact: false };

  const [capped] = await queryRows<{ n: number }>(
    db,
    sql`select count(*)::int as n from (${filtered} limit ${EXACT_COUNT_CAP + 1}) capped`,
  );
  const n = capped?.n ?? 0;
  if (n <= EXACT_COUNT_CAP) return { count: n, exact: true };
  return { count: Math.max(estimate, n), exact: false };
}
