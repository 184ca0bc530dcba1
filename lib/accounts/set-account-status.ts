import { eq } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { accounts } from "@/db/schema";
import type { ActorContext } from "@/lib/audit/actor";
import { auditedMutation } from "@/lib/audit/core";
import { AppError } from "@/lib/errors";
import { setAccountStatusSchema, type SetAccountStatusInput } from "./schemas";
import { operation } from "@/lib/actions/operation";

/** Suspends (status "suspended") or reactivates (status "active") an account. */
export async function setAccountStatus(
  db: DbOrTx,
  actor: ActorContext,
  input: SetAccountStatusInput,
) {
  const { after } = await auditedMutation(db, actor, {
    table: "accounts",
    action: "UPDATE",
    id: input.id,
    change: async (tx, before) => {
      if (before?.status === input.status) {
        throw new AppError(`The account is already ${input.status}.`, "conflict");
      }
      await tx.update(accounts).set({ status: input.status }).where(eq(accounts.id, input.id));
    },
    message: (before, row) =>
      `${input.status === "suspended" ? "Suspended" : "Reactivated"} ${String(row?.type ?? "account")} ${String(row?.name)} (${input.id}) (was ${String(before?.status)})`,
  });
  return after!;
}

export const setAccountStatusOperation = operation({
  schema: setAccountStatusSchema,
  permission: "accounts:manage",
  audience: "staff",
  run: async (input, { db, actor }) => {
    const row = await setAccountStatus(db, actor, input);
    const verb = input.status === "suspended" ? "Suspended" : "Reactivated";
    return { data: { id: row.id, version: row.version }, message: `${verb} the account.` };
  },
  revalidate: ({ id }) => [`/accounts/${id}`],
});
