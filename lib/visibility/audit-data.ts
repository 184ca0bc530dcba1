import type { UserRole } from "@/db/schema";

/**
 * Sensitive business data inside an entry's before/after, masked by role before it leaves the
 * server. Secrets never get here: the audit core redacted them when the entry was written.
 */
export const HIDDEN = "[hidden]";

const STAFF_WHO_SEE_CARRIER_DETAIL: readonly UserRole[] = ["admin", "auditor"];

type Rule = { fields: readonly string[]; visibleTo: readonly UserRole[] };

const RULES: Record<string, readonly Rule[]> = {
  accounts: [
    // Internal notes and a carrier's own portal credentials are for the operator only.
    {
      fields: [
        "notesPrivate",
        "carrierPortalUrl",
        "carrierPortalUsername",
        "carrierPortalPassword",
      ],
      visibleTo: ["admin", "auditor", "support"],
    },
    { fields: ["accountManagerUserId"], visibleTo: ["admin", "auditor", "support"] },
  ],
  cdrs: [
    {
      fields: ["carrierRate", "carrierCharge", "carrierConnectCost", "profit", "carrierId"],
      visibleTo: STAFF_WHO_SEE_CARRIER_DETAIL,
    },
  ],
};

export function maskAuditData(
  tableName: string,
  data: Record<string, unknown> | null,
  role: UserRole,
): Record<string, unknown> | null {
  if (!data) return data;
  const rules = RULES[tableName];
  if (!rules) return data;
  const out = { ...data };
  for (const rule of rules) {
    if (rule.visibleTo.includes(role)) continue;
    for (const field of rule.fields) if (field in out) out[field] = HIDDEN;
  }
  return out;
}
