import { isDeepStrictEqual } from "node:util";
import { eq } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "@/db/client";
import { appSettings } from "@/db/schema";
import type { ActorContext } from "@/lib/audit/actor";
import { auditedMutation, NO_CHANGE } from "@/lib/audit/core";

/**
 * Operator settings, one `app_settings` row per key, each read through its schema: a row that is
 * missing (a database from before the setting existed) or does not parse reads as the default,
 * so a setting never turns a feature on by accident.
 */

export const AUDIT_COMMENT_MODES = ["off", "optional", "required"] as const;
export type AuditCommentMode = (typeof AUDIT_COMMENT_MODES)[number];
const auditCommentMode = z.enum(AUDIT_COMMENT_MODES);

export const SETTINGS = {
  /** Whether saves ask for a reason, per audience (Control Panel staff, Customer Portal users). */
  audit_comment: {
    schema: z.object({ controlPanel: auditCommentMode, portal: auditCommentMode }).strict(),
    default: { controlPanel: "off", portal: "off" },
  },
  /** Admins must have a second factor: one without is sent to enrolment after the password. */
  admin_totp_required: { schema: z.boolean(), default: false },
} as const satisfies Record<string, { schema: z.ZodType; default: unknown }>;

export type SettingKey = keyof typeof SETTINGS;
export type SettingValue<K extends SettingKey> = z.infer<(typeof SETTINGS)[K]["schema"]>;

export async function readSetting<K extends SettingKey>(
  db: DbOrTx,
  key: K,
): Promise<SettingValue<K>> {
  const [row] = await db
    .select({ value: appSettings.value })
    .from(appSettings)
    .where(eq(appSettings.key, key));
  const parsed = SETTINGS[key].schema.safeParse(row?.value);
  return (parsed.success ? parsed.data : SETTINGS[key].default) as SettingValue<K>;
}

/**
 * Stores `value` under `key` through the audited core: an UPDATE of the row, a CREATE when the
 * database has none yet, nothing at all (no entry) when the value is what is stored.
 */
export async function writeSetting<K extends SettingKey>(
  db: DbOrTx,
  actor: ActorContext,
  key: K,
  value: SettingValue<K>,
  message: (before: unknown) => string,
): Promise<{ changed: boolean }> {
  const stored = SETTINGS[key].schema.parse(value);
  const [existing] = await db
    .select({ key: appSettings.key })
    .from(appSettings)
    .where(eq(appSettings.key, key));
  const { auditId } = existing
    ? await auditedMutation(db, actor, {
        table: "app_settings",
        action: "UPDATE",
        id: key,
        change: async (tx, before) => {
          if (isDeepStrictEqual(before?.value, stored)) return NO_CHANGE;
          await tx.update(appSettings).set({ value: stored }).where(eq(appSettings.key, key));
        },
        message: (before) => message(before?.value),
      })
    : await auditedMutation(db, actor, {
        table: "app_settings",
        action: "CREATE",
        change: async (tx) => {
          await tx.insert(appSettings).values({ key, value: stored });
          return key;
        },
        message: () => message(undefined),
      });
  return { changed: auditId !== null };
}
