"use server";

import { z } from "zod";
import { defineAction } from "@/lib/actions/define-action";
import { AUDIT_COLUMN_KEYS } from "@/lib/visibility/audit-columns";
import { saveHiddenColumns } from "@/lib/visibility/save-preference";

const schema = z.object({
  "visible[]": z
    .union([z.string(), z.array(z.string())])
    .transform((v) => (Array.isArray(v) ? v : [v]))
    .pipe(
      z
        .array(z.enum(AUDIT_COLUMN_KEYS as [string, ...string[]]))
        .min(1, "Keep at least one column."),
    ),
});

export const saveAuditColumnsAction = defineAction(
  { schema, permission: "audit:read", audience: "any" },
  async (input, { db, user }) => {
    const hidden = AUDIT_COLUMN_KEYS.filter((k) => !input["visible[]"].includes(k));
    await saveHiddenColumns(db, user.id, "audit", hidden);
    return { data: hidden, message: "Columns saved." };
  },
);
