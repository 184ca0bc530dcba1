import type { Db } from "@/db/client";
import { columnPreferences, type VISIBILITY_SURFACES } from "@/db/schema";
import { z } from "zod";
import { operation } from "@/lib/actions/operation";
import { AUDIT_COLUMN_KEYS } from "./audit-columns";

/**
 * A user's own hidden columns. A preference only narrows what the permission layer allows, so it
 * is not an audited change to the system (it is the user's view, like a sort order).
 */
export async function saveHiddenColumns(
  db: Db,
  userId: number,
  surface: (typeof VISIBILITY_SURFACES)[number],
  hidden: string[],
): Promise<void> {
  await db
    .insert(columnPreferences)
    .values({ userId, surface, hiddenColumns: hidden })
    .onConflictDoUpdate({
      target: [columnPreferences.userId, columnPreferences.surface],
      set: { hiddenColumns: hidden },
    });
}

/** The audit page's column chooser, in both apps. */
export const saveAuditColumnsOperation = operation({
  schema: z.object({
    "visible[]": z
      .union([z.string(), z.array(z.string())])
      .transform((v) => (Array.isArray(v) ? v : [v]))
      .pipe(
        z
          .array(z.enum(AUDIT_COLUMN_KEYS as [string, ...string[]]))
          .min(1, "Keep at least one column."),
      ),
  }),
  permission: "audit:read",
  audience: "any",
  portalFeature: "auditLog",
  run: async (input, { db, user }) => {
    const hidden = AUDIT_COLUMN_KEYS.filter((k) => !input["visible[]"].includes(k));
    await saveHiddenColumns(db, user.id, "audit", hidden);
    return { data: hidden, message: "Columns saved." };
  },
});
