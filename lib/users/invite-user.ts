import { eq, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { isUniqueViolation } from "@/db/errors";
import { accounts, users } from "@/db/schema";
import { operation } from "@/lib/actions/operation";
import type { ActorContext } from "@/lib/audit/actor";
import { auditedMutation } from "@/lib/audit/core";
import { isPortalRole } from "@/lib/auth/roles";
import { deliverQueuedSoon } from "@/lib/email/deliver";
import { queueEmail } from "@/lib/email/outbox";
import { invitationEmail } from "@/lib/email/templates";
import { AppError } from "@/lib/errors";
import { inviteUserSchema, type InviteUserInput } from "./schemas";
import { INVITATION_HOURS, newPasswordToken, setPasswordLink } from "./tokens";
import { invitedUserMessage } from "./messages";
import { PORTAL_ADMIN_ONLY, USER_PAGES } from "./user-rules";

const emailTaken = () =>
  new AppError("Check the highlighted fields.", "conflict", {
    email: ["A user with this email already exists."],
  });

/**
 * Invites a user: creates them as `invited` with a single-use link and queues the invitation
 * email, in one transaction (CREATE and SEND entries commit together or not at all).
 * Returns the new user's id; the token only travels inside the email.
 */
export async function inviteUser(
  db: Db,
  actor: ActorContext,
  input: InviteUserInput,
  baseUrl: string,
): Promise<number> {
  const portal = isPortalRole(input.role);
  if (portal) {
    if (input.accountId === null) {
      throw new AppError("Check the highlighted fields.", "invalid", {
        accountId: ["Portal users belong to an account: choose one."],
      });
    }
    const [account] = await db
      .select({ type: accounts.type })
      .from(accounts)
      .where(eq(accounts.id, input.accountId));
    if (!account) {
      throw new AppError("Check the highlighted fields.", "invalid", {
        accountId: ["That account does not exist."],
      });
    }
    if (account.type !== input.role) {
      throw new AppError("Check the highlighted fields.", "invalid", {
        accountId: [`A ${input.role} user needs a ${input.role} account.`],
      });
    }
  }
  const accountId = portal ? input.accountId : null;
  // Staff never carry the flag (users_portal_admin_has_account would refuse it anyway).
  const portalAdmin = input.portalAdmin ?? false;
  if (portalAdmin && !portal) {
    throw new AppError("Check the highlighted fields.", "invalid", {
      portalAdmin: [PORTAL_ADMIN_ONLY],
    });
  }

  const [existing] = await db
    .select({ id: users.id })
    .from(users)
    .where(sql`lower(${users.email}) = ${input.email.toLowerCase()}`);
  if (existing) throw emailTaken();

  const token = newPasswordToken(INVITATION_HOURS);
  try {
    return await db.transaction(async (tx) => {
      const { after } = await auditedMutation(tx, actor, {
        table: "users",
        action: "CREATE",
        change: async (t) => {
          const [row] = await t
            .insert(users)
            .values({
              name: input.name,
              email: input.email,
              role: input.role,
              accountId,
              portalAdmin,
              status: "invited",
              passwordTokenHash: token.hash,
              passwordTokenExpiresAt: token.expiresAt,
            })
            .returning({ id: users.id });
          return row!.id;
        },
        message: (_b, a) => invitedUserMessage(input.role, a ?? input, portalAdmin),
      });
      const user = after!;
      await queueEmail(
        tx,
        actor,
        invitationEmail({
          name: user.name,
          email: user.email,
          userId: user.id,
          accountId: user.accountId,
          link: setPasswordLink(baseUrl, token.token),
        }),
      );
      return user.id;
    });
  } catch (err) {
    // Two admins inviting the same address at once: the unique index decides.
    if (isUniqueViolation(err, "users_email_key")) throw emailTaken();
    throw err;
  }
}

export const inviteUserOperation = operation({
  schema: inviteUserSchema,
  permission: "users:manage",
  audience: "staff",
  run: async (input, { db, actor, baseUrl }) => {
    const id = await inviteUser(db, actor, input, await baseUrl());
    await deliverQueuedSoon(db);
    return { data: id, message: `Invited ${input.email}. The invitation is in the outbox.` };
  },
  revalidate: USER_PAGES,
});
