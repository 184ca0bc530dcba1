import { auditTimeLabels } from "@/lib/audit/audit-time";
import type { AuditListRow } from "@/lib/audit/queries/audit-log";
import type { AuditColumnKey } from "@/lib/visibility/audit-columns";

/**
 * One row as the browser receives it: plain data, so the page's RSC payload carries each value
 * once and the markup only once (in the HTML), instead of every cell's element tree a second time.
 * A tuple rather than an object: key names repeated on 50 rows were 4 KB of every page. A column
 * the viewer may not see is null here (the server leaves its value out), as is an empty value.
 * The live tail (lib/audit/live) sends new entries in this same shape.
 */
export type AuditRowView = [
  id: number,
  user: string | null,
  ip: string | null,
  /** The exact time (ISO, UTC), shown on hover. */
  at: string | null,
  /** The same time in the viewer's time zone, short (see auditTimeLabels), formatted on the server. */
  when: string | null,
  pk: string | null,
  action: string | null,
  table: string | null,
  message: string | null,
  comment: string | null,
  /** 1: the entry has before/after data (fetched by View Difference, never embedded). */
  hasData: 0 | 1,
  /** The time in full (weekday, milliseconds, zone): on hover and for screen readers. */
  whenFull: string | null,
];

/**
 * A row for the browser: the visible columns' values and nothing else (a hidden column's slot is
 * null, its value not even in the props).
 */
export function auditRowView(
  row: AuditListRow,
  columns: ReadonlySet<AuditColumnKey>,
  timeZone: string,
  now: Date = new Date(),
): AuditRowView {
  const shown = <T>(column: AuditColumnKey, value: T | null | undefined): T | null =>
    columns.has(column) && value ? value : null;
  const at = shown("occurredAt", row.occurredAt);
  const labels = at ? auditTimeLabels(at, timeZone, now) : null;
  return [
    row.id,
    shown("user", row.user),
    shown("ip", row.ip),
    at ? row.cursorAt : null,
    labels ? labels.short : null,
    shown("recordPk", row.recordPk),
    shown("action", row.action),
    shown("tableName", row.tableName),
    shown("message", row.message),
    shown("message", row.comment),
    columns.has("data") && row.hasData ? 1 : 0,
    labels ? labels.full : null,
  ];
}
