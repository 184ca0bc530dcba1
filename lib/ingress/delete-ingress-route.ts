import { eq } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { ingressRoutes } from "@/db/schema";
import { operation } from "@/lib/actions/operation";
import type { ActorContext } from "@/lib/audit/actor";
import { auditedMutation } from "@/lib/audit/core";
import { deleteIngressSchema } from "./schemas";

async function deleteIngressRoute(db: DbOrTx, actor: ActorContext, id: number) {
  const { before } = await auditedMutation(db, actor, {
    table: "ingress_routes",
    action: "DELETE",
    id,
    change: async (tx) => {
      await tx.delete(ingressRoutes).where(eq(ingressRoutes.id, id));
    },
  });
  return before!;
}

export const deleteIngressOperation = operation({
  schema: deleteIngressSchema,
  permission: "accounts:manage",
  audience: "staff",
  run: async (input, { db, actor }) => {
    const row = await deleteIngressRoute(db, actor, input.id);
    return {
      data: { id: row.id, accountId: row.accountId },
      message: `Deleted ingress route ${row.name} (${row.id}).`,
    };
  },
  revalidate: ({ accountId }) => [`/accounts/${accountId}`],
  redirect: ({ accountId }) => `/accounts/${accountId}?tab=ingress`,
});
