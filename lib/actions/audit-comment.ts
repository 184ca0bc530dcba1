import { z } from "zod";
import type { DbOrTx } from "@/db/client";
import { readSetting, type AuditCommentMode } from "@/lib/settings/app-settings";

/**
 * The audit comment ("Reason for this change"): the one schema both doors' comments pass, and the
 * check against the operator's setting for the caller's audience. Only the pipeline attaches a
 * comment to the actor, and only from what a door hands it here: the form's `auditComment` field
 * or the API's X-Audit-Comment header.
 */

export const AUDIT_COMMENT_FIELD = "auditComment";
export const AUDIT_COMMENT_HEADER = "X-Audit-Comment";
export const AUDIT_COMMENT_MAX = 500;

// Line feeds and tabs are text a reason may hold; every other control character (C0, DEL, C1)
// would be invisible in the table and the export, or break a line-based SIEM record.
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/;

/** Trimmed, line endings normalised, at most AUDIT_COMMENT_MAX characters, no control characters. */
const commentText = z
  .string()
  .transform((s) => s.replace(/\r\n?/g, "\n").trim())
  .pipe(
    z
      .string()
      .max(AUDIT_COMMENT_MAX, `Keep the reason to ${AUDIT_COMMENT_MAX} characters or fewer.`)
      .refine((s) => !CONTROL.test(s), "The reason cannot contain control characters."),
  );

/**
 * An HTTP header carries Latin-1 bytes, so a reason in any other script is sent percent-encoded
 * UTF-8 (encodeURIComponent); raw UTF-8 bytes (what curl sends for a typed é) are read as UTF-8
 * too. A literal "%" is sent as %25.
 */
function decodeHeader(value: string, ctx: z.RefinementCtx): string {
  try {
    const bytes = Uint8Array.from(value, (c) => c.charCodeAt(0) & 0xff);
    const text = /[^\x00-\x7f]/.test(value)
      ? new TextDecoder("utf-8", { fatal: true }).decode(bytes)
      : value;
    return text.includes("%") ? decodeURIComponent(text) : text;
  } catch {
    ctx.addIssue({
      code: "custom",
      message: `Send ${AUDIT_COMMENT_HEADER} as percent-encoded UTF-8 (a literal % as %25).`,
    });
    return z.NEVER;
  }
}

const SCHEMAS = {
  plain: commentText,
  header: z.string().transform(decodeHeader).pipe(commentText),
};

/** What a door received: the comment as sent, and where (for the error's key and wording). */
export type AuditCommentInput = {
  value: string | null;
  encoding: keyof typeof SCHEMAS;
  /** The form field or header name the error is reported under. */
  field: string;
};

const REQUIRED_MESSAGE: Record<AuditCommentInput["encoding"], string> = {
  plain: "Give a reason for this change.",
  header: `Send the reason for this change in the ${AUDIT_COMMENT_HEADER} header.`,
};

/** Staff work in the Control Panel; users of an account in the Portal. */
const commentAudienceOf = (user: { accountId: number | null }) =>
  user.accountId === null ? "controlPanel" : "portal";

/** Under `mode`: the comment to store (null: none) or the error to show under its field. */
export function checkAuditComment(
  mode: AuditCommentMode,
  input: AuditCommentInput | undefined,
): { comment: string | null } | { error: string } {
  // Off: whatever was sent is not read at all, so it can neither be stored nor refused.
  if (mode === "off") return { comment: null };
  const raw = input?.value ?? "";
  const parsed = SCHEMAS[input?.encoding ?? "plain"].safeParse(raw);
  if (!parsed.success) return { error: parsed.error.issues[0]!.message };
  if (parsed.data === "") {
    return mode === "required"
      ? { error: REQUIRED_MESSAGE[input?.encoding ?? "plain"] }
      : { comment: null };
  }
  return { comment: parsed.data };
}

/** The setting's mode for the audience `user` works in. */
export async function auditCommentModeFor(
  db: DbOrTx,
  user: { accountId: number | null },
): Promise<AuditCommentMode> {
  return (await readSetting(db, "audit_comment"))[commentAudienceOf(user)];
}
