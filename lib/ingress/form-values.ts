import type { ingressRoutes } from "@/db/schema";

export type IngressRow = typeof ingressRoutes.$inferSelect;

/** The edit form's values as strings (also what a stale save re-renders the form with). */
export function ingressFormValues(row: IngressRow): Record<string, string> {
  return {
    id: String(row.id),
    version: String(row.version),
    name: row.name,
    techPrefix: row.techPrefix,
    allowedIps: row.allowedIps.join("\n"),
    channels: String(row.channels),
    cps: String(row.cps),
    maxDurationS: String(row.maxDurationS),
    status: row.status,
    notes: row.notes ?? "",
  };
}
