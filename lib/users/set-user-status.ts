import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { users } from "@/db/schema";
import { operation } from "@/lib/actions/operation";
import type { ActorContext } from "@/lib/audit/actor";
import { auditedMutation } from "@/lib/audit/core";
import { endUserSessions } from "@/lib/auth/user-sessions";
import { AppError } from "@/lib/errors";
import { setStatusSchema } from "./schemas";
import { userStatusMessage } from "./messages";
import { LAST_ADMIN, otherActiveAdmins, USER_NOT_FOUND, USER_PAGES } from "./user-rules";

/**
 * Disables or enables a user. Disabling also voids any pending link; enabling returns them to
 * `active`, or to `invited` when they never set a password. With `scope`, a user outside that
 * account is "not found" (checked under the row lock), so the portal cannot reach other tenants.
 */
export async function setUserStatus(
  db: Db,
  actor: ActorContext,
  userId: number,
  status: "active" | "disabled",
  scope?: { accountId: number },
): Promise<void> {
  if (status === "disabled" && actor.userId === userId) {
    throw new AppError("You cannot disable yourself.", "forbidden");
  }
  await auditedMutation(db, actor, {
    table: "users",
    action: "UPDATE",
    id: userId,
    change: async (tx, before) => {
      if (!before) return;
      if (scope && before.accountId !== scope.accountId) {
        throw new AppError(USER_NOT_FOUND, "not_found");
      }
      if (status === "disabled") {
        if (before.status === "disabled") throw new AppError("This user is already disabled.");
        if (before.role === "admin" && before.status === "active") {
          if ((await otherActiveAdmins(tx, userId)) === 0) {
            throw new AppError(LAST_ADMIN, "conflict");
          }
        }
        await tx
          .update(users)
          .set({
            status: "disabled",
            disabledBy: actor.type,
            passwordTokenHash: null,
            passwordTokenExpiresAt: null,
          })
          .where(eq(users.id, userId));
        // Ended, not merely refused while disabled: enabling the user again revives no cookie.
        await endUserSessions(tx, userId, "disabled");
      } else {
        if (before.status !== "disabled") throw new AppError("This user is not disabled.");
        if (scope && before.disabledBy !== "portal") {
          throw new AppError(DISABLED_BY_STAFF, "forbidden");
        }
        await tx
          .update(users)
          .set({ status: before.passwordHash ? "active" : "invited", disabledBy: null })
          .where(eq(users.id, userId));
      }
    },
    message: (b, a) => userStatusMessage(status, a ?? b!),
  });
}

export const DISABLED_BY_STAFF =
  "Your provider's staff disabled this user: ask them if they should be enabled again.";

export const setUserStatusOperation = operation({
  schema: setStatusSchema,
  permission: "users:manage",
  audience: "staff",
  run: async (input, { db, actor }) => {
    await setUserStatus(db, actor, input.userId, input.status);
    return {
      data: input.userId,
      message: input.status === "disabled" ? "User disabled." : "User enabled.",
    };
  },
  revalidate: USER_PAGES,
});
