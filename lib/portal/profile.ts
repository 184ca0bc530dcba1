import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { users } from "@/db/schema";
import type { ActorContext } from "@/lib/audit/actor";
import { auditedMutation, NO_CHANGE } from "@/lib/audit/core";
import { updateProfileSchema, type UpdateProfileInput } from "./schemas";
import { operation } from "@/lib/actions/operation";

/**
 * A portal user's own profile: name and time zone (the password is lib/users/change-password.ts).
 * Always the signed-in user's row.
 */

/** Saves name and time zone; returns whether anything changed (an unchanged save writes no entry). */
async function updateProfile(
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

export const updateProfileOperation = operation({
  schema: updateProfileSchema,
  permission: "portal:self",
  audience: "portal",
  run: async (input, { db, actor, user }) => {
    const changed = await updateProfile(db, actor, user.id, input);
    return { data: user.id, message: changed ? "Profile saved." : "No changes to save." };
  },
  // The top bar shows the name and every portal page the time zone.
  revalidate: () => [{ layout: "/portal" }],
});
