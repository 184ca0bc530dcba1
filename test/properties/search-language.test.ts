// Property-based tests of the audit search language: hostile text never escapes the parser as
// anything but its own error, and the formatter writes what the parser reads back.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AUDIT_ACTIONS } from "@/db/schema/enums";
import { AUDIT_TABLE_FILTER_VALUES } from "@/lib/audit/table-names";
import { EMPTY_CRITERIA, type AuditCriteria } from "@/lib/search/criteria";
import {
  formatAuditCriteria,
  formatAuditQuery,
  type AuditQueryTerms,
} from "@/lib/search/format-audit-query";
import { normalizeIpOrCidr } from "@/lib/search/normalize-ip";
import { parseAuditQuery } from "@/lib/search/parse-audit-query";
import { formatAuditDate } from "@/lib/search/query-dates";
import { MAX_QUERY_LENGTH } from "@/lib/search/query-language";

const NOW = new Date("2026-11-05T12:00:00.250Z");
const ZONES = [
  "UTC",
  "Europe/London",
  "America/New_York",
  "Asia/Kathmandu",
  "America/Santiago",
  "Australia/Lord_Howe",
  "Pacific/Chatham",
];

/** Pieces a hostile or careless user types: the language's own syntax, SQL, LIKE, escapes. */
const HOSTILE = [
  "' OR 1=1 --",
  "'; DROP TABLE audit_log; --",
  "%",
  "_",
  "\\",
  "\\%",
  '"',
  '\\"',
  ":",
  ",",
  " ",
  "\t",
  "\n",
  "\u00a0",
  "-",
  "user:",
  "USER:",
  "-action:",
  "ip:",
  "ip:10.0.0.0/8",
  "action:",
  "table:",
  "pk:",
  "account:",
  "ingress:",
  "after:",
  "before:",
  "after:-7d",
  "before:2026-11-01",
  "2026-11-01T01:30",
  "9007199254740993",
  "\u0000",
  "\u001b",
  "\u0085",
  "\ud800",
  "\udc00",
  "🔥",
  "Zoë",
  "日本",
  "<script>alert(1)</script>",
];

const hostileText = fc
  .array(
    fc.oneof(
      fc.constantFrom(...HOSTILE),
      fc.string({ unit: "binary", maxLength: 8 }),
      fc.string({ maxLength: 8 }),
    ),
    { maxLength: 40 },
  )
  .map((parts) => parts.join(""));

const anyQuery = fc.oneof(
  hostileText,
  fc.string({ unit: "binary", maxLength: 600 }),
  fc.string({ unit: "grapheme", maxLength: 100 }),
);

describe("parseAuditQuery on arbitrary text", () => {
  it("returns criteria or its own error message, and never throws", () => {
    fc.assert(
      fc.property(anyQuery, fc.constantFrom(...ZONES), (query, timeZone) => {
        const result = parseAuditQuery(query, { timeZone, now: NOW });
        if (result.ok) {
          expect(Object.keys(result.criteria)).toEqual(
            expect.arrayContaining(Object.keys(EMPTY_CRITERIA)),
          );
        } else {
          expect(typeof result.error).toBe("string");
          expect(result.error.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("gives back what it parsed from its own canonical query", () => {
    fc.assert(
      fc.property(anyQuery, fc.constantFrom(...ZONES), (query, timeZone) => {
        const first = parseAuditQuery(query, { timeZone, now: NOW });
        if (!first.ok) return;
        const formatted = formatAuditCriteria(first.criteria, timeZone);
        // The one documented exception: relative dates written out as absolute ones.
        fc.pre(formatted.length <= MAX_QUERY_LENGTH);
        const second = parseAuditQuery(formatted, { timeZone, now: new Date(0) });
        expect(second, formatted).toEqual({ ok: true, criteria: first.criteria });
        if (second.ok) expect(formatAuditCriteria(second.criteria, timeZone)).toBe(formatted);
      }),
      { numRuns: 500 },
    );
  });
});

/** Characters a value may hold: anything but the double quote (the language has no escape). */
const valueChar = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom("a", "Z", "0", "%", "_", "\\", "'", ":", ",", "-", ".") },
  { weight: 2, arbitrary: fc.constantFrom(" ", "\t", "\u00a0", "\u3000") },
  { weight: 2, arbitrary: fc.string({ unit: "grapheme", minLength: 1, maxLength: 1 }) },
);
/** A value as the parser keeps it: not blank, no surrounding whitespace, no double quote. */
const value = fc
  .string({ unit: valueChar, minLength: 1, maxLength: 12 })
  .filter((v) => v.trim() === v && v !== "" && !v.includes('"'))
  // Control characters are refused by the parser (tested above), not valid terms.
  .filter((v) => !/[\u0000-\u0008\u000e-\u001f\u007f-\u009f]/.test(v));

const anyCase = (word: string) =>
  fc
    .array(fc.boolean(), { minLength: word.length, maxLength: word.length })
    .map((upper) =>
      [...word].map((ch, i) => (upper[i] ? ch.toUpperCase() : ch.toLowerCase())).join(""),
    );

const ipText = fc.oneof(
  fc.ipV4(),
  fc.ipV6(),
  fc.tuple(fc.ipV4(), fc.integer({ min: 0, max: 32 })).map(([ip, n]) => `${ip}/${n}`),
  fc.tuple(fc.ipV6(), fc.integer({ min: 0, max: 128 })).map(([ip, n]) => `${ip}/${n}`),
);

// After 1000 and before 9999 (what the syntax writes), to the millisecond.
const instant = fc
  .integer({ min: Date.UTC(1000, 0, 2), max: Date.UTC(9999, 11, 1) })
  .map((t) => new Date(t));

type Generated = { terms: AuditQueryTerms; timeZone: string; expected: AuditCriteria };

/** Valid terms, at most MAX_TERMS of them, with the criteria the parser must make of them. */
const validTerms: fc.Arbitrary<Generated> = fc
  .record({
    text: fc.uniqueArray(value, { maxLength: 3 }),
    user: fc.uniqueArray(value, { maxLength: 3 }),
    ip: fc.uniqueArray(ipText, { maxLength: 2, selector: (ip) => normalizeIpOrCidr(ip) }),
    action: fc.uniqueArray(fc.constantFrom(...AUDIT_ACTIONS).chain(anyCase), {
      maxLength: 2,
      selector: (a) => a.toUpperCase(),
    }),
    table: fc.uniqueArray(fc.constantFrom(...AUDIT_TABLE_FILTER_VALUES).chain(anyCase), {
      maxLength: 2,
      selector: (t) => t.toLowerCase(),
    }),
    pk: fc.uniqueArray(value, { maxLength: 2 }),
    comment: fc.uniqueArray(value, { maxLength: 1 }),
    account: fc.uniqueArray(fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), {
      maxLength: 2,
    }),
    ingress: fc.uniqueArray(fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), {
      maxLength: 1,
    }),
    dates: fc.uniqueArray(instant, {
      maxLength: 2,
      selector: (d) => d.getTime(),
    }),
    bothDates: fc.boolean(),
    timeZone: fc.constantFrom(...ZONES),
  })
  .map(({ dates, bothDates, timeZone, ...lists }) => {
    const sorted = [...dates].sort((a, b) => a.getTime() - b.getTime());
    const after = sorted.length === 2 || !bothDates ? sorted[0] : undefined;
    const before = sorted.length === 2 ? sorted[1] : bothDates ? sorted[0] : undefined;
    const date = (d: Date | undefined) => (d ? [formatAuditDate(d, timeZone)] : []);
    const terms: AuditQueryTerms = { ...lists, after: date(after), before: date(before) };
    const expected: AuditCriteria = {
      text: lists.text,
      users: lists.user,
      ips: lists.ip.map((ip) => normalizeIpOrCidr(ip)!),
      actions: lists.action.map((a) => AUDIT_ACTIONS.find((x) => x === a.toUpperCase())!),
      tables: lists.table.map((t) => t.toLowerCase()),
      pks: lists.pk,
      accounts: lists.account,
      ingresses: lists.ingress,
      comments: lists.comment,
      ...(after ? { after } : {}),
      ...(before ? { before } : {}),
    };
    return { terms, timeZone, expected };
  });

describe("formatting valid terms, then parsing", () => {
  it("gives back the same terms", () => {
    fc.assert(
      fc.property(validTerms, ({ terms, timeZone, expected }) => {
        const query = formatAuditQuery(terms);
        fc.pre(query.length <= MAX_QUERY_LENGTH);
        expect(parseAuditQuery(query, { timeZone, now: NOW }), query).toEqual({
          ok: true,
          criteria: expected,
        });
      }),
      { numRuns: 500 },
    );
  });

  it("is a fixed point once canonical: format(parse(format(x))) is format(x)", () => {
    fc.assert(
      fc.property(validTerms, ({ timeZone, expected }) => {
        const canonical = formatAuditCriteria(expected, timeZone);
        fc.pre(canonical.length <= MAX_QUERY_LENGTH);
        const parsed = parseAuditQuery(canonical, { timeZone, now: NOW });
        expect(parsed.ok, canonical).toBe(true);
        if (parsed.ok) expect(formatAuditCriteria(parsed.criteria, timeZone)).toBe(canonical);
      }),
      { numRuns: 300 },
    );
  });

  it("normalises an address or CIDR once and for all", () => {
    fc.assert(
      fc.property(ipText, (ip) => {
        const once = normalizeIpOrCidr(ip);
        expect(once, ip).not.toBeNull();
        expect(normalizeIpOrCidr(once!)).toBe(once);
      }),
      { numRuns: 300 },
    );
  });
});
