import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { users } from "@/db/schema";
import type { ActorContext } from "@/lib/audit/actor";
import { auditedMutation } from "@/lib/audit/core";
import { hashPassword, verifyPassword } from "@/lib/auth/password";
import { isPortalRole } from "@/lib/auth/roles";
import { endUserSessions } from "@/lib/auth/user-sessions";
import { AppError } from "@/lib/errors";
import type { ChangePasswordInput } from "./schemas";

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
export async function changePassword(
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
