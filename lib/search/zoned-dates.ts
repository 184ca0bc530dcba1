// Wall-clock times in an IANA time zone and the instants they name, with Intl (no date library).

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

const clocks = new Map<string, Intl.DateTimeFormat>();

/** One cached formatter per zone; throws RangeError for a zone Intl does not know. */
export function wallClock(timeZone: string): Intl.DateTimeFormat {
  let clock = clocks.get(timeZone);
  if (!clock) {
    clock = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    if (clocks.size >= 100) clocks.clear(); // zone names come from user settings: stay bounded
    clocks.set(timeZone, clock);
  }
  return clock;
}

/**
 * The wall-clock reading in `timeZone` at `utc`, expressed as if it were a UTC timestamp (so
 * that reading − utc is the zone's offset there). Milliseconds carry over unchanged.
 */
export function wallTime(utc: number, timeZone: string): number {
  const fields: Record<string, number> = {};
  for (const part of wallClock(timeZone).formatToParts(new Date(utc))) {
    if (part.type !== "literal") fields[part.type] = Number(part.value);
  }
  const ms = ((utc % 1000) + 1000) % 1000;
  return Date.UTC(
    fields.year!,
    fields.month! - 1,
    fields.day,
    fields.hour! % 24, // some engines write midnight as 24 even with h23
    fields.minute,
    fields.second,
    ms,
  );
}

/**
 * The instant at which clocks in `timeZone` show `wall`. Offsets are sampled a day either side,
 * which brackets any single transition. In an overlap (fall back, 01:30 happens twice) the
 * earlier instant wins; in a gap (spring forward, 02:30 never happens) the time moves forward
 * by the gap, as Temporal's "compatible" disambiguation does — so a day that starts at 01:00
 * because of a midnight transition starts at 01:00 here too.
 */
export function localToUtc(wall: number, timeZone: string): number {
  const offsetBefore = wallTime(wall - DAY, timeZone) - (wall - DAY);
  const offsetAfter = wallTime(wall + DAY, timeZone) - (wall + DAY);
  const candidates = [wall - offsetBefore, wall - offsetAfter].filter(
    (t) => wallTime(t, timeZone) === wall,
  );
  return candidates.length > 0 ? Math.min(...candidates) : wall - offsetBefore;
}
