import { eq } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { accounts } from "@/db/schema";
import type { ActorContext } from "@/lib/audit/actor";
import { auditedMutation } from "@/lib/audit/core";
import { AppError } from "@/lib/errors";
import { duplicateNameError, STALE_ACCOUNT_MESSAGE } from "./errors";
import { updateAccountSchema, type UpdateAccountInput } from "./schemas";
import { operation } from "@/lib/actions/operation";
import { asStaleEdit } from "@/lib/audit/stale-edit";
import { accountFormValues, type AccountRow } from "./queries";

/**
 * Saves the Details form. Refused (StaleEditError) when the account changed since the form was
 * rendered; the currency is fixed at creation because balances and rates are in it.
 */
export async function updateAccount(db: DbOrTx, actor: ActorContext, input: UpdateAccountInput) {
  const { id, version, currency, ...fields } = input;
  try {
    const { after } = await auditedMutation(db, actor, {
      table: "accounts",
      action: "UPDATE",
      id,
      expectedVersion: version,
      change: async (tx, before) => {
        if (currency !== undefined && before && currency !== before.currency) {
          throw new AppError("Check the highlighted fields.", "invalid", {
            currency: ["The currency cannot change after the account is created."],
          });
        }
        await tx.update(accounts).set(fields).where(eq(accounts.id, id));
      },
    });
    return after!;
  } catch (err) {
    throw duplicateNameError(err, fields.name) ?? asStaleEdit(err, STALE_ACCOUNT_MESSAGE);
  }
}

/** Saves the Details form; a stale save answers with the account as it is now. */
export const updateAccountOperation = operation({
  schema: updateAccountSchema,
  permission: "accounts:manage",
  audience: "staff",
  run: async (input, { db, actor }) => {
    const row = await updateAccount(db, actor, input);
    return { data: { id: row.id, version: row.version }, message: "Saved the account." };
  },
  revalidate: ({ id }) => [`/accounts/${id}`],
  latestValues: (latest) => accountFormValues(latest as AccountRow),
});
