// What the search language's tests share: a fixed "now" and short ways to parse.
import { EMPTY_CRITERIA, type AuditCriteria } from "./criteria";
import { parseAuditQuery } from "./parse-audit-query";

export const NOW = new Date("2026-11-05T12:00:00.250Z");

/** The criteria `query` parses to; fails the test with the parser's message otherwise. */
export function criteria(query: string, timeZone = "UTC"): AuditCriteria {
  const result = parseAuditQuery(query, { timeZone, now: NOW });
  if (!result.ok) throw new Error(`"${query}" did not parse: ${result.error}`);
  return result.criteria;
}

/** EMPTY_CRITERIA with some fields set: what most expectations look like. */
export const expected = (fields: Partial<AuditCriteria>): AuditCriteria => ({
  ...EMPTY_CRITERIA,
  ...fields,
});

/** The parser's message for `query`; fails the test if it parses. */
export function errorOf(query: string, timeZone = "UTC"): string {
  const result = parseAuditQuery(query, { timeZone, now: NOW });
  if (result.ok) throw new Error(`"${query}" parsed: ${JSON.stringify(result.criteria)}`);
  return result.error;
}

/** The after:/before: instants `query` parses to, as ISO strings. */
export const iso = (query: string, timeZone: string) => {
  const c = criteria(query, timeZone);
  return { after: c.after?.toISOString(), before: c.before?.toISOString() };
};
