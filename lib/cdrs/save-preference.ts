import { z } from "zod";
import { operation } from "@/lib/actions/operation";
import { AppError } from "@/lib/errors";
import { saveHiddenColumns } from "@/lib/visibility/save-preference";
import { keyList } from "./settings-input";
import type { ColumnSurface } from "./settings-messages";
import { cdrViewerPolicy } from "./viewer-policy";

/**
 * The column choosers of the CDR pages and the breakout report, in both apps: a user hides
 * fields or columns for themselves. The preference only narrows what their policy allows (a key
 * it does not allow is ignored, never revealed), so, like the audit page's, it is not audited.
 */
function preferenceOperation(surface: ColumnSurface) {
  return operation({
    schema: z.object({ "visible[]": keyList }),
    permission: "cdr:read",
    audience: "any",
    portalFeature: surface === "cdr" ? "cdrs" : "breakout",
    run: async (input, { db, user }) => {
      const policy = await cdrViewerPolicy(db, user);
      if (!policy) throw new AppError("Your role does not allow this action.", "forbidden");
      const allowed: readonly string[] =
        surface === "cdr" ? policy.fields.allowed : policy.breakout.allowed;
      const visible = input["visible[]"].filter((k) => allowed.includes(k));
      if (visible.length === 0) {
        const message =
          surface === "cdr" ? "Keep at least one field." : "Keep at least one column.";
        throw new AppError(message, "invalid", { "visible[]": [message] });
      }
      const hidden = allowed.filter((k) => !visible.includes(k));
      await saveHiddenColumns(db, user.id, surface, hidden);
      return { data: hidden, message: surface === "cdr" ? "Fields saved." : "Columns saved." };
    },
  });
}

/** The CDR pages' field chooser: `visible[]`, the fields to keep. */
export const saveCdrFieldsPreferenceOperation = preferenceOperation("cdr");

/** The breakout report's column chooser: `visible[]`, the columns to keep. */
export const saveBreakoutColumnsPreferenceOperation = preferenceOperation("breakout");
