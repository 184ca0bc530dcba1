/**
 * The GENERATE entry of an audit-log export, written when the export ends (completed or
 * cancelled), so it can say how many rows left. It names what narrowed the export (field names
 * from auditQueryFor, never the values), so every staff member may read it.
 */
export function auditExportMessage(
  format: "csv" | "ndjson",
  narrowedBy: readonly string[],
  outcome: { rows: number; cancelled: boolean },
): string {
  const what =
    `${format.toUpperCase()} export of the audit log` +
    (narrowedBy.length > 0 ? ` (narrowed by ${narrowedBy.join(", ")})` : "");
  const rows = `${outcome.rows.toLocaleString("en")} ${outcome.rows === 1 ? "row" : "rows"}`;
  return outcome.cancelled ? `Cancelled ${what} after ${rows}` : `Generated ${what}: ${rows}`;
}
