import { z } from "zod";
import type { Db } from "@/db/client";
import { USER_ROLES, type UserRole } from "@/db/schema";
import { operation } from "@/lib/actions/operation";
import type { ActorContext } from "@/lib/audit/actor";
import { AppError } from "@/lib/errors";
import { clearColumnPermissions } from "@/lib/visibility/set-column-permissions";
import { roleDefaultColumns, surfaceField } from "./settings-input";
import { columnSetRemovedMessage, type ColumnSurface } from "./settings-messages";
import { findColumnUser, roleColumnsOf } from "./set-user-columns";

/**
 * Removes a role's row (the role sees its default again) or a user's (they see their role's
 * columns again) on the CDR field or breakout column surface.
 */
async function clearColumnOverride(
  db: Db,
  actor: ActorContext,
  surface: ColumnSurface,
  subject: { role: UserRole } | { userId: number },
): Promise<void> {
  if ("role" in subject) {
    const fallback = roleDefaultColumns(surface, subject.role);
    await clearColumnPermissions(db, actor, surface, subject, (before) =>
      columnSetRemovedMessage(surface, { subject }, before, fallback),
    );
    return;
  }
  const user = await findColumnUser(db, surface, subject.userId);
  const roleColumns = await roleColumnsOf(db, surface, user.role);
  await clearColumnPermissions(db, actor, surface, subject, (before) =>
    columnSetRemovedMessage(surface, { subject, email: user.email }, before, roleColumns),
  );
}

/** A Reset/Remove button: `surface` and either `role` or `userId`. */
export const clearColumnsOperation = operation({
  schema: z.object({
    surface: surfaceField,
    role: z.enum(USER_ROLES).optional(),
    userId: z.coerce.number().int().positive().optional(),
  }),
  permission: "settings:manage",
  audience: "staff",
  run: async (input, { db, actor }) => {
    const subject =
      input.role !== undefined
        ? { role: input.role }
        : input.userId !== undefined
          ? { userId: input.userId }
          : null;
    if (!subject) throw new AppError("Choose a role or a user.", "invalid");
    await clearColumnOverride(db, actor, input.surface, subject);
    return {
      data: input.surface,
      message: "role" in subject ? "Reset the role to its default." : "Removed the override.",
    };
  },
  revalidate: () => ["/settings/cdr-fields"],
});
