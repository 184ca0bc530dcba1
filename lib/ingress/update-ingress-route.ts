import { eq } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { ingressRoutes } from "@/db/schema";
import { operation } from "@/lib/actions/operation";
import type { ActorContext } from "@/lib/audit/actor";
import { auditedMutation } from "@/lib/audit/core";
import { asStaleEdit } from "@/lib/audit/stale-edit";
import { ingressFormValues, type IngressRow } from "./form-values";
import { updateIngressSchema, type UpdateIngressInput } from "./schemas";

/** Shown when the route changed since the form was opened (optimistic locking). */
export const STALE_INGRESS_MESSAGE =
  "This ingress route was changed by someone else since you opened it. The form now shows the latest values: check them and save again.";

/** Saves an ingress route's form; refused (StaleEditError) if it changed since it was opened. */
export async function updateIngressRoute(
  db: DbOrTx,
  actor: ActorContext,
  input: UpdateIngressInput,
) {
  const { id, version, ...fields } = input;
  try {
    const { after } = await auditedMutation(db, actor, {
      table: "ingress_routes",
      action: "UPDATE",
      id,
      expectedVersion: version,
      change: async (tx) => {
        await tx.update(ingressRoutes).set(fields).where(eq(ingressRoutes.id, id));
      },
    });
    return after!;
  } catch (err) {
    throw asStaleEdit(err, STALE_INGRESS_MESSAGE);
  }
}

export const updateIngressOperation = operation({
  schema: updateIngressSchema,
  permission: "accounts:manage",
  audience: "staff",
  run: async (input, { db, actor }) => {
    const row = await updateIngressRoute(db, actor, input);
    return {
      data: { id: row.id, accountId: row.accountId, version: row.version },
      message: "Saved the ingress route.",
    };
  },
  // The route's own page sits under the account's layout.
  revalidate: ({ accountId }) => [{ layout: `/accounts/${accountId}` }],
  latestValues: (latest) => ingressFormValues(latest as IngressRow),
});
