// The boundaries of the search language that its main tests leave implicit: character classes,
// limits, date and offset ranges, and the formatter's quoting decisions.
import { describe, expect, it } from "vitest";
import { formatAuditQuery } from "./format-audit-query";
import { normalizeIpOrCidr } from "./normalize-ip";
import { formatAuditDate, parseQueryDate } from "./query-dates";
import { MAX_TERMS, snippet } from "./query-language";
import { criteria, errorOf, expected } from "./query-test-helpers";

describe("characters the parser refuses or accepts", () => {
  it("refuses the whole C1 range, ends included", () => {
    expect(errorOf("a\u0080")).toBe("The search contains a control character (U+0080)");
    expect(errorOf("a\u009f")).toBe("The search contains a control character (U+009F)");
    expect(criteria("a\u00a0b").text).toEqual(["a", "b"]);
  });

  it("accepts surrogate pairs at both ends of the ranges", () => {
    for (const ch of ["\ud800\udc00", "\udbff\udfff", "\ud83d\ude00"]) {
      expect(criteria(`x${ch}`).text).toEqual([`x${ch}`]);
    }
    expect(criteria("\ue000x").text).toEqual(["\ue000x"]);
  });

  it("refuses unpaired surrogates, high or low, wherever they are", () => {
    for (const q of ["\ud800x", "x\ud800", "\udbff", "\udc00", "x\udfff"]) {
      expect(errorOf(q)).toBe("The search contains an invalid character");
    }
  });

  it("reads qualifier keys in any case", () => {
    expect(criteria("ACTION:create USER:ada")).toEqual(
      expected({ actions: ["CREATE"], users: ["ada"] }),
    );
  });

  it("refuses exclusion only for a leading minus before a known key", () => {
    expect(criteria("xuser:ada").text).toEqual(["xuser:ada"]);
    expect(criteria("-userx").text).toEqual(["-userx"]);
    expect(errorOf("-user:ada")).toBe(
      "Excluding with -user: is not supported; use user: to narrow instead",
    );
  });

  it("says a date qualifier takes one date, whichever it is", () => {
    expect(errorOf("after:2026-01-01,2026-01-02")).toBe("after: takes a single date");
    expect(errorOf("before:2026-01-01,2026-01-02")).toBe("before: takes a single date");
  });

  it("counts dates in the term limit: exactly the limit is allowed", () => {
    const words = Array.from({ length: MAX_TERMS - 2 }, (_, i) => `w${i}`).join(" ");
    expect(criteria(`${words} after:2026-01-01 before:2026-02-01`).text).toHaveLength(
      MAX_TERMS - 2,
    );
    expect(errorOf(`${words} w99 after:2026-01-01 before:2026-02-01`)).toBe(
      `Too many search terms; the limit is ${MAX_TERMS}`,
    );
  });
});

describe("dates at their limits", () => {
  const at = (value: string) => parseQueryDate("after", value, { timeZone: "UTC" }).toISOString();

  it("accepts the last minute and second of an hour, refuses one past", () => {
    expect(at("2026-01-01T10:59:59")).toBe("2026-01-01T10:59:59.000Z");
    expect(() => at("2026-01-01T10:60")).toThrow('after: "2026-01-01T10:60" is not a valid time');
    expect(() => at("2026-01-01T10:00:60")).toThrow(
      'after: "2026-01-01T10:00:60" is not a valid time',
    );
  });

  it("accepts the first and last instants the syntax can write back, and nothing beyond", () => {
    expect(at("1000-01-02T00:00Z")).toBe("1000-01-02T00:00:00.000Z");
    expect(at("9999-12-30T00:00Z")).toBe("9999-12-30T00:00:00.000Z");
    expect(() => at("1000-01-01T23:59Z")).toThrow("is out of range");
    expect(() => at("9999-12-30T00:01Z")).toThrow("is out of range");
  });

  it("reads Z in either case and offsets up to 23:59", () => {
    expect(at("2026-01-01T10:00z")).toBe("2026-01-01T10:00:00.000Z");
    expect(at("2026-01-01T10:00+23:59")).toBe("2025-12-31T10:01:00.000Z");
    expect(at("2026-01-01T10:00-05")).toBe("2026-01-01T15:00:00.000Z");
    expect(() => at("2026-01-01T10:00+24:00")).toThrow("has an invalid UTC offset");
    expect(() => at("2026-01-01T10:00+05:60")).toThrow("has an invalid UTC offset");
  });

  it("takes a relative date only as the whole value", () => {
    expect(errorOf("after:x-7d")).toMatch(/^after: takes a date like/);
    expect(errorOf("after:-7dx")).toMatch(/^after: takes a date like/);
  });

  it("writes a half-hour offset for the second pass through a fall-back (Lord Howe)", () => {
    // Clocks go from 02:00 (+11:00) back to 01:30 (+10:30) on 5 April 2026.
    const secondPass = new Date("2026-04-04T15:10:00Z");
    const text = formatAuditDate(secondPass, "Australia/Lord_Howe");
    expect(text).toBe("2026-04-05T01:40+10:30");
    expect(parseQueryDate("after", text, { timeZone: "Australia/Lord_Howe" })).toEqual(secondPass);
  });
});

describe("quoting when formatting", () => {
  it("quotes an empty value and free text that reads as a qualifier, nothing else", () => {
    expect(formatAuditQuery({ user: [""] })).toBe('user:""');
    expect(formatAuditQuery({ text: ["userx", "xuser:1", "user:1", "-user:1"] })).toBe(
      'userx xuser:1 "user:1" "-user:1"',
    );
  });
});

describe("addresses and snippets", () => {
  it("trims a CIDR and maps an IPv4-mapped /96 to the whole IPv4 space", () => {
    expect(normalizeIpOrCidr(" 10.1.2.3/8 ")).toBe("10.0.0.0/8");
    expect(normalizeIpOrCidr("::ffff:10.0.0.0/96")).toBe("0.0.0.0/0");
  });

  it("quotes at most 30 characters of a value", () => {
    const thirty = "x".repeat(30);
    expect(snippet(thirty)).toBe(thirty);
    expect(snippet(`${thirty}yz`)).toBe(`${thirty}…`);
  });
});
