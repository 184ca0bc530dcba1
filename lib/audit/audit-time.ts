/**
 * How the audit table shows an entry's time. The cell is narrow, so it shows the short form
 * ("30 Nov 14:03:12"; the year only when it is not this year's, so an old entry is never mistaken
 * for a recent one); the full form, with weekday, milliseconds and the zone, is on hover and for
 * screen readers. Both in the viewer's time zone, formatted on the server.
 */
export type AuditTimeLabels = { short: string; full: string };

type Formatters = { short: Intl.DateTimeFormat; full: Intl.DateTimeFormat };

/** One set per time zone: building an Intl.DateTimeFormat costs more than formatting. */
const cache = new Map<string, Formatters>();

function formattersFor(timeZone: string): Formatters {
  let found = cache.get(timeZone);
  if (!found) {
    found = {
      short: new Intl.DateTimeFormat("en-GB", {
        day: "numeric",
        month: "short",
        year: "numeric",
        hour: "2-digit",
        minute: "2-digit",
        second: "2-digit",
        hourCycle: "h23",
        timeZone,
      }),
      full: new Intl.DateTimeFormat("en-GB", {
        weekday: "long",
        day: "numeric",
        month: "long",
        year: "numeric",
        hour: "2-digit",
        minute: "2-digit",
        second: "2-digit",
        fractionalSecondDigits: 3,
        hourCycle: "h23",
        timeZoneName: "short",
        timeZone,
      }),
    };
    cache.set(timeZone, found);
  }
  return found;
}

/** The short and full labels of `at` in `timeZone`; `now` decides whether the year is shown. */
export function auditTimeLabels(at: Date, timeZone: string, now: Date): AuditTimeLabels {
  const { short, full } = formattersFor(timeZone);
  const part = (parts: Intl.DateTimeFormatPart[], type: Intl.DateTimeFormatPartTypes) =>
    parts.find((p) => p.type === type)?.value ?? "";
  const parts = short.formatToParts(at);
  const year = part(parts, "year");
  const date = `${part(parts, "day")} ${part(parts, "month")}`;
  const time = `${part(parts, "hour")}:${part(parts, "minute")}:${part(parts, "second")}`;
  const thisYear = year === part(short.formatToParts(now), "year");
  return {
    short: thisYear ? `${date} ${time}` : `${date} ${year} ${time}`,
    full: full.format(at),
  };
}
