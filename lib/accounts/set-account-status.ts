import { eq } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { accounts } from "@/db/schema";
import type { ActorContext } from "@/lib/audit/actor";
import { auditedMutation } from "@/lib/audit/core";
import { AppError } from "@/lib/errors";
import { setAccountStatusSchema, type SetAccountStatusInput } from "./schemas";
import { operation } from "@/lib/actions/operation";

type Row = { type?: unknown; name?: unknown; status?: unknown } | null;

/** "Suspended customer Acme Telecom (1042) (was active)". */
export const accountStatusMessage = (
  status: "active" | "suspended",
  id: number,
  before: Row,
  after: Row,
) =>
  `${status === "suspended" ? "Suspended" : "Reactivated"} ${String(after?.type ?? "account")} ${String(after?.name)} (${id}) (was ${String(before?.status)})`;

/** Suspends (status "suspended") or reactivates (status "active") an account. */
async function setAccountStatus(db: DbOrTx, actor: ActorContext, input: SetAccountStatusInput) {
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
    message: (before, row) => accountStatusMessage(input.status, input.id, before, row),
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
