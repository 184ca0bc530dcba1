import { sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { queryRows } from "@/db/raw";
import { columnPermissions, columnPreferences, users, type UserRole } from "@/db/schema";

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

type ColumnRows = {
  role: UserRole | null;
  user_columns: string[] | null;
  role_columns: string[] | null;
  hidden: string[] | null;
};

/**
 * The user's own permission row, their role's row and their preference, in one statement. `role`
 * is the role to read the role row for: given, or read from the users row in the same statement.
 */
async function readColumnRows(
  db: DbOrTx,
  userId: number,
  role: UserRole | null,
): Promise<ColumnRows | undefined> {
  const roleSql = role ?? sql`(select ${users.role} from ${users} where ${users.id} = ${userId})`;
  const [row] = await queryRows<ColumnRows>(
    db,
    sql`select
      ${roleSql}::text as role,
      (select ${columnPermissions.columns} from ${columnPermissions}
        where ${columnPermissions.surface} = 'audit' and ${columnPermissions.userId} = ${userId}
        limit 1) as user_columns,
      (select ${columnPermissions.columns} from ${columnPermissions}
        where ${columnPermissions.surface} = 'audit' and ${columnPermissions.role} = ${roleSql}
          and ${columnPermissions.userId} is null
        limit 1) as role_columns,
      (select ${columnPreferences.hiddenColumns} from ${columnPreferences}
        where ${columnPreferences.userId} = ${userId} and ${columnPreferences.surface} = 'audit'
        limit 1) as hidden`,
  );
  return row;
}

function visibilityOf(role: UserRole, rows: ColumnRows | undefined): AuditColumnVisibility {
  const chosen = rows?.user_columns ?? rows?.role_columns;
  const allowed = chosen
    ? AUDIT_COLUMN_KEYS.filter((k) => chosen.includes(k))
    : defaultAuditColumns(role);
  const hidden = new Set(rows?.hidden ?? []);
  const visible = allowed.filter((k) => !hidden.has(k));
  // Hiding everything would leave an empty table: fall back to what is allowed.
  return { allowed, visible: visible.length > 0 ? visible : allowed };
}

/**
 * The one place that decides which audit columns a user sees; applied before any query runs.
 * One statement: the user's permission override, else the role's row, else the role's defaults;
 * minus the user's preference.
 */
export async function resolveAuditColumns(
  db: DbOrTx,
  user: { id: number; role: UserRole },
): Promise<AuditColumnVisibility> {
  return visibilityOf(user.role, await readColumnRows(db, user.id, user.role));
}

/**
 * The same, knowing only the user's id (the role is read in the same statement), so that it can
 * run alongside the lookup of the user themselves. Says which role it used: null when there is
 * no such user.
 */
export async function resolveAuditColumnsOf(
  db: DbOrTx,
  userId: number,
): Promise<(AuditColumnVisibility & { role: UserRole }) | null> {
  const rows = await readColumnRows(db, userId, null);
  if (!rows?.role) return null;
  return { role: rows.role, ...visibilityOf(rows.role, rows) };
}
