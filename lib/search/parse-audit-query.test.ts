import { describe, expect, it } from "vitest";
import { AUDIT_ACTIONS } from "@/db/schema/enums";
import { AUDIT_TABLE_FILTER_VALUES } from "@/lib/audit/table-names";
import { EMPTY_CRITERIA, type AuditCriteria } from "./criteria";
import {
  formatAuditCriteria,
  formatAuditDate,
  MAX_QUERY_LENGTH,
  MAX_TERMS,
  normalizeIpOrCidr,
  parseAuditQuery,
} from "./parse-audit-query";

const NOW = new Date("2026-11-05T12:00:00.250Z");

/** The criteria `query` parses to; fails the test with the parser's message otherwise. */
function criteria(query: string, timeZone = "UTC"): AuditCriteria {
  const result = parseAuditQuery(query, { timeZone, now: NOW });
  if (!result.ok) throw new Error(`"${query}" did not parse: ${result.error}`);
  return result.criteria;
}

/** EMPTY_CRITERIA with some fields set: what most expectations look like. */
const expected = (fields: Partial<AuditCriteria>): AuditCriteria => ({
  ...EMPTY_CRITERIA,
  ...fields,
});

function errorOf(query: string, timeZone = "UTC"): string {
  const result = parseAuditQuery(query, { timeZone, now: NOW });
  if (result.ok) throw new Error(`"${query}" parsed: ${JSON.stringify(result.criteria)}`);
  return result.error;
}

const iso = (query: string, timeZone: string) => {
  const c = criteria(query, timeZone);
  return { after: c.after?.toISOString(), before: c.before?.toISOString() };
};

describe("free text", () => {
  it("is empty for an empty or blank query", () => {
    expect(criteria("")).toEqual(EMPTY_CRITERIA);
    expect(criteria("   \t\n ")).toEqual(EMPTY_CRITERIA);
  });

  it("keeps words as typed, in order, without duplicates", () => {
    expect(criteria("  Credit  LIMIT credit Credit ").text).toEqual(["Credit", "LIMIT", "credit"]);
  });

  it("takes a quoted phrase as one term, trimmed", () => {
    expect(criteria('"credit limit" acme "  two  spaces  "').text).toEqual([
      "credit limit",
      "acme",
      "two  spaces",
    ]);
  });

  it("ignores an empty phrase and dedupes a phrase against a word", () => {
    expect(criteria('"" acme "acme" "   "').text).toEqual(["acme"]);
  });

  it("splits a word at a quote", () => {
    expect(criteria('foo"bar baz"qux').text).toEqual(["foo", "bar baz", "qux"]);
  });

  it("treats an unknown key: prefix as plain text, since messages contain colons", () => {
    expect(criteria("foo:bar Error: http://x.example api_key:3 user7:x").text).toEqual([
      "foo:bar",
      "Error:",
      "http://x.example",
      "api_key:3",
      "user7:x",
    ]);
  });

  it("lets a quoted phrase search for what looks like a qualifier", () => {
    expect(criteria('"user:7" "ip: 10.0.0.1"')).toEqual(
      expected({ text: ["user:7", "ip: 10.0.0.1"] }),
    );
  });

  it("keeps commas in free words: lists are for qualifiers", () => {
    expect(criteria("a,b").text).toEqual(["a,b"]);
  });

  it("errors on an unterminated quote, quoting what follows it", () => {
    expect(errorOf('acme "credit limit')).toBe('Missing closing quote in "credit limit');
    expect(errorOf('user:"Ada')).toBe('Missing closing quote in "Ada');
  });

  it("refuses -qualifier: exclusions instead of silently searching for them", () => {
    expect(errorOf("-action:login")).toBe(
      "Excluding with -action: is not supported; use action: to narrow instead",
    );
    expect(criteria("-foo:bar -5 -").text).toEqual(["-foo:bar", "-5", "-"]);
  });
});

describe("qualifiers", () => {
  it("user: keeps values as typed; quotes allow spaces and commas", () => {
    expect(criteria('user:ada user:"Ada Admin" USER:"Smith, John",bob').users).toEqual([
      "ada",
      "Ada Admin",
      "Smith, John",
      "bob",
    ]);
  });

  it("keys are case-insensitive and values are trimmed inside quotes", () => {
    expect(criteria('User:" Ada " PK:" 12 "')).toEqual(expected({ users: ["Ada"], pks: ["12"] }));
  });

  it("ip: normalises addresses and CIDRs", () => {
    expect(
      criteria(
        "ip:10.0.0.1 ip:10.1.2.3/8 ip:::ffff:192.0.2.1 ip:2001:DB8:0:0::1 ip:2001:db8::1/32 " +
          "ip:10.0.0.7/32 ip:[::1] ip:::ffff:10.0.0.0/104",
      ).ips,
    ).toEqual([
      "10.0.0.1",
      "10.0.0.0/8",
      "192.0.2.1",
      "2001:db8::1",
      "2001:db8::/32",
      "10.0.0.7",
      "::1",
    ]);
  });

  it("ip: lists, and duplicates after normalisation count once", () => {
    expect(criteria("ip:10.0.0.1,10.0.0.1/32,::ffff:10.0.0.1,192.168.0.0/16").ips).toEqual([
      "10.0.0.1",
      "192.168.0.0/16",
    ]);
  });

  it("ip: refuses what inet would not take", () => {
    expect(errorOf("ip:10.0.0.0/33")).toBe('"10.0.0.0/33" is not an IP address or CIDR');
    for (const bad of ["10.1", "10.0.0.256", "fe80::1%eth0", "::1/129", "10.0.0.0/", "/8", "x"]) {
      expect(errorOf(`ip:${bad}`)).toBe(`"${bad}" is not an IP address or CIDR`);
    }
    expect(errorOf("ip:10.0.0.1,nope")).toBe('"nope" is not an IP address or CIDR');
  });

  it("action: upper-cases and checks against the enum", () => {
    expect(criteria("action:create,Update action:LOGIN action:create").actions).toEqual([
      "CREATE",
      "UPDATE",
      "LOGIN",
    ]);
    for (const action of AUDIT_ACTIONS) {
      expect(criteria(`action:${action.toLowerCase()}`).actions).toEqual([action]);
    }
    expect(errorOf("action:CRAETE")).toBe(
      'Unknown action "CRAETE". Use one of: CREATE, DELETE, GENERATE, LOGIN, POST, PUBLISH, ' +
        "PUT, SEND, UPDATE",
    );
  });

  it("table: lower-cases and checks against the known tables", () => {
    expect(criteria("table:Accounts,users table:api_keys").tables).toEqual([
      "accounts",
      "users",
      "api_keys",
    ]);
    for (const table of AUDIT_TABLE_FILTER_VALUES) {
      expect(criteria(`table:${table}`).tables).toEqual([table]);
    }
    expect(errorOf("table:acounts")).toBe('Unknown table "acounts". Did you mean accounts?');
    expect(errorOf("table:nothing")).toBe(
      `Unknown table "nothing". Use one of: ${AUDIT_TABLE_FILTER_VALUES.join(", ")}`,
    );
  });

  it("pk: keeps strings exactly, colons and all", () => {
    expect(criteria("pk:1042,audit.comment pk:Key:A pk:007").pks).toEqual([
      "1042",
      "audit.comment",
      "Key:A",
      "007",
    ]);
  });

  it("account: and ingress: take positive whole numbers", () => {
    expect(criteria("account:1042,7 account:007 ingress:55")).toEqual(
      expected({ accounts: [1042, 7], ingresses: [55] }),
    );
    expect(criteria(`account:${Number.MAX_SAFE_INTEGER}`).accounts).toEqual([
      Number.MAX_SAFE_INTEGER,
    ]);
    expect(errorOf("account:acme")).toBe('account: takes a number, got "acme"');
    expect(errorOf("ingress:-1")).toBe('ingress: takes a number, got "-1"');
    expect(errorOf("account:1.5")).toBe('account: takes a number, got "1.5"');
    expect(errorOf("account:1e3")).toBe('account: takes a number, got "1e3"');
    expect(errorOf("account:0")).toBe(
      'account: takes a number from 1 to 9007199254740991, got "0"',
    );
    expect(errorOf("ingress:9007199254740992")).toMatch(/^ingress: takes a number from 1 to/);
  });

  it("errors on an empty value, wherever it is", () => {
    expect(errorOf("user:")).toBe("Empty value for user:");
    expect(errorOf("user: ada")).toBe("Empty value for user:");
    expect(errorOf('user:""')).toBe("Empty value for user:");
    expect(errorOf('pk:"  "')).toBe("Empty value for pk:");
    expect(errorOf("action:create,")).toBe("Empty value for action:");
    expect(errorOf("action:,create")).toBe("Empty value for action:");
    expect(errorOf("account:1,,2")).toBe("Empty value for account:");
  });

  it("errors when a value runs into the next term without a space", () => {
    expect(errorOf('user:"Ada"Admin')).toBe(
      'Unexpected A after user:"Ada"; put a space between search terms',
    );
    expect(errorOf('user:ada"x"')).toBe(
      'Unexpected " after user:ada; put a space between search terms',
    );
  });

  it("combines everything, qualifiers and text in any order", () => {
    expect(
      criteria(
        'timeout user:"Ada Admin" action:update,delete table:accounts pk:1042 account:1042 ' +
          'ingress:55 ip:10.0.0.0/8 "credit limit" after:2026-11-01 before:2026-11-02',
      ),
    ).toEqual({
      text: ["timeout", "credit limit"],
      users: ["Ada Admin"],
      ips: ["10.0.0.0/8"],
      actions: ["UPDATE", "DELETE"],
      tables: ["accounts"],
      pks: ["1042"],
      accounts: [1042],
      ingresses: [55],
      after: new Date("2026-11-01T00:00:00Z"),
      before: new Date("2026-11-02T00:00:00Z"),
    });
  });
});

describe("after: and before:", () => {
  it("a day is its local midnight; a time is exact", () => {
    expect(iso("after:2026-07-01 before:2026-07-02T14:30", "Europe/London")).toEqual({
      after: "2026-06-30T23:00:00.000Z",
      before: "2026-07-02T13:30:00.000Z",
    });
    expect(iso("after:2026-07-01T14:30:15 before:2026-07-01T14:30:15.5", "UTC")).toEqual({
      after: "2026-07-01T14:30:15.000Z",
      before: "2026-07-01T14:30:15.500Z",
    });
    expect(iso('after:"2026-07-01 14:30" before:2026-07-01t15:00', "UTC")).toEqual({
      after: "2026-07-01T14:30:00.000Z",
      before: "2026-07-01T15:00:00.000Z",
    });
  });

  it("honours half- and quarter-hour zones", () => {
    expect(iso("after:2026-01-01", "Asia/Kolkata").after).toBe("2025-12-31T18:30:00.000Z");
    expect(iso("after:2026-01-01", "Asia/Kathmandu").after).toBe("2025-12-31T18:15:00.000Z");
  });

  it("an explicit offset overrides the zone", () => {
    expect(iso("after:2026-07-01T14:30Z", "Asia/Tokyo").after).toBe("2026-07-01T14:30:00.000Z");
    expect(iso("after:2026-07-01T14:30+05:30", "UTC").after).toBe("2026-07-01T09:00:00.000Z");
    expect(iso("after:2026-07-01T14:30-0400", "UTC").after).toBe("2026-07-01T18:30:00.000Z");
    expect(iso("after:2026-07-01T14:30+01", "UTC").after).toBe("2026-07-01T13:30:00.000Z");
  });

  describe("across DST in Europe/London", () => {
    const zone = "Europe/London";
    it("the spring-forward day is 23 hours long", () => {
      expect(iso("after:2026-03-29 before:2026-03-30", zone)).toEqual({
        after: "2026-03-29T00:00:00.000Z",
        before: "2026-03-29T23:00:00.000Z",
      });
    });
    it("the fall-back day is 25 hours long", () => {
      expect(iso("after:2026-10-25 before:2026-10-26", zone)).toEqual({
        after: "2026-10-24T23:00:00.000Z",
        before: "2026-10-26T00:00:00.000Z",
      });
    });
    it("a time in the spring gap moves forward by the gap", () => {
      expect(iso("after:2026-03-29T01:30", zone).after).toBe("2026-03-29T01:30:00.000Z");
    });
    it("a time in the autumn overlap means the first one, unless an offset says otherwise", () => {
      expect(iso("after:2026-10-25T01:30", zone).after).toBe("2026-10-25T00:30:00.000Z");
      expect(iso("after:2026-10-25T01:30+00:00", zone).after).toBe("2026-10-25T01:30:00.000Z");
    });
  });

  describe("across DST in America/New_York", () => {
    const zone = "America/New_York";
    it("the spring-forward day is 23 hours long", () => {
      expect(iso("after:2026-03-08 before:2026-03-09", zone)).toEqual({
        after: "2026-03-08T05:00:00.000Z",
        before: "2026-03-09T04:00:00.000Z",
      });
    });
    it("the fall-back day is 25 hours long", () => {
      expect(iso("after:2026-11-01 before:2026-11-02", zone)).toEqual({
        after: "2026-11-01T04:00:00.000Z",
        before: "2026-11-02T05:00:00.000Z",
      });
    });
    it("02:30 on the spring-forward day becomes 03:30 EDT", () => {
      expect(iso("after:2026-03-08T02:30", zone).after).toBe("2026-03-08T07:30:00.000Z");
    });
    it("01:30 on the fall-back day is the EDT one; -05:00 picks the EST one", () => {
      expect(iso("after:2026-11-01T01:30", zone).after).toBe("2026-11-01T05:30:00.000Z");
      expect(iso("after:2026-11-01T01:30-05:00", zone).after).toBe("2026-11-01T06:30:00.000Z");
    });
  });

  it("a day whose midnight is skipped starts when its clocks do (Santiago, 01:00)", () => {
    expect(iso("after:2026-09-06", "America/Santiago").after).toBe("2026-09-06T04:00:00.000Z");
  });

  it("relative dates count back from now", () => {
    expect(iso("after:-7d before:-24h", "UTC")).toEqual({
      after: "2026-10-29T12:00:00.250Z",
      before: "2026-11-04T12:00:00.250Z",
    });
    expect(iso("after:-30m", "UTC").after).toBe("2026-11-05T11:30:00.250Z");
    expect(iso("after:-2W", "UTC").after).toBe("2026-10-22T12:00:00.250Z");
  });

  it("rejects what is not a date, naming it", () => {
    const hint = "after: takes a date like 2026-11-01 or 2026-11-01T14:30";
    expect(errorOf("after:yesterday")).toBe(`${hint}, got "yesterday"`);
    expect(errorOf("after:2026-1-1")).toBe(`${hint}, got "2026-1-1"`);
    expect(errorOf("after:2026-11-01T1:30")).toBe(`${hint}, got "2026-11-01T1:30"`);
    expect(errorOf("after:2026-11-01+01:00")).toBe(`${hint}, got "2026-11-01+01:00"`);
    expect(errorOf("after:-7y")).toBe(`${hint}, got "-7y"`);
    expect(errorOf("before:x")).toBe(
      'before: takes a date like 2026-11-01 or 2026-11-01T14:30, got "x"',
    );
  });

  it("rejects impossible calendar dates and times", () => {
    expect(errorOf("after:2026-02-30")).toBe('after: "2026-02-30" is not a valid date');
    expect(errorOf("after:2026-02-29")).toBe('after: "2026-02-29" is not a valid date');
    expect(criteria("after:2028-02-29").after).toEqual(new Date("2028-02-29T00:00:00Z"));
    expect(errorOf("before:2026-13-01")).toBe('before: "2026-13-01" is not a valid date');
    expect(errorOf("before:2026-00-10")).toBe('before: "2026-00-10" is not a valid date');
    expect(errorOf("after:0999-01-01")).toBe('after: "0999-01-01" is not a valid date');
    expect(errorOf("after:2026-11-01T24:00")).toBe('after: "2026-11-01T24:00" is not a valid time');
    expect(errorOf("after:2026-11-01T12:60")).toBe('after: "2026-11-01T12:60" is not a valid time');
    expect(errorOf("after:2026-11-01T12:00+24:00")).toBe(
      'after: "2026-11-01T12:00+24:00" has an invalid UTC offset',
    );
    const medieval = { timeZone: "UTC", now: new Date(Date.UTC(1100, 0, 1)) };
    expect(parseAuditQuery("after:-9999w", medieval)).toEqual({
      ok: false,
      error: 'after: "-9999w" is out of range',
    });
  });

  it("allows each once and one value", () => {
    expect(errorOf("after:2026-11-01 after:2026-11-02")).toBe("after: can be used only once");
    expect(errorOf("before:-1d BEFORE:-2d")).toBe("before: can be used only once");
    expect(errorOf("after:2026-11-01,2026-11-02")).toBe("after: takes a single date");
  });

  it("checks after: against before:", () => {
    expect(errorOf("after:2026-11-02 before:2026-11-01")).toBe("after: is later than before:");
    expect(errorOf("after:2026-11-01 before:2026-11-01")).toBe(
      "after: and before: are the same moment; before: is exclusive, so use the next day",
    );
  });

  it("throws for a time zone Intl does not know (a configuration bug, not a query error)", () => {
    expect(() => parseAuditQuery("acme", { timeZone: "Mars/Olympus" })).toThrow(RangeError);
  });
});

describe("hostile input", () => {
  it("refuses more than MAX_QUERY_LENGTH characters before looking at them", () => {
    expect(criteria("a".repeat(MAX_QUERY_LENGTH)).text).toHaveLength(1);
    expect(errorOf("a".repeat(MAX_QUERY_LENGTH + 1))).toBe(
      `The search is too long (${MAX_QUERY_LENGTH + 1} characters); the limit is 500`,
    );
    const started = performance.now();
    expect(errorOf("x".repeat(5_000_000))).toMatch(/too long/);
    expect(errorOf('"'.repeat(10_000))).toMatch(/too long/);
    expect(performance.now() - started).toBeLessThan(100);
  });

  it("stays linear on the worst shapes that fit", () => {
    const shapes = [
      '"'.repeat(499), // 249 empty phrases and an unterminated quote
      '"'.repeat(500),
      "user:".repeat(100),
      ",".repeat(500),
      "user:" + ",".repeat(495),
      "a:".repeat(250),
      "ip:" + "1".repeat(497),
      "after:" + "9".repeat(494),
      "\t ".repeat(250),
    ];
    const started = performance.now();
    for (const shape of shapes) parseAuditQuery(shape, { timeZone: "UTC" });
    expect(performance.now() - started).toBeLessThan(200);
    expect(criteria('"'.repeat(500))).toEqual(EMPTY_CRITERIA);
    expect(errorOf('"'.repeat(499))).toBe('Missing closing quote in "');
  });

  it("refuses more than MAX_TERMS distinct terms in total", () => {
    const words = Array.from({ length: MAX_TERMS }, (_, i) => `w${i}`);
    expect(criteria(words.join(" ")).text).toHaveLength(MAX_TERMS);
    expect(criteria([...words, ...words].join(" ")).text).toHaveLength(MAX_TERMS);
    const limit = `Too many search terms; the limit is ${MAX_TERMS}`;
    expect(errorOf([...words, "one-more"].join(" "))).toBe(limit);
    expect(errorOf(`${words.slice(1).join(" ")} pk:1,2`)).toBe(limit);
    expect(errorOf(`${words.join(" ")} after:-1d`)).toBe(limit);
    expect(errorOf(`account:${Array.from({ length: 21 }, (_, i) => i + 1).join(",")}`)).toBe(limit);
  });

  it("refuses control characters, naming them", () => {
    expect(errorOf("acme\u0000")).toBe("The search contains a control character (U+0000)");
    expect(errorOf("user:\u001b[31mred")).toBe("The search contains a control character (U+001B)");
    expect(errorOf("a\u007fb")).toBe("The search contains a control character (U+007F)");
    expect(errorOf("a\u0085b")).toBe("The search contains a control character (U+0085)");
    expect(errorOf('"a\u0000b"')).toBe("The search contains a control character (U+0000)");
  });

  it("treats tabs, newlines and Unicode spaces as whitespace", () => {
    expect(criteria("a\tb\nc\r\nd\u00a0e\u2003f\u3000g").text).toEqual([
      "a",
      "b",
      "c",
      "d",
      "e",
      "f",
      "g",
    ]);
  });

  it("refuses unpaired surrogates but keeps emoji and other scripts", () => {
    expect(errorOf("a\ud800b")).toBe("The search contains an invalid character");
    expect(errorOf("a\udc00")).toBe("The search contains an invalid character");
    expect(criteria('🔥 user:"Zoë 🚀" Ωmega 日本')).toEqual(
      expected({ text: ["🔥", "Ωmega", "日本"], users: ["Zoë 🚀"] }),
    );
  });

  it("passes SQL-ish text and LIKE metacharacters through literally", () => {
    expect(criteria("'; drop table audit_log; --").text).toEqual([
      "';",
      "drop",
      "table",
      "audit_log;",
      "--",
    ]);
    expect(criteria('%_\\ 100% a_b C:\\x \\"quoted"').text).toEqual([
      "%_\\",
      "100%",
      "a_b",
      "C:\\x",
      "\\",
      "quoted",
    ]);
    expect(criteria("user:%' pk:_").users).toEqual(["%'"]);
  });
});

describe("normalizeIpOrCidr", () => {
  it("canonicalises and refuses", () => {
    expect(normalizeIpOrCidr(" 10.0.0.1 ")).toBe("10.0.0.1");
    expect(normalizeIpOrCidr("0.0.0.0/0")).toBe("0.0.0.0/0");
    expect(normalizeIpOrCidr("::/0")).toBe("::/0");
    expect(normalizeIpOrCidr("2001:0db8:0000::0001/128")).toBe("2001:db8::1");
    expect(normalizeIpOrCidr("::ffff:10.1.2.3/120")).toBe("10.1.2.0/24");
    expect(normalizeIpOrCidr("::ffff:0:0/80")).toBe("::/80");
    expect(normalizeIpOrCidr("10.0.0.1/8/8")).toBeNull();
    expect(normalizeIpOrCidr("10.0.0.1/08x")).toBeNull();
    expect(normalizeIpOrCidr("[::1]/64")).toBeNull();
    expect(normalizeIpOrCidr("1")).toBeNull();
    expect(normalizeIpOrCidr("")).toBeNull();
  });
});

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

  it("writes the shortest exact date, with an offset only for a repeated hour", () => {
    const zone = "America/New_York";
    const date = (s: string) => formatAuditDate(new Date(s), zone);
    expect(date("2026-11-01T04:00:00Z")).toBe("2026-11-01");
    expect(date("2026-11-01T18:30:00Z")).toBe("2026-11-01T13:30");
    expect(date("2026-11-01T18:30:05Z")).toBe("2026-11-01T13:30:05");
    expect(date("2026-11-01T18:30:00.007Z")).toBe("2026-11-01T13:30:00.007");
    expect(date("2026-11-01T05:30:00Z")).toBe("2026-11-01T01:30");
    expect(date("2026-11-01T06:30:00Z")).toBe("2026-11-01T01:30-05:00");
    expect(formatAuditDate(new Date("2026-10-25T01:30:00Z"), "Europe/London")).toBe(
      "2026-10-25T01:30+00:00",
    );
    expect(formatAuditDate(new Date("2026-09-06T04:00:00Z"), "America/Santiago")).toBe(
      "2026-09-06T01:00",
    );
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
