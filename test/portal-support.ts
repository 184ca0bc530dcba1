import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { auditLog, emailOutbox, users } from "@/db/schema";
import { systemActor } from "@/lib/audit/actor";
import { auditedMutation } from "@/lib/audit/core";
import { insertTestUser } from "./factories";

/** For the portal-*.test.ts files: users as the session has them, actions run as a request would. */

export { asCurrent, REQUEST, runAs } from "./run-action";

/** A portal user of `account`, active, optionally its portal administrator. */
export async function insertTestPortalUser(
  db: Db,
  account: { id: number; type: "customer" | "carrier" },
  options: { admin?: boolean; password?: string; status?: "active" | "disabled" } = {},
) {
  const row = await insertTestUser(db, {
    role: account.type,
    accountId: account.id,
    password: options.password,
    status: options.status,
  });
  if (!options.admin) return row;
  const { after } = await auditedMutation(db, systemActor("test"), {
    table: "users",
    action: "UPDATE",
    id: row.id,
    change: async (tx) => {
      await tx.update(users).set({ portalAdmin: true }).where(eq(users.id, row.id));
    },
  });
  return after!;
}

export async function findUserRow(db: Db, id: number) {
  const [row] = await db.select().from(users).where(eq(users.id, id));
  return row!;
}

/** Row counts a refused action must leave as they were. */
export const counts = async (db: Db) => ({
  users: await db.$count(users),
  outbox: await db.$count(emailOutbox),
  audit: await db.$count(auditLog),
});
