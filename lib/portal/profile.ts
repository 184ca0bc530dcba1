import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { users } from "@/db/schema";
import type { ActorContext } from "@/lib/audit/actor";
import { auditedMutation, NO_CHANGE } from "@/lib/audit/core";
import { hashPassword, verifyPassword } from "@/lib/auth/password";
import { AppError } from "@/lib/errors";
import type { ChangePasswordInput, UpdateProfileInput } from "./schemas";

/** A portal user's own profile: name, time zone and password. Always the signed-in user's row. */

const wrongPassword = () =>
  new AppError("Check the highlighted fields.", "invalid", {
    currentPassword: ["That is not your current password."],
  });

/** Saves name and time zone; returns whether anything changed (an unchanged save writes no entry). */
export async function updateProfile(
  db: Db,
  actor: ActorContext,
  userId: number,
  input: UpdateProfileInput,
): Promise<boolean> {
  const { auditId } = await auditedMutation(db, actor, {
    table: "users",
    action: "UPDATE",
    id: userId,
    change: async (tx, before) => {
      if (before?.name === input.name && before.timeZone === input.timeZone) return NO_CHANGE;
      await tx
        .update(users)
        .set({ name: input.name, timeZone: input.timeZone })
        .where(eq(users.id, userId));
    },
  });
  return auditId !== null;
}

/**
 * Replaces the password after checking the current one. A wrong current password changes
 * nothing; a pending reset link is voided, since the user evidently knows their password.
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
    },
    message: (b, a) => {
      const u = a ?? b!;
      return `Changed own password of portal user ${u.name} <${u.email}>`;
    },
  });
}
