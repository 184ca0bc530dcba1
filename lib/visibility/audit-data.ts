import type { UserRole } from "@/db/schema";
import { AUDITED_TABLES, type AuditedTableDef, type AuditedTableName } from "@/lib/audit/tables";
import { can } from "@/lib/auth/permissions";

/**
 * Sensitive business data inside an entry's before/after, masked by role before it leaves the
 * server, by the rules of the audited-table registry (lib/audit/tables.ts). Secrets never get
 * here: the audit core redacted them when the entry was written.
 */
export const HIDDEN = "[hidden]";

const isAuditedTable = (name: string): name is AuditedTableName => name in AUDITED_TABLES;

export function maskAuditData(
  tableName: string,
  data: Record<string, unknown> | null,
  role: UserRole,
): Record<string, unknown> | null {
  if (!data) return data;
  const def: AuditedTableDef | undefined = isAuditedTable(tableName)
    ? AUDITED_TABLES[tableName]
    : undefined;
  const rules = def?.maskedFields ?? [];
  const out = { ...data };
  for (const rule of rules) {
    if (can(role, rule.visibleWith)) continue;
    for (const field of rule.fields) if (field in out) out[field] = HIDDEN;
  }
  return out;
}
