import { sql, type SQL } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { queryRows } from "@/db/raw";
import type { CdrViewerPolicy } from "@/lib/cdrs/viewer-policy";
import {
  BREAKOUT_COLUMNS,
  breakoutColumn,
  type BreakoutColumnKey,
  type BreakoutColumnKind,
} from "@/lib/reports/breakout-columns";
import {
  BREAKOUT_GROUP_KEYS,
  type BreakoutGroupKey,
  type BreakoutParams,
  type BreakoutPeriod,
  type BreakoutSortKey,
  parseBreakoutParams,
  type RawSearchParams,
} from "@/lib/reports/breakout-params";
import { DAY } from "@/lib/search/zoned-dates";

/**
 * The breakout report, read from the daily roll-ups only (`cdr_daily`, or `cdr_daily_breakout`
 * when that answers it). Every measure is computed in
 * SQL from sums (ASR = Σconnected ÷ Σattempts, never an average of daily ASRs), and only the
 * columns the viewer's policy shows are in the SELECT: a hidden column is never computed, so its
 * figures cannot reach the page, the chart or the CSV.
 */

// The catalogue's non-group columns, as their own literal type.
const MEASURE_KEYS = [
  "attempts",
  "connected",
  "asr",
  "acd",
  "pdd",
  "short_calls",
  "short_pct",
  "minutes",
  "billed_minutes",
  "carrier_minutes",
  "revenue",
  "cost",
  "profit",
  "margin",
] as const satisfies readonly BreakoutColumnKey[];
type MeasureKey = (typeof MEASURE_KEYS)[number];
const isMeasureKey = (key: string): key is MeasureKey =>
  (MEASURE_KEYS as readonly string[]).includes(key);
const isGroupKey = (key: string): key is BreakoutGroupKey =>
  (BREAKOUT_GROUP_KEYS as readonly string[]).includes(key);

/** Money columns are per currency; margin is a ratio of money, so it is too. */
const CURRENCY_BOUND: readonly MeasureKey[] = ["revenue", "cost", "profit", "margin"];

type BreakoutCellKey = BreakoutGroupKey | MeasureKey | "period" | "currency";
export type BreakoutDisplayColumn = {
  key: BreakoutCellKey;
  label: string;
  kind: BreakoutColumnKind | "period" | "currency";
};
export type BreakoutCell = string | number | null;
export type BreakoutRow = Partial<Record<BreakoutCellKey, BreakoutCell>>;
export type BreakoutChartPoint = { day: string; minutes?: number; asr?: number | null };

/** What the viewer asked for, cut to what their policy allows. */
export type BreakoutPlan = {
  from: string;
  to: string;
  period: BreakoutPeriod;
  groups: BreakoutGroupKey[];
  measures: MeasureKey[];
  /** The rows are keyed (and totalled) per currency: some money column is shown. */
  byCurrency: boolean;
  customerIds: number[];
  carrierIds: number[];
  sort: { key: BreakoutSortKey; dir: "asc" | "desc" };
  columns: BreakoutDisplayColumn[];
  /** Names of what narrowed the report beyond its dates (for the export's audit message). */
  narrowedBy: string[];
};

const labelOf = (key: BreakoutColumnKey) => breakoutColumn(key).label;
/** One message per refused column, naming the column and never a value. */
const refusal = (key: BreakoutColumnKey) => `${labelOf(key)} is not among your columns.`;

const PERIOD_LABELS: Record<Exclude<BreakoutPeriod, "none">, string> = {
  day: "Day",
  week: "Week",
  month: "Month",
};

/** The grouping a viewer gets without asking: by their breakout (carriers: their destination). */
function defaultGroups(policy: CdrViewerPolicy): BreakoutGroupKey[] {
  const dest = policy.audience === "carrier" ? "carrier_dest_name" : "customer_dest_name";
  return policy.breakout.allowed.includes(dest) ? [dest] : [];
}

/**
 * Checks the request against the policy. A group, filter or sort on a column the viewer may not
 * use is refused (reported, and left out: the rest of the report still runs).
 */
function planBreakout(
  policy: CdrViewerPolicy,
  params: BreakoutParams,
): { plan: BreakoutPlan; refused: string[] } {
  const { allowed, visible } = policy.breakout;
  const refused: string[] = [];
  const refuse = (key: BreakoutColumnKey) => {
    const message = refusal(key);
    if (!refused.includes(message)) refused.push(message);
  };

  const groups: BreakoutGroupKey[] = [];
  for (const key of params.group ?? defaultGroups(policy)) {
    if (allowed.includes(key)) groups.push(key);
    else refuse(key);
  }
  const filterOn = (key: "customer" | "carrier", ids: number[]) => {
    if (ids.length === 0) return [];
    if (allowed.includes(key)) return ids;
    refuse(key);
    return [];
  };
  const customerIds = filterOn("customer", params.customer);
  const carrierIds = filterOn("carrier", params.carrier);

  // Measures in the order the viewer's settings give them.
  const measures = visible.filter(isMeasureKey);
  const byCurrency = measures.some((k) => CURRENCY_BOUND.includes(k));

  const columns: BreakoutDisplayColumn[] = [];
  if (params.period !== "none") {
    columns.push({ key: "period", label: PERIOD_LABELS[params.period], kind: "period" });
  }
  for (const key of groups) columns.push({ key, label: labelOf(key), kind: "group" });
  if (byCurrency) columns.push({ key: "currency", label: "Currency", kind: "currency" });
  for (const key of measures) columns.push({ key, label: labelOf(key), kind: breakoutColumn(key).kind });

  let sort: BreakoutPlan["sort"] | null = null;
  if (params.sort) {
    const key = params.sort;
    const shown = columns.some((c) => c.key === key);
    if (shown) sort = { key, dir: params.dir ?? "asc" };
    // Not allowed: refused. Allowed but not on screen (hidden, not grouped): the default order.
    else if (key !== "period" && key !== "currency" && !allowed.includes(key)) refuse(key);
  }
  sort ??=
    params.period !== "none"
      ? { key: "period", dir: "asc" }
      : measures.includes("attempts")
        ? { key: "attempts", dir: "desc" }
        : { key: columns[0]?.key ?? "period", dir: "asc" };

  const narrowedBy = [
    ...(customerIds.length > 0 ? ["customer"] : []),
    ...(carrierIds.length > 0 ? ["carrier"] : []),
  ];
  return {
    plan: {
      from: params.from,
      to: params.to,
      period: params.period,
      groups,
      measures,
      byCurrency,
      customerIds,
      carrierIds,
      sort,
      columns,
      narrowedBy,
    },
    refused,
  };
}

/** Each measure as SQL over the roll-up `d`, from sums only; ratios are null without a base. */
function measureSql(key: MeasureKey, policy: CdrViewerPolicy): SQL {
  const carrier = policy.audience === "carrier";
  switch (key) {
    case "attempts":
      return sql`coalesce(sum(d.attempts), 0)::float8`;
    case "connected":
      return sql`coalesce(sum(d.connected), 0)::float8`;
    case "asr":
      return sql`round(sum(d.connected) * 100.0 / nullif(sum(d.attempts), 0), 2)::float8`;
    case "acd":
      return sql`round(sum(d.duration_s) / nullif(sum(d.connected), 0), 1)::float8`;
    case "pdd":
      // The leg the viewer is on: the customer's (pdd_in) or the carrier's (pdd_out).
      return carrier
        ? sql`round(sum(d.pdd_out_sum_ms)::numeric / nullif(sum(d.pdd_out_count), 0), 0)::float8`
        : sql`round(sum(d.pdd_sum_ms)::numeric / nullif(sum(d.pdd_count), 0), 0)::float8`;
    case "short_calls":
      return sql`coalesce(sum(d.short_calls), 0)::float8`;
    case "short_pct":
      return sql`round(sum(d.short_calls) * 100.0 / nullif(sum(d.connected), 0), 2)::float8`;
    case "minutes":
      return sql`round(coalesce(sum(d.duration_s), 0) / 60.0, 2)::float8`;
    case "billed_minutes":
      return sql`round(coalesce(sum(d.customer_duration_s), 0) / 60.0, 2)::float8`;
    case "carrier_minutes":
      return sql`round(coalesce(sum(d.carrier_duration_s), 0) / 60.0, 2)::float8`;
    case "revenue":
      return sql`round(coalesce(sum(d.customer_charge), 0), 4)`;
    case "cost":
      // A carrier's own charge in its currency; for staff the buy side in the customer's
      // currency (revenue − profit), so that revenue, cost and profit of a row add up. From the
      // two sums (exact decimals, the same total), which revenue and profit compute anyway.
      return carrier
        ? sql`round(coalesce(sum(d.carrier_charge), 0), 4)`
        : sql`round(coalesce(sum(d.customer_charge), 0) - coalesce(sum(d.profit), 0), 4)`;
    case "profit":
      return sql`round(coalesce(sum(d.profit), 0), 4)`;
    case "margin":
      return sql`round(sum(d.profit) * 100 / nullif(sum(d.customer_charge), 0), 2)::float8`;
  }
}

const GROUP_SQL: Record<BreakoutGroupKey, SQL> = {
  customer_dest_name: sql`d.customer_dest_name`,
  carrier_dest_name: sql`d.carrier_dest_name`,
  customer: sql`d.customer_id`,
  carrier: sql`d.carrier_id`,
};

const PERIOD_SQL: Record<Exclude<BreakoutPeriod, "none">, SQL> = {
  day: sql`d.day`,
  // ISO weeks (Monday) and calendar months, named by their first day.
  week: sql`date_trunc('week', d.day)::date`,
  month: sql`date_trunc('month', d.day)::date`,
};

const currencySql = (policy: CdrViewerPolicy) =>
  policy.audience === "carrier" ? sql`d.carrier_currency` : sql`d.customer_currency`;

/** The viewer's scope, the dates and the filters: the same rows for table, totals and chart. */
function whereSql(policy: CdrViewerPolicy, plan: BreakoutPlan): SQL {
  const parts: SQL[] = [sql`d.day between ${plan.from}::date and ${plan.to}::date`];
  const { scope } = policy;
  if (scope.kind === "customer") parts.push(sql`d.customer_id = ${scope.accountId}`);
  if (scope.kind === "carrier") parts.push(sql`d.carrier_id = ${scope.accountId}`);
  const inList = (column: SQL, ids: number[]) =>
    sql`${column} in (${sql.join(
      ids.map((id) => sql`${id}`),
      sql`, `,
    )})`;
  if (plan.customerIds.length > 0) parts.push(inList(sql`d.customer_id`, plan.customerIds));
  if (plan.carrierIds.length > 0) parts.push(inList(sql`d.carrier_id`, plan.carrierIds));
  return sql.join(parts, sql` and `);
}

const isMoney = (key: MeasureKey) => breakoutColumn(key).kind === "money";
/** Money leaves the database as exact decimal text; everything else as a number. */
const output = (key: MeasureKey, expr: SQL) => (isMoney(key) ? sql`${expr}::text` : expr);

const measuresSql = (policy: CdrViewerPolicy, measures: MeasureKey[]) =>
  measures.map((k) => sql`, ${output(k, measureSql(k, policy))} as ${sql.identifier(k)}`);

type RawRow = Record<string, BreakoutCell>;

/**
 * The roll-up a report reads: over all accounts, grouped by nothing but the breakout and the
 * period, the per-breakout one (measures for staff only use its columns); else cdr_daily.
 */
function sourceOf(policy: CdrViewerPolicy, plan: BreakoutPlan): SQL {
  const coarse =
    policy.scope.kind === "all" &&
    plan.customerIds.length === 0 &&
    plan.carrierIds.length === 0 &&
    plan.groups.every((g) => g === "customer_dest_name");
  return coarse ? sql`cdr_daily_breakout d` : sql`cdr_daily d`;
}

async function findRows(
  db: DbOrTx,
  policy: CdrViewerPolicy,
  plan: BreakoutPlan,
  limit: number,
): Promise<RawRow[]> {
  // Keys of a row: period, groups (ids for accounts), currency — aggregated first, named after.
  const keys: [string, SQL][] = [];
  if (plan.period !== "none") keys.push(["period", PERIOD_SQL[plan.period]]);
  for (const g of plan.groups) keys.push([g, GROUP_SQL[g]]);
  if (plan.byCurrency) keys.push(["currency", currencySql(policy)]);

  const inner = sql.join(
    keys.map(([alias, expr]) => sql`${expr} as ${sql.identifier(`k_${alias}`)}`),
    sql`, `,
  );
  const groupBy = keys.length > 0 ? sql` group by ${sql.join(keys.map(([, e]) => e), sql`, `)}` : sql``;
  const cells = (alias: string): SQL => {
    const k = sql.identifier(`k_${alias}`);
    switch (alias) {
      case "period":
        return sql`to_char(r.${k}, 'YYYY-MM-DD')`;
      case "customer":
        return sql`coalesce(cu.name, '#' || r.${k})`;
      case "carrier":
        // Calls no carrier took are rolled up under carrier 0.
        return sql`case when r.${k} = 0 then '(no carrier)' else coalesce(ca.name, '#' || r.${k}) end`;
      case "currency":
        return sql`trim(r.${k})`;
      default:
        return sql`r.${k}`;
    }
  };
  const outer = keys.map(([alias]) => sql`${cells(alias)} as ${sql.identifier(alias)}, `);
  // Sorted while still numbers; money becomes text only in the output.
  const measureCols = plan.measures.map(
    (m) => sql`, ${output(m, sql`r.${sql.identifier(m)}`)} as ${sql.identifier(m)}`,
  );
  const joins = sql.join(
    [
      plan.groups.includes("customer") ? sql`left join accounts cu on cu.id = r.k_customer` : sql``,
      plan.groups.includes("carrier") ? sql`left join accounts ca on ca.id = r.k_carrier` : sql``,
    ],
    sql` `,
  );

  // Sorting: the chosen column (group columns by what is shown), then the keys for a stable order.
  const orderOf = (key: BreakoutSortKey): SQL =>
    key === "period" || key === "currency" || isGroupKey(key)
      ? sql`${sql.identifier(key)}`
      : sql`r.${sql.identifier(key)}`;
  const dir = plan.sort.dir === "asc" ? sql`asc` : sql`desc`;
  const sorted = plan.columns.some((c) => c.key === plan.sort.key);
  const order = [
    ...(sorted ? [sql`${orderOf(plan.sort.key)} ${dir} nulls last`] : []),
    ...keys.map(([alias]) => sql`${sql.identifier(alias)} asc`),
  ];

  const select = keys.length > 0 ? sql`${inner}` : sql`1 as k_one`;
  return queryRows<RawRow>(
    db,
    sql`with r as (
      select ${select}${sql.join(
        plan.measures.map((k) => sql`, ${measureSql(k, policy)} as ${sql.identifier(k)}`),
        sql``,
      )}
      from ${sourceOf(policy, plan)}
      where ${whereSql(policy, plan)}${groupBy}
    )
    select ${sql.join(outer, sql``)}1 as one${sql.join(measureCols, sql``)}
    from r ${joins}
    ${order.length > 0 ? sql`order by ${sql.join(order, sql`, `)}` : sql``}
    limit ${limit}`,
  );
}

async function findTotals(
  db: DbOrTx,
  policy: CdrViewerPolicy,
  plan: BreakoutPlan,
): Promise<RawRow[]> {
  const currency = currencySql(policy);
  return queryRows<RawRow>(
    db,
    plan.byCurrency
      ? sql`select trim(${currency}) as currency${sql.join(measuresSql(policy, plan.measures), sql``)}
          from ${sourceOf(policy, plan)} where ${whereSql(policy, plan)}
          group by ${currency} order by ${currency}`
      : sql`select 1 as one${sql.join(measuresSql(policy, plan.measures), sql``)}
          from ${sourceOf(policy, plan)} where ${whereSql(policy, plan)}`,
  );
}

/** Minutes and ASR per day over the whole range (days without traffic at zero), if visible. */
async function findChart(
  db: DbOrTx,
  policy: CdrViewerPolicy,
  plan: BreakoutPlan,
): Promise<{ series: ("minutes" | "asr")[]; points: BreakoutChartPoint[] }> {
  const series = (["minutes", "asr"] as const).filter((k) => plan.measures.includes(k));
  if (series.length === 0) return { series, points: [] };
  const rows = await queryRows<RawRow>(
    db,
    sql`select to_char(d.day, 'YYYY-MM-DD') as day${sql.join(measuresSql(policy, series), sql``)}
      from ${sourceOf(policy, plan)} where ${whereSql(policy, plan)}
      group by d.day order by d.day`,
  );
  const byDay = new Map(rows.map((r) => [String(r.day), r]));
  const points: BreakoutChartPoint[] = [];
  const end = Date.parse(`${plan.to}T00:00:00Z`);
  for (let t = Date.parse(`${plan.from}T00:00:00Z`); t <= end; t += DAY) {
    const day = new Date(t).toISOString().slice(0, 10);
    const row = byDay.get(day);
    const point: BreakoutChartPoint = { day };
    if (series.includes("minutes")) point.minutes = Number(row?.minutes ?? 0);
    if (series.includes("asr")) point.asr = row?.asr == null ? null : Number(row.asr);
    points.push(point);
  }
  return { series, points };
}

export type BreakoutReport = {
  plan: BreakoutPlan;
  rows: BreakoutRow[];
  /** One row over the whole result; one per currency when money is shown. */
  totals: BreakoutRow[];
  /** More rows matched than `limit`: the table shows the first ones (totals cover all). */
  truncated: boolean;
  chart: { series: ("minutes" | "asr")[]; points: BreakoutChartPoint[] };
};

export type BreakoutResult =
  | { ok: true; report: BreakoutReport; refused: string[] }
  | { ok: false; error: string; refused: string[] };

const pick = (row: RawRow, columns: BreakoutDisplayColumn[]): BreakoutRow => {
  const out: BreakoutRow = {};
  for (const c of columns) if (c.key in row) out[c.key] = row[c.key] ?? null;
  return out;
};

const PAGE_ROW_LIMIT = 1000;
export const EXPORT_ROW_LIMIT = 100_000;

/**
 * The report for one viewer: rows, totals from sums over the whole result, and the chart's
 * points. `chart: false` skips the chart (the export has none).
 */
export async function findBreakoutReport(
  db: DbOrTx,
  policy: CdrViewerPolicy,
  params: BreakoutParams,
  options: { limit?: number; chart?: boolean } = {},
): Promise<BreakoutResult> {
  const { plan, refused } = planBreakout(policy, params);
  if (params.rangeError) return { ok: false, error: params.rangeError, refused };
  const limit = options.limit ?? PAGE_ROW_LIMIT;
  const [rows, totals, chart] = await Promise.all([
    findRows(db, policy, plan, limit + 1),
    findTotals(db, policy, plan),
    options.chart === false
      ? Promise.resolve({ series: [], points: [] })
      : findChart(db, policy, plan),
  ]);
  return {
    ok: true,
    refused,
    report: {
      plan,
      rows: rows.slice(0, limit).map((r) => pick(r, plan.columns)),
      totals: totals.map((r) => pick(r, plan.columns)),
      truncated: rows.length > limit,
      chart,
    },
  };
}

type BreakoutAccountOption = { id: number; name: string };
export type BreakoutFilterOptions = {
  groups: { key: BreakoutGroupKey; label: string }[];
  /** Present only when the viewer may use the Customer (Carrier) column. */
  customers: BreakoutAccountOption[] | null;
  carriers: BreakoutAccountOption[] | null;
};

/** What the form offers: the groupings and account filters this viewer may use, nothing else. */
async function findFilterOptions(
  db: DbOrTx,
  policy: CdrViewerPolicy,
): Promise<BreakoutFilterOptions> {
  const accountsOf = async (type: "customer" | "carrier") =>
    policy.breakout.allowed.includes(type)
      ? (
          await queryRows<{ id: string | number; name: string }>(
            db,
            sql`select id, name from accounts where type = ${type} order by lower(name) limit 500`,
          )
        ).map((r) => ({ id: Number(r.id), name: r.name }))
      : null;
  const [customers, carriers] = await Promise.all([
    accountsOf("customer"),
    accountsOf("carrier"),
  ]);
  const groups = BREAKOUT_COLUMNS.filter(
    (c) => isGroupKey(c.key) && policy.breakout.allowed.includes(c.key),
  ).map((c) => ({ key: c.key as BreakoutGroupKey, label: c.label }));
  return { groups, customers, carriers };
}

/** Everything the report page draws, from the URL, for one viewer. */
export async function loadBreakoutView(
  db: DbOrTx,
  policy: CdrViewerPolicy,
  raw: RawSearchParams,
) {
  const params = parseBreakoutParams(raw, policy.viewer.timeZone);
  const [result, options] = await Promise.all([
    findBreakoutReport(db, policy, params),
    findFilterOptions(db, policy),
  ]);
  // The groupings in force (the viewer's default when the URL names none), for the form.
  const groups = planBreakout(policy, params).plan.groups;
  return { params, result, options, groups };
}
export type BreakoutView = Awaited<ReturnType<typeof loadBreakoutView>>;
