import { asc, eq, inArray, or, sql, type SQL } from "drizzle-orm";
import type { DbOrTx, Tx } from "@/db/client";
import { queryRows } from "@/db/raw";
import {
  accounts,
  apiKeys,
  cdrDaily,
  cdrFieldSettings,
  cdrs,
  columnPermissions,
  columnPreferences,
  emailOutbox,
  ingressRoutes,
  users,
} from "@/db/schema";
import type { ActorContext } from "@/lib/audit/actor";
import { auditedMutation, RecordNotFoundError } from "@/lib/audit/core";
import { describeChange } from "@/lib/audit/messages";
import { AUDITED_TABLES, type AuditedTableName } from "@/lib/audit/tables";

/**
 * Deletes an account with everything that belongs to it, in one transaction: its portal users
 * (with their API keys, column permissions and preferences, emails), its ingress routes, its CDR
 * field settings, its emails, and its CDRs and daily roll-ups. Each audited row removed gets its
 * own DELETE entry, so every one of them keeps a history with its last state; CDRs are not audited
 * rows, and their counts go into the account's own entry. Either all of it is gone or none.
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

async function deleteCounting(tx: Tx, statement: SQL): Promise<number> {
  const [row] = await queryRows<{ n: number }>(
    tx,
    sql`with gone as (${statement} returning 1) select count(*)::int as n from gone`,
  );
  return row?.n ?? 0;
}

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

    // Calls the account made (customer) or carried (carrier), and their daily roll-ups.
    // Counted in the database: an account can have millions of CDRs.
    const calls = await deleteCounting(
      tx,
      sql`delete from ${cdrs} where ${cdrs.customerId} = ${id} or ${cdrs.carrierId} = ${id}`,
    );
    const days = await deleteCounting(
      tx,
      sql`delete from ${cdrDaily} where ${cdrDaily.customerId} = ${id} or ${cdrDaily.carrierId} = ${id}`,
    );

    const removed = [
      routes.length > 0 ? plural(routes.length, "ingress route", "ingress routes") : null,
      portalUsers.length > 0 ? plural(portalUsers.length, "portal user", "portal users") : null,
      calls > 0 ? plural(calls, "CDR", "CDRs") : null,
      days > 0 ? plural(days, "daily CDR summary", "daily CDR summaries") : null,
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
