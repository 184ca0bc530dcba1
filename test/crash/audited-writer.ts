import { eq, sql } from "drizzle-orm";
import { openPglite } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";
import { queryRows } from "@/db/raw";
import { accounts } from "@/db/schema";
import { createAccount } from "@/lib/accounts/create-account";
import { updateAccount } from "@/lib/accounts/update-account";
import { systemActor } from "@/lib/audit/actor";
import { runChild, say, tableCounts } from "./child-io";
import { CRASH_ACCOUNT_NAME, writeRequestId, type WriterReady } from "./protocol";

/**
 * Crash-test child: `node --import tsx test/crash/audited-writer.ts <folder>`.
 * Opens and migrates the PGlite folder, creates (or finds) one account, prints
 * `ready <json>` with the state it starts from, then sets the account's credit limit to
 * next, next+1, … through the real domain function (updateAccount → auditedMutation), printing
 * `ack <n>` once write n has committed, as fast as it can, until it is killed.
 */

async function main() {
  const dir = process.argv[2];
  if (!dir) throw new Error("usage: audited-writer.ts <pglite folder>");
  const database = await openPglite(dir);
  await migrateDatabase(database);
  const { db } = database;

  let [row] = await db.select().from(accounts).where(eq(accounts.name, CRASH_ACCOUNT_NAME));
  row ??= await createAccount(db, systemActor("crash-test"), {
    type: "customer",
    name: CRASH_ACCOUNT_NAME,
    currency: "USD",
    creditLimit: "0.00",
    channels: 0,
    cps: 0,
    billingEmail: null,
    country: null,
    notesPublic: null,
    notesPrivate: null,
  });

  const [max] = await queryRows<{ id: number | null }>(
    db,
    sql`select max(id)::int as id from audit_log`,
  );
  // Whole numbers only are ever written, so the limit found is the last committed write.
  let n = Math.round(Number(row.creditLimit)) + 1;
  const ready: WriterReady = {
    accountId: row.id,
    next: n,
    counts: await tableCounts(db),
    maxAuditId: max?.id ?? 0,
  };
  say(`ready ${JSON.stringify(ready)}`);

  for (;;) {
    row = await updateAccount(db, systemActor("crash-test", { requestId: writeRequestId(n) }), {
      id: row.id,
      version: row.version,
      currency: row.currency,
      name: row.name,
      creditLimit: n.toFixed(2),
      channels: row.channels,
      cps: row.cps,
      billingEmail: row.billingEmail,
      country: row.country,
      notesPublic: row.notesPublic,
      notesPrivate: row.notesPrivate,
    });
    // updateAccount returned: the transaction holding the change and its entry has committed.
    say(`ack ${n}`);
    n++;
  }
}

runChild(main);
