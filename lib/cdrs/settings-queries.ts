import { and, asc, eq, inArray, isNotNull, isNull } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { accounts, cdrFieldSettings, columnPermissions, users, type UserRole } from "@/db/schema";
import { can } from "@/lib/auth/permissions";
import { findAccountOverride } from "./set-account-fields";
import { findAudienceFields } from "./set-audience-fields";
import type { ColumnSurface } from "./settings-messages";
import { cdrViewerPolicy } from "./viewer-policy";

/** What the CDR field configuration page shows: every saved setting, and the choices it offers. */

/** Roles with rows per surface: CDR fields for staff who read CDRs, breakout for every reader. */
export const CDR_ROLES = ["admin", "support", "auditor"] as const satisfies readonly UserRole[];
export const BREAKOUT_ROLES = [
  "customer",
  "carrier",
  "support",
  "admin",
  "auditor",
] as const satisfies readonly UserRole[];

export type SettingsUser = { id: number; name: string; email: string; role: UserRole };
export type ColumnRow = {
  role: UserRole | null;
  user: SettingsUser | null;
  columns: string[];
  version: number;
};

async function columnRows(db: DbOrTx, surface: ColumnSurface) {
  const roles = await db
    .select()
    .from(columnPermissions)
    .where(and(eq(columnPermissions.surface, surface), isNull(columnPermissions.userId)));
  const overrides = await db
    .select({
      columns: columnPermissions.columns,
      version: columnPermissions.version,
      id: users.id,
      name: users.name,
      email: users.email,
      role: users.role,
    })
    .from(columnPermissions)
    .innerJoin(users, eq(users.id, columnPermissions.userId))
    .where(and(eq(columnPermissions.surface, surface), isNotNull(columnPermissions.userId)))
    .orderBy(asc(users.name));
  return {
    roles: roles.map((r): ColumnRow => ({
      role: r.role,
      user: null,
      columns: r.columns,
      version: r.version,
    })),
    users: overrides.map(({ columns, version, ...user }): ColumnRow => ({
      role: null,
      user,
      columns,
      version,
    })),
  };
}

export async function loadCdrFieldSettings(db: DbOrTx) {
  const [customer, carrier] = await Promise.all([
    findAudienceFields(db, "customer"),
    findAudienceFields(db, "carrier"),
  ]);
  const overrides = await db
    .select({ id: accounts.id, name: accounts.name, type: accounts.type })
    .from(cdrFieldSettings)
    .innerJoin(accounts, eq(accounts.id, cdrFieldSettings.accountId))
    .orderBy(asc(accounts.name));
  const accountChoices = await db
    .select({ id: accounts.id, name: accounts.name, type: accounts.type })
    .from(accounts)
    .orderBy(asc(accounts.name));
  const userChoices = (
    await db
      .select({ id: users.id, name: users.name, email: users.email, role: users.role })
      .from(users)
      .where(inArray(users.role, [...BREAKOUT_ROLES]))
      .orderBy(asc(users.name))
  ).filter((u) => can(u.role, "cdr:read"));
  return {
    audiences: { customer, carrier },
    overrides,
    accountChoices,
    userChoices,
    cdr: await columnRows(db, "cdr"),
    breakout: await columnRows(db, "breakout"),
  };
}

/** An account's override (null: none yet) and the fields the account's users get now. */
export async function loadAccountFieldSettings(db: DbOrTx, accountId: number) {
  const [account] = await db
    .select({ id: accounts.id, name: accounts.name, type: accounts.type })
    .from(accounts)
    .where(eq(accounts.id, accountId));
  if (!account) return null;
  const override = await findAccountOverride(db, accountId);
  // Id 0 is nobody: the account's settings without any one user's preference.
  const policy = await cdrViewerPolicy(db, {
    id: 0,
    role: account.type,
    accountId,
    timeZone: "UTC",
  });
  return { account, override, effective: policy?.fields ?? null };
}

/** What a role (or one user) is given now, as the page's "sees" line. */
export async function effectiveColumns(
  db: DbOrTx,
  who: { role: UserRole; userId?: number; accountId?: number | null },
) {
  const portal = who.role === "customer" || who.role === "carrier";
  return cdrViewerPolicy(db, {
    id: who.userId ?? 0,
    role: who.role,
    accountId: who.accountId ?? (portal ? 0 : null),
    timeZone: "UTC",
  });
}
