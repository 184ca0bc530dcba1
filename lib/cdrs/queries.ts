import { and, eq, gte, inArray, lt, or, sql, type SQL } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import { accounts, cdrs, ingressRoutes } from "@/db/schema";
import { openCdrCursor, openCdrRef, sealCdrCursor, sealCdrRefs, type CdrCursor } from "./cdr-ref";
import { matchesText } from "@/lib/search/like";
import { cdrField, type CdrFieldKey } from "./fields";
import { resolveCdrRange, type CdrPageParams, type CdrRange } from "./page-params";
import type { CdrScope, CdrViewerPolicy } from "./viewer-policy";

/**
 * Reads of the CDR pages and export, through the viewer's policy only: the scope (own calls for
 * portal users) is always applied, a filter works only on a field the viewer is allowed, and only
 * the visible fields are selected, so a hidden field's values are never fetched. Keyset pages in
 * time order over cdrs_dt_idx / cdrs_customer_dt_idx / cdrs_carrier_dt_idx.
 */

const CDR_PAGE_SIZE = 50;

/** One CDR as a viewer gets it: a sealed reference and the visible fields, nothing else. */
export type CdrRow = { ref: string; values: Partial<Record<CdrFieldKey, unknown>> };

type CdrPage = {
  rows: CdrRow[];
  /** Sealed cursors for the previous and next page in the page's order, or null at either end. */
  prevCursor: string | null;
  nextCursor: string | null;
};

/** Account and ingress route names for the id fields shown, so the page can name them. */
export type CdrNames = { accounts: Record<number, string>; ingress: Record<number, string> };

type CdrFilters = {
  where: SQL | undefined;
  /** What narrowed the view, by filter name only (never values): for the export's entry. */
  narrowedBy: string[];
};

function scopeCondition(scope: CdrScope): SQL | undefined {
  switch (scope.kind) {
    case "all":
      return undefined;
    case "customer":
      return eq(cdrs.customerId, scope.accountId);
    case "carrier":
      return eq(cdrs.carrierId, scope.accountId);
  }
}

const NUMBER_FIELDS = ["source_cli", "source_dest_number", "dest_cli", "dest_number"] as const;

/** The breakout name a viewer searches: the carrier's own on the carrier side. */
export const destFieldOf = (policy: CdrViewerPolicy): CdrFieldKey =>
  policy.audience === "carrier" ? "carrier_dest_name" : "customer_dest_name";

const mayUse = (policy: CdrViewerPolicy, key: CdrFieldKey) => policy.fields.allowed.includes(key);

/** The refusal of a filter on a field the viewer may not use: the label, never the value. */
const refusal = (key: CdrFieldKey) => `${cdrField(key).label} is not among your fields.`;

/**
 * The filters of the params as one condition, each checked against the policy first. A filter on
 * a field the viewer is not allowed refuses the whole query (showing unfiltered calls instead
 * would mislead).
 */
function cdrFiltersFor(
  policy: CdrViewerPolicy,
  params: CdrPageParams,
): { ok: true; filters: CdrFilters } | { ok: false; error: string } {
  const conditions: (SQL | undefined)[] = [];
  const narrowedBy: string[] = [];
  const idFilter = (value: number | undefined, key: CdrFieldKey, name: string): string | null => {
    if (value === undefined) return null;
    if (!mayUse(policy, key)) return refusal(key);
    conditions.push(eq(cdrField(key).column, value));
    narrowedBy.push(name);
    return null;
  };
  const error =
    (params.account !== undefined && policy.scope.kind !== "all" && mayUse(policy, "customer_id")
      ? "The account filter is for staff: your calls are already your account's."
      : null) ??
    idFilter(params.account, "customer_id", "account") ??
    idFilter(params.ingress, "ingress_id", "ingress") ??
    idFilter(params.carrier, "carrier_id", "carrier");
  if (error) return { ok: false, error };

  if (params.dest) {
    const key = destFieldOf(policy);
    if (!mayUse(policy, key)) return { ok: false, error: refusal(key) };
    conditions.push(matchesText(cdrField(key).column, params.dest, "prefix"));
    narrowedBy.push("destination");
  }
  if (params.sip) {
    if (!mayUse(policy, "sip_code")) return { ok: false, error: refusal("sip_code") };
    const sip = params.sip.toLowerCase();
    if (sip.endsWith("xx")) {
      const base = Number(sip[0]) * 100;
      conditions.push(and(gte(cdrs.sipCode, base), lt(cdrs.sipCode, base + 100)));
    } else {
      conditions.push(eq(cdrs.sipCode, Number(sip)));
    }
    narrowedBy.push("SIP code");
  }
  if (params.connected) {
    if (!mayUse(policy, "duration")) return { ok: false, error: refusal("duration") };
    conditions.push(sql`${cdrs.duration} > 0`);
    narrowedBy.push("connected only");
  }
  if (params.number) {
    const fields = NUMBER_FIELDS.filter((k) => mayUse(policy, k));
    if (fields.length === 0) return { ok: false, error: "No number is among your fields." };
    const anywhere = params.number.startsWith("*");
    const digits = params.number.replace(/^\*/, "");
    const pattern = `${anywhere ? "%" : ""}${digits}%`;
    conditions.push(or(...fields.map((k) => sql`${cdrField(k).column} like ${pattern}`)));
    narrowedBy.push("number");
  }
  return { ok: true, filters: { where: and(...conditions), narrowedBy } };
}

/** Internal reasons (`No routes (profit assurance)`) reach portal users in a generic form. */
function sipReasonFor(policy: CdrViewerPolicy, reason: unknown): unknown {
  if (policy.audience === "staff" || typeof reason !== "string") return reason;
  return reason.replace(/\s*\(.*\)\s*$/, "");
}

const atExpr = sql<string>`to_char(${cdrs.dt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** The visible fields, and the keyset's position (read here, sealed before leaving). */
function selection(policy: CdrViewerPolicy): Record<string, SQL | AnyPgColumn> {
  const fields: Record<string, SQL | AnyPgColumn> = {};
  for (const key of policy.fields.visible) {
    const column = cdrField(key).column;
    // inet as its text; numerics stay strings (exact); the rest as drizzle maps them.
    fields[key] = cdrField(key).type === "ip" ? sql<string | null>`host(${column})` : column;
  }
  return { ...fields, _at: atExpr, _id: cdrs.id };
}

/** Rows as the viewer gets them, their references sealed together (one cipher call a page). */
function toRows(policy: CdrViewerPolicy, raws: Record<string, unknown>[]): CdrRow[] {
  const refs = sealCdrRefs(raws.map((raw) => Number(raw._id)));
  return raws.map((raw, i) => {
    const values: Partial<Record<CdrFieldKey, unknown>> = {};
    for (const key of policy.fields.visible) {
      values[key] = key === "sip_reason" ? sipReasonFor(policy, raw[key]) : raw[key];
    }
    return { ref: refs[i]!, values };
  });
}

/** Rows strictly past `c` walking newest first (`older`) or oldest first. */
function beyond(c: CdrCursor, older: boolean): SQL {
  const at = sql`${c.at}::timestamptz`;
  // dt bound first, so that the index range starts at the cursor whichever index serves.
  return older
    ? sql`(${cdrs.dt} <= ${at} and (${cdrs.dt} < ${at} or ${cdrs.id} < ${c.id}))`
    : sql`(${cdrs.dt} >= ${at} and (${cdrs.dt} > ${at} or ${cdrs.id} > ${c.id}))`;
}

export type CdrPageResult =
  | { ok: true; params: CdrPageParams; range: CdrRange; narrowedBy: string[]; page: CdrPage }
  | { ok: false; params: CdrPageParams; error: string };

/**
 * One page of CDRs for the viewer. The date range is required (the defaults of resolveCdrRange
 * fill it; a range over MAX_RANGE_DAYS is refused); `params.cursor` is a sealed cursor of an
 * earlier page (a forged or foreign one reads as the first page).
 */
export async function findCdrPage(
  db: DbOrTx,
  policy: CdrViewerPolicy,
  rawParams: CdrPageParams,
  { pageSize = CDR_PAGE_SIZE, now }: { pageSize?: number; now?: Date } = {},
): Promise<CdrPageResult> {
  const resolved = resolveCdrRange(rawParams, policy.viewer.timeZone, now);
  if (!resolved.ok) return { ok: false, params: rawParams, error: resolved.error };
  const { range, params } = resolved;
  const checked = cdrFiltersFor(policy, params);
  if (!checked.ok) return { ok: false, params, error: checked.error };

  const newestFirst = params.order !== "oldest";
  const cursor = openCdrCursor(params.cursor);
  const backward = cursor?.way === "before";
  // Walking the index: newest first unless the page is oldest first; a step back walks the other way.
  const walkOlder = newestFirst !== backward;
  // As the indexes are declared (desc nulls last), or their exact mirror, so either way they give
  // the order and the first page reads pageSize + 1 rows, not the whole range.
  const dir = sql.raw(walkOlder ? "desc nulls last" : "asc nulls first");
  const base = and(
    scopeCondition(policy.scope),
    gte(cdrs.dt, range.from),
    lt(cdrs.dt, range.to),
    checked.filters.where,
  );
  const read = (position: CdrCursor | null) =>
    db
      .select(selection(policy))
      .from(cdrs)
      .where(and(base, position ? beyond(position, walkOlder) : undefined))
      .orderBy(sql`${cdrs.dt} ${dir}`, sql`${cdrs.id} ${dir}`)
      .limit(pageSize + 1) as unknown as Promise<Record<string, unknown>[]>;

  let raws = await read(cursor);
  const more = raws.length > pageSize;
  raws = raws.slice(0, pageSize);
  if (backward) {
    raws.reverse();
    if (!more) {
      // Stepped back to the top: show the whole first page rather than a short one.
      return findCdrPage(db, policy, { ...params, cursor: "" }, { pageSize, now });
    }
  }
  const anchor = (r: Record<string, unknown> | undefined, way: CdrCursor["way"]) =>
    r ? sealCdrCursor({ way, at: String(r._at), id: Number(r._id) }) : null;
  const hasNext = backward ? true : more;
  const hasPrev = backward ? more : cursor !== null;
  return {
    ok: true,
    params,
    range,
    narrowedBy: checked.filters.narrowedBy,
    page: {
      rows: toRows(policy, raws),
      nextCursor: hasNext ? anchor(raws.at(-1), "after") : null,
      prevCursor: hasPrev ? anchor(raws[0], "before") : null,
    },
  };
}

/** One CDR by its sealed reference, with the visible fields, within the viewer's scope. */
export async function findCdr(
  db: DbOrTx,
  policy: CdrViewerPolicy,
  ref: string,
): Promise<CdrRow | null> {
  const id = openCdrRef(ref);
  if (id === null) return null;
  const [raw] = (await db
    .select(selection(policy))
    .from(cdrs)
    .where(and(eq(cdrs.id, id), scopeCondition(policy.scope)))) as unknown as Record<
    string,
    unknown
  >[];
  return raw ? { ...toRows(policy, [raw])[0]!, ref } : null;
}

/** Names of the accounts and ingress routes the rows show by id (only fields the viewer sees). */
export async function findCdrNames(
  db: DbOrTx,
  policy: CdrViewerPolicy,
  rows: readonly CdrRow[],
): Promise<CdrNames> {
  const ids = (key: CdrFieldKey) =>
    policy.fields.visible.includes(key)
      ? rows.map((r) => r.values[key]).filter((v): v is number => typeof v === "number")
      : [];
  const accountIds = [...new Set([...ids("customer_id"), ...ids("carrier_id")])];
  const ingressIds = [...new Set(ids("ingress_id"))];
  const [accountRows, ingressRows] = await Promise.all([
    accountIds.length
      ? db
          .select({ id: accounts.id, name: accounts.name })
          .from(accounts)
          .where(inArray(accounts.id, accountIds))
      : [],
    ingressIds.length
      ? db
          .select({ id: ingressRoutes.id, name: ingressRoutes.name })
          .from(ingressRoutes)
          .where(inArray(ingressRoutes.id, ingressIds))
      : [],
  ]);
  return {
    accounts: Object.fromEntries(accountRows.map((a) => [a.id, a.name])),
    ingress: Object.fromEntries(ingressRows.map((r) => [r.id, r.name])),
  };
}

type Option = { id: number; name: string };
export type CdrFilterOptions = { customers: Option[]; carriers: Option[]; ingress: Option[] };

/**
 * What the filter form offers to pick from: for staff, the accounts (when the viewer may filter
 * by customer or carrier); for a customer allowed the ingress field, their own routes. Portal
 * users get no other account's names.
 */
async function findCdrFilterOptions(
  db: DbOrTx,
  policy: CdrViewerPolicy,
): Promise<CdrFilterOptions> {
  const staff = policy.scope.kind === "all";
  const accountsOf = (type: "customer" | "carrier") =>
    db
      .select({ id: accounts.id, name: accounts.name })
      .from(accounts)
      .where(eq(accounts.type, type))
      .orderBy(accounts.name);
  const [customers, carriers, ingress] = await Promise.all([
    staff && mayUse(policy, "customer_id") ? accountsOf("customer") : [],
    staff && mayUse(policy, "carrier_id") ? accountsOf("carrier") : [],
    policy.scope.kind === "customer" && mayUse(policy, "ingress_id")
      ? db
          .select({ id: ingressRoutes.id, name: ingressRoutes.name })
          .from(ingressRoutes)
          .where(eq(ingressRoutes.accountId, policy.scope.accountId))
          .orderBy(ingressRoutes.name)
      : [],
  ]);
  return { customers, carriers, ingress };
}

export type CdrListViewData = { result: CdrPageResult; names: CdrNames; options: CdrFilterOptions };

/** The CDR page's read, shared by the Control Panel and the Portal. */
export async function findCdrListView(
  db: DbOrTx,
  policy: CdrViewerPolicy,
  params: CdrPageParams,
): Promise<CdrListViewData> {
  const [result, options] = await Promise.all([
    findCdrPage(db, policy, params),
    findCdrFilterOptions(db, policy),
  ]);
  const names = await findCdrNames(db, policy, result.ok ? result.page.rows : []);
  return { result, names, options };
}
