"use server";

import { z } from "zod";
import { USER_ROLES } from "@/db/schema";
import { defineAction } from "@/lib/actions/define-action";
import { AUDIT_COLUMN_KEYS, type AuditColumnKey } from "@/lib/visibility/audit-columns";
import {
  clearUserColumnOverride,
  setAuditColumnPermissions,
} from "@/lib/visibility/set-column-permissions";

const columnList = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => (Array.isArray(v) ? v : v ? [v] : []))
  .pipe(
    z
      .array(z.enum(AUDIT_COLUMN_KEYS as [AuditColumnKey, ...AuditColumnKey[]]))
      .min(1, "Leave at least one column visible."),
  );

export const setRoleColumnsAction = defineAction(
  {
    schema: z.object({ role: z.enum(USER_ROLES), "columns[]": columnList }),
    permission: "settings:manage",
    audience: "staff",
  },
  async (input, { db, actor }) => {
    await setAuditColumnPermissions(db, actor, { role: input.role }, input["columns[]"]);
    return { data: input.role, message: `Saved the ${input.role} role's columns.` };
  },
);

export const setUserColumnsAction = defineAction(
  {
    schema: z.object({
      userId: z.coerce.number({ error: "Choose a user." }).int().positive("Choose a user."),
      "columns[]": columnList,
    }),
    permission: "settings:manage",
    audience: "staff",
  },
  async (input, { db, actor }) => {
    await setAuditColumnPermissions(db, actor, { userId: input.userId }, input["columns[]"]);
    return { data: input.userId, message: "Saved the user's override." };
  },
);

export const clearUserColumnsAction = defineAction(
  {
    schema: z.object({ userId: z.coerce.number().int().positive() }),
    permission: "settings:manage",
    audience: "staff",
  },
  async (input, { db, actor }) => {
    await clearUserColumnOverride(db, actor, input.userId);
    return { data: input.userId, message: "Removed the override." };
  },
);
