import { asc, eq } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { accounts, users } from "@/db/schema";
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
  createdAt: users.createdAt,
  passwordTokenExpiresAt: users.passwordTokenExpiresAt,
};

export function listUsers(db: DbOrTx) {
  return db
    .select(publicColumns)
    .from(users)
    .leftJoin(accounts, eq(accounts.id, users.accountId))
    .orderBy(asc(users.name), asc(users.id));
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
