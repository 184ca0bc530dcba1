/**
 * The GENERATE entry of an audit-log export. It names what narrowed the export (field names from
 * auditQueryFor, never the values), so every staff member may read it.
 */
export const auditExportMessage = (format: "csv" | "ndjson", narrowedBy: readonly string[]) =>
  `Generated ${format.toUpperCase()} export of the audit log` +
  (narrowedBy.length > 0 ? ` (narrowed by ${narrowedBy.join(", ")})` : "");
