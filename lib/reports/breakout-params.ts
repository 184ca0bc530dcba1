import { z } from "zod";
import { BREAKOUT_COLUMN_KEYS, type BreakoutColumnKey } from "@/lib/reports/breakout-columns";
import { DAY, wallTime } from "@/lib/search/zoned-dates";

/**
 * The breakout report's whole state lives in its URL: this schema reads it for the page and the
 * export alike. Unknown values fall back instead of failing, so a mangled link still opens; what
 * the viewer may use is decided afterwards against their policy (lib/reports/breakout.ts).
 */

export const BREAKOUT_GROUP_KEYS = [
  "customer_dest_name",
  "carrier_dest_name",
  "customer",
  "carrier",
] as const satisfies readonly BreakoutColumnKey[];
export type BreakoutGroupKey = (typeof BREAKOUT_GROUP_KEYS)[number];

export const BREAKOUT_PERIODS = ["none", "day", "week", "month"] as const;
export type BreakoutPeriod = (typeof BREAKOUT_PERIODS)[number];

/** Besides the catalogue's columns, a row may be keyed by its period and its currency. */
export const BREAKOUT_SORT_KEYS = [...BREAKOUT_COLUMN_KEYS, "period", "currency"] as const;
export type BreakoutSortKey = (typeof BREAKOUT_SORT_KEYS)[number];

/** The longest range one report covers: a year and a day (a leap year's whole span). */
const MAX_RANGE_DAYS = 366;
/** At most this many accounts in one customer or carrier filter. */
export const MAX_IDS = 50;

type RawValue = string | string[] | undefined;
export type RawSearchParams = Record<string, RawValue>;

const values = (v: RawValue) =>
  (Array.isArray(v) ? v : v === undefined ? [] : [v])
    .flatMap((s) => s.split(","))
    .map((s) => s.trim())
    .filter(Boolean);

/** A real calendar day. zod runs the refinement even after the regex failed, so it must not throw. */
const isRealDay = (s: string) => {
  const at = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(at.getTime()) && at.toISOString().startsWith(s);
};

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .refine(isRealDay)
  .optional()
  .catch(undefined);

const ids = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) =>
    [
      ...new Set(
        values(v)
          .map(Number)
          .filter((n) => Number.isSafeInteger(n) && n > 0),
      ),
    ].slice(0, MAX_IDS),
  )
  .catch([]);

const breakoutParamsSchema = z.object({
  from: isoDate,
  to: isoDate,
  // Absent: the viewer's default grouping. Present but empty (the form's hidden "none"): none.
  group: z
    .union([z.string(), z.array(z.string())])
    .optional()
    .transform((v) =>
      v === undefined
        ? null
        : BREAKOUT_GROUP_KEYS.filter((k) => values(v).includes(k)).map((k) => k),
    )
    .catch(null),
  period: z.enum(BREAKOUT_PERIODS).catch("none").default("none"),
  customer: ids,
  carrier: ids,
  sort: z.enum(BREAKOUT_SORT_KEYS).optional().catch(undefined),
  dir: z.enum(["asc", "desc"]).optional().catch(undefined),
});

export type BreakoutParams = Omit<z.infer<typeof breakoutParamsSchema>, "from" | "to"> & {
  from: string;
  to: string;
  /** Why the dates cannot run (the report is not run); null when they can. */
  rangeError: string | null;
};

const dateOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const msOf = (date: string) => Date.parse(`${date}T00:00:00Z`);

/** Today's date on the viewer's wall clock, as YYYY-MM-DD. */
function todayIn(timeZone: string, now = Date.now()): string {
  try {
    return dateOf(wallTime(now, timeZone));
  } catch {
    return dateOf(now); // an unknown zone in the user's settings: UTC rather than no report
  }
}

/**
 * Reads the URL. Dates are the roll-up's days (UTC, as the ingest writes them); without them the
 * report covers the last 7 days up to today in the viewer's time zone.
 */
export function parseBreakoutParams(
  raw: RawSearchParams,
  timeZone: string,
  now = Date.now(),
): BreakoutParams {
  const parsed = breakoutParamsSchema.parse(raw);
  const to = parsed.to ?? (parsed.from ? dateOf(msOf(parsed.from) + 6 * DAY) : todayIn(timeZone, now));
  const from = parsed.from ?? dateOf(msOf(to) - 6 * DAY);
  const span = (msOf(to) - msOf(from)) / DAY + 1;
  const rangeError =
    span < 1
      ? "The start date is after the end date."
      : span > MAX_RANGE_DAYS
        ? `A report covers at most ${MAX_RANGE_DAYS} days: narrow the date range.`
        : null;
  return { ...parsed, from, to, rangeError };
}

/** Serialises state back into a query string; `patch` changes some fields. */
export function breakoutHref(
  basePath: string,
  params: BreakoutParams,
  patch: Partial<BreakoutParams> = {},
): string {
  const next = { ...params, ...patch };
  const sp = new URLSearchParams();
  sp.set("from", next.from);
  sp.set("to", next.to);
  if (next.group !== null) sp.set("group", next.group.length > 0 ? next.group.join(",") : "none");
  if (next.period !== "none") sp.set("period", next.period);
  if (next.customer.length > 0) sp.set("customer", next.customer.join(","));
  if (next.carrier.length > 0) sp.set("carrier", next.carrier.join(","));
  if (next.sort) sp.set("sort", next.sort);
  if (next.dir) sp.set("dir", next.dir);
  return `${basePath}?${sp.toString()}`;
}
