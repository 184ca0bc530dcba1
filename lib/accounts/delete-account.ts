import { asc, eq, inArray, or } from "drizzle-orm";
import type { DbOrTx, Tx } from "@/db/client";
import {
  accounts,
  apiKeys,
  cdrFieldSettings,
  columnPermissions,
  columnPreferences,
  emailOutbox,
  ingressRoutes,
  users,
  watches,
} from "@/db/schema";
import type { ActorContext } from "@/lib/audit/actor";
import { auditedMutation, RecordNotFoundError } from "@/lib/audit/core";
import { describeChange } from "@/lib/audit/messages";
import { AUDITED_TABLES, type AuditedTableName } from "@/lib/audit/tables";
import { operation } from "@/lib/actions/operation";
import { deleteAccountSchema } from "./schemas";

/**
 * Deletes an account with everything that belongs to it, in one transaction: its portal users
 * (with their API keys, watches, column permissions and preferences, emails), its ingress routes, its CDR
 * field settings and its emails. Each audited row removed gets its own DELETE entry, so every one
 * of them keeps a history with its last state. Either all of it is gone or none.
 *
 * CDRs and their daily roll-ups stay: they are billing records kept for their retention period
 * (DOMAIN.md), a carrier's calls are also its customers' calls, and they refer to the account
 * by id only (no foreign key), so the deleted account's traffic can still be reported on.
 */

type AccountRow = typeof accounts.$inferSelect;
const plural = (n: number, one: string, many: string) =>
  `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;

/** One audited row removed on the account's behalf, with the reason in its message. */
async function deleteAudited(
  tx: Tx,
  actor: ActorContext,
  table: AuditedTableName,
  id: number,
  account: AccountRow,
  remove: (t: Tx) => Promise<unknown>,
) {
  const def = AUDITED_TABLES[table];
  await auditedMutation(tx, actor, {
    table,
    action: "DELETE",
    id,
    change: async (t) => {
      await remove(t);
    },
    message: (before) =>
      `${describeChange(def, "DELETE", null, before)} with ${account.type} ${account.name} (${account.id})`,
  });
}

const idsOf = (rows: { id: number }[]) => rows.map((r) => r.id);

export async function deleteAccount(db: DbOrTx, actor: ActorContext, id: number) {
  return db.transaction(async (tx) => {
    // Locked first: a route or user added meanwhile would need this row (its foreign key), so it
    // waits, then fails on the deleted account instead of being left behind.
    const [account] = await tx.select().from(accounts).where(eq(accounts.id, id)).for("update");
    if (!account) throw new RecordNotFoundError("accounts", id);
    const del = (table: AuditedTableName, rowId: number, remove: (t: Tx) => Promise<unknown>) =>
      deleteAudited(tx, actor, table, rowId, account, remove);

    const portalUsers = idsOf(
      await tx
        .select({ id: users.id })
        .from(users)
        .where(eq(users.accountId, id))
        .orderBy(asc(users.id)),
    );
    if (portalUsers.length > 0) {
      const keys = await tx
        .select({ id: apiKeys.id })
        .from(apiKeys)
        .where(inArray(apiKeys.ownerUserId, portalUsers));
      for (const key of idsOf(keys)) {
        await del("api_keys", key, (t) => t.delete(apiKeys).where(eq(apiKeys.id, key)));
      }
      const accountWatches = await tx
        .select({ id: watches.id })
        .from(watches)
        .where(inArray(watches.ownerUserId, portalUsers));
      for (const watch of idsOf(accountWatches)) {
        await del("watches", watch, (t) => t.delete(watches).where(eq(watches.id, watch)));
      }
      const overrides = await tx
        .select({ id: columnPermissions.id })
        .from(columnPermissions)
        .where(inArray(columnPermissions.userId, portalUsers));
      for (const row of idsOf(overrides)) {
        await del("column_permissions", row, (t) =>
          t.delete(columnPermissions).where(eq(columnPermissions.id, row)),
        );
      }
      // A user's own hidden-column choices: not audited (a preference, not a permission).
      await tx.delete(columnPreferences).where(inArray(columnPreferences.userId, portalUsers));
    }

    // Emails to the account or to its users, before the users they name.
    const mails = await tx
      .select({ id: emailOutbox.id })
      .from(emailOutbox)
      .where(
        portalUsers.length > 0
          ? or(eq(emailOutbox.accountId, id), inArray(emailOutbox.userId, portalUsers))
          : eq(emailOutbox.accountId, id),
      );
    for (const mail of idsOf(mails)) {
      await del("email_outbox", mail, (t) => t.delete(emailOutbox).where(eq(emailOutbox.id, mail)));
    }
    for (const user of portalUsers) {
      await del("users", user, (t) => t.delete(users).where(eq(users.id, user)));
    }
    const routes = idsOf(
      await tx
        .select({ id: ingressRoutes.id })
        .from(ingressRoutes)
        .where(eq(ingressRoutes.accountId, id)),
    );
    for (const route of routes) {
      await del("ingress_routes", route, (t) =>
        t.delete(ingressRoutes).where(eq(ingressRoutes.id, route)),
      );
    }
    const settings = idsOf(
      await tx
        .select({ id: cdrFieldSettings.id })
        .from(cdrFieldSettings)
        .where(eq(cdrFieldSettings.accountId, id)),
    );
    for (const row of settings) {
      await del("cdr_field_settings", row, (t) =>
        t.delete(cdrFieldSettings).where(eq(cdrFieldSettings.id, row)),
      );
    }

    const removed = [
      routes.length > 0 ? plural(routes.length, "ingress route", "ingress routes") : null,
      portalUsers.length > 0 ? plural(portalUsers.length, "portal user", "portal users") : null,
    ].filter((s): s is string => s !== null);
    const { before } = await auditedMutation(tx, actor, {
      table: "accounts",
      action: "DELETE",
      id,
      change: async (t) => {
        await t.delete(accounts).where(eq(accounts.id, id));
      },
      message: (b) =>
        `Deleted ${b!.type} ${b!.name} (${b!.id})` +
        (removed.length > 0 ? ` with ${removed.join(", ")}` : ""),
    });
    return before!;
  });
}

export const deleteAccountOperation = operation({
  schema: deleteAccountSchema,
  permission: "accounts:manage",
  audience: "staff",
  run: async (input, { db, actor }) => {
    const row = await deleteAccount(db, actor, input.id);
    return { data: { id: row.id }, message: `Deleted ${row.name} (${row.id}).` };
  },
  revalidate: () => ["/accounts"],
  redirect: () => "/accounts",
});
