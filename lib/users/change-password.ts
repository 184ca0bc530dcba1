import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { users } from "@/db/schema";
import type { ActorContext } from "@/lib/audit/actor";
import { auditedMutation } from "@/lib/audit/core";
import { hashPassword, verifyPassword } from "@/lib/auth/password";
import { isPortalRole } from "@/lib/auth/roles";
import { endUserSessions } from "@/lib/auth/user-sessions";
import { AppError } from "@/lib/errors";
import { changePasswordSchema, type ChangePasswordInput } from "./schemas";
import { operation } from "@/lib/actions/operation";

const wrongPassword = () =>
  new AppError("Check the highlighted fields.", "invalid", {
    currentPassword: ["That is not your current password."],
  });

/**
 * A signed-in user replaces their own password (Control Panel or Portal) after giving the
 * current one. A wrong current password changes nothing. A pending reset link is voided, since
 * the user evidently knows their password, and every session of theirs ends in the same
 * transaction, this one included: a copy of any of their cookies stops working.
 */
async function changePassword(
  db: Db,
  actor: ActorContext,
  userId: number,
  input: ChangePasswordInput,
): Promise<void> {
  const [current] = await db
    .select({ passwordHash: users.passwordHash })
    .from(users)
    .where(eq(users.id, userId));
  // Argon2 is slow on purpose: verify and hash before the transaction, not under the row lock.
  if (!(await verifyPassword(current?.passwordHash ?? null, input.currentPassword))) {
    throw wrongPassword();
  }
  const passwordHash = await hashPassword(input.newPassword);
  await auditedMutation(db, actor, {
    table: "users",
    action: "UPDATE",
    id: userId,
    change: async (tx, before) => {
      // Changed in another tab meanwhile: the password just verified is no longer the current one.
      if (before?.passwordHash !== current?.passwordHash) throw wrongPassword();
      await tx
        .update(users)
        .set({ passwordHash, passwordTokenHash: null, passwordTokenExpiresAt: null })
        .where(eq(users.id, userId));
      await endUserSessions(tx, userId, "password_changed");
    },
    message: (b, a) => {
      const u = a ?? b!;
      const noun = isPortalRole(u.role) ? "portal user" : "user";
      return `Changed own password of ${noun} ${u.name} <${u.email}>`;
    },
  });
}

export const PASSWORD_CHANGED = "Password changed. Your other sessions were signed out.";

/**
 * The change ends every session of the user, the one it came with too: the browser that made
 * it signs in again with the new password, then loads the profile afresh (this request's render
 * would still see the ended session's cookie).
 */
const passwordChange = (audience: "staff" | "portal", profilePage: string) =>
  operation({
    schema: changePasswordSchema,
    permission: audience === "staff" ? "profile:self" : "portal:self",
    audience,
    run: async (input, { db, actor, user }) => {
      await changePassword(db, actor, user.id, input);
      return { data: user.id, message: PASSWORD_CHANGED };
    },
    renewsSession: (input) => input.newPassword,
    redirect: () => `${profilePage}?notice=password-changed`,
  });

/** A staff user's own password, on /profile. */
export const changeOwnPasswordOperation = passwordChange("staff", "/profile");
/** A portal user's own password, on /portal/profile. */
export const changePortalPasswordOperation = passwordChange("portal", "/portal/profile");
