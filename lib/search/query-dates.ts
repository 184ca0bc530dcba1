// after:/before: dates both ways: the text a query may hold, and the shortest text for an instant.
import { QueryError, snippet } from "./query-language";
import { DAY, HOUR, MINUTE, localToUtc, wallTime } from "./zoned-dates";

const RELATIVE_UNITS: Record<string, number> = { m: MINUTE, h: HOUR, d: DAY, w: 7 * DAY };
// The 4-digit years the syntax can write, so that every accepted date can be formatted back.
const MIN_TIME = Date.UTC(1000, 0, 2);
const MAX_TIME = Date.UTC(9999, 11, 30);

const ABSOLUTE_DATE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z|z|[+-]\d{2}(?::?\d{2})?)?)?$/;
const RELATIVE_DATE = /^-(\d{1,4})([mhdw])$/i;

/**
 * A date in a query as an instant: relative (-7d) from `now`, with an explicit UTC offset, or
 * else a wall-clock time in `timeZone`.
 */
export function parseQueryDate(
  key: "after" | "before",
  value: string,
  options: { timeZone: string; now?: Date },
): Date {
  const relative = RELATIVE_DATE.exec(value);
  if (relative) {
    const now = (options.now ?? new Date()).getTime();
    return checkRange(
      key,
      value,
      now - Number(relative[1]) * RELATIVE_UNITS[relative[2]!.toLowerCase()]!,
    );
  }
  const m = ABSOLUTE_DATE.exec(value);
  if (!m) {
    throw new QueryError(
      `${key}: takes a date like 2026-11-01 or 2026-11-01T14:30, got "${snippet(value)}"`,
    );
  }
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map((p) => Number(p ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (hour > 23 || minute > 59 || second > 59) {
    throw new QueryError(`${key}: "${value}" is not a valid time`);
  }
  const millis = Number((m[7] ?? "").padEnd(3, "0"));
  const wall = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  // Date.UTC rolls 2026-02-30 over into March; a real calendar day survives the round trip.
  const check = new Date(wall);
  const realDay = year >= 1000 && check.getUTCMonth() === month - 1 && check.getUTCDate() === day;
  if (!realDay) throw new QueryError(`${key}: "${value}" is not a valid date`);
  const zone = m[8];
  if (zone) {
    const offset = parseOffset(zone);
    if (offset === null) throw new QueryError(`${key}: "${value}" has an invalid UTC offset`);
    return checkRange(key, value, wall - offset);
  }
  return checkRange(key, value, localToUtc(wall, options.timeZone));
}

function checkRange(key: string, value: string, time: number): Date {
  if (!(time >= MIN_TIME && time <= MAX_TIME)) {
    throw new QueryError(`${key}: "${value}" is out of range`);
  }
  return new Date(time);
}

/**
 * "Z", "+05:30", "-0500", "+01" → milliseconds east of UTC. "Z" needs no case of its own: it has
 * no digits, and Number("") is 0.
 */
function parseOffset(zone: string): number | null {
  const sign = zone[0] === "-" ? -1 : 1;
  const digits = zone.slice(1).replace(":", "");
  const hours = Number(digits.slice(0, 2));
  const minutes = Number(digits.slice(2));
  if (hours > 23 || minutes > 59) return null;
  return sign * (hours * HOUR + minutes * MINUTE);
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/**
 * The shortest text that parses back to exactly `date` in `timeZone`: a bare day at local
 * midnight, then minutes, seconds and milliseconds only when needed, and a UTC offset only for
 * the second pass through a fall-back hour, which the wall time alone cannot name.
 */
export function formatAuditDate(date: Date, timeZone: string): string {
  const utc = date.getTime();
  const wall = wallTime(utc, timeZone);
  const w = new Date(wall);
  const day = `${pad(w.getUTCFullYear(), 4)}-${pad(w.getUTCMonth() + 1)}-${pad(w.getUTCDate())}`;
  const [h, m, s, ms] = [
    w.getUTCHours(),
    w.getUTCMinutes(),
    w.getUTCSeconds(),
    w.getUTCMilliseconds(),
  ];
  let time = "";
  if (s || ms) time = `T${pad(h)}:${pad(m)}:${pad(s)}${ms ? `.${pad(ms, 3)}` : ""}`;
  else if (h || m) time = `T${pad(h)}:${pad(m)}`;
  if (localToUtc(wall, timeZone) === utc) return day + time;

  const offset = wall - utc;
  if (offset % MINUTE !== 0) {
    // Historical offsets in seconds (local mean time) have no ±HH:MM spelling: write UTC.
    const u = date.toISOString().replace(/\.000Z$/, "Z");
    return u.replace(/:00Z$/, "Z");
  }
  const sign = offset < 0 ? "-" : "+";
  const abs = Math.abs(offset);
  return `${day}${time || "T00:00"}${sign}${pad(Math.floor(abs / HOUR))}:${pad((abs % HOUR) / MINUTE)}`;
}
