import { z } from "zod";
import { DAY, localToUtc, wallTime } from "@/lib/search/zoned-dates";

/**
 * The CDR pages' state lives in the URL: this schema reads it for the page, the record page and
 * the export. Every field falls back instead of failing, so a mangled link still opens; whether
 * a filter may be used at all is the viewer policy's to say (lib/cdrs/queries.ts).
 */

const text = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .optional()
    .transform((v) => v ?? "")
    .catch("");

const id = z.coerce
  .number()
  .int()
  .positive()
  .max(Number.MAX_SAFE_INTEGER)
  .optional()
  .catch(undefined);

const cdrPageParamsSchema = z.object({
  /** Wall-clock times in the viewer's zone: `YYYY-MM-DDTHH:MM` (a datetime-local input) or a day. */
  from: text(32),
  to: text(32),
  account: id,
  ingress: id,
  carrier: id,
  /** Breakout (destination) name, matched from its start, case-insensitively. */
  dest: text(100),
  /** A final SIP code (`486`) or class (`4xx`). */
  sip: z
    .string()
    .trim()
    .regex(/^[1-6](\d\d|xx)$/i)
    .optional()
    .catch(undefined),
  connected: z
    .union([z.string(), z.array(z.string())])
    .optional()
    .transform((v) => v !== undefined && v !== "" && v !== "0" && v !== "false")
    .catch(false),
  /** Digits, matched from the start of a number; a leading `*` matches anywhere in it. */
  number: z
    .string()
    .transform((v) => v.replace(/[\s\-().]/g, "").replace(/^\+/, ""))
    .pipe(z.string().regex(/^\*?\d{1,20}$/))
    .optional()
    .catch(undefined),
  order: z.enum(["newest", "oldest"]).optional().catch(undefined),
  cursor: text(200),
});

export type CdrPageParams = z.infer<typeof cdrPageParamsSchema>;
export type RawSearchParams = Record<string, string | string[] | undefined>;

export function parseCdrPageParams(raw: RawSearchParams): CdrPageParams {
  // Repeated parameters: the first one counts.
  const first = Object.fromEntries(
    Object.entries(raw).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]),
  );
  return cdrPageParamsSchema.parse(first);
}

/** Serialises the state into a query string (defaults dropped); `patch` changes some fields. */
export function cdrPageQuery(params: CdrPageParams, patch: Partial<CdrPageParams> = {}): string {
  const next = { ...params, ...patch };
  const sp = new URLSearchParams();
  if (next.from) sp.set("from", next.from);
  if (next.to) sp.set("to", next.to);
  if (next.account) sp.set("account", String(next.account));
  if (next.ingress) sp.set("ingress", String(next.ingress));
  if (next.carrier) sp.set("carrier", String(next.carrier));
  if (next.dest) sp.set("dest", next.dest);
  if (next.sip) sp.set("sip", next.sip);
  if (next.connected) sp.set("connected", "1");
  if (next.number) sp.set("number", next.number);
  if (next.order && next.order !== "newest") sp.set("order", next.order);
  if (next.cursor) sp.set("cursor", next.cursor);
  return sp.toString();
}

export const cdrPageHref = (
  basePath: string,
  params: CdrPageParams,
  patch: Partial<CdrPageParams> = {},
) => {
  const qs = cdrPageQuery(params, patch);
  return qs ? `${basePath}?${qs}` : basePath;
};

/** The longest range one query may read: a month, the CDR indexes' working set. */
const MAX_RANGE_DAYS = 31;
const DEFAULT_SPAN = DAY;

export type CdrRange = { from: Date; to: Date };

const WALL = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?$/;

/** A wall-clock text as an instant in `timeZone`; a bare day is its start (or, for `to`, its end). */
function readWall(value: string, timeZone: string, end: boolean): number | null {
  const m = WALL.exec(value);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map((p) => (p === undefined ? undefined : Number(p)));
  const wall = Date.UTC(y!, mo! - 1, d, h ?? 0, mi ?? 0, s ?? 0);
  const check = new Date(wall);
  if (check.getUTCMonth() !== mo! - 1 || check.getUTCDate() !== d! || (h ?? 0) > 23) return null;
  return localToUtc(h === undefined && end ? wall + DAY : wall, timeZone);
}

/** An instant as the datetime-local text of `timeZone` (minutes). */
function wallText(at: number, timeZone: string): string {
  return new Date(wallTime(at, timeZone)).toISOString().slice(0, 16);
}

/**
 * The range the params name, with defaults filled in the viewer's zone: no dates, the last 24
 * hours; only From, up to now (or the day from it, when now is over a month later); only To, the
 * day up to it. The filled params are returned so that links and the
 * export keep reading the same range however long they take.
 */
export function resolveCdrRange(
  params: CdrPageParams,
  timeZone: string,
  now: Date = new Date(),
): { ok: true; range: CdrRange; params: CdrPageParams } | { ok: false; error: string } {
  // Up to the next whole minute, so that calls of the current minute are in.
  const nowMinute = Math.ceil(now.getTime() / 60_000) * 60_000;
  let from = params.from ? readWall(params.from, timeZone, false) : undefined;
  let to = params.to ? readWall(params.to, timeZone, true) : undefined;
  if (from === null) return { ok: false, error: "From is not a date and time (YYYY-MM-DD HH:MM)." };
  if (to === null) return { ok: false, error: "To is not a date and time (YYYY-MM-DD HH:MM)." };
  if (from === undefined && to === undefined) {
    to = nowMinute;
    from = to - DEFAULT_SPAN;
  } else if (from === undefined) {
    from = to! - DEFAULT_SPAN;
  } else if (to === undefined) {
    // Up to now when that is a range one query may read; else the day from it.
    to =
      from < nowMinute && nowMinute - from <= MAX_RANGE_DAYS * DAY
        ? nowMinute
        : from + DEFAULT_SPAN;
  }
  if (from >= to!) return { ok: false, error: "From must be before To." };
  if (to! - from > MAX_RANGE_DAYS * DAY + 2 * 3_600_000) {
    // (two hours of slack: a month between two wall-clock dates may cross a DST change)
    return {
      ok: false,
      error: `The date range spans more than ${MAX_RANGE_DAYS} days: choose a shorter one.`,
    };
  }
  return {
    ok: true,
    range: { from: new Date(from), to: new Date(to!) },
    // As the form's datetime-local inputs show them (a bare `to` day reads as the next midnight).
    params: { ...params, from: wallText(from, timeZone), to: wallText(to!, timeZone) },
  };
}
