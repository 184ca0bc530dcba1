import { eq } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/client";
import { cdrFieldSettings } from "@/db/schema";
import { operation } from "@/lib/actions/operation";
import type { ActorContext } from "@/lib/audit/actor";
import { auditedMutation } from "@/lib/audit/core";
import { AppError } from "@/lib/errors";
import { findAccountForFields, findAccountOverride } from "./set-account-fields";
import { accountFieldsRemovedMessage } from "./settings-messages";

/** Removes an account's override: it sees its audience's default fields again. */
async function clearAccountCdrFields(
  db: Db,
  actor: ActorContext,
  accountId: number,
): Promise<void> {
  const account = await findAccountForFields(db, accountId);
  const existing = await findAccountOverride(db, accountId);
  if (!existing) throw new AppError("That account has no override.", "not_found");
  await auditedMutation(db, actor, {
    table: "cdr_field_settings",
    action: "DELETE",
    id: existing.id,
    change: async (tx) => {
      await tx.delete(cdrFieldSettings).where(eq(cdrFieldSettings.id, existing.id));
    },
    message: (before) => accountFieldsRemovedMessage(account, before ?? existing),
    links: { accountId },
  });
}

/** The override's Remove button: `accountId`. */
export const clearAccountFieldsOperation = operation({
  schema: z.object({ accountId: z.coerce.number().int().positive("Choose an account.") }),
  permission: "settings:manage",
  audience: "staff",
  run: async (input, { db, actor }) => {
    await clearAccountCdrFields(db, actor, input.accountId);
    return {
      data: input.accountId,
      message: "Removed the override: the account sees the default.",
    };
  },
  revalidate: () => ["/settings/cdr-fields"],
});
