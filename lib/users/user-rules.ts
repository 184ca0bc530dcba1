import { and, eq, ne } from "drizzle-orm";
import type { Tx } from "@/db/client";
import { users } from "@/db/schema";

/** What user management's verbs share: how a user is named in entries, and the last-admin rule. */

export type UserRow = typeof users.$inferSelect;

export { userLabel } from "./messages";

export const USER_NOT_FOUND = "That user does not exist.";

export const PORTAL_ADMIN_ONLY = "Only portal users can be portal administrators.";

/** Active admins other than `exceptId`, locked so two concurrent demotions cannot both pass. */
export async function otherActiveAdmins(tx: Tx, exceptId: number): Promise<number> {
  const rows = await tx
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.role, "admin"), eq(users.status, "active"), ne(users.id, exceptId)))
    .for("update");
  return rows.length;
}

export const LAST_ADMIN = "This is the last active admin: make another user admin first.";

/** After any change to users, the list, the user's page and the outbox show it. */
export const USER_PAGES = (userId: number) => ["/users", `/users/${userId}`, "/outbox"];
