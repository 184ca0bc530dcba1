import { describe, expect, it } from "vitest";
import { LeakMatcher, type ForbiddenValue } from "@/e2e/leaks/matcher";

// The leak crawler's matcher decides what counts as a received value; a rule that skipped real
// leaks would make every crawl pass.
const profit: ForbiddenValue = { value: "35.713", kind: "cdr-field", source: "cdrs.profit_pct" };

describe("LeakMatcher", () => {
  const matcher = new LeakMatcher([profit]);
  const found = (text: string) => matcher.scan(text).map((f) => f.value.value);

  it("finds a number written as a field's value, quoted or bare", () => {
    expect(found('{"profit_pct":35.713}')).toEqual(["35.713"]);
    expect(found('{"profit_pct":"35.713"}')).toEqual(["35.713"]);
    expect(found("Profit % 35.713")).toEqual(["35.713"]);
  });

  it("skips the seconds of a clock time and the inside of a longer number", () => {
    expect(found("Monday, 23 November 2026 at 08:10:35.713 GMT-5")).toEqual([]);
    expect(found("2026-11-20T11:34:35.713000Z")).toEqual([]);
    expect(found("135.7130")).toEqual([]);
  });
});
