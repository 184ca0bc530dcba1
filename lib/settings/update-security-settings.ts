import { z } from "zod";
import { operation } from "@/lib/actions/operation";
import { AUDIT_COMMENT_MODES, SETTINGS, writeSetting, type SettingValue } from "./app-settings";

const mode = z.enum(AUDIT_COMMENT_MODES, { error: "Choose off, optional or required." });

const updateSecuritySettingsSchema = z.object({
  auditCommentControlPanel: mode,
  auditCommentPortal: mode,
  /** A switch: FormData carries "on" when on and nothing otherwise. */
  adminTotpRequired: z
    .union([z.literal("on"), z.boolean()], { error: "Turn the switch on or off." })
    .optional()
    .transform((v) => v === "on" || v === true),
});

const commentWording = (v: SettingValue<"audit_comment">) =>
  `Control Panel ${v.controlPanel}, Portal ${v.portal}`;

const was = (
  key: "audit_comment" | "admin_totp_required",
  before: unknown,
  show: (v: never) => string,
) => {
  const parsed = SETTINGS[key].schema.safeParse(before);
  return parsed.success ? ` (was ${show(parsed.data as never)})` : "";
};

/** The audit comment modes per audience and whether admins must have a second factor. */
export const updateSecuritySettingsOperation = operation({
  schema: updateSecuritySettingsSchema,
  permission: "settings:manage",
  audience: "staff",
  run: async (input, { db, actor }) => {
    const comment = {
      controlPanel: input.auditCommentControlPanel,
      portal: input.auditCommentPortal,
    };
    // One transaction: both settings change together or neither does.
    const changed = await db.transaction(async (tx) => {
      const a = await writeSetting(
        tx,
        actor,
        "audit_comment",
        comment,
        (before) =>
          `Set the audit comment to ${commentWording(comment)}${was("audit_comment", before, commentWording)}`,
      );
      const b = await writeSetting(
        tx,
        actor,
        "admin_totp_required",
        input.adminTotpRequired,
        (before) =>
          `${input.adminTotpRequired ? "Required" : "Stopped requiring"} two-factor sign-in for admins${was("admin_totp_required", before, (v: boolean) => (v ? "required" : "not required"))}`,
      );
      return a.changed || b.changed;
    });
    return {
      data: { changed },
      message: changed ? "Saved the security settings." : "Nothing changed.",
    };
  },
  // The reason field's mode is read by both apps' layouts.
  revalidate: () => [{ layout: "/" }],
});
