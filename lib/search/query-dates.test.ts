import { describe, expect, it } from "vitest";
import { parseAuditQuery } from "./parse-audit-query";
import { formatAuditDate } from "./query-dates";
import { criteria, errorOf, iso } from "./query-test-helpers";

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

describe("formatAuditDate", () => {
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
