import type { DbOrTx } from "@/db/client";
import { accounts } from "@/db/schema";
import type { ActorContext } from "@/lib/audit/actor";
import { auditedMutation } from "@/lib/audit/core";
import { duplicateNameError } from "./errors";
import { createAccountSchema, type CreateAccountInput } from "./schemas";
import { operation } from "@/lib/actions/operation";

/** Creates a customer or carrier account; the CREATE entry carries the new row. */
export async function createAccount(db: DbOrTx, actor: ActorContext, input: CreateAccountInput) {
  try {
    const { after } = await auditedMutation(db, actor, {
      table: "accounts",
      action: "CREATE",
      change: async (tx) => {
        const [row] = await tx.insert(accounts).values(input).returning({ id: accounts.id });
        if (!row) throw new Error("account insert returned no row");
        return row.id;
      },
    });
    return after!;
  } catch (err) {
    throw duplicateNameError(err, input.name) ?? err;
  }
}

export const createAccountOperation = operation({
  schema: createAccountSchema,
  permission: "accounts:manage",
  audience: "staff",
  run: async (input, { db, actor }) => {
    const row = await createAccount(db, actor, input);
    return { data: { id: row.id }, message: `Created ${row.type} ${row.name} (${row.id}).` };
  },
  revalidate: () => ["/accounts"],
  redirect: ({ id }) => `/accounts/${id}`,
});
