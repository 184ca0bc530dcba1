import { describe, expect, it } from "vitest";
import { auditTimeLabels } from "@/lib/audit/audit-time";
import type { AuditListRow } from "@/lib/audit/queries/audit-log";
import { auditRowView } from "@/lib/audit/row-view";
import { AUDIT_COLUMN_KEYS } from "@/lib/visibility/audit-columns";

const AT = new Date("2026-11-30T13:03:12.345Z");
const NOW = new Date("2026-12-01T09:00:00Z");

describe("auditTimeLabels", () => {
  it("shows day, month and time to the second in the viewer's zone, without the current year", () => {
    expect(auditTimeLabels(AT, "Europe/Berlin", NOW).short).toBe("30 Nov 14:03:12");
    expect(auditTimeLabels(AT, "UTC", NOW).short).toBe("30 Nov 13:03:12");
    expect(auditTimeLabels(AT, "America/New_York", NOW).short).toBe("30 Nov 08:03:12");
  });

  it("uses a 24-hour clock with two-digit hours and a one-digit day as it is", () => {
    const early = new Date("2026-03-04T00:05:09Z");
    expect(auditTimeLabels(early, "UTC", NOW).short).toBe("4 Mar 00:05:09");
  });

  it("shows the year when the entry is from another year than now, in the viewer's zone", () => {
    const lastYear = new Date("2025-06-02T10:00:00Z");
    expect(auditTimeLabels(lastYear, "UTC", NOW).short).toBe("2 Jun 2025 10:00:00");
    // 31 Dec 23:30 UTC is already 1 Jan in Berlin; "now" is 1 Jan there too: same year, no year.
    const newYear = new Date("2026-12-31T23:30:00Z");
    const justAfter = new Date("2026-12-31T23:45:00Z");
    expect(auditTimeLabels(newYear, "Europe/Berlin", justAfter).short).toBe("1 Jan 00:30:00");
    expect(auditTimeLabels(newYear, "UTC", new Date("2027-01-01T01:00:00Z")).short).toBe(
      "31 Dec 2026 23:30:00",
    );
  });

  it("gives the full time with weekday, year, milliseconds and the zone", () => {
    expect(auditTimeLabels(AT, "Europe/Berlin", NOW).full).toBe(
      "Monday, 30 November 2026 at 14:03:12.345 CET",
    );
    expect(auditTimeLabels(AT, "UTC", NOW).full).toBe(
      "Monday, 30 November 2026 at 13:03:12.345 UTC",
    );
    expect(auditTimeLabels(AT, "America/New_York", NOW).full).toMatch(/08:03:12\.345 GMT-5$/);
  });
});

describe("auditRowView time slots", () => {
  const row: AuditListRow = {
    id: 7,
    user: "Ada Admin",
    ip: "203.0.113.7",
    occurredAt: AT,
    cursorAt: "2026-11-30T13:03:12.345000Z",
    recordPk: "1042",
    action: "UPDATE",
    tableName: "accounts",
    message: "Changed the credit limit",
    comment: null,
    hasData: true,
  };

  it("carries the exact UTC time, the short and the full label", () => {
    const view = auditRowView(row, new Set(AUDIT_COLUMN_KEYS), "Europe/Berlin", NOW);
    expect(view[3]).toBe("2026-11-30T13:03:12.345000Z");
    expect(view[4]).toBe("30 Nov 14:03:12");
    expect(view[11]).toBe("Monday, 30 November 2026 at 14:03:12.345 CET");
  });

  it("sends no time at all when the column is hidden", () => {
    const columns = new Set(AUDIT_COLUMN_KEYS.filter((k) => k !== "occurredAt"));
    const view = auditRowView(row, columns, "Europe/Berlin", NOW);
    expect([view[3], view[4], view[11]]).toEqual([null, null, null]);
  });
});
