import { describe, expect, it } from "vitest";
import { AUDIT_ACTIONS } from "@/db/schema/enums";
import { AUDIT_TABLE_FILTER_VALUES } from "@/lib/audit/table-names";
import { parseAuditQuery } from "./parse-audit-query";
import { MAX_QUERY_LENGTH, MAX_TERMS } from "./query-language";
import { EMPTY_CRITERIA } from "./criteria";
import { criteria, errorOf, expected } from "./query-test-helpers";

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
      'Unknown action "CRAETE". Use one of: CREATE, DELETE, GENERATE, GET, LOGIN, POST, PUBLISH, ' +
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
          'ingress:55 ip:10.0.0.0/8 "credit limit" COMMENT:"wrong rate",ticket ' +
          "after:2026-11-01 before:2026-11-02",
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
      comments: ["wrong rate", "ticket"],
      after: new Date("2026-11-01T00:00:00Z"),
      before: new Date("2026-11-02T00:00:00Z"),
    });
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
