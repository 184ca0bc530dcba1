import { exportMessage, type ExportOutcome } from "@/lib/http/download";

/**
 * The GENERATE entry of an audit-log export, written when the export ends (completed or
 * cancelled), so it can say how many rows left. It names what narrowed the export (field names
 * from auditQueryFor, never the values), so every staff member may read it.
 */
export const auditExportMessage = (
  format: "csv" | "ndjson",
  narrowedBy: readonly string[],
  outcome: ExportOutcome,
) => exportMessage(`${format.toUpperCase()} export of the audit log`, narrowedBy, outcome);
