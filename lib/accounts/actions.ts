import type { ActionConfig, ActionHandler } from "@/lib/actions/define-action";
import type { ActionResult } from "@/lib/actions/result";
import { z } from "zod";
import { restoreFromEntry } from "@/lib/audit/restore";
import { createAccount } from "./create-account";
import { deleteAccount } from "./delete-account";
import {
  createAccountSchema,
  deleteAccountSchema,
  idField,
  setAccountStatusSchema,
  updateAccountSchema,
} from "./schemas";
import { setAccountStatus } from "./set-account-status";
import { updateAccount } from "./update-account";

/**
 * Config and handler of each account action, kept out of the "use server" file so tests can run
 * them through runAction (the role check included) without a request.
 */

type Def<S extends z.ZodType, T> = { config: ActionConfig<S>; handler: ActionHandler<S, T> };
const manage = <S extends z.ZodType>(schema: S): ActionConfig<S> => ({
  schema,
  permission: "accounts:manage",
  audience: "staff",
});

export const createAccountDef: Def<typeof createAccountSchema, { id: number }> = {
  config: manage(createAccountSchema),
  handler: async (input, { db, actor }) => {
    const row = await createAccount(db, actor, input);
    return { data: { id: row.id }, message: `Created ${row.type} ${row.name} (${row.id}).` };
  },
};

export type SavedRecord = { id: number; version: number };

export const updateAccountDef: Def<typeof updateAccountSchema, SavedRecord> = {
  config: manage(updateAccountSchema),
  handler: async (input, { db, actor }) => {
    const row = await updateAccount(db, actor, input);
    return { data: { id: row.id, version: row.version }, message: "Saved the account." };
  },
};

export const setAccountStatusDef: Def<typeof setAccountStatusSchema, SavedRecord> = {
  config: manage(setAccountStatusSchema),
  handler: async (input, { db, actor }) => {
    const row = await setAccountStatus(db, actor, input);
    const verb = input.status === "suspended" ? "Suspended" : "Reactivated";
    return { data: { id: row.id, version: row.version }, message: `${verb} the account.` };
  },
};

export const deleteAccountDef: Def<typeof deleteAccountSchema, { id: number }> = {
  config: manage(deleteAccountSchema),
  handler: async (input, { db, actor }) => {
    const row = await deleteAccount(db, actor, input.id);
    return { data: { id: row.id }, message: `Deleted ${row.name} (${row.id}).` };
  },
};

export const restoreEntrySchema = z.object({ entryId: idField() });
export const restoreEntryDef: Def<typeof restoreEntrySchema, { auditId: number }> = {
  config: manage(restoreEntrySchema),
  handler: async (input, { db, actor }) => {
    const { auditId } = await restoreFromEntry(db, actor, input.entryId);
    return { data: { auditId }, message: `Restored the state before entry #${input.entryId}.` };
  },
};

/**
 * A stale save comes back with the record's latest values in place of what the user typed, so
 * the re-rendered form (and its hidden version) starts from what is stored now.
 */
export function withLatestValues<T>(
  result: ActionResult<T>,
  latest: Record<string, string> | null,
): ActionResult<T> {
  if (result.status !== "error" || !latest) return result;
  return { ...result, values: latest };
}
