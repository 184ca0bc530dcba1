import { and, eq, isNull } from "drizzle-orm";
import type { Db, DbOrTx } from "@/db/client";
import {
  columnPermissions,
  USER_ROLES,
  users,
  type UserRole,
  type VISIBILITY_SURFACES,
} from "@/db/schema";
import type { ActorContext } from "@/lib/audit/actor";
import { auditedMutation } from "@/lib/audit/core";
import { asStaleEdit, StaleEditError } from "@/lib/audit/stale-edit";
import { AppError } from "@/lib/errors";
import { AUDIT_COLUMN_KEYS, type AuditColumnKey } from "./audit-columns";
import { z } from "zod";
import { operation } from "@/lib/actions/operation";

/** The permission layer of column visibility, per role or per user; every change audited. */
export type PermissionSubject = { role: UserRole } | { userId: number };
export type VisibilitySurface = (typeof VISIBILITY_SURFACES)[number];

const subjectCondition = (surface: VisibilitySurface, subject: PermissionSubject) =>
  "role" in subject
    ? and(
        eq(columnPermissions.surface, surface),
        eq(columnPermissions.role, subject.role),
        isNull(columnPermissions.userId),
      )
    : and(eq(columnPermissions.surface, surface), eq(columnPermissions.userId, subject.userId));

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

/** The row of one subject on one surface, if the admin has saved one. */
export async function findColumnPermission(
  db: DbOrTx,
  surface: VisibilitySurface,
  subject: PermissionSubject,
) {
  const [row] = await db.select().from(columnPermissions).where(subjectCondition(surface, subject));
  return row ?? null;
}

const STALE_MESSAGE =
  "These columns were changed by someone else since you opened the page. Review them and save again.";

export type SetColumnPermissionsOptions = {
  /** The audit message from the columns before (null: no row yet) and after. */
  describe: (before: readonly string[] | null, after: readonly string[]) => string;
  /** The row's version the editor saw; 0 when it saw no row. A mismatch refuses the save. */
  expectedVersion?: number;
};

/**
 * Saves a subject's columns on a surface (CREATE, or UPDATE of its row). `columns` are already
 * validated and ordered by the caller, which knows the surface's catalogue.
 */
export async function setColumnPermissions(
  db: Db,
  actor: ActorContext,
  surface: VisibilitySurface,
  subject: PermissionSubject,
  columns: readonly string[],
  { describe, expectedVersion }: SetColumnPermissionsOptions,
): Promise<{ id: number; version: number }> {
  if (columns.length === 0) throw new AppError("Leave at least one column visible.", "invalid");
  if ("userId" in subject) {
    const [user] = await db
      .select({ id: users.id })
      .from(users)
      .where(eq(users.id, subject.userId));
    if (!user) throw new AppError("That user does not exist.", "not_found");
  }
  const existing = await findColumnPermission(db, surface, subject);
  if (expectedVersion !== undefined && (existing?.version ?? 0) !== expectedVersion) {
    throw new StaleEditError(STALE_MESSAGE, existing ?? {});
  }
  if (existing) {
    try {
      const { after } = await auditedMutation(db, actor, {
        table: "column_permissions",
        action: "UPDATE",
        id: existing.id,
        ...(expectedVersion !== undefined ? { expectedVersion } : {}),
        change: (tx) =>
          tx
            .update(columnPermissions)
            .set({ columns: [...columns], updatedAt: new Date() })
            .where(eq(columnPermissions.id, existing.id))
            .then(() => {}),
        message: (before) => describe(before?.columns ?? existing.columns, columns),
      });
      return { id: after!.id, version: after!.version };
    } catch (err) {
      throw asStaleEdit(err, STALE_MESSAGE);
    }
  }
  const { after } = await auditedMutation(db, actor, {
    table: "column_permissions",
    action: "CREATE",
    change: async (tx) => {
      const [row] = await tx
        .insert(columnPermissions)
        .values({
          surface,
          columns: [...columns],
          ...("role" in subject ? { role: subject.role } : { userId: subject.userId }),
        })
        .returning({ id: columnPermissions.id });
      return row!.id;
    },
    message: () => describe(null, columns),
  });
  return { id: after!.id, version: after!.version };
}

/** Removes a subject's row on a surface: a user sees their role's again, a role its default. */
export async function clearColumnPermissions(
  db: Db,
  actor: ActorContext,
  surface: VisibilitySurface,
  subject: PermissionSubject,
  describe: (before: readonly string[]) => string,
): Promise<void> {
  const existing = await findColumnPermission(db, surface, subject);
  if (!existing) {
    throw new AppError(
      "role" in subject ? "That role has no saved columns." : "That user has no override.",
      "not_found",
    );
  }
  await auditedMutation(db, actor, {
    table: "column_permissions",
    action: "DELETE",
    id: existing.id,
    change: (tx) =>
      tx
        .delete(columnPermissions)
        .where(eq(columnPermissions.id, existing.id))
        .then(() => {}),
    message: (before) => describe(before?.columns ?? existing.columns),
  });
}

export async function setAuditColumnPermissions(
  db: Db,
  actor: ActorContext,
  subject: PermissionSubject,
  columns: readonly AuditColumnKey[],
): Promise<void> {
  const ordered = AUDIT_COLUMN_KEYS.filter((k) => columns.includes(k));
  await setColumnPermissions(db, actor, "audit", subject, ordered, {
    describe: (before, after) => columnPermissionsMessage(subject, after, before),
  });
}

/** Removes a user's audit-column override: they see what their role sees again. */
export async function clearUserColumnOverride(
  db: Db,
  actor: ActorContext,
  userId: number,
): Promise<void> {
  await clearColumnPermissions(db, actor, "audit", { userId }, () =>
    columnOverrideRemovedMessage(userId),
  );
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
