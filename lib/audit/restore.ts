import { eq, getTableColumns } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { auditLog } from "@/db/schema";
import { duplicateNameError } from "@/lib/accounts/errors";
import { AppError } from "@/lib/errors";
import type { ActorContext } from "./actor";
import { auditedMutation, RecordNotFoundError } from "./core";
import { REDACTED, REDACTED_CHANGED } from "./redact";
import { AUDITED_TABLES } from "./tables";
import { rowToJson } from "./to-json";
import { z } from "zod";
import { idField } from "@/lib/accounts/schemas";
import { operation } from "@/lib/actions/operation";

/**
 * "Restore" on a History tab: puts a record back to the `before` of one of its UPDATE entries,
 * as a new audited UPDATE (the restore itself can be undone the same way).
 */

const RESTORABLE = {
  // Fixed at creation (type, currency) or owned by billing (balance): never rolled back by hand.
  accounts: ["type", "currency", "balance"],
  // Moving a route to another account is not an edit the forms offer.
  ingress_routes: ["accountId"],
} as const;
type RestorableTable = keyof typeof RESTORABLE;

/** Bookkeeping columns the database maintains; restoring them would be meaningless. */
const NEVER_RESTORED = new Set(["id", "version", "createdAt", "updatedAt"]);

const isRestorable = (table: string): table is RestorableTable => table in RESTORABLE;

export async function restoreFromEntry(db: DbOrTx, actor: ActorContext, entryId: number) {
  const [entry] = await db
    .select({
      id: auditLog.id,
      action: auditLog.action,
      tableName: auditLog.tableName,
      recordPk: auditLog.recordPk,
      before: auditLog.before,
    })
    .from(auditLog)
    .where(eq(auditLog.id, entryId));
  if (!entry) throw new AppError(`Audit entry #${entryId} does not exist.`, "not_found");
  if (entry.action !== "UPDATE" && entry.action !== "PUT") {
    throw new AppError("Only changes (UPDATE entries) can be restored.", "invalid");
  }
  if (!isRestorable(entry.tableName)) {
    throw new AppError(`Records of ${entry.tableName} cannot be restored here.`, "invalid");
  }
  const before = entry.before;
  const id = Number(entry.recordPk);
  if (!before || !Number.isSafeInteger(id)) {
    throw new AppError(`Audit entry #${entryId} holds no earlier state to restore.`, "invalid");
  }

  const table = entry.tableName;
  const def = AUDITED_TABLES[table];
  const columns = getTableColumns(def.table);
  const skipped = new Set<string>([...RESTORABLE[table], ...def.secretFields]);
  const values: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(before)) {
    if (NEVER_RESTORED.has(field) || skipped.has(field)) continue;
    // A redacted marker is not the old value; writing it would replace a secret with junk.
    if (value === REDACTED || value === REDACTED_CHANGED) continue;
    if (!(field in columns)) {
      throw new AppError(
        `Entry #${entryId} cannot be restored: its field "${field}" no longer exists.`,
        "invalid",
      );
    }
    values[field] = value;
  }

  try {
    const { after, auditId } = await auditedMutation(db, actor, {
      table,
      action: "UPDATE",
      id,
      change: async (tx, current) => {
        const now = rowToJson(current as Record<string, unknown>);
        const differs = Object.entries(values).some(
          ([k, v]) => JSON.stringify(now[k] ?? null) !== JSON.stringify(v ?? null),
        );
        if (!differs) {
          throw new AppError(
            `Nothing to restore: the record already matches its state before entry #${entryId}.`,
            "conflict",
          );
        }
        await tx.update(def.table).set(values).where(eq(def.pk, id));
      },
      message: (_b, row) =>
        `Restored ${def.noun(row ?? {})} ${def.name(row ?? {})} to its state before entry #${entryId}`,
    });
    // The change never returns NO_CHANGE (an identical state is an error above): there is an entry.
    return { after: after!, auditId: auditId! };
  } catch (err) {
    if (err instanceof RecordNotFoundError) {
      throw new AppError(
        `The record of entry #${entryId} was deleted; it cannot be restored from this entry.`,
        "not_found",
      );
    }
    // Another account may have taken the old name since.
    throw (table === "accounts" && duplicateNameError(err, String(values.name))) || err;
  }
}

/** "Restore this version" on an account's or an ingress route's History tab. */
export const restoreEntryOperation = operation({
  schema: z.object({ entryId: idField() }),
  permission: "accounts:manage",
  audience: "staff",
  run: async (input, { db, actor }) => {
    const { auditId } = await restoreFromEntry(db, actor, input.entryId);
    return { data: { auditId }, message: `Restored the state before entry #${input.entryId}.` };
  },
  revalidate: () => [{ layout: "/accounts" }],
});
