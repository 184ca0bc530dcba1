import { eq } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { accounts, ingressRoutes } from "@/db/schema";
import { operation } from "@/lib/actions/operation";
import type { ActorContext } from "@/lib/audit/actor";
import { auditedMutation } from "@/lib/audit/core";
import { AppError } from "@/lib/errors";
import { createIngressSchema, type CreateIngressInput } from "./schemas";

/**
 * Adds an ingress route to a customer account. The audit core links each entry to the account and the
 * Ingress ID from the row (lib/audit/tables.ts), so `ingress:<id>` finds them in the audit log.
 */
export async function createIngressRoute(
  db: DbOrTx,
  actor: ActorContext,
  input: CreateIngressInput,
) {
  const { after } = await auditedMutation(db, actor, {
    table: "ingress_routes",
    action: "CREATE",
    change: async (tx) => {
      // Locked so the account cannot be deleted or retyped between this check and the insert.
      const [owner] = await tx
        .select({ type: accounts.type })
        .from(accounts)
        .where(eq(accounts.id, input.accountId))
        .for("update");
      if (!owner) throw new AppError("That account no longer exists.", "not_found");
      if (owner.type !== "customer") {
        throw new AppError("Ingress routes belong to customer accounts, not carriers.", "invalid");
      }
      const [row] = await tx
        .insert(ingressRoutes)
        .values(input)
        .returning({ id: ingressRoutes.id });
      if (!row) throw new Error("ingress route insert returned no row");
      return row.id;
    },
  });
  return after!;
}

export const createIngressOperation = operation({
  schema: createIngressSchema,
  permission: "accounts:manage",
  audience: "staff",
  run: async (input, { db, actor }) => {
    const row = await createIngressRoute(db, actor, input);
    return {
      data: { id: row.id, accountId: row.accountId, version: row.version },
      message: `Added ingress route ${row.name} (Ingress ID ${row.id}).`,
    };
  },
  revalidate: ({ accountId }) => [`/accounts/${accountId}`],
});
