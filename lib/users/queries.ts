import { and, asc, eq, gt } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { accounts, users, type USER_STATUSES, type UserRole } from "@/db/schema";
import { lastSignIn } from "@/lib/auth/user-sessions";

/** Columns a user list or page may show: never the password hash, token or TOTP secret. */
const publicColumns = {
  id: users.id,
  name: users.name,
  email: users.email,
  role: users.role,
  status: users.status,
  accountId: users.accountId,
  portalAdmin: users.portalAdmin,
  accountName: accounts.name,
  lastSignInAt: lastSignIn(),
  version: users.version,
  createdAt: users.createdAt,
  passwordTokenExpiresAt: users.passwordTokenExpiresAt,
  totpEnabledAt: users.totpEnabledAt,
};

export function listUsers(db: DbOrTx) {
  return db
    .select(publicColumns)
    .from(users)
    .leftJoin(accounts, eq(accounts.id, users.accountId))
    .orderBy(asc(users.name), asc(users.id));
}

const USERS_PAGE_SIZE = 50;

export type UserListFilters = {
  role?: UserRole;
  status?: (typeof USER_STATUSES)[number];
  accountId?: number;
  /** Keyset cursor: the last id of the previous page. */
  after?: number;
};

/**
 * One page of users by ascending id (keyset), plus the cursor of the next page: the REST API's
 * list (the Users page shows everyone at once, by name). A portal caller passes its own account.
 */
export async function listUsersPage(db: DbOrTx, filters: UserListFilters) {
  const rows = await db
    .select(publicColumns)
    .from(users)
    .leftJoin(accounts, eq(accounts.id, users.accountId))
    .where(
      and(
        filters.role ? eq(users.role, filters.role) : undefined,
        filters.status ? eq(users.status, filters.status) : undefined,
        filters.accountId ? eq(users.accountId, filters.accountId) : undefined,
        filters.after ? gt(users.id, filters.after) : undefined,
      ),
    )
    .orderBy(asc(users.id))
    .limit(USERS_PAGE_SIZE + 1);
  const more = rows.length > USERS_PAGE_SIZE;
  const page = more ? rows.slice(0, USERS_PAGE_SIZE) : rows;
  return { rows: page, nextAfter: more ? page[page.length - 1]!.id : null };
}

export async function findUser(db: DbOrTx, id: number) {
  const [row] = await db
    .select(publicColumns)
    .from(users)
    .leftJoin(accounts, eq(accounts.id, users.accountId))
    .where(eq(users.id, id));
  return row ?? null;
}

/** Accounts a portal user can be bound to, for the invite form's select. */
export function listAccountChoices(db: DbOrTx) {
  return db
    .select({ id: accounts.id, name: accounts.name, type: accounts.type })
    .from(accounts)
    .orderBy(asc(accounts.name));
}
