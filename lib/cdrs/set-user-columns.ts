import { eq } from "drizzle-orm";
import { z } from "zod";
import type { Db, DbOrTx } from "@/db/client";
import { users } from "@/db/schema";
import { operation } from "@/lib/actions/operation";
import type { ActorContext } from "@/lib/audit/actor";
import { AppError } from "@/lib/errors";
import {
  findColumnPermission,
  setColumnPermissions,
} from "@/lib/visibility/set-column-permissions";
import {
  checkedColumns,
  columnSubjectRefusal,
  keyList,
  roleDefaultColumns,
  surfaceField,
  versionField,
} from "./settings-input";
import { columnSetMessage, type ColumnSurface } from "./settings-messages";
import { noun } from "./set-role-columns";
import { audienceOf } from "./viewer-policy";

/** The user a per-user row is for, refused when their role has no such row. */
export async function findColumnUser(db: DbOrTx, surface: ColumnSurface, userId: number) {
  const [user] = await db
    .select({ id: users.id, email: users.email, role: users.role })
    .from(users)
    .where(eq(users.id, userId));
  if (!user) throw new AppError("That user does not exist.", "not_found");
  const refusal = columnSubjectRefusal(surface, user.role);
  if (refusal) throw new AppError(refusal, "invalid", { userId: [refusal] });
  return user;
}

/** What a user sees when they have no row of their own: their role's row, else its default. */
export async function roleColumnsOf(
  db: DbOrTx,
  surface: ColumnSurface,
  role: typeof users.$inferSelect.role,
) {
  const row = await findColumnPermission(db, surface, { role });
  return row?.columns ?? roleDefaultColumns(surface, role);
}

/** A user's own row, replacing their role's columns on that surface. */
export async function setUserColumns(
  db: Db,
  actor: ActorContext,
  input: { surface: ColumnSurface; userId: number; columns: readonly string[]; version?: number },
): Promise<{ version: number }> {
  const user = await findColumnUser(db, input.surface, input.userId);
  const columns = checkedColumns(input.surface, audienceOf(user.role), input.columns, "columns[]");
  const roleColumns = await roleColumnsOf(db, input.surface, user.role);
  const subject = { userId: user.id };
  return setColumnPermissions(db, actor, input.surface, subject, columns, {
    describe: (before, after) =>
      columnSetMessage(input.surface, { subject, email: user.email }, before ?? roleColumns, after),
    ...(input.version !== undefined ? { expectedVersion: input.version } : {}),
  });
}

/** A user's row: `surface` (cdr | breakout), `userId`, `version`, `columns[]`. */
export const setUserColumnsOperation = operation({
  schema: z.object({
    surface: surfaceField,
    userId: z.coerce.number({ error: "Choose a user." }).int().positive("Choose a user."),
    version: versionField,
    "columns[]": keyList,
  }),
  permission: "settings:manage",
  audience: "staff",
  run: async (input, { db, actor }) => {
    const saved = await setUserColumns(db, actor, {
      surface: input.surface,
      userId: input.userId,
      columns: input["columns[]"],
      ...(input.version !== undefined ? { version: input.version } : {}),
    });
    return { data: saved, message: `Saved the user's ${noun(input.surface)}.` };
  },
  revalidate: () => ["/settings/cdr-fields"],
});
