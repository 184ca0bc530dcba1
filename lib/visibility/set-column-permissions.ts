import { and, eq, isNull } from "drizzle-orm";
import type { Db } from "@/db/client";
import { columnPermissions, USER_ROLES, users, type UserRole } from "@/db/schema";
import type { ActorContext } from "@/lib/audit/actor";
import { auditedMutation } from "@/lib/audit/core";
import { AppError } from "@/lib/errors";
import { AUDIT_COLUMN_KEYS, type AuditColumnKey } from "./audit-columns";
import { z } from "zod";
import { operation } from "@/lib/actions/operation";

/** The permission layer of audit-column visibility, per role or per user; every change audited. */
export type PermissionSubject = { role: UserRole } | { userId: number };

const subjectCondition = (subject: PermissionSubject) =>
  "role" in subject
    ? and(
        eq(columnPermissions.surface, "audit"),
        eq(columnPermissions.role, subject.role),
        isNull(columnPermissions.userId),
      )
    : and(eq(columnPermissions.surface, "audit"), eq(columnPermissions.userId, subject.userId));

const subjectName = (subject: PermissionSubject) =>
  "role" in subject ? `role ${subject.role}` : `user ${subject.userId}`;

/** "Set audit columns of role support to … (were …)": `columns` in the Audit Log's order. */
export const columnPermissionsMessage = (
  subject: PermissionSubject,
  columns: readonly string[],
  were: readonly string[] | null,
) =>
  `Set audit columns of ${subjectName(subject)} to ${columns.join(", ")}` +
  (were ? ` (were ${were.join(", ")})` : "");

export const columnOverrideRemovedMessage = (userId: number) =>
  `Removed the audit column override of user ${userId}`;

export async function setAuditColumnPermissions(
  db: Db,
  actor: ActorContext,
  subject: PermissionSubject,
  columns: readonly AuditColumnKey[],
): Promise<void> {
  const ordered = AUDIT_COLUMN_KEYS.filter((k) => columns.includes(k));
  if (ordered.length === 0) throw new AppError("Leave at least one column visible.", "invalid");
  if ("userId" in subject) {
    const [user] = await db
      .select({ id: users.id })
      .from(users)
      .where(eq(users.id, subject.userId));
    if (!user) throw new AppError("That user does not exist.", "not_found");
  }
  const [existing] = await db.select().from(columnPermissions).where(subjectCondition(subject));
  const describe = (before: string[] | null) => columnPermissionsMessage(subject, ordered, before);
  if (existing) {
    await auditedMutation(db, actor, {
      table: "column_permissions",
      action: "UPDATE",
      id: existing.id,
      change: (tx) =>
        tx
          .update(columnPermissions)
          .set({ columns: ordered, updatedAt: new Date() })
          .where(eq(columnPermissions.id, existing.id))
          .then(() => {}),
      message: () => describe(existing.columns),
    });
    return;
  }
  await auditedMutation(db, actor, {
    table: "column_permissions",
    action: "CREATE",
    change: async (tx) => {
      const [row] = await tx
        .insert(columnPermissions)
        .values({
          surface: "audit",
          columns: ordered,
          ...("role" in subject ? { role: subject.role } : { userId: subject.userId }),
        })
        .returning({ id: columnPermissions.id });
      return row!.id;
    },
    message: () => describe(null),
  });
}

/** Removes a user's override: they see what their role sees again. */
export async function clearUserColumnOverride(
  db: Db,
  actor: ActorContext,
  userId: number,
): Promise<void> {
  const [existing] = await db.select().from(columnPermissions).where(subjectCondition({ userId }));
  if (!existing) throw new AppError("That user has no override.", "not_found");
  await auditedMutation(db, actor, {
    table: "column_permissions",
    action: "DELETE",
    id: existing.id,
    change: (tx) =>
      tx
        .delete(columnPermissions)
        .where(eq(columnPermissions.id, existing.id))
        .then(() => {}),
    message: () => columnOverrideRemovedMessage(userId),
  });
}

const columnList = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => (Array.isArray(v) ? v : v ? [v] : []))
  .pipe(
    z
      .array(z.enum(AUDIT_COLUMN_KEYS as [AuditColumnKey, ...AuditColumnKey[]]))
      .min(1, "Leave at least one column visible."),
  );

export const setRoleColumnsOperation = operation({
  schema: z.object({ role: z.enum(USER_ROLES), "columns[]": columnList }),
  permission: "settings:manage",
  audience: "staff",
  run: async (input, { db, actor }) => {
    await setAuditColumnPermissions(db, actor, { role: input.role }, input["columns[]"]);
    return { data: input.role, message: `Saved the ${input.role} role's columns.` };
  },
});

export const setUserColumnsOperation = operation({
  schema: z.object({
    userId: z.coerce.number({ error: "Choose a user." }).int().positive("Choose a user."),
    "columns[]": columnList,
  }),
  permission: "settings:manage",
  audience: "staff",
  run: async (input, { db, actor }) => {
    await setAuditColumnPermissions(db, actor, { userId: input.userId }, input["columns[]"]);
    return { data: input.userId, message: "Saved the user's override." };
  },
});

export const clearUserColumnsOperation = operation({
  schema: z.object({ userId: z.coerce.number().int().positive() }),
  permission: "settings:manage",
  audience: "staff",
  run: async (input, { db, actor }) => {
    await clearUserColumnOverride(db, actor, input.userId);
    return { data: input.userId, message: "Removed the override." };
  },
});
