import type { Db } from "@/db/client";
import { columnPreferences, type VISIBILITY_SURFACES } from "@/db/schema";

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
