import { eq } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "@/db/client";
import { appSettings } from "@/db/schema";

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
