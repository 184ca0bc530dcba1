import { and, asc, eq } from "drizzle-orm";
import type { Db, DbOrTx } from "@/db/client";
import { accounts, users } from "@/db/schema";
import { lastSignIn } from "@/lib/auth/user-sessions";
import type { ActorContext } from "@/lib/audit/actor";
import { RecordNotFoundError } from "@/lib/audit/core";
import { AppError } from "@/lib/errors";
import { inviteUser } from "@/lib/users/invite-user";
import { setUserStatus } from "@/lib/users/set-user-status";
import { USER_NOT_FOUND } from "@/lib/users/user-rules";
import {
  invitePortalUserSchema,
  setPortalUserStatusSchema,
  type InvitePortalUserInput,
} from "./schemas";
import { operation } from "@/lib/actions/operation";
import { deliverQueuedSoon } from "@/lib/email/deliver";

/**
 * An account's portal users as the portal sees them. Every query and change takes the signed-in
 * user's account id: a user of another account (or a staff user) is indistinguishable from one
 * that does not exist.
 */

export const ONLY_ADMINS_MANAGE_USERS =
  "Only your account's portal administrators can manage users.";

/** What the portal may show of a colleague: never hashes, tokens or the TOTP secret. */
const portalUserColumns = {
  id: users.id,
  name: users.name,
  email: users.email,
  status: users.status,
  portalAdmin: users.portalAdmin,
  lastSignInAt: lastSignIn(),
  version: users.version,
  createdAt: users.createdAt,
};

export function listPortalUsers(db: DbOrTx, accountId: number) {
  return db
    .select(portalUserColumns)
    .from(users)
    .where(eq(users.accountId, accountId))
    .orderBy(asc(users.name), asc(users.id));
}

export async function findPortalUser(db: DbOrTx, accountId: number, id: number) {
  const [row] = await db
    .select(portalUserColumns)
    .from(users)
    .where(and(eq(users.id, id), eq(users.accountId, accountId)));
  return row ?? null;
}

/** The signed-in user, as the portal's management checks need them. */
export type PortalManager = { id: number; accountId: number | null; portalAdmin: boolean };

/** The portal admin's account id; anyone else is refused with `refusal`. */
export function requirePortalAdmin(
  user: PortalManager,
  refusal: string = ONLY_ADMINS_MANAGE_USERS,
): number {
  if (user.accountId === null || !user.portalAdmin) throw new AppError(refusal, "forbidden");
  return user.accountId;
}

/**
 * Invites a colleague to the admin's own account, with the role the account's type implies;
 * the same path as the Control Panel's invitation (CREATE + SEND in one transaction).
 */
export async function invitePortalUser(
  db: Db,
  actor: ActorContext,
  user: PortalManager,
  input: InvitePortalUserInput,
  baseUrl: string,
): Promise<number> {
  const accountId = requirePortalAdmin(user);
  const [account] = await db
    .select({ type: accounts.type })
    .from(accounts)
    .where(eq(accounts.id, accountId));
  if (!account) throw new AppError("Your account no longer exists.", "not_found");
  return inviteUser(db, actor, { ...input, role: account.type, accountId }, baseUrl);
}

/** Disables or enables a colleague of the admin's own account (never themselves). */
async function setPortalUserStatus(
  db: Db,
  actor: ActorContext,
  user: PortalManager,
  userId: number,
  status: "active" | "disabled",
): Promise<void> {
  const accountId = requirePortalAdmin(user);
  if (userId === user.id) {
    throw new AppError(
      status === "disabled" ? "You cannot disable yourself." : "You cannot enable yourself.",
      "forbidden",
    );
  }
  try {
    await setUserStatus(db, actor, userId, status, { accountId });
  } catch (err) {
    // Same answer as for another account's user: an id tells nothing about who exists.
    if (err instanceof RecordNotFoundError) throw new AppError(USER_NOT_FOUND, "not_found");
    throw err;
  }
}

const PORTAL_USER_PAGES = (userId: number) => ["/portal/users", `/portal/users/${userId}`];

export const invitePortalUserOperation = operation({
  schema: invitePortalUserSchema,
  permission: "portal:self",
  audience: "portal",
  portalFeature: "users",
  run: async (input, { db, actor, user, baseUrl }) => {
    const id = await invitePortalUser(db, actor, user, input, await baseUrl());
    await deliverQueuedSoon(db);
    return {
      data: id,
      message: `Invited ${input.email}. They will get an email with a link to set a password.`,
    };
  },
  revalidate: PORTAL_USER_PAGES,
});

export const setPortalUserStatusOperation = operation({
  schema: setPortalUserStatusSchema,
  permission: "portal:self",
  audience: "portal",
  portalFeature: "users",
  run: async (input, { db, actor, user }) => {
    await setPortalUserStatus(db, actor, user, input.userId, input.status);
    return {
      data: input.userId,
      message: input.status === "disabled" ? "User disabled." : "User enabled.",
    };
  },
  revalidate: PORTAL_USER_PAGES,
});
