import { and, eq, isNull } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { columnPermissions, columnPreferences, type UserRole } from "@/db/schema";

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
export const AUDIT_COLUMN_KEYS: readonly AuditColumnKey[] = AUDIT_COLUMNS.map((c) => c.key);
export const isAuditColumnKey = (k: string): k is AuditColumnKey =>
  (AUDIT_COLUMN_KEYS as readonly string[]).includes(k);

/** Role defaults of the permission layer (PRODUCT.md §2), used until an admin sets the role's row. */
const ROLE_DEFAULTS: Record<UserRole, readonly AuditColumnKey[]> = {
  admin: AUDIT_COLUMN_KEYS,
  auditor: AUDIT_COLUMN_KEYS,
  support: AUDIT_COLUMN_KEYS.filter((k) => k !== "ip"),
  branding: AUDIT_COLUMN_KEYS.filter((k) => k !== "ip"),
  customer: AUDIT_COLUMN_KEYS.filter((k) => k !== "ip"),
  carrier: AUDIT_COLUMN_KEYS.filter((k) => k !== "ip"),
};

export function defaultAuditColumns(role: UserRole): readonly AuditColumnKey[] {
  return ROLE_DEFAULTS[role] ?? [];
}

export type AuditColumnVisibility = {
  /** What the permission layer allows: the user's override, else the role's row, else defaults. */
  allowed: readonly AuditColumnKey[];
  /** Allowed minus what the user hid for themselves: the columns fetched and shown. */
  visible: readonly AuditColumnKey[];
};

/** The one place that decides which audit columns a user sees; applied before any query runs. */
export async function resolveAuditColumns(
  db: DbOrTx,
  user: { id: number; role: UserRole },
): Promise<AuditColumnVisibility> {
  const rows = await db
    .select({ userId: columnPermissions.userId, columns: columnPermissions.columns })
    .from(columnPermissions)
    .where(and(eq(columnPermissions.surface, "audit"), eq(columnPermissions.userId, user.id)))
    .union(
      db
        .select({ userId: columnPermissions.userId, columns: columnPermissions.columns })
        .from(columnPermissions)
        .where(
          and(
            eq(columnPermissions.surface, "audit"),
            eq(columnPermissions.role, user.role),
            isNull(columnPermissions.userId),
          ),
        ),
    );
  const chosen = rows.find((r) => r.userId !== null) ?? rows[0];
  const allowed = chosen
    ? AUDIT_COLUMN_KEYS.filter((k) => chosen.columns.includes(k))
    : defaultAuditColumns(user.role);

  const [pref] = await db
    .select({ hidden: columnPreferences.hiddenColumns })
    .from(columnPreferences)
    .where(and(eq(columnPreferences.userId, user.id), eq(columnPreferences.surface, "audit")));
  const hidden = new Set(pref?.hidden ?? []);
  const visible = allowed.filter((k) => !hidden.has(k));
  // Hiding everything would leave an empty table: fall back to what is allowed.
  return { allowed, visible: visible.length > 0 ? visible : allowed };
}
