import { z } from "zod";
import type { Db } from "@/db/client";
import { USER_ROLES, type UserRole } from "@/db/schema";
import { operation } from "@/lib/actions/operation";
import type { ActorContext } from "@/lib/audit/actor";
import { AppError } from "@/lib/errors";
import { setColumnPermissions } from "@/lib/visibility/set-column-permissions";
import {
  checkedColumns,
  columnSubjectRefusal,
  keyList,
  roleDefaultColumns,
  surfaceField,
  versionField,
} from "./settings-input";
import { columnSetMessage, type ColumnSurface } from "./settings-messages";
import { audienceOf } from "./viewer-policy";

/**
 * A role's CDR fields (staff roles) or breakout columns (every role that reads CDRs): the row
 * replaces the role's default, e.g. to give `support` the cost column.
 */
async function setRoleColumns(
  db: Db,
  actor: ActorContext,
  input: { surface: ColumnSurface; role: UserRole; columns: readonly string[]; version?: number },
): Promise<{ version: number }> {
  const refusal = columnSubjectRefusal(input.surface, input.role);
  if (refusal) throw new AppError(refusal, "invalid", { role: [refusal] });
  const columns = checkedColumns(input.surface, audienceOf(input.role), input.columns, "columns[]");
  const subject = { role: input.role };
  return setColumnPermissions(db, actor, input.surface, subject, columns, {
    describe: (before, after) =>
      columnSetMessage(
        input.surface,
        { subject },
        before ?? roleDefaultColumns(input.surface, input.role),
        after,
      ),
    ...(input.version !== undefined ? { expectedVersion: input.version } : {}),
  });
}

/** A role's row: `surface` (cdr | breakout), `role`, `version`, `columns[]`. */
export const setRoleColumnsOperation = operation({
  schema: z.object({
    surface: surfaceField,
    role: z.enum(USER_ROLES, { error: "Choose a role." }),
    version: versionField,
    "columns[]": keyList,
  }),
  permission: "settings:manage",
  audience: "staff",
  run: async (input, { db, actor }) => {
    const saved = await setRoleColumns(db, actor, {
      surface: input.surface,
      role: input.role,
      columns: input["columns[]"],
      ...(input.version !== undefined ? { version: input.version } : {}),
    });
    return { data: saved, message: `Saved the ${input.role} role's ${noun(input.surface)}.` };
  },
  revalidate: () => ["/settings/cdr-fields"],
});

export const noun = (surface: ColumnSurface) =>
  surface === "cdr" ? "CDR fields" : "breakout columns";
