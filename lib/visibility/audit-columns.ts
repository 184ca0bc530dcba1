import type { UserRole } from "@/db/schema";

/** The eight columns of the audit page, in order, with their exact headers. */
export const AUDIT_COLUMNS = [
  { key: "user", header: "User" },
  { key: "ip", header: "IP" },
  { key: "occurredAt", header: "Date / Time" },
  { key: "recordPk", header: "Primary Key" },
  { key: "action", header: "Action" },
  { key: "tableName", header: "Table" },
  { key: "message", header: "Message" },
  { key: "data", header: "Data" },
] as const;
export type AuditColumnKey = (typeof AUDIT_COLUMNS)[number]["key"];

const ALL = AUDIT_COLUMNS.map((c) => c.key);

/** Role defaults of the permission layer (PRODUCT.md §2); per-user overrides come from settings. */
const ROLE_DEFAULTS: Record<UserRole, readonly AuditColumnKey[]> = {
  admin: ALL,
  auditor: ALL,
  support: ALL.filter((k) => k !== "ip"),
  branding: ALL.filter((k) => k !== "ip"),
  customer: ALL.filter((k) => k !== "ip"),
  carrier: ALL.filter((k) => k !== "ip"),
};

export function defaultAuditColumns(role: UserRole): readonly AuditColumnKey[] {
  return ROLE_DEFAULTS[role] ?? [];
}
