import { eq } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { accounts, ingressRoutes } from "@/db/schema";
import { asStaleEdit, STALE_INGRESS_MESSAGE } from "@/lib/accounts/errors";
import type { ActorContext } from "@/lib/audit/actor";
import { auditedMutation } from "@/lib/audit/core";
import { AppError } from "@/lib/errors";
import type { CreateIngressInput, UpdateIngressInput } from "./schemas";

/**
 * Ingress routes of a customer account. The audit core links each entry to the account and the
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

export async function deleteIngressRoute(db: DbOrTx, actor: ActorContext, id: number) {
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

type IngressRow = typeof ingressRoutes.$inferSelect;

/** The edit form's values as strings (also what a stale save re-renders the form with). */
export function ingressFormValues(row: IngressRow): Record<string, string> {
  return {
    id: String(row.id),
    version: String(row.version),
    name: row.name,
    techPrefix: row.techPrefix,
    allowedIps: row.allowedIps.join("\n"),
    channels: String(row.channels),
    cps: String(row.cps),
    maxDurationS: String(row.maxDurationS),
    status: row.status,
    notes: row.notes ?? "",
  };
}
