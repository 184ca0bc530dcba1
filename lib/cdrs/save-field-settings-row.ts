import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { cdrFieldSettings } from "@/db/schema";
import type { ActorContext } from "@/lib/audit/actor";
import { auditedMutation, NO_CHANGE } from "@/lib/audit/core";
import { asStaleEdit, StaleEditError } from "@/lib/audit/stale-edit";

const STALE_SETTINGS_MESSAGE =
  "These settings were changed by someone else since you opened the page. Review them and save again.";

type SettingsRow = typeof cdrFieldSettings.$inferSelect;
type SettingsValues = Partial<Omit<SettingsRow, "id" | "version" | "createdAt" | "updatedAt">>;

/**
 * Saves one row of `cdr_field_settings` (an audience default or an account override) through the
 * audit core: CREATE the first time, then UPDATE; a save that changes nothing writes nothing; a
 * form rendered with another version (0: no row yet) is refused as stale.
 */
export async function saveFieldSettingsRow(
  db: Db,
  actor: ActorContext,
  spec: {
    existing: SettingsRow | null;
    /** The version the form was rendered with; omitted: no check. */
    version: number | undefined;
    /** What the row's subject is (accountType or accountId): only for a new row. */
    subject: SettingsValues;
    values: SettingsValues;
    unchanged: (before: SettingsRow) => boolean;
    message: (before: SettingsRow | null, after: SettingsRow) => string;
    accountId?: number;
  },
): Promise<{ id: number; version: number; changed: boolean }> {
  const { existing, version } = spec;
  if (version !== undefined && (existing?.version ?? 0) !== version) {
    throw new StaleEditError(STALE_SETTINGS_MESSAGE, existing ?? {});
  }
  const links = spec.accountId !== undefined ? { links: { accountId: spec.accountId } } : {};
  if (existing) {
    try {
      const { after, auditId } = await auditedMutation(db, actor, {
        table: "cdr_field_settings",
        action: "UPDATE",
        id: existing.id,
        ...(version !== undefined ? { expectedVersion: version } : {}),
        change: async (tx, before) => {
          if (before && spec.unchanged(before)) return NO_CHANGE;
          await tx
            .update(cdrFieldSettings)
            .set(spec.values)
            .where(eq(cdrFieldSettings.id, existing.id));
        },
        message: (before, after) => spec.message(before, after!),
        ...links,
      });
      return { id: after!.id, version: after!.version, changed: auditId !== null };
    } catch (err) {
      throw asStaleEdit(err, STALE_SETTINGS_MESSAGE);
    }
  }
  const { after } = await auditedMutation(db, actor, {
    table: "cdr_field_settings",
    action: "CREATE",
    change: async (tx) => {
      const [row] = await tx
        .insert(cdrFieldSettings)
        .values({ ...spec.subject, ...spec.values })
        .returning({ id: cdrFieldSettings.id });
      return row!.id;
    },
    message: (_before, after) => spec.message(null, after!),
    ...links,
  });
  return { id: after!.id, version: after!.version, changed: true };
}

export const sameLabels = (a: Record<string, string>, b: Record<string, string>) =>
  JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());
