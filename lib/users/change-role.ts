import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { users, type StaffRole } from "@/db/schema";
import { operation } from "@/lib/actions/operation";
import type { ActorContext } from "@/lib/audit/actor";
import { auditedMutation } from "@/lib/audit/core";
import { isPortalRole, ROLE_LABELS } from "@/lib/auth/roles";
import { endUserSessions } from "@/lib/auth/user-sessions";
import { AppError } from "@/lib/errors";
import { changeRoleSchema } from "./schemas";
import { roleChangedMessage } from "./messages";
import { LAST_ADMIN, otherActiveAdmins, USER_PAGES } from "./user-rules";

/** Changes a staff user's role. Nobody changes their own role; the last admin stays admin. */
async function changeRole(
  db: Db,
  actor: ActorContext,
  userId: number,
  role: StaffRole,
): Promise<void> {
  if (actor.userId === userId) {
    throw new AppError("You cannot change your own role.", "forbidden");
  }
  await auditedMutation(db, actor, {
    table: "users",
    action: "UPDATE",
    id: userId,
    change: async (tx, before) => {
      if (!before) return;
      if (isPortalRole(before.role)) {
        throw new AppError("Portal users keep their role: it follows their account.", "invalid");
      }
      if (before.role === role) throw new AppError(`This user is already ${ROLE_LABELS[role]}.`);
      if (before.role === "admin" && before.status === "active") {
        if ((await otherActiveAdmins(tx, userId)) === 0) throw new AppError(LAST_ADMIN, "conflict");
      }
      await tx.update(users).set({ role }).where(eq(users.id, userId));
      // A session keeps what it was signed in as: the user signs in again under the new role.
      await endUserSessions(tx, userId, "role_changed");
    },
    message: (b, a) => roleChangedMessage(a ?? b!, b!.role, role),
  });
}

export const changeRoleOperation = operation({
  schema: changeRoleSchema,
  permission: "users:manage",
  audience: "staff",
  run: async (input, { db, actor }) => {
    await changeRole(db, actor, input.userId, input.role);
    return { data: input.userId, message: "Role changed." };
  },
  revalidate: USER_PAGES,
});
