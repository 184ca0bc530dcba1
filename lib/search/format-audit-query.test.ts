import { describe, expect, it } from "vitest";
import { AUDIT_ACTIONS } from "@/db/schema/enums";
import { AUDIT_TABLE_FILTER_VALUES } from "@/lib/audit/table-names";
import { EMPTY_CRITERIA } from "./criteria";
import { formatAuditCriteria, formatAuditQuery } from "./format-audit-query";
import { parseAuditQuery } from "./parse-audit-query";
import { criteria, errorOf, expected, NOW } from "./query-test-helpers";

describe("formatAuditCriteria", () => {
  it("writes the canonical query: qualifiers in a fixed order, then text", () => {
    const c = criteria(
      '"credit limit" acme before:2026-11-02 account:7 ip:10.1.2.3/8 action:update,create ' +
        'user:"Ada Admin",bob user:"Smith, John" table:users pk:"a b"',
      "Europe/London",
    );
    expect(formatAuditCriteria(c, "Europe/London")).toBe(
      'user:"Ada Admin",bob,"Smith, John" ip:10.0.0.0/8 action:UPDATE,CREATE table:users ' +
        'pk:"a b" account:7 before:2026-11-02 "credit limit" acme',
    );
  });

  it("is empty for empty criteria", () => {
    expect(formatAuditCriteria(EMPTY_CRITERIA, "UTC")).toBe("");
  });

  it("quotes free text that would read as a qualifier or split", () => {
    const c = expected({ text: ["user:7", "-ip:x", "a b", "foo:bar", "x\ty", "Table:a"] });
    expect(formatAuditCriteria(c, "UTC")).toBe('"user:7" "-ip:x" "a b" foo:bar "x\ty" "Table:a"');
  });

  it("drops double quotes it cannot write (criteria from elsewhere)", () => {
    const c = expected({ users: ['say "hi"'], text: ['"quoted"'] });
    expect(formatAuditCriteria(c, "UTC")).toBe('user:"say hi" quoted');
  });
});

describe("formatAuditQuery: column filters in the search language", () => {
  const filters = {
    user: ["Ada Admin", "Smith, John", 'o"brien', "bob"],
    ip: ["10.1.2.3/8", "2001:db8::/48", "::ffff:10.0.0.9"],
    action: ["update"],
    table: ["users"],
    pk: ["a b", "Key:A"],
    after: ["2026-11-01 01:30"],
    before: ["2026-11-02T00:00-05:00"],
  };

  it("quotes values with spaces or commas and drops double quotes it cannot write", () => {
    expect(formatAuditQuery(filters)).toBe(
      'user:"Ada Admin","Smith, John",obrien,bob ip:10.1.2.3/8,2001:db8::/48,::ffff:10.0.0.9 ' +
        'action:update table:users pk:"a b",Key:A ' +
        'after:"2026-11-01 01:30" before:2026-11-02T00:00-05:00',
    );
  });

  it("reads back as the same values, CIDRs normalised and dates in the viewer's zone", () => {
    expect(criteria(formatAuditQuery(filters), "America/New_York")).toEqual(
      expected({
        users: ["Ada Admin", "Smith, John", "obrien", "bob"],
        ips: ["10.0.0.0/8", "2001:db8::/48", "10.0.0.9"],
        actions: ["UPDATE"],
        tables: ["users"],
        pks: ["a b", "Key:A"],
        // 01:30 on New York's fall-back day is the first (EDT) one.
        after: new Date("2026-11-01T05:30:00Z"),
        before: new Date("2026-11-02T05:00:00Z"),
      }),
    );
  });

  it("leaves checking to the parser, which names the bad value", () => {
    expect(errorOf(formatAuditQuery({ ip: ["not an ip"] }))).toBe(
      '"not an ip" is not an IP address or CIDR',
    );
    expect(errorOf(formatAuditQuery({ user: ['"'] }))).toBe("Empty value for user:");
    expect(errorOf(formatAuditQuery({ after: ["2026-11-01,2026-11-02"] }))).toMatch(
      /^after: takes a date like/,
    );
  });

  it("writes criteria as formatAuditCriteria does, given the same values as text", () => {
    const c = criteria(
      'user:"Ada Admin" ip:10.0.0.0/8 account:7,8 ingress:3 after:2026-07-01 "x y" z',
      "Europe/London",
    );
    expect(
      formatAuditQuery({
        user: c.users,
        ip: c.ips,
        account: c.accounts,
        ingress: c.ingresses,
        after: ["2026-07-01"],
        text: c.text,
      }),
    ).toBe(formatAuditCriteria(c, "Europe/London"));
  });
});

/** A small deterministic PRNG (mulberry32), so a failing case reproduces. */
function rng(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("round trip: parse(format(c)) equals c", () => {
  const WORDS = [
    "acme",
    "Credit",
    "100%",
    "a_b",
    "C:\\x",
    "';",
    "foo:bar",
    "api_key:3",
    "a,b",
    "🔥",
    "1042",
    "10.0.0.1",
    "-x",
    "日本",
  ];
  const PHRASES = ['"credit limit"', '"user:7"', '"a, b"', '"-ip:x"', '"x  y"', '" padded "'];
  const USERS = ["ada", '"Ada Admin"', '"Smith, John"', "bob@x.example", "%'"];
  const IPS = ["10.0.0.1", "10.1.2.3/8", "::ffff:10.0.0.9", "2001:db8::/48", "fe80::1/128"];
  const PKS = ["1", "007", "audit.comment", '"a b"', "Key:A"];
  const DATES = [
    "2026-11-01",
    "2026-11-01T01:30",
    "2026-11-01T01:30-05:00",
    "2026-10-25T01:30+00:00",
    "2026-03-29T01:30",
    "2026-07-01T14:30:15.5",
    "2026-07-01T00:00Z",
    "-7d",
    "-36h",
    "-90m",
  ];
  const ZONES = ["UTC", "Europe/London", "America/New_York", "Asia/Kathmandu", "America/Santiago"];

  function generate(random: () => number): string {
    const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
    const some = <T>(list: readonly T[]) =>
      Array.from({ length: 1 + Math.floor(random() * 2) }, () => pick(list));
    const parts: string[] = [];
    const maybe = (p: number, make: () => string) => {
      if (random() < p) parts.push(make());
    };
    maybe(0.7, () => pick(WORDS));
    maybe(0.4, () => pick(PHRASES));
    maybe(0.4, () => `${pick(["user", "USER"])}:${some(USERS).join(",")}`);
    maybe(0.3, () => `ip:${some(IPS).join(",")}`);
    maybe(0.4, () => `action:${some(AUDIT_ACTIONS.map((a) => a.toLowerCase())).join(",")}`);
    maybe(0.3, () => `table:${some(AUDIT_TABLE_FILTER_VALUES).join(",")}`);
    maybe(0.3, () => `pk:${some(PKS).join(",")}`);
    maybe(0.3, () => `account:${some(["1", "42", "007", "9007199254740991"]).join(",")}`);
    maybe(0.2, () => `ingress:${pick(["5", "55"])}`);
    maybe(0.4, () => `after:${pick(DATES)}`);
    maybe(0.3, () => `before:${pick(DATES)}`);
    maybe(0.3, () => pick(WORDS));
    // Shuffle: the formatter's order must not depend on the input's.
    for (let i = parts.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [parts[i], parts[j]] = [parts[j]!, parts[i]!];
    }
    return parts.join(pick([" ", "  ", "\t"]));
  }

  it("holds for generated queries in several zones", () => {
    const random = rng(20261101);
    let checked = 0;
    for (let n = 0; n < 300; n++) {
      const query = generate(random);
      const timeZone = ZONES[n % ZONES.length]!;
      const first = parseAuditQuery(query, { timeZone, now: NOW });
      if (!first.ok) {
        // Random dates may cross; nothing else a generated query does may fail.
        expect(first.error, query).toMatch(/^after: (is later|and before: are the same)/);
        continue;
      }
      const formatted = formatAuditCriteria(first.criteria, timeZone);
      const second = parseAuditQuery(formatted, { timeZone, now: new Date(0) });
      expect(second, `${query}  →  ${formatted}`).toEqual({ ok: true, criteria: first.criteria });
      if (second.ok) expect(formatAuditCriteria(second.criteria, timeZone)).toBe(formatted);
      checked++;
    }
    expect(checked).toBeGreaterThan(200);
  });

  it("holds for every instant around New York's and London's transitions", () => {
    for (const [zone, from] of [
      ["America/New_York", Date.UTC(2026, 10, 1, 3)],
      ["America/New_York", Date.UTC(2026, 2, 8, 5)],
      ["Europe/London", Date.UTC(2026, 9, 24, 23)],
      ["Europe/London", Date.UTC(2026, 2, 29, 0)],
    ] as const) {
      for (let t = from; t < from + 5 * 3_600_000; t += 15 * 60_000) {
        const c = expected({ after: new Date(t), before: new Date(t + 1) });
        const formatted = formatAuditCriteria(c, zone);
        expect(parseAuditQuery(formatted, { timeZone: zone }), formatted).toEqual({
          ok: true,
          criteria: c,
        });
      }
    }
  });
});
